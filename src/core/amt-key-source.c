/* amt-key-source.c: where a profile's long-term keys are kept
 *
 * The AWS files (amt-file-keys.c) or the Secret Service (amt-keyring-keys.c). Every call is
 * asynchronous, because the keyring may have to ask the desktop to unlock a collection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-key-source"

#include "config.h"

#include "amt-key-source.h"

G_DEFINE_QUARK (amt-key-source-error-quark, amt_key_source_error)

G_DEFINE_INTERFACE (AmtKeySource, amt_key_source, G_TYPE_OBJECT)

static void
amt_key_source_default_init (AmtKeySourceInterface *iface)
{
}

/**
 * amt_key_source_lookup_async:
 * @profile: the profile that holds the keys (an aws-mfa [NAME-long-term], a source_profile,
 *   or a profile with keys of its own)
 *
 * Reads @profile's access key id and secret access key.
 */
void
amt_key_source_lookup_async (AmtKeySource        *self,
                             const char          *profile,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (AMT_IS_KEY_SOURCE (self));
  g_return_if_fail (profile != NULL);

  AMT_KEY_SOURCE_GET_IFACE (self)->lookup_async (self, profile, cancellable, callback, user_data);
}

/**
 * amt_key_source_lookup_finish:
 *
 * Returns: (transfer full): the keys (wiped when freed); %NULL with a sentence for the user
 */
AmtCredentials *
amt_key_source_lookup_finish (AmtKeySource  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (AMT_IS_KEY_SOURCE (self), NULL);

  return AMT_KEY_SOURCE_GET_IFACE (self)->lookup_finish (self, result, error);
}

/**
 * amt_key_source_store_async:
 *
 * Keeps @keys as @profile's long-term keys, replacing any it had here.
 */
void
amt_key_source_store_async (AmtKeySource            *self,
                            const char              *profile,
                            const AmtCredentials    *keys,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  g_return_if_fail (AMT_IS_KEY_SOURCE (self));
  g_return_if_fail (profile != NULL);
  g_return_if_fail (keys != NULL);

  AMT_KEY_SOURCE_GET_IFACE (self)->store_async (self, profile, keys, cancellable, callback, user_data);
}

gboolean
amt_key_source_store_finish (AmtKeySource  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (AMT_IS_KEY_SOURCE (self), FALSE);

  return AMT_KEY_SOURCE_GET_IFACE (self)->store_finish (self, result, error);
}

/**
 * amt_key_source_delete_async:
 *
 * Forgets @profile's long-term keys here (nothing to forget is no error).
 */
void
amt_key_source_delete_async (AmtKeySource        *self,
                             const char          *profile,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (AMT_IS_KEY_SOURCE (self));
  g_return_if_fail (profile != NULL);

  AMT_KEY_SOURCE_GET_IFACE (self)->delete_async (self, profile, cancellable, callback, user_data);
}

gboolean
amt_key_source_delete_finish (AmtKeySource  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (AMT_IS_KEY_SOURCE (self), FALSE);

  return AMT_KEY_SOURCE_GET_IFACE (self)->delete_finish (self, result, error);
}
