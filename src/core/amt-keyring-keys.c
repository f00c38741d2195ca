/* amt-keyring-keys.c: long-term keys in the Secret Service (libsecret)
 *
 * One item per profile holding keys, in the default collection. Reading it may bring the
 * desktop's unlock prompt (gnome-keyring, KeePassXC; inside Flatpak the Secret portal), which
 * is why everything here is asynchronous: the applet's main loop goes on while it is shown.
 * A dismissed prompt leaves the items locked and their secrets unread: that is an error of
 * its own (AMT_KEY_SOURCE_ERROR_LOCKED), so that a login ends before any code is sent.
 *
 * The Secret Service on the session bus (secret_service_*). Not inside Flatpak, yet: the
 * sandbox may not talk to org.freedesktop.secrets (Flathub's rule, tests/flatpak), and
 * libsecret's way there, the Secret portal behind secret_password_*, found nothing with
 * secret_password_searchv on Debian's libsecret 0.20.5 where secret_service_search found the
 * item; so inside Flatpak the keys stay in the file, and the app says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-keyring-keys"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "amt-keyring-keys.h"
#include "amt-sandbox.h"

/* The Secret Service's well-known bus name. */
#define SECRET_SERVICE_NAME "org.freedesktop.secrets"

struct _AmtKeyringKeys
{
  GObject parent_instance;
};

static void amt_keyring_keys_key_source_init (AmtKeySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtKeyringKeys, amt_keyring_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_KEY_SOURCE,
                                                      amt_keyring_keys_key_source_init))

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    AMT_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { AMT_KEYRING_ATTRIBUTE_PROFILE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { AMT_KEYRING_ATTRIBUTE_KEY_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
amt_keyring_keys_class_init (AmtKeyringKeysClass *klass)
{
}

static void
amt_keyring_keys_init (AmtKeyringKeys *self)
{
}

/* The one sentence for a failure of the Secret Service, in the words of what was being done. */
static GError *
explain_error (GError       *error,
               GCancellable *cancellable,
               const char   *profile)
{
  g_autoptr(GError) cause = error;

  if (g_cancellable_is_cancelled (cancellable))
    return g_steal_pointer (&cause);

  g_debug ("Secret Service: %s", cause->message);

  /* No service on the bus, or none that D-Bus could start. */
  if (cause->domain == G_DBUS_ERROR || cause->domain == G_SPAWN_ERROR ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_UNAVAILABLE,
                        _("No keyring (Secret Service, such as GNOME Keyring or KeePassXC) answers on this desktop, so the long-term keys of %s cannot be kept there: start one, or keep the keys in the credentials file."),
                        profile);

  /* libsecret says "cancelled" for a prompt that was dismissed. */
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_LOCKED,
                        _("The keyring stayed locked, so the long-term keys of %s could not be used: unlock it when it asks, and try again."),
                        profile);

  return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_FAILED,
                      _("The keyring could not be used for the long-term keys of %s: %s."),
                      profile, cause->message);
}

static GError *
sandboxed_error (const char *profile)
{
  return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_UNAVAILABLE,
                      _("Inside Flatpak, MFA Tray for AWS cannot use the keyring yet, so the long-term keys of %s stay in the credentials file."),
                      profile);
}

/**
 * amt_keyring_keys_is_available:
 *
 * Whether a Secret Service answers (or D-Bus can start one), asked of the bus without starting
 * it; always %FALSE inside Flatpak (see the top of this file).
 */
gboolean
amt_keyring_keys_is_available (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) activatable = NULL;
  g_autofree const char **names = NULL;
  gboolean has_owner = FALSE;

  if (amt_sandbox_is_flatpak ())
    return FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return FALSE;

  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", SECRET_SERVICE_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  if (has_owner)
    return TRUE;

  activatable = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                             G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 2000,
                                             NULL, NULL);
  if (activatable == NULL)
    return FALSE;

  g_variant_get (activatable, "(^a&s)", &names);
  return g_strv_contains (names, SECRET_SERVICE_NAME);
}

static GHashTable *
profile_attributes (const char *profile)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) AMT_KEYRING_ATTRIBUTE_PROFILE, (gpointer) profile);
  return attributes;
}

/* lookup */

static GError *
locked_error (const char *profile)
{
  return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_LOCKED,
                      _("The keyring stayed locked, so the long-term keys of %s could not be used: unlock it when it asks, and try again."),
                      profile);
}

static void
secret_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *profile = g_task_get_task_data (task);
  SecretItem *item = SECRET_ITEM (source);
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  const char *key_id;
  const char *secret;
  GError *error = NULL;

  if (!secret_item_load_secret_finish (item, result, &error))
    {
      g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), profile));
      return;
    }

  attributes = secret_item_get_attributes (item);
  value = secret_item_get_secret (item);
  key_id = g_hash_table_lookup (attributes, AMT_KEYRING_ATTRIBUTE_KEY_ID);
  secret = value != NULL ? secret_value_get_text (value) : NULL;

  if (key_id == NULL || secret == NULL || *secret == '\0')
    g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_NOT_FOUND,
                             _("The keyring’s item for %s holds no usable keys: add them again (aws-mfa-tray keys move-to-keyring, or Add Profile)."),
                             profile);
  else
    g_task_return_pointer (task, amt_credentials_new (key_id, secret, NULL, NULL),
                           (GDestroyNotify) amt_credentials_free);
}

