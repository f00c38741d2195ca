/* amt-duration.c: a length of time as people read it, for the tray, the window, the dialog
 * and the command line alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-duration"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-duration.h"

/**
 * amt_format_duration:
 * @seconds: a duration
 *
 * Returns: (transfer full): "3 h 12 min", "12 h", "8 min", "less than a minute"
 */
char *
amt_format_duration (gint64 seconds)
{
  gint64 minutes = seconds / 60;
  gint64 hours = minutes / 60;

  minutes %= 60;
  if (hours > 0 && minutes > 0)
    /* Translators: hours and minutes, "3 h 12 min" */
    return g_strdup_printf (_("%d h %d min"), (int) hours, (int) minutes);
  if (hours > 0)
    /* Translators: hours, "12 h" */
    return g_strdup_printf (_("%d h"), (int) MIN (hours, G_MAXINT));
  if (minutes > 0)
    /* Translators: minutes, "8 min" */
    return g_strdup_printf (_("%d min"), (int) minutes);
  return g_strdup (_("less than a minute"));
}
