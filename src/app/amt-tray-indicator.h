/* amt-tray-indicator.h: the tray icon as a StatusNotifierItem, through libayatana-appindicator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-tray.h"

G_BEGIN_DECLS

#define AMT_TYPE_TRAY_INDICATOR (amt_tray_indicator_get_type ())

G_DECLARE_FINAL_TYPE (AmtTrayIndicator, amt_tray_indicator, AMT, TRAY_INDICATOR, GObject)

AmtTray *amt_tray_indicator_new (GActionGroup *actions);

G_END_DECLS
