/* amt-module.h: the program's loadable modules (libcurl and GnuTLS, libsecret), found and opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gpointer amt_module_open   (const char  *name,
                            char       **path,
                            char       **failure);
gpointer amt_module_symbol (gpointer     module,
                            const char  *path,
                            const char  *symbol,
                            char       **failure);

G_END_DECLS
