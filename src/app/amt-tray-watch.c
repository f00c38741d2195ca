/* amt-tray-watch.c
 *
 * Stock GNOME has no tray: without the AppIndicator extension nobody owns
 * org.kde.StatusNotifierWatcher, and our icon is shown nowhere. The application needs to know
 * (to say where it lives instead), and to know when a tray appears or goes later (a panel
 * started after us, an extension turned on or off). "known" turns TRUE at the bus's first
 * answer; "available" follows the watcher's name from then on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-tray-watch"

#include "config.h"

#include "amt-tray-watch.h"

#define WATCHER_NAME "org.kde.StatusNotifierWatcher"

struct _AmtTrayWatch
{
  GObject  parent_instance;

  guint    watch_id;
  gboolean known;
  gboolean available;
};

G_DEFINE_FINAL_TYPE (AmtTrayWatch, amt_tray_watch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KNOWN,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_available (AmtTrayWatch *self,
               gboolean      available)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->available != available)
    {
      self->available = available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
  if (!self->known)
    {
      self->known = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KNOWN]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
watcher_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
  g_debug ("A tray is there (%s is %s)", name, owner);
  set_available (user_data, TRUE);
}

static void
watcher_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  g_debug ("No tray (%s has no owner)", name);
  set_available (user_data, FALSE);
}

static void
amt_tray_watch_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmtTrayWatch *self = AMT_TRAY_WATCH (object);

  switch (prop_id)
    {
    case PROP_KNOWN:
      g_value_set_boolean (value, self->known);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_tray_watch_dispose (GObject *object)
{
  AmtTrayWatch *self = AMT_TRAY_WATCH (object);

  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);

  G_OBJECT_CLASS (amt_tray_watch_parent_class)->dispose (object);
}

static void
amt_tray_watch_class_init (AmtTrayWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = amt_tray_watch_get_property;
  object_class->dispose = amt_tray_watch_dispose;

  properties[PROP_KNOWN] =
    g_param_spec_boolean ("known", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amt_tray_watch_init (AmtTrayWatch *self)
{
}

/**
 * amt_tray_watch_new:
 * @connection: the session bus
 */
AmtTrayWatch *
amt_tray_watch_new (GDBusConnection *connection)
{
  AmtTrayWatch *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  self = g_object_new (AMT_TYPE_TRAY_WATCH, NULL);
  self->watch_id = g_bus_watch_name_on_connection (connection, WATCHER_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   watcher_appeared_cb, watcher_vanished_cb,
                                                   self, NULL);
  return self;
}

gboolean
amt_tray_watch_get_known (AmtTrayWatch *self)
{
  g_return_val_if_fail (AMT_IS_TRAY_WATCH (self), FALSE);

  return self->known;
}

gboolean
amt_tray_watch_get_available (AmtTrayWatch *self)
{
  g_return_val_if_fail (AMT_IS_TRAY_WATCH (self), FALSE);

  return self->available;
}
