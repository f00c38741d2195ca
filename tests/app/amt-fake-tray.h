/* amt-fake-tray.h: a tray that records what the application shows, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-tray.h"

G_BEGIN_DECLS

#define AMT_TYPE_FAKE_TRAY (amt_fake_tray_get_type ())

G_DECLARE_FINAL_TYPE (AmtFakeTray, amt_fake_tray, AMT, FAKE_TRAY, GObject)

AmtFakeTray *amt_fake_tray_new             (void);
const char  *amt_fake_tray_get_icon_name   (AmtFakeTray *self);
const char  *amt_fake_tray_get_title       (AmtFakeTray *self);
gboolean     amt_fake_tray_get_needs_attention (AmtFakeTray *self);
GMenuModel  *amt_fake_tray_get_menu        (AmtFakeTray *self);
guint        amt_fake_tray_get_n_menu_sets (AmtFakeTray *self);
char        *amt_fake_tray_dump_menu       (AmtFakeTray *self);

G_END_DECLS
