/* amt-file-watch.h: the AWS files (and the failures file), watched for changes by anyone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AMT_TYPE_FILE_WATCH (amt_file_watch_get_type ())

G_DECLARE_FINAL_TYPE (AmtFileWatch, amt_file_watch, AMT, FILE_WATCH, GObject)

AmtFileWatch *amt_file_watch_new       (void);
void          amt_file_watch_set_paths (AmtFileWatch       *self,
                                        const char * const *paths);

G_END_DECLS
