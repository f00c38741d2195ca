/* amt-format.h: lengths of time ("3 h 12 min") and lists of profiles ("dev, prod and 3 more")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "amt-profile.h"

G_BEGIN_DECLS

char *amt_format_duration      (gint64     seconds);
char *amt_format_profile_names (GPtrArray *profiles,
                                guint      max_named);

G_END_DECLS
