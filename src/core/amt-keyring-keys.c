/* amt-keyring-keys.c: long-term keys in the keyring
 *
 * An AmtKeySource whose work is done by the module "aws-mfa-tray-keyring"
 * (amt-keyring-module.c: libsecret, one item per profile, the Secret Service outside a
 * sandbox and the Secret portal's keyring file inside Flatpak), opened the first time keys
 * are looked for, stored or deleted. libsecret brings libgcrypt, and neither is needed by a
 * command that reads its keys from the credentials file or by a cached credential-process
 * (bench/README.md, f.).
 *
 * Here is what needs no libsecret: whether a keyring answers on the bus (the Add Profile
 * switch), and inside Flatpak with no Secret portal one sentence before anything is tried
 * (libsecret would knock at the Secret Service, which the sandbox keeps out). Flathub lets no
 * app talk to the Secret Service itself, so an item stored outside Flatpak is not seen inside,
 * and the other way round.
 *
 * Everything is asynchronous, so that the applet's main loop goes on while a prompt is shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-keyring-keys"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-keyring-keys.h"
#include "amt-keyring-module.h"
#include "amt-module.h"
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

static void
amt_keyring_keys_class_init (AmtKeyringKeysClass *klass)
{
}

static void
amt_keyring_keys_init (AmtKeyringKeys *self)
{
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
 * start. Takes @in_flatpak so that unit tests can ask both questions. Blocks for the bus's
 * answers (up to 2 s each when a name's owner hangs): not on the main thread, where
 * amt_keyring_keys_is_reachable_async() asks it.
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

static void
reach_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_task_return_boolean (task, amt_keyring_keys_is_reachable (GPOINTER_TO_INT (task_data)));
}

/**
 * amt_keyring_keys_is_reachable_async:
 * @in_flatpak: whether this runs inside a Flatpak sandbox
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * amt_keyring_keys_is_reachable(), asked on a worker thread.
 */
void
amt_keyring_keys_is_reachable_async (gboolean             in_flatpak,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, amt_keyring_keys_is_reachable_async);
  g_task_set_task_data (task, GINT_TO_POINTER (in_flatpak), NULL);
  g_task_run_in_thread (task, reach_thread);
}

/**
 * amt_keyring_keys_is_reachable_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError (%G_IO_ERROR_CANCELLED only)
 *
 * Returns: whether libsecret will find a keyring
 */
gboolean
amt_keyring_keys_is_reachable_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The module, opened once per process. */
static struct {
  AmtKeyringModuleFunc  lookup;
  AmtKeyringModuleFunc  store;
  AmtKeyringModuleFunc  delete;
  char                 *path;
  char                 *failure;
} module;

/* What the module takes from the program, named where the linker must keep it, so that every
 * program that can open the module has them (and exports them: --export-dynamic). */
static gpointer const used_by_module[] = {
  (gpointer) amt_credentials_new,
  (gpointer) amt_credentials_free,
  (gpointer) amt_key_source_error_quark,
};

static void
open_module (void)
{
  gpointer handle;

  g_assert (used_by_module[0] != NULL);

  handle = amt_module_open ("aws-mfa-tray-keyring", &module.path, &module.failure);
  if (handle == NULL)
    return;

  amt_module_symbols (handle, module.path, &module.failure,
                      "amt_keyring_module_lookup", (gpointer *) &module.lookup,
                      "amt_keyring_module_store", (gpointer *) &module.store,
                      "amt_keyring_module_delete", (gpointer *) &module.delete,
                      NULL);
}

/* Opens the module that talks to the keyring, once, and gives it @task: @call is the address
 * of one of the module's functions, found when it opens. Opening it maps libsecret and
 * libgcrypt, a fraction of a millisecond: on the caller's thread, the main one. */
static void
call_module (GTask                 *task,
             AmtKeyringModuleFunc  *call)
{
  static gsize opened = 0;

  if (g_once_init_enter (&opened))
    {
      open_module ();
      g_once_init_leave (&opened, 1);
    }
  if (module.lookup != NULL)
    {
      (*call) (task);
      return;
    }

  g_debug ("Could not open %s: %s", module.path, module.failure);
  g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_FAILED,
                           /* Translators: %s is a file, "/usr/lib/aws-mfa-tray/libaws-mfa-tray-keyring.so" */
                           _("Could not load the part of MFA Tray for AWS that uses the keyring (%s); "
                             "reinstall the application."),
                           module.path);
  g_object_unref (task);
}

typedef struct {
  GTask                *task;
  char                 *profile;
  AmtKeyringModuleFunc *call;
} ReachData;

static void
sandbox_reach_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ReachData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (amt_keyring_keys_is_reachable_finish (result, &error))
    call_module (data->task, data->call);
  else
    {
      /* Not reachable, or the call was cancelled meanwhile. */
      if (error != NULL)
        g_task_return_error (data->task, g_steal_pointer (&error));
      else
        g_task_return_new_error (data->task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_UNAVAILABLE,
                                 _("Inside Flatpak, MFA Tray for AWS reaches the keyring only through the desktop’s Secret portal, which this desktop does not offer, so the long-term keys of %s cannot be kept there: keep them in the credentials file, or use MFA Tray for AWS installed without Flatpak."),
                                 data->profile);
      g_object_unref (data->task);
    }
  g_free (data->profile);
  g_free (data);
}

/* Takes @task, for @profile. Inside Flatpak, libsecret with no Secret portal would knock at
 * the Secret Service, which the sandbox keeps out: that is asked first (off the main thread),
 * and the reason said before anything is tried. */
static void
start (GTask                *task,
       const char           *profile,
       AmtKeyringModuleFunc *call)
{
  ReachData *data;

  if (!amt_sandbox_is_flatpak ())
    {
      call_module (task, call);
      return;
    }

  data = g_new0 (ReachData, 1);
  data->task = task;
  data->profile = g_strdup (profile);
  data->call = call;
  amt_keyring_keys_is_reachable_async (TRUE, g_task_get_cancellable (task), sandbox_reach_cb, data);
}

static void
keyring_keys_lookup_async (AmtKeySource        *source,
                           const char          *profile,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, keyring_keys_lookup_async);
  g_task_set_task_data (task, g_strdup (profile), g_free);
  start (g_steal_pointer (&task), profile, &module.lookup);
}

static AmtCredentials *
keyring_keys_lookup_finish (AmtKeySource  *source,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_data_free (AmtKeyringStore *data)
{
  g_free (data->profile);
  amt_credentials_free (data->keys);
  g_free (data);
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
  AmtKeyringStore *data = g_new0 (AmtKeyringStore, 1);

  g_task_set_source_tag (task, keyring_keys_store_async);
  data->profile = g_strdup (profile);
  data->keys = amt_credentials_copy (keys);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  start (g_steal_pointer (&task), profile, &module.store);
}

static gboolean
keyring_keys_finish_boolean (AmtKeySource  *source,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
keyring_keys_delete_async (AmtKeySource        *source,
                           const char          *profile,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, keyring_keys_delete_async);
  g_task_set_task_data (task, g_strdup (profile), g_free);
  start (g_steal_pointer (&task), profile, &module.delete);
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
