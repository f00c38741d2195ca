/* amt-profile-row.h: one managed profile in the "Sessions" window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_TYPE_PROFILE_ROW (amt_profile_row_get_type ())

G_DECLARE_FINAL_TYPE (AmtProfileRow, amt_profile_row, AMT, PROFILE_ROW, GtkListBoxRow)

GtkWidget  *amt_profile_row_new         (AmtSessions   *sessions,
                                         AmtProfile    *profile);

G_END_DECLS
