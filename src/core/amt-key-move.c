/* amt-key-move.c: moving a profile's long-term keys between the credentials file and the keyring
 *
 * Into the keyring: the keys are stored, read back and compared; then mfa_tray_keys = keyring
 * is set in the holder's section of the config file (first, so that no moment exists where
 * the keys are gone from the file and nothing says where they are); only then are the keys
 * taken out of the files (with their section, when nothing else is left in it).
 *
 * Back to the file: the keys are read from the keyring and written as the standard two keys
 * to the holder's section of the credentials file; then the mark goes (with its section, when
 * this program made it), and the keyring item last.
 *
 * The access key id leaves the file with the secret: botocore refuses a profile with
 * aws_access_key_id and no aws_secret_access_key ("partial credentials"), while a profile
 * with neither resolves as it did for every tool that never used it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-key-move"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-cred-store.h"
#include "amt-file-keys.h"
#include "amt-key-move.h"
#include "amt-keyring-keys.h"

/**
 * amt_key_place_of:
 * @holder: the profile that holds long-term keys
 *
 * Returns: where @holder's long-term keys live
 */
AmtKeyPlace
amt_key_place_of (AmtAwsConfig *config,
                  const char   *holder)
{
  g_return_val_if_fail (config != NULL, AMT_KEY_PLACE_FILE);

  return holder != NULL && amt_aws_config_keys_in_keyring (config, holder) ? AMT_KEY_PLACE_KEYRING
                                                                           : AMT_KEY_PLACE_FILE;
}

/* As status --json says it. */
const char *
amt_key_place_to_string (AmtKeyPlace place)
{
  return place == AMT_KEY_PLACE_KEYRING ? "keyring" : "file";
}

typedef struct {
  AmtAwsConfig      *config;
  char              *holder;
  AmtKeyPlace        to;
  AmtKeySource      *from_source;
  AmtKeySource      *to_source;
  AmtCredentials    *keys;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_clear_pointer (&data->config, amt_aws_config_unref);
  g_free (data->holder);
  g_clear_object (&data->from_source);
  g_clear_object (&data->to_source);
  g_clear_pointer (&data->keys, amt_credentials_free);
  g_free (data);
}

/* Sets (a %NULL @value: removes, with the section when nothing is left) the mark in the
 * holder's section of the config file. */
static gboolean
set_mark (MoveData    *data,
          const char  *value,
          GError     **error)
{
  g_autoptr(AmtCredStore) store = amt_cred_store_new (amt_aws_config_get_config_path (data->config));
  g_autofree char *section = amt_aws_config_dup_config_section (data->holder);

  if (value == NULL)
    {
      const char *keys[] = { AMT_KEY_KEYS, NULL };

      return amt_cred_store_remove_keys (store, section, keys, error);
    }
  else
    {
      const char *pair[] = { AMT_KEY_KEYS, value };

      return amt_cred_store_set_values (store, section, pair, 1, error);
    }
}

/* Profiles that AWS tools resolve with @holder's keys and that this program does not log in
 * (no mfa_serial): taking the keys out of the file would change what they resolve to. */
static char *
find_other_user (AmtAwsConfig *config,
                 const char   *holder)
{
  g_auto(GStrv) names = amt_aws_config_get_profile_names (config);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (amt_aws_config_get (config, names[i], AMT_AWS_KEY_SOURCE_PROFILE), holder) == 0 &&
        g_strcmp0 (names[i], holder) != 0 &&
        amt_aws_config_get (config, names[i], AMT_AWS_KEY_MFA_SERIAL) == NULL)
      return g_strdup (names[i]);

  return NULL;
}

/* The one chain, either way: read from where the keys are, store where they go, (into the
 * keyring: read back and compare), set or remove the mark, delete where they were. */

