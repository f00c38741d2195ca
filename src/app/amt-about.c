/* amt-about.c
 *
 * The About dialog, from the window's menu and the tray: the version (nowhere else in the
 * GUI), the website, where to report a problem, the licence and the credits. One at a time:
 * asking again presents the one that is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-about"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-about.h"

/**
 * amt_about_show:
 * @parent: (nullable): the window it belongs to (none from the tray)
 */
void
amt_about_show (GtkApplication *application,
                GtkWindow      *parent)
{
  const char *authors[] = { _("The MFA Tray for AWS developers"), NULL };
  /* GtkAboutDialog shows "label url" as a link. */
  g_autofree char *issues = g_strdup_printf ("%s %s", _("Report a problem"), PACKAGE_BUGREPORT);
  const char *issue_lines[] = { issues, NULL };
  g_autofree char *version_line = NULL;
  GtkAboutDialog *about = NULL;
  GList *windows = gtk_application_get_windows (application);

  for (GList *l = windows; l != NULL; l = l->next)
    if (GTK_IS_ABOUT_DIALOG (l->data))
      about = l->data;

  if (about == NULL)
    {
      about = GTK_ABOUT_DIALOG (gtk_about_dialog_new ());
      gtk_window_set_application (GTK_WINDOW (about), application);
      gtk_about_dialog_set_program_name (about, _("MFA Tray for AWS"));
      gtk_about_dialog_set_logo_icon_name (about, APP_ID);
      gtk_about_dialog_set_version (about, PACKAGE_VERSION);
      gtk_about_dialog_set_comments (about, _("Keeps AWS MFA sessions alive: asks for the code before a session ends, and writes the new credentials where every AWS tool looks."));
      gtk_about_dialog_set_website (about, PACKAGE_URL);
      gtk_about_dialog_set_website_label (about, _("Website"));
      gtk_about_dialog_set_authors (about, authors);
      gtk_about_dialog_add_credit_section (about, _("Issue tracker"), issue_lines);
      /* Translators: put your names here, one per line */
      gtk_about_dialog_set_translator_credits (about, _("translator-credits"));
      gtk_about_dialog_set_copyright (about, _("© 2026 The MFA Tray for AWS developers"));
      gtk_about_dialog_set_license_type (about, GTK_LICENSE_GPL_3_0);
      g_signal_connect (about, "response", G_CALLBACK (gtk_widget_destroy), NULL);
    }

  if (parent != NULL && parent != GTK_WINDOW (about))
    gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
}
