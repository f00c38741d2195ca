/* main.c: the aws-mfa-tray command
 *
 * GLib only: status, credential-process, login, env and exec run without mapping GTK (every
 * AWS command configured with a credential_process line starts this). Anything that is not a
 * subcommand is for the GTK applet, which replaces this process (same PID, same arguments).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-main"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "amt-cli.h"
#include "amt-hardening.h"

/* Next to this program in the build tree; in LIBEXECDIR once installed. */
static char *
dup_applet_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *sibling = g_build_filename (dir, AMT_APPLET_NAME, NULL);

      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
    }

  return g_build_filename (LIBEXECDIR, AMT_APPLET_NAME, NULL);
}

/* The end of a subcommand: everything of ours is freed, and secrets wiped, by now (a command
 * whose output must arrive has checked it with amt_cli_finish_output()). What is left in the
 * buffers is flushed, and the process ends without the destructors of the libraries that the
 * HTTPS module brought (GnuTLS, libcurl's two dozen), which release memory and state that
 * the exit discards anyway (~0.35 ms of a login, bench d). LeakSanitizer looks for leaks in
 * exit(), so a sanitizer build exits the usual way. */
static G_NORETURN void
exit_command (int status)
{
  fflush (stdout);
  fflush (stderr);
#ifdef __SANITIZE_ADDRESS__
  exit (status);
#else
  _exit (status);
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *applet = NULL;
  int saved_errno;

  /* Before anything opens a file: see amt-hardening.c. */
  amt_hardening_apply ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("MFA Tray for AWS"));

  if (argc > 1 && amt_cli_is_command (argv[1]))
    {
#ifdef M_ARENA_MAX
      /* A subcommand works on one thread at a time (the main loop, or one worker it waits
       * for): one malloc arena, so that a worker does not map and fault in a heap of its own
       * (~0.4 ms of a login, bench d). */
      mallopt (M_ARENA_MAX, 1);
#endif
      exit_command (amt_cli_run (argc, argv));
    }
  if (argc > 1 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      amt_cli_print_usage ();
      return EXIT_SUCCESS;
    }
  if (argc == 2 && g_str_equal (argv[1], "--version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  applet = dup_applet_path ();
  execv (applet, argv);
  saved_errno = errno;

  /* Translators: %s is the path of a program file, the second %s the system's reason. */
  fprintf (stderr, _("The window of MFA Tray for AWS cannot be started: %s: %s. Reinstall the program.\n"),
           applet, g_strerror (saved_errno));
  return EXIT_FAILURE;
}
