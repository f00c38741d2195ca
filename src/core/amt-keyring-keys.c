/* amt-keyring-keys.c: long-term keys in the keyring (libsecret's password API)
 *
 * One item per profile: the profile and the access key id as attributes, the secret access
 * key as the secret. libsecret's password API (secret_password_*) decides where it lives:
 *
 * - outside a sandbox, in the Secret Service on the session bus (gnome-keyring, KeePassXC),
 *   in the default collection; reading may bring the desktop's unlock prompt;
 * - inside Flatpak, when the desktop offers the Secret portal (org.freedesktop.portal.Secret,
 *   version 1), in an encrypted keyring file of the app's own ($XDG_DATA_HOME/keyrings, that
 *   is ~/.var/app/APP-ID/data/keyrings), whose key the portal hands over from the desktop's
 *   keyring (RetrieveSecret). Flathub lets no app talk to the Secret Service itself, so an
 *   item stored outside Flatpak is not seen inside, and the other way round.
 *
 * Everything here is asynchronous, so that the applet's main loop goes on while a prompt is
 * shown. A dismissed prompt leaves the item locked and its secret unread: that is an error of
 * its own (AMT_KEY_SOURCE_ERROR_LOCKED), so that a login ends before any code is sent.
 * Inside Flatpak with no Secret portal libsecret would try the Secret Service, which the
 * sandbox does not let through: that is said in one sentence before anything is tried.
 *
 * One code path for both: secret_password_searchv finds the items on Debian's libsecret 0.20.5
 * with either backend. Unlike secret_service_search it keeps the attribute table, not a copy,
 * until its backend is there, so the strings the table points to must outlive the call.
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

/* The Secret portal, as libsecret looks for it (secret-file-backend.c): only version 1. */
#define PORTAL_BUS_NAME       "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH    "/org/freedesktop/portal/desktop"
#define PORTAL_SECRET_IFACE   "org.freedesktop.portal.Secret"
#define PORTAL_SECRET_VERSION 1

/* How long to wait for the bus to say whether a keyring is there. */
#define BUS_QUESTION_TIMEOUT_MS 2000

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

/* The attributes that find (no @key_id) or make (with it) @profile's item. The table points
 * into its arguments, which must outlive it: libsecret keeps it until its call is done. */
static GHashTable *
item_attributes (const char *profile,
                 const char *key_id)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) AMT_KEYRING_ATTRIBUTE_PROFILE, (gpointer) profile);
  if (key_id != NULL)
    g_hash_table_insert (attributes, (gpointer) AMT_KEYRING_ATTRIBUTE_KEY_ID, (gpointer) key_id);
  return attributes;
}

static void
amt_keyring_keys_class_init (AmtKeyringKeysClass *klass)
{
}

static void
amt_keyring_keys_init (AmtKeyringKeys *self)
{
}

static GError *
locked_error (const char *profile)
{
  return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_LOCKED,
                      _("The keyring stayed locked, so the long-term keys of %s could not be used: unlock it when it asks, and try again."),
                      profile);
}

/* The one sentence for a failure of the keyring, in the words of what was being done. */
static GError *
explain_error (GError       *error,
               GCancellable *cancellable,
               const char   *profile)
{
  g_autoptr(GError) cause = error;

  if (g_cancellable_is_cancelled (cancellable))
    return g_steal_pointer (&cause);

  g_debug ("keyring: %s", cause->message);

  /* No service on the bus, or none that D-Bus could start. */
  if (cause->domain == G_DBUS_ERROR || cause->domain == G_SPAWN_ERROR ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_UNAVAILABLE,
                        _("No keyring (Secret Service, such as GNOME Keyring or KeePassXC) answers on this desktop, so the long-term keys of %s cannot be kept there: start one, or keep the keys in the credentials file."),
                        profile);

  /* libsecret says "cancelled" for a prompt that was dismissed (the Secret Service's unlock
   * prompt, or the Secret portal's). */
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return locked_error (profile);

  return g_error_new (AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_FAILED,
                      _("The keyring could not be used for the long-term keys of %s: %s."),
                      profile, cause->message);
}

static gboolean
bus_name_has_owner (GDBusConnection *bus,
                    const char      *name)
{
  g_autoptr(GVariant) owned = NULL;
  gboolean has_owner = FALSE;

  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, BUS_QUESTION_TIMEOUT_MS, NULL, NULL);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  return has_owner;
}

static gboolean
bus_name_is_activatable (GDBusConnection *bus,
                         const char      *name)
{
  g_autoptr(GVariant) activatable = NULL;
  g_autofree const char **names = NULL;

  activatable = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                             G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                             BUS_QUESTION_TIMEOUT_MS, NULL, NULL);
  if (activatable == NULL)
    return FALSE;

  g_variant_get (activatable, "(^a&s)", &names);
  return g_strv_contains (names, name);
}

/* The test libsecret makes before it uses its file backend inside a sandbox. */
static gboolean
has_secret_portal (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) version = NULL;

  reply = g_dbus_connection_call_sync (bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", PORTAL_SECRET_IFACE, "version"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       BUS_QUESTION_TIMEOUT_MS, NULL, NULL);
  if (reply == NULL)
    return FALSE;

  g_variant_get (reply, "(v)", &version);
  return g_variant_is_of_type (version, G_VARIANT_TYPE_UINT32) &&
         g_variant_get_uint32 (version) == PORTAL_SECRET_VERSION;
}

/**
 * amt_keyring_keys_is_reachable:
 * @in_flatpak: whether this runs inside a Flatpak sandbox
 *
 * Whether libsecret will find a keyring, asked of the session bus without starting anything:
 * inside Flatpak the Secret portal; elsewhere a Secret Service that answers or that D-Bus can
 * start. Takes @in_flatpak so that unit tests can ask both questions.
 */
