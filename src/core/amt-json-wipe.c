/* amt-json-wipe.c
 *
 * A JSON answer can hold a secret (a session's key, a sign-in token); json-glib keeps its own
 * copy of every string value and member name and frees them without wiping. This walks the
 * tree and zeroes them in place, to be called before the last reference goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-json-wipe"

#include "config.h"

#include <string.h>

#include "amt-json-wipe.h"
#include "amt-sigv4.h"

/* Deep enough for any answer of AWS; a hostile one is cut off by the parser's own limit. */
#define MAX_DEPTH 64

static void
wipe_node (JsonNode *node,
           guint     depth)
{
  if (node == NULL || depth > MAX_DEPTH)
    return;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          wipe_node (member, depth + 1);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          wipe_node (json_array_get_element (array, i), depth + 1);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          /* The node's own copy: json_node_get_string() does not duplicate it. */
          char *text = (char *) json_node_get_string (node);

          if (text != NULL)
            amt_secret_wipe (text, strlen (text));
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

/**
 * amt_json_wipe_strings:
 * @node: (nullable): the root of a parsed tree
 *
 * Zeroes every string value below @node, in place (member names are AWS's field names, not
 * secrets, and are the keys of the objects' hash tables: they stay).
 */
void
amt_json_wipe_strings (JsonNode *node)
{
  wipe_node (node, 0);
}
