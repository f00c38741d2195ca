/* amt-fake-clock.c
 *
 * Time moves only when a test says so. advance() is time passing while awake: every callback
 * that falls due runs, in order. sleep() is a suspend: the wall clock jumps but, as with GLib's
 * monotonic timeouts, nothing fires and every pending callback is pushed back by the time
 * slept; then "resumed" is emitted, as logind's PrepareForSleep(false) makes the real clock do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "amt-fake-clock.h"

typedef struct {
  guint           id;
  gint64          when;
  GSourceOnceFunc callback;
  gpointer        user_data;
} Timer;

struct _AmtFakeClock
{
  GObject  parent_instance;

  gint64   now;
  GArray  *timers;
  guint    next_id;
  guint    n_fired;
};

static void amt_fake_clock_iface_init (AmtClockInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtFakeClock, amt_fake_clock, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_CLOCK, amt_fake_clock_iface_init))

static gint64
fake_get_now (AmtClock *clock)
{
  return AMT_FAKE_CLOCK (clock)->now;
}

static guint
fake_schedule (AmtClock        *clock,
               gint64           when,
               GSourceOnceFunc  callback,
               gpointer         user_data)
{
  AmtFakeClock *self = AMT_FAKE_CLOCK (clock);
  Timer timer = { ++self->next_id, when, callback, user_data };

  g_array_append_val (self->timers, timer);
  return timer.id;
}

static void
fake_unschedule (AmtClock *clock,
                 guint     id)
{
  AmtFakeClock *self = AMT_FAKE_CLOCK (clock);

  for (guint i = 0; i < self->timers->len; i++)
    if (g_array_index (self->timers, Timer, i).id == id)
      {
        g_array_remove_index (self->timers, i);
        return;
      }
}

static void
amt_fake_clock_iface_init (AmtClockInterface *iface)
{
  iface->get_now = fake_get_now;
  iface->schedule = fake_schedule;
  iface->unschedule = fake_unschedule;
}

static void
amt_fake_clock_finalize (GObject *object)
{
  g_array_unref (AMT_FAKE_CLOCK (object)->timers);

  G_OBJECT_CLASS (amt_fake_clock_parent_class)->finalize (object);
}

static void
amt_fake_clock_class_init (AmtFakeClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = amt_fake_clock_finalize;
}

static void
amt_fake_clock_init (AmtFakeClock *self)
{
  self->timers = g_array_new (FALSE, FALSE, sizeof (Timer));
}

AmtFakeClock *
amt_fake_clock_new (gint64 now)
{
  AmtFakeClock *self = g_object_new (AMT_TYPE_FAKE_CLOCK, NULL);

  self->now = now;
  return self;
}

/* Index of the timer due first at or before @limit, or -1. */
static int
find_due (AmtFakeClock *self,
          gint64        limit)
{
  int found = -1;

  for (guint i = 0; i < self->timers->len; i++)
    {
      Timer *timer = &g_array_index (self->timers, Timer, i);

      if (timer->when <= limit &&
          (found < 0 || timer->when < g_array_index (self->timers, Timer, found).when))
        found = i;
    }

  return found;
}

void
amt_fake_clock_advance (AmtFakeClock *self,
                        gint64        usec)
{
  gint64 end = self->now + usec;
  int index;

  while ((index = find_due (self, end)) >= 0)
    {
      Timer timer = g_array_index (self->timers, Timer, index);

      g_array_remove_index (self->timers, index);
      self->now = MAX (self->now, timer.when);
      self->n_fired++;
      timer.callback (timer.user_data);
    }

  self->now = end;
}

void
amt_fake_clock_sleep (AmtFakeClock *self,
                      gint64        usec)
{
  self->now += usec;
  for (guint i = 0; i < self->timers->len; i++)
    g_array_index (self->timers, Timer, i).when += usec;

  amt_clock_emit_resumed (AMT_CLOCK (self));
}

guint
amt_fake_clock_get_n_fired (AmtFakeClock *self)
{
  return self->n_fired;
}

guint
amt_fake_clock_get_n_pending (AmtFakeClock *self)
{
  return self->timers->len;
}

/* Returns: when the next callback is due, or G_MAXINT64 */
gint64
amt_fake_clock_get_next_due (AmtFakeClock *self)
{
  int index = find_due (self, G_MAXINT64);

  return index < 0 ? G_MAXINT64 : g_array_index (self->timers, Timer, index).when;
}
