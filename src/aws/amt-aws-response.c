/* amt-aws-response.c
 *
 * The AWS Query API answers in XML (GMarkup reads it) or, when asked with
 * `Accept: application/json`, in JSON (json-glib). Both become the same tree of nodes, so the
 * client reads `GetSessionTokenResponse/GetSessionTokenResult/Credentials/AccessKeyId` from
 * either. Node texts can hold secrets: they are wiped when the tree is freed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-aws-response"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "amt-aws-response.h"
#include "amt-json-wipe.h"
#include "amt-secret.h"

/* A well-formed answer is a few kilobytes; this only stops a hostile one from recursing. */
#define MAX_DEPTH 32

struct _AmtAwsNode
{
  char       *name;
  GString    *text;
  GPtrArray  *children;  /* of AmtAwsNode, or NULL */
};

static AmtAwsNode *
node_new (const char *name)
{
  AmtAwsNode *self = g_new0 (AmtAwsNode, 1);
  const char *colon = strchr (name, ':');

  /* <sts:Code> and <Code> are the same element to us. */
  self->name = g_strdup (colon != NULL ? colon + 1 : name);
  self->text = g_string_new (NULL);

  return self;
}

void
amt_aws_node_free (AmtAwsNode *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  amt_secret_free_gstring (self->text);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_free (self);
}

/* g_string_append() would realloc(), which frees the old block unwiped: a text that grows
 * moves to a block of its own size, and the old one is wiped. */
static void
node_append_text (AmtAwsNode *self,
                  const char *text,
                  gsize       len)
{
  if (self->text->len + len >= self->text->allocated_len)
    {
      GString *bigger = g_string_sized_new (self->text->len + len + 1);

      g_string_append_len (bigger, self->text->str, (gssize) self->text->len);
      amt_secret_free_gstring (self->text);
      self->text = bigger;
    }
  g_string_append_len (self->text, text, (gssize) len);
}

static void
node_add_child (AmtAwsNode *self,
                AmtAwsNode *child)
{
  if (self->children == NULL)
    self->children = g_ptr_array_new_with_free_func ((GDestroyNotify) amt_aws_node_free);
  g_ptr_array_add (self->children, child);
}

const char *
amt_aws_node_get_name (AmtAwsNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

const char *
amt_aws_node_get_text (AmtAwsNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text->str;
}

static void
lookup_all (AmtAwsNode  *self,
            char       **parts,
            GPtrArray   *out,
            gboolean     first_only)
{
  if (*parts == NULL)
    {
      g_ptr_array_add (out, self);
      return;
    }

  if (self->children == NULL)
    return;

  for (guint i = 0; i < self->children->len; i++)
    {
      AmtAwsNode *child = g_ptr_array_index (self->children, i);

      if (strcmp (child->name, parts[0]) == 0)
        {
          lookup_all (child, parts + 1, out, first_only);
          if (first_only && out->len > 0)
            return;
        }
    }
}

/**
 * amt_aws_node_lookup_all:
 * @path: names separated by `/`, below @self
 *
 * Returns: (transfer container): every node at @path, in document order
 */
GPtrArray *
amt_aws_node_lookup_all (AmtAwsNode *self,
                         const char *path)
{
  g_auto(GStrv) parts = NULL;
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, out);
  g_return_val_if_fail (path != NULL, out);

  parts = g_strsplit (path, "/", -1);
  lookup_all (self, parts, out, FALSE);

  return out;
}

/**
 * amt_aws_node_lookup:
 *
 * Returns: (transfer none) (nullable): the first node at @path
 */
AmtAwsNode *
amt_aws_node_lookup (AmtAwsNode *self,
                     const char *path)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  parts = g_strsplit (path, "/", -1);
  lookup_all (self, parts, out, TRUE);

  return out->len > 0 ? g_ptr_array_index (out, 0) : NULL;
}

/**
 * amt_aws_node_lookup_text:
 *
 * Returns: (transfer none) (nullable): the text of the first node at @path
 */
const char *
amt_aws_node_lookup_text (AmtAwsNode *self,
                          const char *path)
{
  AmtAwsNode *node = amt_aws_node_lookup (self, path);

  return node != NULL ? node->text->str : NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* XML                                                                                      */

typedef struct {
  GPtrArray *stack;  /* of AmtAwsNode, not owned; [0] is the document */
} XmlParse;

static void
xml_start_element (GMarkupParseContext  *context,
                   const char           *element_name,
                   const char          **attribute_names,
                   const char          **attribute_values,
                   gpointer              user_data,
                   GError              **error)
{
  XmlParse *parse = user_data;
  AmtAwsNode *parent = g_ptr_array_index (parse->stack, parse->stack->len - 1);
  AmtAwsNode *node;

  if (parse->stack->len > MAX_DEPTH)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "too deeply nested");
      return;
    }

  node = node_new (element_name);
  node_add_child (parent, node);
  g_ptr_array_add (parse->stack, node);
}

