/* amt-service.c
 *
 * `aws-mfa-tray login` and `credential-process` run in a terminal, or under a tool that has
 * none. When the applet runs, they ask it: Login(profile) starts a login whose codes come
 * from the applet's dialog (or the profile's mfa_process), and returns when it has finished,
 * with the outcome in a sentence. The code never crosses D-Bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-service"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-service.h"

static const char introspection_xml[] =
  "<node>"
  "  <interface name='" AMT_SERVICE_INTERFACE "'>"
  "    <method name='Login'>"
  "      <arg type='s' name='profile' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

struct _AmtService
{
  GObject          parent_instance;

  GDBusConnection *connection;
  AmtSessions     *sessions;
  guint            registration_id;
};

G_DEFINE_FINAL_TYPE (AmtService, amt_service, G_TYPE_OBJECT)

typedef struct {
  GDBusMethodInvocation *invocation;
  AmtLogin              *login;
  gulong                 finished_id;
} PendingLogin;

static void
login_finished_cb (AmtLogin     *login,
                   PendingLogin *pending)
{
  g_autoptr(GError) error = NULL;

  if (amt_login_get_result (login, &error))
    g_dbus_method_invocation_return_value (pending->invocation, NULL);
  else
    g_dbus_method_invocation_return_dbus_error (pending->invocation, AMT_SERVICE_ERROR_FAILED,
                                                error->message);

  g_signal_handler_disconnect (login, pending->finished_id);
  g_object_unref (pending->login);
  g_free (pending);
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  AmtService *self = user_data;
  g_autoptr(GError) error = NULL;
  AmtLogin *login;
  const char *profile = NULL;
  PendingLogin *pending;

  if (!g_str_equal (method_name, "Login"))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No method %s", method_name);
      return;
    }

  g_variant_get (parameters, "(&s)", &profile);
  g_debug ("Login(%s) asked by %s", profile, sender);

  login = amt_sessions_request_login (self->sessions, profile, &error);
  if (login == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, AMT_SERVICE_ERROR_FAILED, error->message);
      return;
    }

  pending = g_new0 (PendingLogin, 1);
  pending->invocation = invocation;
  pending->login = login;
  pending->finished_id = g_signal_connect (login, "finished", G_CALLBACK (login_finished_cb), pending);
  if (amt_login_is_finished (login))
    login_finished_cb (login, pending);
}

static const GDBusInterfaceVTable vtable = {
  method_call_cb, NULL, NULL, { NULL, },
};

static void
amt_service_dispose (GObject *object)
{
  AmtService *self = (AmtService *)object;

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (amt_service_parent_class)->dispose (object);
}

static void
amt_service_class_init (AmtServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_service_dispose;
}

static void
amt_service_init (AmtService *self)
{
}

/**
 * amt_service_new:
 *
 * Returns: (transfer full) (nullable): the interface, exported at @object_path on
 *   @connection for as long as the object lives
 */
AmtService *
amt_service_new (GDBusConnection  *connection,
                 const char       *object_path,
                 AmtSessions      *sessions,
                 GError          **error)
{
  g_autoptr(AmtService) self = g_object_new (AMT_TYPE_SERVICE, NULL);
  g_autoptr(GDBusNodeInfo) info = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);

  info = g_dbus_node_info_new_for_xml (introspection_xml, error);
  if (info == NULL)
    return NULL;

  self->connection = g_object_ref (connection);
  self->sessions = g_object_ref (sessions);
  self->registration_id = g_dbus_connection_register_object (connection, object_path,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return NULL;

  return g_steal_pointer (&self);
}
