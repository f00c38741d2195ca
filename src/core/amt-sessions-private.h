/* amt-sessions-private.h
 *
 * The fields of AmtSessions, shared by the files AmtSessions is split over (amt-sessions.c: the
 * object, the files and the profile list; -states.c: states and deadlines; -logins.c: the
 * logins and their reports; -edits.c: devices, profile edits and where keys live). Only those
 * files include it: no other class reaches into the model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-client-pool.h"
#include "amt-file-watch.h"
#include "amt-key-source.h"
#include "amt-sessions.h"

G_BEGIN_DECLS

struct _AmtSessions
{
  GObject        parent_instance;

  AmtClock      *clock;
  GListStore    *profiles;
  GListStore    *candidates;  /* of AmtProfile: long-term keys, no MFA device yet */
  AmtAwsConfig  *aws_config;
  AmtCredStore  *cred_store;
  AmtKeySource  *keyring;      /* made when a profile's keys are first looked up there */
  char          *load_error;

  guint          lead_time;
  guint          session_duration;
  guint          role_duration;

  guint          deadline_id;
  gulong         resumed_id;
  guint          reload_id;

  AmtClientPool *clients;        /* with the ledger of codes sent, on our clock */
  GHashTable    *login_errors;   /* profile name → AmtFailure, as amt-failure-state.c keeps them */
  GHashTable    *known_states;   /* profile name → AmtSessionState + 1 */
  GPtrArray     *active_logins;  /* AmtLogin, not owned: each removes itself */

  gboolean       watching;
  AmtFileWatch  *watch;
  GSettings     *settings;
};

enum {
  AMT_SESSIONS_SIGNAL_CHANGED,
  AMT_SESSIONS_SIGNAL_EXPIRY_NEAR,
  AMT_SESSIONS_SIGNAL_EXPIRED,
  AMT_SESSIONS_SIGNAL_LOGIN_REQUESTED,
  AMT_SESSIONS_N_SIGNALS
};

extern guint amt_sessions_signals[AMT_SESSIONS_N_SIGNALS];

void amt_sessions_schedule_deadline (AmtSessions *self);

G_END_DECLS
