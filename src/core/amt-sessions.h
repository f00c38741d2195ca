/* amt-sessions.h: the model of managed profiles and their sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-config.h"
#include "amt-clock.h"
#include "amt-format.h"
#include "amt-key-move.h"
#include "amt-login.h"
#include "amt-profile.h"
#include "amt-profile-editor.h"

G_BEGIN_DECLS

#define AMT_SESSIONS_DEFAULT_LEAD_TIME        (10 * 60)
#define AMT_SESSIONS_DEFAULT_SESSION_DURATION (12 * 3600)
#define AMT_SESSIONS_DEFAULT_ROLE_DURATION    3600

#define AMT_TYPE_SESSIONS (amt_sessions_get_type ())

G_DECLARE_FINAL_TYPE (AmtSessions, amt_sessions, AMT, SESSIONS, GObject)

AmtSessions     *amt_sessions_new                 (void);
AmtSessions     *amt_sessions_new_with_clock      (AmtClock         *clock);

gboolean         amt_sessions_load                (AmtSessions      *self,
                                                   GError          **error);
void             amt_sessions_watch_files         (AmtSessions      *self);
void             amt_sessions_bind_settings       (AmtSessions      *self,
                                                   GSettings        *settings);
const char      *amt_sessions_get_load_error      (AmtSessions      *self);
AmtAwsConfig    *amt_sessions_get_aws_config      (AmtSessions      *self);
AmtClock        *amt_sessions_get_clock           (AmtSessions      *self);

guint            amt_sessions_get_lead_time       (AmtSessions      *self);
void             amt_sessions_set_lead_time       (AmtSessions      *self,
                                                   guint             seconds);
guint            amt_sessions_get_session_duration (AmtSessions     *self);
void             amt_sessions_set_session_duration (AmtSessions     *self,
                                                   guint             seconds);
guint            amt_sessions_get_role_duration   (AmtSessions      *self);
void             amt_sessions_set_role_duration   (AmtSessions      *self,
                                                   guint             seconds);

GListModel      *amt_sessions_get_profiles        (AmtSessions      *self);
GListModel      *amt_sessions_get_candidates      (AmtSessions      *self);
AmtProfile      *amt_sessions_lookup_candidate    (AmtSessions      *self,
                                                   const char       *name);
void             amt_sessions_add_profile         (AmtSessions      *self,
                                                   AmtProfile       *profile);
gboolean         amt_sessions_remove_profile      (AmtSessions      *self,
                                                   const char       *name);
AmtProfile      *amt_sessions_lookup_profile      (AmtSessions      *self,
                                                   const char       *name);
gboolean         amt_sessions_get_worst_state     (AmtSessions      *self,
                                                   AmtSessionState  *state);
GPtrArray       *amt_sessions_get_group           (AmtSessions      *self,
                                                   AmtProfile       *profile);
AmtProfile      *amt_sessions_get_first_to_expire (AmtSessions      *self);
gint64           amt_sessions_get_seconds_left    (AmtSessions      *self,
                                                   AmtProfile       *profile);
char            *amt_sessions_describe_profile    (AmtSessions      *self,
                                                   AmtProfile       *profile);
void             amt_sessions_update_states       (AmtSessions      *self);

AmtLogin        *amt_sessions_create_login        (AmtSessions      *self,
                                                   const char       *profile,
                                                   GError          **error);
AmtLogin        *amt_sessions_request_login       (AmtSessions      *self,
                                                   const char       *profile,
                                                   GError          **error);
AmtLogin        *amt_sessions_get_active_login    (AmtSessions      *self,
                                                   AmtProfile       *profile);

void             amt_sessions_find_mfa_devices_async  (AmtSessions         *self,
                                                       AmtProfile          *profile,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GStrv            amt_sessions_find_mfa_devices_finish (AmtSessions         *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
gboolean         amt_sessions_save_mfa_device     (AmtSessions      *self,
                                                   AmtProfile       *profile,
                                                   const char       *serial,
                                                   GError          **error);
gboolean         amt_sessions_save_new_profile    (AmtSessions      *self,
                                                   const char       *name,
                                                   const char       *access_key_id,
                                                   const char       *secret_access_key,
                                                   const char       *mfa_serial,
                                                   const char       *region,
                                                   GError          **error);
void             amt_sessions_save_new_profile_in_keyring_async  (AmtSessions         *self,
                                                                  const char          *name,
                                                                  const char          *access_key_id,
                                                                  const char          *secret_access_key,
                                                                  const char          *mfa_serial,
                                                                  const char          *region,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
gboolean         amt_sessions_save_new_profile_in_keyring_finish (AmtSessions         *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);
gboolean         amt_sessions_update_profile      (AmtSessions      *self,
                                                   AmtProfile       *profile,
                                                   const char       *access_key_id,
                                                   const char       *secret_access_key,
                                                   const char       *mfa_serial,
                                                   const char       *region,
                                                   GError          **error);
gboolean         amt_sessions_forget_profile      (AmtSessions      *self,
                                                   AmtProfile       *profile,
                                                   GError          **error);
AmtCredStore    *amt_sessions_get_cred_store      (AmtSessions      *self);
AmtKeySource    *amt_sessions_get_keyring         (AmtSessions      *self);
void             amt_sessions_apply_edit_async    (AmtSessions      *self,
                                                   AmtProfileEdit   *edit,
                                                   GCancellable     *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer          user_data);
gboolean         amt_sessions_apply_edit_finish   (AmtSessions      *self,
                                                   GAsyncResult     *result,
                                                   GError          **error);

AmtKeyPlace      amt_sessions_get_key_place       (AmtSessions      *self,
                                                   AmtProfile       *profile);
void             amt_sessions_move_keys_async     (AmtSessions         *self,
                                                   AmtProfile          *profile,
                                                   AmtKeyPlace          to,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         amt_sessions_move_keys_finish    (AmtSessions         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
