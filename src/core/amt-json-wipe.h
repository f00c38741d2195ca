/* amt-json-wipe.h: zero the strings of a parsed JSON tree before it is freed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void amt_json_wipe_strings (JsonNode *node);

G_END_DECLS
