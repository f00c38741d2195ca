/* amt-file-keys.c: long-term keys as the AWS files keep them
 *
 * aws_access_key_id and aws_secret_access_key of a profile: read from the files as loaded
 * (credentials over config, as botocore does), written as standard keys to the profile's
 * section of the credentials file, removed from whichever file holds them (with the section,
 * when nothing else is left in it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-file-keys"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-cred-store.h"
#include "amt-file-keys.h"

struct _AmtFileKeys
{
  GObject       parent_instance;

  AmtAwsConfig *config;
};

static void amt_file_keys_key_source_init (AmtKeySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtFileKeys, amt_file_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_KEY_SOURCE,
                                                      amt_file_keys_key_source_init))

static void
amt_file_keys_finalize (GObject *object)
{
  AmtFileKeys *self = AMT_FILE_KEYS (object);

  g_clear_pointer (&self->config, amt_aws_config_unref);

  G_OBJECT_CLASS (amt_file_keys_parent_class)->finalize (object);
}

static void
amt_file_keys_class_init (AmtFileKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = amt_file_keys_finalize;
}

static void
amt_file_keys_init (AmtFileKeys *self)
{
}

static void
file_keys_lookup_async (AmtKeySource        *source,
                        const char          *profile,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  AmtFileKeys *self = AMT_FILE_KEYS (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *key_id = amt_aws_config_get (self->config, profile, AMT_AWS_KEY_ACCESS_KEY_ID);
  const char *secret = amt_aws_config_get (self->config, profile, AMT_AWS_KEY_SECRET_ACCESS_KEY);

  g_task_set_source_tag (task, file_keys_lookup_async);

  if (key_id == NULL || secret == NULL)
    {
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_NOT_FOUND,
                               _("The profile %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                               profile);
      return;
    }

  g_task_return_pointer (task, amt_credentials_new (key_id, secret, NULL, NULL),
                         (GDestroyNotify) amt_credentials_free);
}

static AmtCredentials *
file_keys_lookup_finish (AmtKeySource  *source,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
file_keys_store_async (AmtKeySource            *source,
                       const char              *profile,
                       const AmtCredentials    *keys,
                       GCancellable            *cancellable,
                       GAsyncReadyCallback      callback,
                       gpointer                 user_data)
{
  AmtFileKeys *self = AMT_FILE_KEYS (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (amt_aws_config_get_credentials_path (self->config));
  const char *pairs[] = {
    AMT_AWS_KEY_ACCESS_KEY_ID, keys->access_key_id,
    AMT_AWS_KEY_SECRET_ACCESS_KEY, keys->secret_access_key,
  };
  GError *error = NULL;

  g_task_set_source_tag (task, file_keys_store_async);

  if (!amt_cred_store_set_values (store, profile, pairs, G_N_ELEMENTS (pairs) / 2, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
file_keys_finish_boolean (AmtKeySource  *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
file_keys_delete_async (AmtKeySource        *source,
                        const char          *profile,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  AmtFileKeys *self = AMT_FILE_KEYS (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  static const char * const keys[] = {
    AMT_AWS_KEY_ACCESS_KEY_ID, AMT_AWS_KEY_SECRET_ACCESS_KEY, NULL
  };
  g_autoptr(AmtCredStore) credentials = NULL;
  g_autoptr(AmtCredStore) config = NULL;
  g_autofree char *config_section = amt_aws_config_dup_config_section (profile);
  GError *error = NULL;

  g_task_set_source_tag (task, file_keys_delete_async);

  /* Keys may be in either file (botocore reads both); take them out of both. */
  credentials = amt_cred_store_new (amt_aws_config_get_credentials_path (self->config));
  config = amt_cred_store_new (amt_aws_config_get_config_path (self->config));
  if (!amt_cred_store_remove_keys (credentials, profile, keys, &error) ||
      !amt_cred_store_remove_keys (config, config_section, keys, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
amt_file_keys_key_source_init (AmtKeySourceInterface *iface)
{
  iface->lookup_async = file_keys_lookup_async;
  iface->lookup_finish = file_keys_lookup_finish;
  iface->store_async = file_keys_store_async;
  iface->store_finish = file_keys_finish_boolean;
  iface->delete_async = file_keys_delete_async;
  iface->delete_finish = file_keys_finish_boolean;
}

/**
 * amt_file_keys_new:
 * @config: the AWS files as loaded; lookups answer from it, and writes go to its files
 */
AmtFileKeys *
amt_file_keys_new (AmtAwsConfig *config)
{
  AmtFileKeys *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (AMT_TYPE_FILE_KEYS, NULL);
  self->config = amt_aws_config_ref (config);
  return self;
}
