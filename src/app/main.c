/* main.c: the GTK applet (aws-mfa-tray-applet), which the aws-mfa-tray command execs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-main"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "amt-application.h"
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

  /* The command's name, whichever path started us: GTK takes its window class from it. */
  g_set_prgname ("aws-mfa-tray");
  g_set_application_name (_("MFA Tray for AWS"));

  app = amt_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
