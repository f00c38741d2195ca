/* amt-tray-watch.h: whether a tray (a StatusNotifierWatcher) is there to show our icon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AMT_TYPE_TRAY_WATCH (amt_tray_watch_get_type ())

G_DECLARE_FINAL_TYPE (AmtTrayWatch, amt_tray_watch, AMT, TRAY_WATCH, GObject)

AmtTrayWatch *amt_tray_watch_new           (GDBusConnection *connection);
gboolean      amt_tray_watch_get_known     (AmtTrayWatch    *self);
gboolean      amt_tray_watch_get_available (AmtTrayWatch    *self);

G_END_DECLS
