/* amt-sessions.h: the model of managed profiles and their sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-profile.h"

G_BEGIN_DECLS

#define AMT_TYPE_SESSIONS (amt_sessions_get_type ())

G_DECLARE_FINAL_TYPE (AmtSessions, amt_sessions, AMT, SESSIONS, GObject)

AmtSessions     *amt_sessions_new             (void);
GListModel      *amt_sessions_get_profiles    (AmtSessions *self);
void             amt_sessions_add_profile     (AmtSessions *self,
                                               AmtProfile  *profile);
gboolean         amt_sessions_remove_profile  (AmtSessions *self,
                                               const char  *name);
AmtProfile      *amt_sessions_lookup_profile  (AmtSessions *self,
                                               const char  *name);
gboolean         amt_sessions_get_worst_state (AmtSessions     *self,
                                               AmtSessionState *state);

G_END_DECLS
