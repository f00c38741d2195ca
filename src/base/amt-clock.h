/* amt-clock.h: wall-clock time and deadlines, behind an interface so tests can move time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AMT_TYPE_CLOCK (amt_clock_get_type ())

G_DECLARE_INTERFACE (AmtClock, amt_clock, AMT, CLOCK, GObject)

struct _AmtClockInterface
{
  GTypeInterface parent_iface;

  /* Microseconds since the epoch, UTC. */
  gint64 (*get_now)    (AmtClock       *self);
  /* Calls @callback once, at or soon after the wall-clock time @when (µs since the epoch).
   * Like every GLib timeout it may run late after a suspend: the clock then emits
   * AmtClock::resumed, and callers re-read the time. */
  guint  (*schedule)   (AmtClock       *self,
                        gint64          when,
                        GSourceOnceFunc callback,
                        gpointer        user_data);
  void   (*unschedule) (AmtClock       *self,
                        guint           id);
};

gint64     amt_clock_get_now         (AmtClock        *self);
GDateTime *amt_clock_dup_now         (AmtClock        *self);
guint      amt_clock_schedule        (AmtClock        *self,
                                      gint64           when,
                                      GSourceOnceFunc  callback,
                                      gpointer         user_data);
void       amt_clock_unschedule      (AmtClock        *self,
                                      guint            id);
void       amt_clock_emit_resumed    (AmtClock        *self);

#define AMT_TYPE_SYSTEM_CLOCK (amt_system_clock_get_type ())

G_DECLARE_FINAL_TYPE (AmtSystemClock, amt_system_clock, AMT, SYSTEM_CLOCK, GObject)

AmtClock  *amt_system_clock_new      (gboolean         watch_sleep);

G_END_DECLS
