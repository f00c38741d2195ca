/* amt-duration.h: a length of time as people read it ("3 h 12 min")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *amt_format_duration (gint64 seconds);

G_END_DECLS
