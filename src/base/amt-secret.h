/* amt-secret.h: wiping secrets before their memory is freed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void amt_secret_wipe         (gpointer  data,
                              gsize     len);
void amt_secret_free         (char     *secret);
void amt_secret_free_sized   (gpointer  data,
                              gsize     len);
void amt_secret_free_gstring (GString  *secret);
void amt_secret_free_bytes   (GByteArray *secret);

G_END_DECLS
