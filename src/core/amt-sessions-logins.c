/* amt-sessions-logins.c
 *
 * The logins of AmtSessions: one per MFA device, made with the model's services, and the
 * model following their signals (a profile refreshed or failed, a step written).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sessions"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-failure-state.h"
#include "amt-sessions-private.h"

static AmtLogin *start_login (AmtSessions *self,
                              const char  *serial,
                              GPtrArray   *group);

/* Logins */

/**
 * amt_sessions_get_active_login:
 *
 * Returns: (transfer none) (nullable): the login under way for @profile's device
 */
AmtLogin *
amt_sessions_get_active_login (AmtSessions *self,
                               AmtProfile  *profile)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);

  for (guint i = 0; i < self->active_logins->len; i++)
    {
      AmtLogin *login = g_ptr_array_index (self->active_logins, i);
      GPtrArray *items = amt_login_get_items (login);

      for (guint j = 0; j < items->len; j++)
        if (((AmtLoginItem *) g_ptr_array_index (items, j))->profile == profile)
          return login;
    }

  return NULL;
}

/**
 * amt_sessions_create_login:
 * @profile: a managed profile's name (or its target's)
 *
 * Returns: (transfer full): the login of @profile's MFA device, refreshing every profile that
 *   shares it; the one under way if there is one
 */
AmtLogin *
amt_sessions_create_login (AmtSessions  *self,
                           const char   *name,
                           GError      **error)
{
  g_autoptr(GPtrArray) group = NULL;
  AmtProfile *profile;
  AmtLogin *login;
  const char *serial;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  profile = amt_sessions_lookup_profile (self, name);
  if (profile == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no MFA profile called “%s”: “aws-mfa-tray status” lists them."), name);
      return NULL;
    }

  if (amt_profile_get_config (profile)->problem != NULL)
    {
      g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE,
                           amt_profile_get_config (profile)->problem);
      return NULL;
    }

  serial = amt_profile_get_mfa_serial (profile);
  if (serial == NULL)
    {
      g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_MFA_DEVICE,
                   _("No MFA device is set for %s: find it in the Sessions window, or set mfa_serial (or aws_mfa_device in [%s-long-term])."),
                   name, name);
      return NULL;
    }

  login = amt_sessions_get_active_login (self, profile);
  if (login != NULL)
    return g_object_ref (login);

  group = amt_sessions_get_group (self, profile);
  login = start_login (self, serial, group);

  return login;
}

static void
requested_login_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The outcome is on the login (amt_login_get_result()) and on the profiles. */
  if (!amt_login_run_mfa_process_finish (AMT_LOGIN (source), result, &error))
    {
      g_debug ("mfa_process login failed: %s", error->message);
      amt_login_cancel (AMT_LOGIN (source));
    }
}

/**
 * amt_sessions_request_login:
 * @name: a managed profile's name
 *
 * Starts a login that gets its codes by itself: from the profile's mfa_process, or from the
 * user through a handler of AmtSessions::login-requested (the applet's dialog). Wait for
 * AmtLogin::finished.
 *
 * Returns: (transfer full): the login, or %NULL when there is no way to get a code
 */
AmtLogin *
amt_sessions_request_login (AmtSessions  *self,
                            const char   *name,
                            GError      **error)
{
  g_autoptr(AmtLogin) login = NULL;
  gboolean handled = FALSE;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  login = amt_sessions_create_login (self, name, error);
  if (login == NULL)
    return NULL;

  if (amt_login_is_busy (login))
    return g_steal_pointer (&login);

  if (amt_login_get_has_mfa_process (login))
    {
      amt_login_run_mfa_process_async (login, NULL, requested_login_done_cb, NULL);
      return g_steal_pointer (&login);
    }

  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_LOGIN_REQUESTED], 0, login, &handled);
  if (!handled)
    {
      g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                           _("Nothing here can ask for the MFA code: give it with --code-stdin, or set mfa_process."));
      amt_login_cancel (login);
      return NULL;
    }

  return g_steal_pointer (&login);
}

/* The logins' reports */



static void
login_profile_refreshed_cb (AmtLogin    *login,
                            AmtProfile  *profile,
                            GDateTime   *expiration,
                            AmtSessions *self)
{
  g_hash_table_remove (self->login_errors, amt_profile_get_name (profile));
  if (self->cred_store != NULL)
    amt_failure_state_forget (amt_cred_store_get_path (self->cred_store), amt_profile_get_name (profile));

  /* Shown at once; the files say the same once the login's step is written
   * (login_step_written_cb). */
  amt_profile_set_error (profile, NULL);
  amt_profile_set_expiration (profile, expiration);
}

/* The writes of a login's step are done: one re-read for them all, before the login says it
 * has finished, so that the states are those of the files by then. */
static void
login_step_written_cb (AmtLogin    *login,
                       AmtSessions *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  amt_sessions_load (self, NULL);
}

static void
login_profile_failed_cb (AmtLogin    *login,
                         AmtProfile  *profile,
                         const char  *message,
                         AmtSessions *self)
{
  GDateTime *expiration = amt_profile_get_expiration (profile);
  AmtFailure *error = amt_failure_new (message, expiration != NULL ? g_date_time_to_unix (expiration) * G_USEC_PER_SEC : 0);

  /* Kept on disk too: `status` in another process, and the applet started again, tell it. */
  if (self->cred_store != NULL)
    amt_failure_state_record (amt_cred_store_get_path (self->cred_store), amt_profile_get_name (profile), error);
  g_hash_table_replace (self->login_errors, g_strdup (amt_profile_get_name (profile)), error);
  amt_sessions_update_states (self);
}

/* A login is active until it finishes, or until its last reference goes. */
static void
login_gone_cb (gpointer  data,
               GObject  *where_the_login_was)
{
  AmtSessions *self = data;

  g_ptr_array_remove (self->active_logins, where_the_login_was);
}

static void
login_finished_cb (AmtLogin    *login,
                   AmtSessions *self)
{
  if (g_ptr_array_remove (self->active_logins, login))
    g_object_weak_unref (G_OBJECT (login), login_gone_cb, self);
}

static AmtLogin *
start_login (AmtSessions *self,
             const char  *serial,
             GPtrArray   *group)
{
  AmtLoginServices services = {
    .clients = self->clients,
    .store = amt_sessions_get_cred_store (self),
    .files = self->aws_config,
    .keyring = amt_sessions_get_keyring (self),
    .session_duration = self->session_duration,
    .role_duration = self->role_duration,
  };
  AmtLogin *login = amt_login_new (&services, serial, group);

  g_signal_connect_object (login, "profile-refreshed", G_CALLBACK (login_profile_refreshed_cb), self, 0);
  g_signal_connect_object (login, "step-written", G_CALLBACK (login_step_written_cb), self, 0);
  g_signal_connect_object (login, "profile-failed", G_CALLBACK (login_profile_failed_cb), self, 0);
  g_signal_connect_object (login, "finished", G_CALLBACK (login_finished_cb), self, 0);
  g_object_weak_ref (G_OBJECT (login), login_gone_cb, self);
  g_ptr_array_add (self->active_logins, login);

  return login;
}
