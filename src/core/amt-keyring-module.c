/* amt-keyring-module.c
 *
 * The module "aws-mfa-tray-keyring" that amt-keyring-keys.c opens the first time a profile's
 * long-term keys are looked for, stored or deleted in the keyring: everything that needs
 * libsecret (and the libgcrypt it brings, which every command would otherwise load at its
 * start). It is linked against the program that opens it (the credentials type, the error
 * domain of key sources).
 *
 * One item per profile: the profile and the access key id as attributes, the secret access
 * key as the secret. libsecret's password API (secret_password_*) decides where it lives:
 *
 * - outside a sandbox, in the Secret Service on the session bus (gnome-keyring, KeePassXC),
 *   in the default collection; reading may bring the desktop's unlock prompt;
 * - inside Flatpak, when the desktop offers the Secret portal (org.freedesktop.portal.Secret,
 *   version 1), in an encrypted keyring file of the app's own ($XDG_DATA_HOME/keyrings, that
 *   is ~/.var/app/APP-ID/data/keyrings), whose key the portal hands over from the desktop's
 *   keyring (RetrieveSecret).
 *
 * A dismissed prompt leaves the item locked and its secret unread: that is an error of its
 * own (AMT_KEY_SOURCE_ERROR_LOCKED), so that a login ends before any code is sent.
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

#include "amt-keyring-module.h"

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

void
amt_keyring_module_lookup (GTask *task)
{
  LookupData *data = g_new0 (LookupData, 1);
  g_autoptr(GHashTable) attributes = NULL;

  data->profile = g_strdup (g_task_get_task_data (task));
  g_task_set_task_data (task, data, (GDestroyNotify) lookup_data_free);

  /* libsecret keeps the table until it is done: the task's copy of the profile lives as long. */
  attributes = item_attributes (data->profile, NULL);
  /* UNLOCK: a locked collection brings the desktop's prompt. The secret is read once the
   * item is known to be unlocked. */
  secret_password_searchv (get_schema (), attributes, SECRET_SEARCH_UNLOCK,
                           g_task_get_cancellable (task), search_done_cb, task);
}

/* store: one item per profile, so the old one (another key id, maybe) goes first */

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtKeyringStore *data = g_task_get_task_data (task);
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
  AmtKeyringStore *data = g_task_get_task_data (task);
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

void
amt_keyring_module_store (GTask *task)
{
  AmtKeyringStore *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = item_attributes (data->profile, NULL);

  secret_password_clearv (get_schema (), attributes, g_task_get_cancellable (task),
                          old_item_cleared_cb, task);
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

void
amt_keyring_module_delete (GTask *task)
{
  g_autoptr(GHashTable) attributes = item_attributes (g_task_get_task_data (task), NULL);

  secret_password_clearv (get_schema (), attributes, g_task_get_cancellable (task), cleared_cb,
                          task);
}
