/* amt-cli-session.h
 *
 * aws-mfa-tray console, env and exec (amt-cli-session.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int amt_cli_console_run (int    argc,
                         char **argv);
int amt_cli_env_run     (int    argc,
                         char **argv);
int amt_cli_exec_run    (int    argc,
                         char **argv);

G_END_DECLS