static void
search_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *profile = g_task_get_task_data (task);
  GList *items;
  SecretItem *item;
  GError *error = NULL;

  items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), profile));
      return;
    }
  if (items == NULL)
    {
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_NOT_FOUND,
                               _("The long-term keys of %s are not in the keyring: add them again (aws-mfa-tray keys move-to-keyring, or Add Profile)."),
                               profile);
      return;
    }

  /* Still locked: the unlock prompt was dismissed. */
  item = items->data;
  if (secret_item_get_locked (item))
    g_task_return_error (task, locked_error (profile));
  else
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_item_load_secret (item, cancellable, secret_loaded_cb, g_steal_pointer (&task));
    }

  g_list_free_full (items, g_object_unref);
}

static void
keyring_keys_lookup_async (AmtKeySource        *source,
                           const char          *profile,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GHashTable) attributes = profile_attributes (profile);

  g_task_set_source_tag (task, keyring_keys_lookup_async);
  g_task_set_task_data (task, g_strdup (profile), g_free);
  if (amt_sandbox_is_flatpak ())
    {
      g_task_return_error (task, sandboxed_error (profile));
      return;
    }

  /* UNLOCK: a locked collection brings the desktop's prompt. The secret is read once the
   * item is known to be unlocked. */
  secret_service_search (NULL, get_schema (), attributes, SECRET_SEARCH_UNLOCK,
                         cancellable, search_done_cb, g_steal_pointer (&task));
}

static AmtCredentials *
keyring_keys_lookup_finish (AmtKeySource  *source,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* store: one item per profile, so the old one (another key id, maybe) goes first */

typedef struct {
  char              *profile;
  AmtCredentials    *keys;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->profile);
  amt_credentials_free (data->keys);
  g_free (data);
}

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!secret_service_store_finish (NULL, result, &error))
    g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), data->profile));
  else
    g_task_return_boolean (task, TRUE);
}

static void
old_item_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = profile_attributes (data->profile);
  g_autofree char *label = NULL;
  g_autoptr(SecretValue) value = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  secret_service_clear_finish (NULL, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), data->profile));
      return;
    }

  g_hash_table_insert (attributes, (gpointer) AMT_KEYRING_ATTRIBUTE_KEY_ID, data->keys->access_key_id);
  /* Translators: the label of the keyring item, as keyring managers (Seahorse) show it */
  label = g_strdup_printf (_("AWS long-term keys of %s (MFA Tray for AWS)"), data->profile);
  value = secret_value_new (data->keys->secret_access_key, -1, "text/plain");
  secret_service_store (NULL, get_schema (), attributes, SECRET_COLLECTION_DEFAULT, label, value,
                        cancellable, store_done_cb, g_steal_pointer (&task));
}

static void
keyring_keys_store_async (AmtKeySource            *source,
                          const char              *profile,
                          const AmtCredentials    *keys,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GHashTable) attributes = profile_attributes (profile);
  StoreData *data = g_new0 (StoreData, 1);

  g_task_set_source_tag (task, keyring_keys_store_async);
  data->profile = g_strdup (profile);
  data->keys = amt_credentials_copy (keys);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  if (amt_sandbox_is_flatpak ())
    {
      g_task_return_error (task, sandboxed_error (profile));
      return;
    }

  secret_service_clear (NULL, get_schema (), attributes, cancellable, old_item_cleared_cb,
                        g_steal_pointer (&task));
}

static gboolean
keyring_keys_finish_boolean (AmtKeySource  *source,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* delete */

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_service_clear_finish (NULL, result, &error);
  if (error != NULL)
    g_task_return_error (task, explain_error (error, g_task_get_cancellable (task),
                                              g_task_get_task_data (task)));
  else
    g_task_return_boolean (task, TRUE);
}

static void
keyring_keys_delete_async (AmtKeySource        *source,
                           const char          *profile,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GHashTable) attributes = profile_attributes (profile);

  g_task_set_source_tag (task, keyring_keys_delete_async);
  g_task_set_task_data (task, g_strdup (profile), g_free);
  if (amt_sandbox_is_flatpak ())
    {
      g_task_return_error (task, sandboxed_error (profile));
      return;
    }

  secret_service_clear (NULL, get_schema (), attributes, cancellable, cleared_cb,
                        g_steal_pointer (&task));
}

static void
amt_keyring_keys_key_source_init (AmtKeySourceInterface *iface)
{
  iface->lookup_async = keyring_keys_lookup_async;
  iface->lookup_finish = keyring_keys_lookup_finish;
  iface->store_async = keyring_keys_store_async;
  iface->store_finish = keyring_keys_finish_boolean;
  iface->delete_async = keyring_keys_delete_async;
  iface->delete_finish = keyring_keys_finish_boolean;
}

AmtKeyringKeys *
amt_keyring_keys_new (void)
{
  return g_object_new (AMT_TYPE_KEYRING_KEYS, NULL);
}
