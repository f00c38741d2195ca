/* amt-message-dialog.c
 *
 * The one way the applet shows a message in a dialog of its own: a title, the sentence that
 * says what went wrong and what to do, and Close, which destroys it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-message-dialog"

#include "config.h"

#include "amt-message-dialog.h"

static GtkWidget *
message_dialog_new (GtkWindow      *parent,
                    GtkDialogFlags  flags,
                    GtkMessageType  type,
                    const char     *primary,
                    const char     *secondary)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (parent, flags, type, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  return dialog;
}

/**
 * amt_message_dialog_show:
 * @parent: (nullable): the window the message is about; modal over it
 *
 * For what went wrong (or what to do) in a window the user is looking at.
 */
void
amt_message_dialog_show (GtkWindow      *parent,
                         GtkMessageType  type,
                         const char     *primary,
                         const char     *secondary)
{
  GtkWidget *dialog;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  dialog = message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, type,
                               primary, secondary);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * amt_message_dialog_show_error_in_app:
 * @application: (nullable): the applet; the dialog stands over its active window, if any, and
 *   keeps it running while open
 *
 * For a failure of something started from the tray or a notification, with no window of its
 * own: not modal, since it may stand over a window that has nothing to do with it.
 */
void
amt_message_dialog_show_error_in_app (GtkApplication *application,
                                      const char     *primary,
                                      const char     *secondary)
{
  GtkWindow *parent = NULL;
  GtkWidget *dialog;

  g_return_if_fail (application == NULL || GTK_IS_APPLICATION (application));

  if (application != NULL)
    parent = gtk_application_get_active_window (application);

  dialog = message_dialog_new (parent, GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR,
                               primary, secondary);
  if (application != NULL)
    gtk_window_set_application (GTK_WINDOW (dialog), application);
  gtk_window_present (GTK_WINDOW (dialog));
}
