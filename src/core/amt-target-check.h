/* amt-target-check.h: can a session be written to a section, before a code is spent on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-cred-store.h"

G_BEGIN_DECLS

gboolean amt_target_check         (AmtCredStore  *store,
                                   const char    *profile,
                                   const char    *section,
                                   GError       **error);
gboolean amt_target_check_section (const char    *profile,
                                   const char    *section,
                                   GError       **error);

G_END_DECLS