gboolean
amt_keyring_keys_is_reachable (gboolean in_flatpak)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  if (bus == NULL)
    return FALSE;
  if (in_flatpak)
    return has_secret_portal (bus);
  return bus_name_has_owner (bus, SECRET_SERVICE_NAME) ||
         bus_name_is_activatable (bus, SECRET_SERVICE_NAME);
}

/* Inside Flatpak, libsecret with no Secret portal would knock at the Secret Service, which
 * the sandbox keeps out: say why before anything is tried. */
static gboolean
check_sandbox_reach (GTask      *task,
                     const char *profile)
{
  if (!amt_sandbox_is_flatpak () || amt_keyring_keys_is_reachable (TRUE))
    return TRUE;

  g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_UNAVAILABLE,
                           _("Inside Flatpak, MFA Tray for AWS reaches the keyring only through the desktop’s Secret portal, which this desktop does not offer, so the long-term keys of %s cannot be kept there: keep them in the credentials file, or use MFA Tray for AWS installed without Flatpak."),
                           profile);
  return FALSE;
}

/* lookup: the item's access key id attribute, then its secret */

typedef struct {
  char *profile;
  char *key_id;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_free (data->profile);
  g_free (data->key_id);
  g_free (data);
}

static void
secret_retrieved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(SecretValue) value = NULL;
  const char *secret;
  GError *error = NULL;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (value == NULL && error != NULL)
    {
      g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), data->profile));
      return;
    }

  /* The SecretValue keeps the secret in libsecret's wiped memory; the copy is wiped by
   * amt_credentials_free(). */
  secret = value != NULL ? secret_value_get_text (value) : NULL;
  if (data->key_id == NULL || *data->key_id == '\0' || secret == NULL || *secret == '\0')
    g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_NOT_FOUND,
                             _("The keyring’s item for %s holds no usable keys: add them again (aws-mfa-tray keys move-to-keyring, or Add Profile)."),
                             data->profile);
  else
    g_task_return_pointer (task, amt_credentials_new (data->key_id, secret, NULL, NULL),
                           (GDestroyNotify) amt_credentials_free);
}

static void
search_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = NULL;
  GList *items;
  SecretRetrievable *item;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), data->profile));
      return;
    }
  if (items == NULL)
    {
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_NOT_FOUND,
                               _("The long-term keys of %s are not in the keyring: add them again (aws-mfa-tray keys move-to-keyring, or Add Profile)."),
                               data->profile);
      return;
    }

  /* An item of the Secret Service still locked: the unlock prompt was dismissed. (Items of
   * the file behind the Secret portal are never locked.) */
  item = items->data;
  if (SECRET_IS_ITEM (item) && secret_item_get_locked (SECRET_ITEM (item)))
    g_task_return_error (task, locked_error (data->profile));
  else
    {
      attributes = secret_retrievable_get_attributes (item);
      data->key_id = g_strdup (g_hash_table_lookup (attributes, AMT_KEYRING_ATTRIBUTE_KEY_ID));
      secret_retrievable_retrieve_secret (item, cancellable, secret_retrieved_cb,
                                          g_steal_pointer (&task));
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
  g_autoptr(GHashTable) attributes = NULL;
  LookupData *data = g_new0 (LookupData, 1);

  g_task_set_source_tag (task, keyring_keys_lookup_async);
  data->profile = g_strdup (profile);
  g_task_set_task_data (task, data, (GDestroyNotify) lookup_data_free);
  if (!check_sandbox_reach (task, profile))
    return;

  /* libsecret keeps the table until it is done: the task's copy of @profile lives as long. */
  attributes = item_attributes (data->profile, NULL);
  /* UNLOCK: a locked collection brings the desktop's prompt. The secret is read once the
   * item is known to be unlocked. */
  secret_password_searchv (get_schema (), attributes, SECRET_SEARCH_UNLOCK, cancellable,
                           search_done_cb, g_steal_pointer (&task));
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

  if (!secret_password_store_finish (result, &error))
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
  g_autoptr(GHashTable) attributes = item_attributes (data->profile, data->keys->access_key_id);
  g_autofree char *label = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  /* FALSE and no error: there was no old item. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_error (error, g_task_get_cancellable (task), data->profile));
      return;
    }

  /* Translators: the label of the keyring item, as keyring managers (Seahorse) show it */
  label = g_strdup_printf (_("AWS long-term keys of %s (MFA Tray for AWS)"), data->profile);
  /* libsecret copies the secret into its own wiped memory. */
  secret_password_storev (get_schema (), attributes, SECRET_COLLECTION_DEFAULT, label,
                          data->keys->secret_access_key, cancellable, store_done_cb,
                          g_steal_pointer (&task));
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
  g_autoptr(GHashTable) attributes = NULL;
  StoreData *data = g_new0 (StoreData, 1);

  g_task_set_source_tag (task, keyring_keys_store_async);
  data->profile = g_strdup (profile);
  data->keys = amt_credentials_copy (keys);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  if (!check_sandbox_reach (task, profile))
    return;

  attributes = item_attributes (data->profile, NULL);
  secret_password_clearv (get_schema (), attributes, cancellable, old_item_cleared_cb,
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

  secret_password_clear_finish (result, &error);
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
  g_autoptr(GHashTable) attributes = NULL;

  g_task_set_source_tag (task, keyring_keys_delete_async);
  g_task_set_task_data (task, g_strdup (profile), g_free);
  if (!check_sandbox_reach (task, profile))
    return;

  attributes = item_attributes (g_task_get_task_data (task), NULL);
  secret_password_clearv (get_schema (), attributes, cancellable, cleared_cb,
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