static void
old_keys_deleted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!amt_key_source_delete_finish (AMT_KEY_SOURCE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The keys are safe where they go: the mark says so, then they leave where they were. */
static void
mark_and_delete_old (GTask *task)
{
  MoveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!set_mark (data, data->to == AMT_KEY_PLACE_KEYRING ? AMT_KEYS_IN_KEYRING : NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  amt_key_source_delete_async (data->from_source, data->holder, g_task_get_cancellable (task),
                               old_keys_deleted_cb, g_object_ref (task));
}

static void
read_back_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MoveData *data = g_task_get_task_data (task);
  g_autoptr(AmtCredentials) stored = NULL;
  GError *error = NULL;

  stored = amt_key_source_lookup_finish (AMT_KEY_SOURCE (source), result, &error);
  if (stored == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_strcmp0 (stored->access_key_id, data->keys->access_key_id) != 0 ||
      g_strcmp0 (stored->secret_access_key, data->keys->secret_access_key) != 0)
    {
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_FAILED,
                               _("The keyring gave back other keys for %s than were stored: they stay in the credentials file."),
                               data->holder);
      return;
    }

  mark_and_delete_old (task);
}

static void
keys_stored_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MoveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!amt_key_source_store_finish (AMT_KEY_SOURCE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The keyring is checked before the keys leave the file; the file is written atomically. */
  if (data->to == AMT_KEY_PLACE_KEYRING)
    amt_key_source_lookup_async (data->to_source, data->holder, g_task_get_cancellable (task),
                                 read_back_cb, g_object_ref (task));
  else
    mark_and_delete_old (task);
}

static void
keys_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MoveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->keys = amt_key_source_lookup_finish (AMT_KEY_SOURCE (source), result, &error);
  if (data->keys == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  amt_key_source_store_async (data->to_source, data->holder, data->keys,
                              g_task_get_cancellable (task), keys_stored_cb, g_object_ref (task));
}

/**
 * amt_key_move_async:
 * @config: the AWS files, freshly loaded
 * @holder: the profile holding the long-term keys (a managed profile's source_profile)
 * @to: where the keys go
 * @keyring: (nullable): the keyring to use; %NULL for the Secret Service's
 *
 * Moves @holder's long-term keys, checking each step before the next (see the top of this
 * file). Keys already where they should go are an error that says so.
 */
void
amt_key_move_async (AmtAwsConfig        *config,
                    const char          *holder,
                    AmtKeyPlace          to,
                    AmtKeySource        *keyring,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *other = NULL;
  AmtKeySource *keyring_source;
  AmtKeySource *file_source;
  MoveData *data;

  g_return_if_fail (config != NULL);
  g_return_if_fail (holder != NULL);
  g_return_if_fail (keyring == NULL || AMT_IS_KEY_SOURCE (keyring));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_key_move_async);

  keyring_source = keyring != NULL ? g_object_ref (keyring)
                                   : AMT_KEY_SOURCE (amt_keyring_keys_new ());
  file_source = AMT_KEY_SOURCE (amt_file_keys_new (config));

  data = g_new0 (MoveData, 1);
  data->config = amt_aws_config_ref (config);
  data->holder = g_strdup (holder);
  data->to = to;
  data->from_source = to == AMT_KEY_PLACE_KEYRING ? file_source : keyring_source;
  data->to_source = to == AMT_KEY_PLACE_KEYRING ? keyring_source : file_source;
  g_task_set_task_data (task, data, (GDestroyNotify) move_data_free);

  if (amt_key_place_of (config, holder) == to)
    {
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_FAILED,
                               to == AMT_KEY_PLACE_KEYRING ? _("The long-term keys of %s are in the keyring already.")
                                                           : _("The long-term keys of %s are in the credentials file already."),
                               holder);
      return;
    }

  other = to == AMT_KEY_PLACE_KEYRING ? find_other_user (config, holder) : NULL;
  if (other != NULL)
    {
      /* Translators: 1: a profile, 2: the profile holding the keys */
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_FAILED,
                               _("The profile %1$s uses the long-term keys of %2$s without MFA, and AWS tools could no longer resolve it once the keys leave the file: give %1$s an mfa_serial, or keep the keys in the file."),
                               other, holder);
      return;
    }

  amt_key_source_lookup_async (data->from_source, holder, cancellable, keys_read_cb,
                               g_steal_pointer (&task));
}

gboolean
amt_key_move_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
