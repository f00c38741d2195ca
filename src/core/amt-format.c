/* amt-format.c: lengths of time and lists of profiles as people read them, for the tray, the
 * window, the dialog, the notifications and the command line alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-format"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-format.h"

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

/**
 * amt_format_profile_names:
 * @profiles: (element-type AmtProfile): one MFA device's profiles, say
 * @max_named: how many to name before "and N more"
 *
 * Returns: (transfer full): "dev, prod, admin and 26 more", or all of them when they are no
 *   more than @max_named: what a menu entry or a notification can hold
 */
char *
amt_format_profile_names (GPtrArray *profiles,
                          guint      max_named)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint named = MIN (profiles->len, max_named);

  for (guint i = 0; i < named; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, amt_profile_get_name (g_ptr_array_index (profiles, i)));
    }

  if (profiles->len > named)
    /* Translators: profiles named in a menu or a notification, "dev, prod, admin and 26 more" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more", "%s and %u more",
                                         profiles->len - named),
                            names->str, profiles->len - named);
  return g_string_free (g_steal_pointer (&names), FALSE);
}
