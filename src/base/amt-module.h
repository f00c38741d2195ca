/* amt-module.h: the program's loadable modules (libcurl and GnuTLS, libsecret), found and opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gpointer amt_module_open       (const char  *name,
                                char       **path,
                                char       **failure);
void     amt_module_open_first (const char  *soname);
gboolean amt_module_symbols    (gpointer     module,
                                const char  *path,
                                char       **failure,
                                const char  *first_symbol,
                                ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
