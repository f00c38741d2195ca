/* amt-login-private.h
 *
 * The fields of AmtLogin, shared by the files AmtLogin is split over (amt-login.c: the steps
 * and the codes; -write.c: writing the sessions; -report.c: what it says; -process.c:
 * mfa_process). Only those files include it: no other class reaches into a login.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-login.h"

G_BEGIN_DECLS

typedef enum {
  STEP_SESSION_TOKEN,
  STEP_ASSUME_ROLE,
} StepKind;

typedef struct {
  StepKind      kind;
  AmtLoginItem *role;   /* STEP_ASSUME_ROLE: the item it refreshes */
} Step;

struct _AmtLogin
{
  GObject                    parent_instance;

  AmtClientPool             *clients;
  AmtCredStore              *store;
  AmtAwsConfig              *files;       /* nullable */
  AmtKeySource              *keyring;     /* nullable */
  char                      *mfa_serial;
  char                      *mfa_process;
  GPtrArray                 *items;       /* AmtLoginItem */
  GArray                    *steps;       /* Step */
  guint                      step;
  guint                      session_duration;

  AmtLoginItem              *session_item;  /* the profile whose keys GetSessionToken signs with */
  AmtCredentials            *mfa_session;

  GCancellable              *cancellable;   /* cancels whatever runs */

  /* The first code's long-term keys, looked up as the login is made: a keyring asks to be
   * unlocked before the code is asked for, and a dismissed prompt ends the login at once. */
  AmtCredentials            *first_keys;
  gboolean                   first_keys_pending;
  GTask                     *waiting_submit;  /* a submit that came before them */
  char                      *last_error;
  guint                      pending;
  gboolean                   busy;
  gboolean                   finished;
  gboolean                   cancelled;
};


typedef struct {
  GTask        *submit;    /* owned */
  AmtLoginItem *item;
} ItemOp;

enum {
  AMT_LOGIN_SIGNAL_PROFILE_REFRESHED,
  AMT_LOGIN_SIGNAL_PROFILE_FAILED,
  AMT_LOGIN_SIGNAL_STEP_WRITTEN,
  AMT_LOGIN_SIGNAL_FINISHED,
  AMT_LOGIN_N_SIGNALS
};

extern guint amt_login_signals[AMT_LOGIN_N_SIGNALS];

void amt_login_note_step_failure      (AmtLogin             *self,
                                       const GError         *error);
void amt_login_item_failed            (AmtLogin             *self,
                                       AmtLoginItem         *item,
                                       const GError         *error);
void amt_login_item_op_complete       (ItemOp               *op);
void amt_login_write_item             (AmtLogin             *self,
                                       ItemOp               *op,
                                       const AmtCredentials *session);
void amt_login_explain_duration_error (AmtProfile           *profile,
                                       guint                 duration,
                                       gboolean              assume_role,
                                       GError               *error);

G_END_DECLS
