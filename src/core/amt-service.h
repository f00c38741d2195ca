/* amt-service.h: the running applet's D-Bus interface, for the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

/* On the application's bus name, at its object path (APP_PATH). */
#define AMT_SERVICE_INTERFACE      "io.github.awsmfatray.AwsMfaTray.Sessions"
#define AMT_SERVICE_ERROR_FAILED   "io.github.awsmfatray.AwsMfaTray.Error.Failed"
/* How long the command line waits for someone to type a code in the applet's dialog. */
#define AMT_SERVICE_LOGIN_TIMEOUT_MS (5 * 60 * 1000)

#define AMT_TYPE_SERVICE (amt_service_get_type ())

G_DECLARE_FINAL_TYPE (AmtService, amt_service, AMT, SERVICE, GObject)

AmtService *amt_service_new (GDBusConnection  *connection,
                             const char       *object_path,
                             AmtSessions      *sessions,
                             GError          **error);

G_END_DECLS
