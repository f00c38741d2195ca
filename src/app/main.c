/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-main"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "amt-application.h"
#include "amt-cli.h"
#include "amt-hardening.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AmtApplication) app = NULL;

  /* Before anything opens a file: see amt-hardening.c. */
  amt_hardening_apply ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("MFA Tray for AWS"));

  /* The subcommands need no display: they never touch GTK. */
  if (argc > 1 && amt_cli_is_command (argv[1]))
    return amt_cli_run (argc, argv);
  if (argc > 1 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      amt_cli_print_usage ();
      return EXIT_SUCCESS;
    }
  /* Before the application, which needs its settings schema installed. */
  if (argc == 2 && g_str_equal (argv[1], "--version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  app = amt_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
