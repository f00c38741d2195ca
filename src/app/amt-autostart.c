/* amt-autostart.c
 *
 * Outside a sandbox, an XDG autostart entry (~/.config/autostart/APP_ID.desktop) that runs
 * "aws-mfa-tray --background". Inside Flatpak, where ~/.config/autostart is not ours to
 * write, the Background portal's RequestBackground with autostart, which makes the same entry
 * on our behalf.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-autostart"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "amt-autostart.h"
#include "amt-sandbox.h"

/* Returns: (transfer full): where the autostart entry goes outside a sandbox */
char *
amt_autostart_dup_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/* An Exec argument as the Desktop Entry spec wants it: bare when it has no reserved
 * character, else in double quotes with " ` $ \ escaped by a backslash, and every backslash
 * doubled again by the general string escaping of the file's values ("\\$", "\\\\");
 * % is doubled, as a field code would be. */
static char *
quote_exec_argument (const char *argument)
{
  GString *quoted;

  if (strpbrk (argument, " \t\n\"'\\><~|&;$*?#()`=%") == NULL)
    return g_strdup (argument);

  quoted = g_string_new ("\"");
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '`' || *p == '$')
        g_string_append (quoted, "\\\\");
      else if (*p == '\\')
        g_string_append (quoted, "\\\\\\");
      else if (*p == '%')
        g_string_append_c (quoted, '%');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');

  return g_string_free (quoted, FALSE);
}

/* The program to start: the installed command by name; one run from elsewhere (the build
 * tree) by its full path, so that the entry starts what the user started. This process is the
 * applet, which the command execs: the command is its sibling, or in BINDIR once installed. */
static char *
dup_exec (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *installed = g_build_filename (LIBEXECDIR, AMT_APPLET_NAME, NULL);
  g_autofree char *dir = NULL;
  g_autofree char *command = NULL;

  if (self == NULL || g_strcmp0 (self, installed) == 0)
    return g_strdup ("aws-mfa-tray");

  dir = g_path_get_dirname (self);
  command = g_build_filename (dir, "aws-mfa-tray", NULL);
  return quote_exec_argument (command);
}

static gboolean
write_entry (GError **error)
{
  g_autofree char *path = amt_autostart_dup_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *exec = dup_exec ();
  g_autofree char *contents = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=%s\n"
                              "Comment=%s\n"
                              "Exec=%s --background\n"
                              "Icon=" APP_ID "\n"
                              "Terminal=false\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              _("MFA Tray for AWS"),
                              _("Keep AWS MFA sessions alive from the tray"),
                              exec);
  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
request_background (gboolean   enabled,
                    GError   **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder options;
  GVariantBuilder commandline;

  if (bus == NULL)
    return FALSE;

  g_variant_builder_init (&commandline, G_VARIANT_TYPE_STRING_ARRAY);
  g_variant_builder_add (&commandline, "s", "aws-mfa-tray");
  g_variant_builder_add (&commandline, "s", "--background");

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keep AWS MFA sessions alive and remind you before they expire")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_builder_end (&commandline));

  /* The answer comes later, as the request's Response signal; the portal's own dialog tells
   * the user if they refuse. */
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.portal.Desktop",
                                       "/org/freedesktop/portal/desktop",
                                       "org.freedesktop.portal.Background", "RequestBackground",
                                       g_variant_new ("(sa{sv})", "", &options),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, error);
  return reply != NULL;
}

/**
 * amt_autostart_apply:
 * @enabled: whether to start at login
 *
 * Returns: %FALSE, with a sentence in @error, when it could not be done
 */
gboolean
amt_autostart_apply (gboolean   enabled,
                     GError   **error)
{
  g_autofree char *path = NULL;

  if (amt_sandbox_is_flatpak ())
    return request_background (enabled, error);

  if (enabled)
    return write_entry (error);

  path = amt_autostart_dup_file_path ();
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
