/* amt-clock.c
 *
 * Session deadlines are wall-clock times, but GLib's timeouts run on the monotonic clock,
 * which stops while the machine sleeps: a timeout of an hour set before a night's sleep fires
 * an hour after waking. The system clock therefore also listens to logind's PrepareForSleep
 * (on the system bus, when there is one) and emits AmtClock::resumed when the machine wakes, so
 * that the sessions model re-reads the time and re-arms its one timer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-clock"

#include "config.h"

#include "amt-clock.h"

G_DEFINE_INTERFACE (AmtClock, amt_clock, G_TYPE_OBJECT)

enum {
  RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
amt_clock_default_init (AmtClockInterface *iface)
{
  /**
   * AmtClock::resumed:
   *
   * The machine woke from sleep (or the test moved time): deadlines must be recomputed from
   * amt_clock_get_now(), since scheduled callbacks may fire late.
   */
  signals[RESUMED] =
    g_signal_new ("resumed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

gint64
amt_clock_get_now (AmtClock *self)
{
  g_return_val_if_fail (AMT_IS_CLOCK (self), 0);

  return AMT_CLOCK_GET_IFACE (self)->get_now (self);
}

/**
 * amt_clock_dup_now:
 *
 * Returns: (transfer full): the current time, in UTC
 */
GDateTime *
amt_clock_dup_now (AmtClock *self)
{
  return g_date_time_new_from_unix_utc (amt_clock_get_now (self) / G_USEC_PER_SEC);
}

guint
amt_clock_schedule (AmtClock        *self,
                    gint64           when,
                    GSourceOnceFunc  callback,
                    gpointer         user_data)
{
  g_return_val_if_fail (AMT_IS_CLOCK (self), 0);
  g_return_val_if_fail (callback != NULL, 0);

  return AMT_CLOCK_GET_IFACE (self)->schedule (self, when, callback, user_data);
}

void
amt_clock_unschedule (AmtClock *self,
                      guint     id)
{
  g_return_if_fail (AMT_IS_CLOCK (self));

  if (id != 0)
    AMT_CLOCK_GET_IFACE (self)->unschedule (self, id);
}

void
amt_clock_emit_resumed (AmtClock *self)
{
  g_return_if_fail (AMT_IS_CLOCK (self));

  g_signal_emit (self, signals[RESUMED], 0);
}

/* The system clock */

struct _AmtSystemClock
{
  GObject          parent_instance;

  GDBusConnection *system_bus;
  guint            sleep_subscription;
  GCancellable    *cancellable;
};

static void amt_system_clock_iface_init (AmtClockInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtSystemClock, amt_system_clock, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_CLOCK, amt_system_clock_iface_init))

static gint64
amt_system_clock_get_now (AmtClock *clock)
{
  return g_get_real_time ();
}

static guint
amt_system_clock_schedule (AmtClock        *clock,
                           gint64           when,
                           GSourceOnceFunc  callback,
                           gpointer         user_data)
{
  gint64 delay_ms = (when - g_get_real_time () + 999) / 1000;

  /* A second late is invisible; a millisecond early would find the deadline not yet due. */
  delay_ms = CLAMP (delay_ms + 1, 1, G_MAXUINT);
  return g_timeout_add_once ((guint) delay_ms, callback, user_data);
}

static void
amt_system_clock_unschedule (AmtClock *clock,
                             guint     id)
{
  g_source_remove (id);
}

static void
amt_system_clock_iface_init (AmtClockInterface *iface)
{
  iface->get_now = amt_system_clock_get_now;
  iface->schedule = amt_system_clock_schedule;
  iface->unschedule = amt_system_clock_unschedule;
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  AmtSystemClock *self = user_data;
  gboolean going_to_sleep = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  g_debug ("PrepareForSleep(%s)", going_to_sleep ? "true" : "false");
  if (!going_to_sleep)
    amt_clock_emit_resumed (AMT_CLOCK (self));
}

static void
system_bus_ready_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AmtSystemClock) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      /* No system bus (a container, a test): the minute ticks still catch up after a sleep. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, not watching for sleep: %s", error->message);
      return;
    }

  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus,
                                        "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager",
                                        "PrepareForSleep",
                                        "/org/freedesktop/login1",
                                        NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        prepare_for_sleep_cb,
                                        self, NULL);
}

static void
amt_system_clock_dispose (GObject *object)
{
  AmtSystemClock *self = (AmtSystemClock *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);

  G_OBJECT_CLASS (amt_system_clock_parent_class)->dispose (object);
}

static void
amt_system_clock_class_init (AmtSystemClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_system_clock_dispose;
}

static void
amt_system_clock_init (AmtSystemClock *self)
{
}

/**
 * amt_system_clock_new:
 * @watch_sleep: whether to watch logind for the end of a sleep (the applet does; a one-shot
 *   command has no use for it)
 *
 * Returns: (transfer full): the real clock
 */
AmtClock *
amt_system_clock_new (gboolean watch_sleep)
{
  AmtSystemClock *self = g_object_new (AMT_TYPE_SYSTEM_CLOCK, NULL);

  if (watch_sleep)
    {
      self->cancellable = g_cancellable_new ();
      g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_ready_cb, g_object_ref (self));
    }

  return AMT_CLOCK (self);
}