static void
xml_end_element (GMarkupParseContext  *context,
                 const char           *element_name,
                 gpointer              user_data,
                 GError              **error)
{
  XmlParse *parse = user_data;

  g_ptr_array_set_size (parse->stack, parse->stack->len - 1);
}

static void
xml_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 text_len,
          gpointer              user_data,
          GError              **error)
{
  XmlParse *parse = user_data;
  AmtAwsNode *node = g_ptr_array_index (parse->stack, parse->stack->len - 1);

  if (parse->stack->len > 1)
    node_append_text (node, text, text_len);

  /* GMarkup hands over its own buffer (the unescaped text) and frees or reuses it unwiped:
   * the copy above is the only one kept. */
  amt_secret_wipe ((char *) text, text_len);
}

static const GMarkupParser xml_parser = {
  xml_start_element,
  xml_end_element,
  xml_text,
  NULL,
  NULL,
};

static AmtAwsNode *
parse_xml (const char  *body,
           gsize        len,
           GError     **error)
{
  g_autoptr(AmtAwsNode) document = node_new ("");
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  XmlParse parse = { stack };

  g_ptr_array_add (stack, document);
  context = g_markup_parse_context_new (&xml_parser, G_MARKUP_PREFIX_ERROR_POSITION, &parse, NULL);
  if (!g_markup_parse_context_parse (context, body, len, error) ||
      !g_markup_parse_context_end_parse (context, error))
    return NULL;

  if (document->children == NULL)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "no root element");
      return NULL;
    }

  return g_steal_pointer (&document);
}

/* ---------------------------------------------------------------------------------------- */
/* JSON                                                                                     */

static void json_add_value (AmtAwsNode *node, JsonNode *value, GPtrArray *strings, guint depth);

static void
json_add_object (AmtAwsNode *node,
                 JsonObject *object,
                 GPtrArray  *strings,
                 guint       depth)
{
  JsonObjectIter iter;
  const char *member_name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member_name, &member))
    {
      AmtAwsNode *child;

      /* AWS writes absent members as null. */
      if (JSON_NODE_HOLDS_NULL (member))
        continue;

      child = node_new (member_name);
      node_add_child (node, child);
      json_add_value (child, member, strings, depth + 1);
    }
}

static void
json_add_value (AmtAwsNode *node,
                JsonNode   *value,
                GPtrArray  *strings,
                guint       depth)
{
  if (depth > MAX_DEPTH)
    return;

  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_OBJECT:
      json_add_object (node, json_node_get_object (value), strings, depth);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (value);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          {
            AmtAwsNode *member = node_new ("member");

            node_add_child (node, member);
            json_add_value (member, json_array_get_element (array, i), strings, depth + 1);
          }
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (value);

        if (type == G_TYPE_STRING)
          {
            /* The value itself was taken out before json-glib saw it (amt-json-wipe.c). */
            const char *text = amt_json_taken_string (strings, value);

            if (text != NULL)
              node_append_text (node, text, strlen (text));
          }
        else if (type == G_TYPE_BOOLEAN)
          {
            g_string_append (node->text, json_node_get_boolean (value) ? "true" : "false");
          }
        else if (type == G_TYPE_INT64)
          {
            g_string_append_printf (node->text, "%" G_GINT64_FORMAT, json_node_get_int (value));
          }
        else if (type == G_TYPE_DOUBLE)
          {
            /* Timestamps come as 1.76400036E9: write whole numbers as integers. */
            double d = json_node_get_double (value);
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            /* Only a whole number that fits may be converted: anything else is undefined. */
            if (d > -9.2e18 && d < 9.2e18 && d == (double) (gint64) d)
              g_string_append_printf (node->text, "%" G_GINT64_FORMAT, (gint64) d);
            else
              g_string_append (node->text, g_ascii_dtostr (buf, sizeof buf, d));
          }
      }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

static AmtAwsNode *
parse_json (const char  *body,
            gsize        len,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(AmtAwsNode) document = node_new ("");
  g_autoptr(GPtrArray) strings = NULL;
  g_autofree char *skeleton = NULL;
  JsonNode *root;

  /* json-glib's scanner leaves copies of every string it reads, unwiped: it gets none. */
  skeleton = amt_json_take_strings (body, len, &strings);
  if (skeleton == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "a string that is not valid JSON");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, skeleton, -1, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "not a JSON object");
      return NULL;
    }

  json_add_value (document, root, strings, 0);

  return g_steal_pointer (&document);
}

