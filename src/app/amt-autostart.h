/* amt-autostart.h: starting in the tray at login
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *amt_autostart_dup_file_path  (void);
gboolean  amt_autostart_apply          (gboolean   enabled,
                                        GError   **error);

G_END_DECLS
