/* amt-sandbox.h: what the Flatpak sandbox hides from the app, said where the user meets it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  amt_sandbox_is_flatpak             (void);
char     *amt_sandbox_explain_missing_command (const char  *program,
                                               gboolean     in_flatpak);
gboolean  amt_sandbox_check_aws_file         (const char  *path,
                                              const char  *variable,
                                              gboolean     in_flatpak,
                                              GError     **error);
gboolean  amt_sandbox_check_aws_files        (GError     **error);

G_END_DECLS
