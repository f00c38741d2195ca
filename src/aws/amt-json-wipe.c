/* amt-json-wipe.c
 *
 * A JSON answer can hold a secret (a session's key, a sign-in token); json-glib's scanner
 * copies every string value several times and frees the copies unwiped. So the string values
 * are taken out first, decoded into memory we own and wipe (amt_json_take_strings()), and
 * json-glib parses only the rest, where each value is its index: "0", "1"… Output that holds
 * a secret is written with amt_json_append_string() into a buffer the caller wipes, since
 * json-glib's generator leaves escaped copies behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-json-wipe"

#include "config.h"

#include <string.h>

#include "amt-json-wipe.h"
#include "amt-secret.h"

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* Four hex digits at @p, or -1. */
static int
read_u16 (const char *p,
          const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* Decodes the string literal whose body starts at @p (after the quote) into a block of its
 * own; never longer than the literal, so written without growing. Returns the position after
 * the closing quote, or NULL when the literal is not valid JSON. */
static const char *
decode_string (const char  *p,
               const char  *end,
               char       **decoded)
{
  const char *close = p;
  char *out;
  char *o;

  while (close < end && *close != '"')
    close += *close == '\\' && close + 1 < end ? 2 : 1;
  if (close >= end)
    return NULL;

  out = o = g_malloc ((gsize) (close - p) + 1);
  while (p < close)
    {
      if ((guchar) *p < 0x20)
        goto invalid;
      if (*p != '\\')
        {
          *o++ = *p++;
          continue;
        }
      p++;
      switch (*p++)
        {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
          {
            int unit = read_u16 (p, close);
            gunichar c;

            if (unit < 0)
              goto invalid;
            p += 4;
            c = (gunichar) unit;
            if (unit >= 0xD800 && unit <= 0xDBFF)
              {
                int low = close - p >= 6 && p[0] == '\\' && p[1] == 'u' ? read_u16 (p + 2, close) : -1;

                if (low < 0xDC00 || low > 0xDFFF)
                  goto invalid;
                p += 6;
                c = 0x10000 + (((gunichar) unit - 0xD800) << 10) + ((gunichar) low - 0xDC00);
              }
            else if (unit >= 0xDC00 && unit <= 0xDFFF)
              goto invalid;
            if (c == 0)
              goto invalid;
            o += g_unichar_to_utf8 (c, o);
          }
          break;
        default:
          goto invalid;
        }
    }
  *o = '\0';
  *decoded = out;
  return close + 1;

invalid:
  amt_secret_free_sized (out, (gsize) (o - out));
  return NULL;
}

/**
 * amt_json_take_strings:
 * @json: a JSON text (UTF-8)
 * @strings: (out) (transfer full): the string values taken out, decoded; each is wiped when
 *   the array goes
 *
 * Returns: (transfer full) (nullable): @json with each string value replaced by its index in
 *   @strings, for json-glib to parse; %NULL when a string literal is not valid JSON
 */
char *
amt_json_take_strings (const char  *json,
                       gsize        len,
                       GPtrArray  **strings)
{
  const char *end = json + len;
  const char *p = json;
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func ((GDestroyNotify) amt_secret_free);
  GString *skeleton = g_string_sized_new (len + 1);

  while (p < end)
    {
      const char *literal = p;
      const char *after;
      const char *next;
      char *decoded = NULL;

      if (*p != '"')
        {
          g_string_append_c (skeleton, *p++);
          continue;
        }

      after = decode_string (p + 1, end, &decoded);
      if (after == NULL)
        {
          g_string_free (skeleton, TRUE);
          return NULL;
        }

      next = after;
      while (next < end && g_ascii_isspace (*next))
        next++;
      if (next < end && *next == ':')
        {
          /* A member's name: AWS's field names, parsed as they are. */
          g_string_append_len (skeleton, literal, after - literal);
          amt_secret_free (decoded);
        }
      else
        {
          g_string_append_printf (skeleton, "\"%u\"", taken->len);
          g_ptr_array_add (taken, decoded);
        }
      p = after;
    }

  *strings = g_steal_pointer (&taken);
  return g_string_free (skeleton, FALSE);
}

/**
 * amt_json_taken_string:
 * @strings: what amt_json_take_strings() took
 * @value: a string value of the tree parsed from its result
 *
 * Returns: (transfer none) (nullable): the string @value stands for
 */
const char *
amt_json_taken_string (GPtrArray *strings,
                       JsonNode  *value)
{
  const char *index_text = json_node_get_string (value);
  guint64 index;

  if (index_text == NULL ||
      !g_ascii_string_to_unsigned (index_text, 10, 0, G_MAXUINT, &index, NULL) ||
      index >= strings->len)
    return NULL;
  return g_ptr_array_index (strings, index);
}

/**
 * amt_json_append_string:
 * @out: a buffer sized for the text (a GString that grows leaves its old block unwiped)
 * @value: (nullable): UTF-8 text; %NULL is written as null
 *
 * Appends @value as a JSON string literal, escaped in place: no copy of it is made.
 */
void
amt_json_append_string (GString    *out,
                        const char *value)
{
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}
