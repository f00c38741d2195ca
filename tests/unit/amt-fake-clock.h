/* amt-fake-clock.h: a clock that tests move by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-clock.h"

G_BEGIN_DECLS

#define AMT_TYPE_FAKE_CLOCK (amt_fake_clock_get_type ())

G_DECLARE_FINAL_TYPE (AmtFakeClock, amt_fake_clock, AMT, FAKE_CLOCK, GObject)

AmtFakeClock *amt_fake_clock_new          (gint64        now);
void          amt_fake_clock_advance      (AmtFakeClock *self,
                                           gint64        usec);
void          amt_fake_clock_sleep        (AmtFakeClock *self,
                                           gint64        usec);
guint         amt_fake_clock_get_n_fired  (AmtFakeClock *self);
guint         amt_fake_clock_get_n_pending (AmtFakeClock *self);
gint64        amt_fake_clock_get_next_due (AmtFakeClock *self);

G_END_DECLS
