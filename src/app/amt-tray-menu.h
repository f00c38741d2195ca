/* amt-tray-menu.h: the tray's menu, built from the sessions model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

GMenuModel *amt_tray_menu_build (AmtSessions *sessions);

G_END_DECLS
