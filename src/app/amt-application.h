/* amt-application.h: the single-instance applet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"
#include "amt-tray.h"

G_BEGIN_DECLS

#define AMT_TYPE_APPLICATION (amt_application_get_type ())

G_DECLARE_FINAL_TYPE (AmtApplication, amt_application, AMT, APPLICATION, GtkApplication)

AmtApplication *amt_application_new          (void);
void            amt_application_set_tray     (AmtApplication *self,
                                              AmtTray        *tray);
AmtSessions    *amt_application_get_sessions (AmtApplication *self);

G_END_DECLS
