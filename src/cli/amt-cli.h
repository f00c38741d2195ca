/* amt-cli.h: the subcommands, which work without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  amt_cli_is_command  (const char  *argument);
int       amt_cli_run         (int          argc,
                               char       **argv);
void      amt_cli_print_usage (void);

G_END_DECLS
