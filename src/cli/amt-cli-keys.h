/* amt-cli-keys.h: aws-mfa-tray keys move-to-keyring|move-to-file --profile NAME
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int amt_cli_keys_run (int    argc,
                      char **argv);

G_END_DECLS
