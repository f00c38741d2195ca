/* amt-sessions-edits.c
 *
 * What the Sessions window changes through AmtSessions: MFA device lookup, profiles made,
 * edited and forgotten (amt-profile-editor.c does the writing), and moving long-term keys
 * between the files and the keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sessions"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-device-finder.h"
#include "amt-file-keys.h"
#include "amt-key-move.h"
#include "amt-keyring-keys.h"
#include "amt-profile-editor.h"
#include "amt-sessions-private.h"

/* MFA devices and profiles made in the window */
static AmtCredStore *
get_cred_store (AmtSessions *self)
{
  if (self->cred_store == NULL)
    self->cred_store = amt_cred_store_new_default ();

  return self->cred_store;
}

static AmtKeySource *
get_keyring (AmtSessions *self)
{
  if (self->keyring == NULL)
    self->keyring = AMT_KEY_SOURCE (amt_keyring_keys_new ());

  return self->keyring;
}


static void
found_devices_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GStrv serials = amt_find_mfa_devices_finish (result, &error);

  if (serials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, serials, (GDestroyNotify) g_strfreev);
}

/**
 * amt_sessions_find_mfa_devices_async:
 * @profile: a profile with long-term keys
 *
 * Asks AWS which MFA devices the IAM user of @profile's keys has (amt-device-finder.c), with
 * the files and the clients of this model.
 */
void
amt_sessions_find_mfa_devices_async (AmtSessions         *self,
                                     AmtProfile          *profile,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_find_mfa_devices_async);
  amt_find_mfa_devices_async (self->clients, self->aws_config, get_keyring (self), profile,
                              cancellable, found_devices_cb, g_steal_pointer (&task));
}

/**
 * amt_sessions_find_mfa_devices_finish:
 *
 * Returns: (transfer full): the serial numbers (ARNs) of the devices, at least one
 */