/**
 * amt_aws_response_parse:
 * @content_type: (nullable): the Content-Type header; JSON when it says so, or when the body
 *   starts with `{`
 *
 * Returns: (transfer full) (nullable): the document node (nameless; its children are the
 *   top-level elements or members), or %NULL with %AMT_AWS_ERROR_INVALID_RESPONSE
 */
AmtAwsNode *
amt_aws_response_parse (const char  *body,
                        gsize        len,
                        const char  *content_type,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  AmtAwsNode *document;
  gsize skip = 0;
  gboolean is_json;

  g_return_val_if_fail (body != NULL || len == 0, NULL);

  while (skip < len && g_ascii_isspace (body[skip]))
    skip++;

  is_json = (content_type != NULL && strstr (content_type, "json") != NULL) ||
            (skip < len && body[skip] == '{');

  if (skip == len)
    g_set_error_literal (&local_error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "empty body");
  else if (!g_utf8_validate (body, len, NULL))
    g_set_error_literal (&local_error, G_MARKUP_ERROR, G_MARKUP_ERROR_BAD_UTF8, "not UTF-8");

  document = local_error != NULL ? NULL
             : is_json ? parse_json (body, len, &local_error)
             : parse_xml (body, len, &local_error);

  if (document == NULL)
    {
      g_autofree char *sentence = amt_aws_error_describe (AMT_AWS_ERROR_INVALID_RESPONSE, 0);

      g_debug ("Unreadable response (%s): %s", is_json ? "JSON" : "XML", local_error->message);
      g_set_error_literal (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_RESPONSE, sentence);
      return NULL;
    }

  return document;
}

/**
 * amt_aws_response_get_error:
 * @root: a parsed response
 * @info: (out caller-allocates): filled with pointers into @root
 *
 * Returns: whether @root is an AWS error body (`ErrorResponse/Error`, `Response/Errors/Error`
 *   or JSON `{"Error": …}`)
 */
gboolean
amt_aws_response_get_error (AmtAwsNode      *root,
                            guint            http_status,
                            AmtAwsErrorInfo *info)
{
  static const char * const error_paths[] = {
    "ErrorResponse/Error", "Response/Errors/Error", "Error",
  };
  static const char * const request_id_paths[] = {
    "ErrorResponse/RequestId", "Response/RequestID", "RequestId",
  };

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);
  info->http_status = http_status;

  for (guint i = 0; i < G_N_ELEMENTS (error_paths); i++)
    {
      AmtAwsNode *error = amt_aws_node_lookup (root, error_paths[i]);

      if (error == NULL)
        continue;

      info->type = amt_aws_node_lookup_text (error, "Type");
      info->code = amt_aws_node_lookup_text (error, "Code");
      info->message = amt_aws_node_lookup_text (error, "Message");
      info->request_id = amt_aws_node_lookup_text (root, request_id_paths[i]);
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_number (const char *text)
{
  gboolean digits = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits = TRUE;
      else if (strchr ("+-.eE", *p) == NULL)
        return FALSE;
    }

  return digits;
}

/**
 * amt_aws_parse_timestamp:
 * @text: ISO 8601 (`2026-11-24T04:29:20Z`, `2026-11-24T04:29:20.123Z`, an offset instead of
 *   `Z`, or aws-mfa's `2026-11-24 04:29:20` taken as UTC) or epoch seconds (`1764000360`,
 *   `1.76400036E9`)
 *
 * Returns: (transfer full) (nullable): the time in UTC
 */
GDateTime *
amt_aws_parse_timestamp (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *stripped = NULL;

  if (text == NULL)
    return NULL;

  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return NULL;

  if (is_number (stripped))
    {
      char *end = NULL;
      double seconds = g_ascii_strtod (stripped, &end);

      if (end == NULL || *end != '\0' || !(seconds > -1e11 && seconds < 1e11))
        return NULL;
      /* Whole seconds: the expirations AWS issues have none. */
      return g_date_time_new_from_unix_utc ((gint64) seconds);
    }

  utc = g_time_zone_new_utc ();
  if (strlen (stripped) > 10 && stripped[10] == ' ')
    stripped[10] = 'T';
  parsed = g_date_time_new_from_iso8601 (stripped, utc);
  if (parsed == NULL)
    return NULL;

  return g_date_time_to_utc (parsed);
}
