/* amt-mfa-dialog.h: the dialog that asks for the MFA code of one login
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

/* The dialog's responses, besides GTK_RESPONSE_OK (every profile refreshed), CANCEL and
 * DELETE_EVENT: the user asked to be reminded later. */
#define AMT_MFA_DIALOG_RESPONSE_SNOOZE 1

#define AMT_TYPE_MFA_DIALOG (amt_mfa_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AmtMfaDialog, amt_mfa_dialog, AMT, MFA_DIALOG, GtkDialog)

AmtMfaDialog *amt_mfa_dialog_new         (GtkWindow    *parent,
                                          AmtSessions  *sessions,
                                          AmtLogin     *login,
                                          gboolean      can_snooze);
AmtLogin     *amt_mfa_dialog_get_login   (AmtMfaDialog *self);

G_END_DECLS
