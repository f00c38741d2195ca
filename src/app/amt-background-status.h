/* amt-background-status.h: the session that ends first, as the Background portal's status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_TYPE_BACKGROUND_STATUS (amt_background_status_get_type ())

G_DECLARE_FINAL_TYPE (AmtBackgroundStatus, amt_background_status, AMT, BACKGROUND_STATUS, GObject)

AmtBackgroundStatus *amt_background_status_new (GDBusConnection *connection,
                                                AmtSessions     *sessions);

G_END_DECLS
