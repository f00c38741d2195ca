/* amt-json-wipe.h: JSON whose string values are secrets, read and written without json-glib's copies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *amt_json_take_strings   (const char  *json,
                               gsize        len,
                               GPtrArray  **strings);
const char *amt_json_taken_string (GPtrArray *strings,
                                   JsonNode  *value);
void  amt_json_append_string  (GString     *out,
                               const char  *value);

G_END_DECLS
