/* amt-preferences-dialog.h: the preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AMT_TYPE_PREFERENCES_DIALOG (amt_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AmtPreferencesDialog, amt_preferences_dialog, AMT, PREFERENCES_DIALOG, GtkDialog)

AmtPreferencesDialog *amt_preferences_dialog_new (GtkApplication *application,
                                                  GtkWindow      *parent,
                                                  GSettings      *settings);

G_END_DECLS
