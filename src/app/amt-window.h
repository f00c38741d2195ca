/* amt-window.h: the "Sessions" window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_TYPE_WINDOW (amt_window_get_type ())

G_DECLARE_FINAL_TYPE (AmtWindow, amt_window, AMT, WINDOW, GtkApplicationWindow)

AmtWindow *amt_window_new             (GtkApplication *application,
                                       AmtSessions    *sessions);
void       amt_window_add_profile     (AmtWindow      *self);
void       amt_window_find_mfa_device (AmtWindow      *self,
                                       AmtProfile     *profile);

G_END_DECLS
