/* amt-json-wipe.h: JSON whose string values are secrets: parsed without json-glib copying them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void  amt_json_wipe_strings   (JsonNode    *node);
char *amt_json_take_strings   (const char  *json,
                               gsize        len,
                               GPtrArray  **strings);
const char *amt_json_taken_string (GPtrArray *strings,
                                   JsonNode  *value);

G_END_DECLS
