/* amt-message-dialog.h: a sentence for the user in a dialog, closed by its button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void amt_message_dialog_show              (GtkWindow      *parent,
                                           GtkMessageType  type,
                                           const char     *primary,
                                           const char     *secondary);
void amt_message_dialog_show_error_in_app (GtkApplication *application,
                                           const char     *primary,
                                           const char     *secondary);

G_END_DECLS
