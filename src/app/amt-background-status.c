/* amt-background-status.c
 *
 * Inside Flatpak, GNOME lists the apps running in the background, each with the status line
 * the app gives the Background portal (SetStatus, version 2 of the interface). Where no tray
 * shows our icon, that line is the one place that tells what we are doing: it names the
 * session that ends first ("prod: 42 min left"). Set when the text changes, which the
 * sessions model says at most once a minute. Outside a sandbox there is no portal to ask.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-background-status"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-background-status.h"

#define PORTAL_NAME       "org.freedesktop.portal.Desktop"
#define PORTAL_PATH       "/org/freedesktop/portal/desktop"
#define BACKGROUND_IFACE  "org.freedesktop.portal.Background"
/* The portal refuses longer messages. */
#define MAX_MESSAGE_CHARS 96

struct _AmtBackgroundStatus
{
  GObject          parent_instance;

  GDBusConnection *connection;
  AmtSessions     *sessions;
  GCancellable    *cancellable;
  gboolean         supported;   /* the portal's Background is version 2 or later */
  char            *message;     /* the last one set */
};

G_DEFINE_FINAL_TYPE (AmtBackgroundStatus, amt_background_status, G_TYPE_OBJECT)

static char *
dup_message (AmtBackgroundStatus *self)
{
  AmtProfile *first = amt_sessions_get_first_to_expire (self->sessions);
  g_autofree char *state = NULL;
  g_autofree char *message = NULL;

  if (first == NULL)
    return g_strdup (_("No MFA profiles"));

  state = amt_sessions_describe_profile (self->sessions, first);
  /* Translators: the status GNOME shows for the app in the background, "prod: 42 min left" */
  message = g_strdup_printf (_("%s: %s"), amt_profile_get_name (first), state);
  if (g_utf8_strlen (message, -1) > MAX_MESSAGE_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (message, 0, MAX_MESSAGE_CHARS - 1);

      g_free (message);
      message = g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&message);
}

static void
status_set_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The Background portal did not take the status: %s", error->message);
}

static void
update_status (AmtBackgroundStatus *self)
{
  g_autofree char *message = NULL;
  GVariantBuilder options;

  if (!self->supported)
    return;

  message = dup_message (self);
  if (g_strcmp0 (message, self->message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "message", g_variant_new_string (message));
  g_dbus_connection_call (self->connection, PORTAL_NAME, PORTAL_PATH, BACKGROUND_IFACE,
                          "SetStatus", g_variant_new ("(a{sv})", &options), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, status_set_cb, NULL);
}

static void
version_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr(GVariant) value = NULL;
  AmtBackgroundStatus *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;

  if (reply == NULL)
    {
      g_debug ("No Background portal: %s", error->message);
      return;
    }

  g_variant_get (reply, "(v)", &value);
  self->supported = g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) && g_variant_get_uint32 (value) >= 2;
  g_debug ("Background portal status line: %s", self->supported ? "yes" : "no (version 1)");
  update_status (self);
}

static void
amt_background_status_dispose (GObject *object)
{
  AmtBackgroundStatus *self = AMT_BACKGROUND_STATUS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->sessions);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (amt_background_status_parent_class)->dispose (object);
}

static void
amt_background_status_class_init (AmtBackgroundStatusClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = amt_background_status_dispose;
}

static void
amt_background_status_init (AmtBackgroundStatus *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * amt_background_status_new:
 * @connection: the session bus
 *
 * Keeps the Background portal's status line on the session that ends first, when the portal
 * has one (call it inside a sandbox only).
 */
AmtBackgroundStatus *
amt_background_status_new (GDBusConnection *connection,
                           AmtSessions     *sessions)
{
  AmtBackgroundStatus *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);

  self = g_object_new (AMT_TYPE_BACKGROUND_STATUS, NULL);
  self->connection = g_object_ref (connection);
  self->sessions = g_object_ref (sessions);
  g_signal_connect_object (sessions, "changed", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_dbus_connection_call (connection, PORTAL_NAME, PORTAL_PATH, "org.freedesktop.DBus.Properties",
                          "Get", g_variant_new ("(ss)", BACKGROUND_IFACE, "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                          version_cb, self);
  return self;
}