GStrv
amt_sessions_find_mfa_devices_finish (AmtSessions   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Profiles made and changed in the window (amt-profile-editor.c) */

/* The files changed: the profiles follow at once. */
static gboolean
apply_edit (AmtSessions     *self,
            AmtProfileEdit  *edit,
            GError         **error)
{
  if (edit == NULL || !amt_profile_edit_apply (edit, error))
    return FALSE;

  amt_sessions_load (self, NULL);
  return TRUE;
}

/**
 * amt_sessions_save_mfa_device:
 * @serial: the device's serial number (ARN), as found by amt_sessions_find_mfa_devices_async()
 *
 * Writes the device where AWS tools and aws-mfa read it, here and now (the command line; the
 * window applies an amt_profile_edit_save_mfa_device() with amt_sessions_apply_edit_async()).
 */
gboolean
amt_sessions_save_mfa_device (AmtSessions  *self,
                              AmtProfile   *profile,
                              const char   *serial,
                              GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_save_mfa_device (self->aws_config, get_cred_store (self), profile, serial);
  return apply_edit (self, edit, error);
}

/* Here and now: see amt_profile_edit_save_new(). */
gboolean
amt_sessions_save_new_profile (AmtSessions  *self,
                               const char   *name,
                               const char   *access_key_id,
                               const char   *secret_access_key,
                               const char   *mfa_serial,
                               const char   *region,
                               GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_save_new (self->aws_config, get_cred_store (self), name, access_key_id,
                                    secret_access_key, mfa_serial, region, error);
  return apply_edit (self, edit, error);
}

typedef struct {
  char *name;
  char *mfa_serial;
  char *region;
} NewProfileData;

static void
new_profile_data_free (NewProfileData *data)
{
  g_free (data->name);
  g_free (data->mfa_serial);
  g_free (data->region);
  g_free (data);
}

/* Ends @task of a change that may have written part of its files even when it failed: the
 * profiles follow the files before the caller hears the outcome (@error when not @done). */
static void
return_after_reload (GTask    *task,
                     gboolean  done,
                     GError   *error)
{
  AmtSessions *self = g_task_get_source_object (task);

  amt_sessions_load (self, NULL);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
keyring_marks_written_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean saved = amt_profile_edit_apply_finish (result, &error);

  return_after_reload (task, saved, error);
}

static void
new_keys_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  NewProfileData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!amt_key_source_store_finish (AMT_KEY_SOURCE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  amt_profile_edit_apply_async (amt_profile_edit_mark_keys_in_keyring (self->aws_config,
                                                                       get_cred_store (self),
                                                                       data->name,
                                                                       data->mfa_serial,
                                                                       data->region),
                                NULL, keyring_marks_written_cb, g_steal_pointer (&task));
}

/**
 * amt_sessions_save_new_profile_in_keyring_async:
 *
 * As amt_sessions_save_new_profile(), with the long-term keys in the keyring instead of the
 * file: stored there first, then the files are marked on a worker
 * (amt_profile_edit_mark_keys_in_keyring()). No key reaches the disk.
 */
void
amt_sessions_save_new_profile_in_keyring_async (AmtSessions         *self,
                                                const char          *name,
                                                const char          *access_key_id,
                                                const char          *secret_access_key,
                                                const char          *mfa_serial,
                                                const char          *region,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AmtCredentials) keys = NULL;
  g_autofree char *long_term = NULL;
  NewProfileData *data;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_save_new_profile_in_keyring_async);

  if (!amt_profile_edit_check_new (self->aws_config, name, access_key_id, secret_access_key, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (NewProfileData, 1);
  data->name = g_strdup (name);
  data->mfa_serial = g_strdup (mfa_serial);
  data->region = g_strdup (region);
  g_task_set_task_data (task, data, (GDestroyNotify) new_profile_data_free);

  long_term = amt_aws_config_dup_long_term_name (name);
  keys = amt_credentials_new (access_key_id, secret_access_key, NULL, NULL);
  amt_key_source_store_async (get_keyring (self), long_term, keys, cancellable,
                              new_keys_stored_cb, g_steal_pointer (&task));
}

gboolean
amt_sessions_save_new_profile_in_keyring_finish (AmtSessions   *self,
                                                 GAsyncResult  *result,
                                                 GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Here and now: see amt_profile_edit_update(). */
gboolean
amt_sessions_update_profile (AmtSessions  *self,
                             AmtProfile   *profile,
                             const char   *access_key_id,
                             const char   *secret_access_key,
                             const char   *mfa_serial,
                             const char   *region,
                             GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_update (self->aws_config, get_cred_store (self), profile, access_key_id,
                                  secret_access_key, mfa_serial, region, error);
  return apply_edit (self, edit, error);
}

/* Here and now: see amt_profile_edit_forget(). */
gboolean
amt_sessions_forget_profile (AmtSessions  *self,
                             AmtProfile   *profile,
                             GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_forget (self->aws_config, get_cred_store (self), get_keyring (self), profile);
  return apply_edit (self, edit, error);
}

/**
 * amt_sessions_get_cred_store:
 *
 * Returns: (transfer none): the store of the credentials file the profiles are read from
 */
AmtCredStore *
amt_sessions_get_cred_store (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return get_cred_store (self);
}

/**
 * amt_sessions_get_keyring:
 *
 * Returns: (transfer none): where the keys the files mark as in the keyring are
 */
AmtKeySource *
amt_sessions_get_keyring (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return get_keyring (self);
}

static void
edit_applied_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!amt_profile_edit_apply_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  amt_sessions_load (self, NULL);
  g_task_return_boolean (task, TRUE);
}

/**
 * amt_sessions_apply_edit_async:
 * @edit: (transfer full): writes planned from amt_sessions_get_aws_config() and
 *   amt_sessions_get_cred_store()
 *
 * Makes the writes on a worker thread (never synced on the main thread), then re-reads the
 * files, so that the profiles are the files' when it finishes.
 */
void
amt_sessions_apply_edit_async (AmtSessions         *self,
                               AmtProfileEdit      *edit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (edit != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_apply_edit_async);
  amt_profile_edit_apply_async (edit, cancellable, edit_applied_cb, g_steal_pointer (&task));
}

gboolean
amt_sessions_apply_edit_finish (AmtSessions   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Where long-term keys live */

/**
 * amt_sessions_get_key_place:
 * @profile: a managed profile
 *
 * Returns: where the long-term keys @profile logs in with are kept
 */
AmtKeyPlace
amt_sessions_get_key_place (AmtSessions *self,
                            AmtProfile  *profile)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), AMT_KEY_PLACE_FILE);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), AMT_KEY_PLACE_FILE);

  if (self->aws_config == NULL)
    return AMT_KEY_PLACE_FILE;

  return amt_key_place_of (self->aws_config, amt_profile_get_config (profile)->source_profile);
}

static void
keys_moved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean moved = amt_key_move_finish (result, &error);

  /* Whatever step it ended at, the files may have changed. */
  return_after_reload (task, moved, error);
}

/**
 * amt_sessions_move_keys_async:
 * @profile: a managed profile
 * @to: where its long-term keys go
 *
 * Moves the long-term keys @profile logs in with (its [NAME-long-term], its source_profile's,
 * or its own) into the keyring or back to the credentials file (amt-key-move.c), then re-reads
 * the files.
 */
void
amt_sessions_move_keys_async (AmtSessions         *self,
                              AmtProfile          *profile,
                              AmtKeyPlace          to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  AmtProfile *current;
  const char *holder;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_move_keys_async);

  /* The files as they are now: the move edits them. */
  name = g_strdup (amt_profile_get_name (profile));
  if (!amt_sessions_load (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  current = amt_sessions_lookup_profile (self, name);
  holder = current != NULL ? amt_profile_get_config (current)->source_profile : NULL;
  if (holder == NULL)
    {
      g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE,
                               _("The profile %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                               name);
      return;
    }

  amt_key_move_async (self->aws_config, holder, to, get_keyring (self), cancellable,
                      keys_moved_cb, g_steal_pointer (&task));
}

gboolean
amt_sessions_move_keys_finish (AmtSessions   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
