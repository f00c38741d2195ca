/* amt-hardening.h: what the process does for itself before anything else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void amt_hardening_apply (void);

G_END_DECLS
