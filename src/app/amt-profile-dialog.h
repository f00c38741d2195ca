/* amt-profile-dialog.h: add a profile, or edit one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_TYPE_PROFILE_DIALOG (amt_profile_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AmtProfileDialog, amt_profile_dialog, AMT, PROFILE_DIALOG, GtkDialog)

AmtProfileDialog *amt_profile_dialog_new             (GtkWindow        *parent,
                                                      AmtSessions      *sessions,
                                                      AmtProfile       *profile);
void              amt_profile_dialog_find_mfa_device (AmtProfileDialog *self);

G_END_DECLS
