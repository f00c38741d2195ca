/* amt-file-keys.h: long-term keys as the AWS files keep them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-aws-config.h"
#include "amt-key-source.h"

G_BEGIN_DECLS

#define AMT_TYPE_FILE_KEYS (amt_file_keys_get_type ())

G_DECLARE_FINAL_TYPE (AmtFileKeys, amt_file_keys, AMT, FILE_KEYS, GObject)

AmtFileKeys *amt_file_keys_new (AmtAwsConfig *config);

G_END_DECLS
