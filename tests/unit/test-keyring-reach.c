/* test-keyring-reach.c: whether the keyring can be used, inside Flatpak and outside
 * (amt_keyring_keys_is_reachable, which decides the Add Profile switch, and its _async form,
 * which the dialog and the keyring's calls inside Flatpak use)
 *
 * Inside Flatpak libsecret uses its keyring file only when the desktop's portal has the Secret
 * interface in version 1; the Secret Service does not count there (the sandbox keeps it out).
 * Outside, a Secret Service on the bus does. Each test puts the names it needs on this test's
 * private session bus (tests/isolate), from a thread of its own so that the synchronous
 * questions of the code under test get their answers. The bundle test (tests/flatpak,
 * flatpak-bundle-keyring and -limits) checks the same inside a real sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "amt-keyring-keys.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define SECRETS_NAME "org.freedesktop.secrets"
#define SECRETS_PATH "/org/freedesktop/secrets"

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Secret'>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "  <interface name='org.freedesktop.portal.Notification'>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "  <interface name='org.freedesktop.Secret.Service'>"
  "    <property name='Collections' type='ao' access='read'/>"
  "  </interface>"
  "</node>";

/* A peer on the bus: owns @name with @interface at @path, in a thread of its own. */
typedef struct {
  const char      *name;
  const char      *path;
  const char      *interface;
  guint32          version;
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GDBusConnection *connection;
  GMutex           lock;
  GCond            ready_cond;
  gboolean         ready;
} Peer;

static GVariant *
get_property_cb (GDBusConnection *connection,
                 const char      *sender,
                 const char      *path,
                 const char      *interface,
                 const char      *property,
                 GError         **error,
                 gpointer         user_data)
{
  Peer *peer = user_data;

  if (g_str_equal (property, "version"))
    return g_variant_new_uint32 (peer->version);
  return g_variant_new_objv (NULL, 0);
}

static const GDBusInterfaceVTable vtable = { NULL, get_property_cb, NULL, { 0 } };

static gpointer
peer_main (gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  g_autofree char *address = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 answer = 0;

  g_main_context_push_thread_default (peer->context);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  peer->connection = g_dbus_connection_new_for_address_sync (address,
                                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                             NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (peer->connection, peer->path,
                                     g_dbus_node_info_lookup_interface (node, peer->interface),
                                     &vtable, peer, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (peer->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", peer->name, 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &answer);
  g_assert_cmpuint (answer, ==, 1);  /* the primary owner */

  g_mutex_lock (&peer->lock);
  peer->ready = TRUE;
  g_cond_signal (&peer->ready_cond);
  g_mutex_unlock (&peer->lock);

  g_main_loop_run (peer->loop);
  g_dbus_connection_close_sync (peer->connection, NULL, NULL);
  g_clear_object (&peer->connection);
  g_main_context_pop_thread_default (peer->context);
  return NULL;
}

static Peer *
peer_start (const char *name,
            const char *path,
            const char *interface,
            guint32     version)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->name = name;
  peer->path = path;
  peer->interface = interface;
  peer->version = version;
  peer->context = g_main_context_new ();
  peer->loop = g_main_loop_new (peer->context, FALSE);
  g_mutex_init (&peer->lock);
  g_cond_init (&peer->ready_cond);
  peer->thread = g_thread_new ("bus-peer", peer_main, peer);

  g_mutex_lock (&peer->lock);
  while (!peer->ready)
    g_cond_wait (&peer->ready_cond, &peer->lock);
  g_mutex_unlock (&peer->lock);
  return peer;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
peer_stop (Peer *peer)
{
  g_main_context_invoke (peer->context, quit_cb, peer->loop);
  g_thread_join (peer->thread);
  g_main_loop_unref (peer->loop);
  g_main_context_unref (peer->context);
  g_mutex_clear (&peer->lock);
  g_cond_clear (&peer->ready_cond);
  g_free (peer);
}

/* The desktop's Secret portal: the keyring inside Flatpak. */
static void
test_secret_portal (void)
{
  Peer *portal = peer_start (PORTAL_NAME, PORTAL_PATH, "org.freedesktop.portal.Secret", 1);

  g_assert_true (amt_keyring_keys_is_reachable (TRUE));
  peer_stop (portal);
}

/* A portal without the Secret interface (KDE's, for years), or with a version libsecret does
 * not use: no keyring inside Flatpak. */
static void
test_portal_without_secret (void)
{
  Peer *portal = peer_start (PORTAL_NAME, PORTAL_PATH, "org.freedesktop.portal.Notification", 1);

  g_assert_false (amt_keyring_keys_is_reachable (TRUE));
  peer_stop (portal);

  portal = peer_start (PORTAL_NAME, PORTAL_PATH, "org.freedesktop.portal.Secret", 2);
  g_assert_false (amt_keyring_keys_is_reachable (TRUE));
  peer_stop (portal);
}

/* The Secret Service is the keyring outside Flatpak, and not inside: the sandbox keeps it out. */
static void
test_secret_service (void)
{
  Peer *service = peer_start (SECRETS_NAME, SECRETS_PATH, "org.freedesktop.Secret.Service", 0);

  g_assert_true (amt_keyring_keys_is_reachable (FALSE));
  g_assert_false (amt_keyring_keys_is_reachable (TRUE));
  peer_stop (service);
}

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
ask_async (gboolean       in_flatpak,
           GCancellable  *cancellable,
           GError       **error)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  gboolean reachable;

  amt_keyring_keys_is_reachable_async (in_flatpak, cancellable, answered_cb, &wait);
  /* Asked off this thread: the answer comes through the main loop, never before it runs. */
  g_assert_null (wait.result);
  g_main_loop_run (wait.loop);
  reachable = amt_keyring_keys_is_reachable_finish (wait.result, error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return reachable;
}

/* The same answers asked from the main thread, and a question called off. */
static void
test_async (void)
{
  Peer *portal = peer_start (PORTAL_NAME, PORTAL_PATH, "org.freedesktop.portal.Secret", 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ask_async (TRUE, NULL, &error));
  g_assert_no_error (error);
  /* Outside, what the bus says (gnome-keyring may be activatable on this test's bus). */
  g_assert_cmpint (ask_async (FALSE, NULL, &error), ==, amt_keyring_keys_is_reachable (FALSE));
  g_assert_no_error (error);
  peer_stop (portal);

  portal = peer_start (PORTAL_NAME, PORTAL_PATH, "org.freedesktop.portal.Secret", 2);
  g_assert_false (ask_async (TRUE, NULL, &error));
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  g_assert_false (ask_async (TRUE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  peer_stop (portal);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring-reach/secret-portal", test_secret_portal);
  g_test_add_func ("/keyring-reach/portal-without-secret", test_portal_without_secret);
  g_test_add_func ("/keyring-reach/secret-service", test_secret_service);
  g_test_add_func ("/keyring-reach/async", test_async);

  return g_test_run ();
}
