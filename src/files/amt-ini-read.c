/* amt-ini-read.c
 *
 * The lines of an INI document and how they read. The bytes are split into lines that keep
 * their own line endings (amt-ini.c), and the lines are classified the way botocore reads them
 * (botocore.configloader.raw_config_parse, which uses Python's configparser.RawConfigParser in
 * strict mode), because that is how the AWS CLI and the SDKs that copy it read ~/.aws/config and
 * ~/.aws/credentials:
 *
 *  - lines end at LF, CRLF or a lone CR (Python's universal newlines);
 *  - "whitespace" is Python's str.isspace(), which includes some non-ASCII spaces;
 *  - a line whose stripped text starts with '#' or ';' is a comment; there are no inline comments;
 *  - "[name]" is a header: the name runs to the last ']' on the line; [DEFAULT] is special: its
 *    keys are inherited by every section and it may appear more than once;
 *  - a key line splits at the first '=' or ':'; the key is lowercased, both sides are stripped;
 *  - a line indented deeper than the last key line is a continuation of that key's value, even
 *    after blank lines; blank lines inside a value become empty lines of it; the joined value is
 *    stripped at its end; a value that starts with a newline is an indented sub-section
 *    ("s3 =" blocks), whose lines must each have an '=';
 *  - a repeated section or a repeated key in one section, a key before the first header, or a
 *    line that is none of the above makes botocore refuse the whole file.
 *
 * Such a document still loads (losslessly), so it can be shown and serialized, but
 * amt_ini_document_check() reports the first problem in a sentence a user can act on, and the
 * editing functions refuse to touch it: we never write a file that AWS tools cannot read, and we
 * never "fix" one silently.
 *
 * Two deliberate differences from botocore, both on the side of refusing: a NUL byte is reported
 * as an error (botocore would read it as a character), and so is a byte-order mark (botocore
 * fails on it too, with a less helpful message).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-ini"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-ini-private.h"
#include "amt-secret.h"

void
amt_ini_line_free (Line *line)
{
  amt_secret_free_sized (line->text, line->len);
  g_free (line);
}

Line *
amt_ini_line_new (const char *text,
                  gsize       len,
                  Eol         eol)
{
  Line *line = g_new0 (Line, 1);

  line->text = g_malloc (len + 1);
  memcpy (line->text, text, len);
  line->text[len] = '\0';
  line->len = len;
  line->eol = eol;

  return line;
}

static void
key_free (Key *key)
{
  g_free (key->name);
  amt_secret_free_gstring (key->value);
  g_free (key);
}

static void
block_free (Block *block)
{
  g_free (block->name);
  g_ptr_array_unref (block->keys);
  g_free (block);
}

char *
amt_ini_lowercase_key (const char *text,
                       gsize       len)
{
  gboolean ascii = TRUE;

  /* Nearly every key is ASCII, where both give the same, and the Unicode one is far slower. */
  for (gsize i = 0; i < len && ascii; i++)
    ascii = (guchar) text[i] < 0x80;

  if (!ascii && g_utf8_validate_len (text, len, NULL))
    return g_utf8_strdown (text, len);

  return g_ascii_strdown (text, len);
}

/* Problems */

static void
set_problem (AmtIniDocument *doc,
             guint           line_index,
             AmtIniError     code,
             char           *message)
{
  guint line_number = line_index + 1;

  /* Keep the one nearest the top: that is where the user should start. */
  if (doc->problem_line != 0 && doc->problem_line <= line_number)
    {
      g_free (message);
      return;
    }

  g_free (doc->problem);
  doc->problem = message;
  doc->problem_line = line_number;
  doc->problem_code = code;
}

/* Line @i is one that botocore refuses: it reads as nothing, and @message says why. */
static void
set_invalid_line (AmtIniDocument *doc,
                  guint           i,
                  AmtIniError     code,
                  const char     *message)
{
  amt_ini_line_at (doc, i)->kind = LINE_INVALID;
  set_problem (doc, i, code, g_strdup (message));
}

/* Classification: the configparser reading, over the lines we keep */

static Block *
block_new (const char *name,
           guint       header)
{
  Block *block = g_new0 (Block, 1);

  block->name = g_strdup (name);
  block->header = header;
  block->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) key_free);

  return block;
}

Key *
amt_ini_keys_find (GPtrArray  *keys,
                   const char *name)
{
  for (guint i = 0; i < keys->len; i++)
    {
      Key *key = g_ptr_array_index (keys, i);

      if (g_strcmp0 (key->name, name) == 0)
        return key;
    }

  return NULL;
}

Key *
amt_ini_block_find_key (Block      *block,
                        const char *name)
{
  return amt_ini_keys_find (block->keys, name);
}

/* Python's str.rstrip() of the joined value. */
static void
rstrip_value (GString *value)
{
  gsize start = 0;
  gsize end = value->len;
  gunichar c;

  while (end > start)
    {
      gsize n = amt_ini_char_before (value->str, start, end, &c);

      if (!amt_ini_is_py_space (c))
        break;
      end -= n;
    }

  if (end < value->len)
    {
      amt_secret_wipe (value->str + end, value->len - end);
      g_string_truncate (value, end);
    }
}

gboolean
amt_ini_parse_nested (const char *value,
                      gsize       len,
                      NestedFunc  func,
                      gpointer    user_data)
{
  gsize line_start = 0;

  while (line_start <= len)
    {
      gsize line_end = line_start;
      gsize next;
      gsize start, end;
      const char *equals;
      gunichar c = 0;

      while (line_end < len)
        {
          gsize n = amt_ini_char_at (value, len, line_end, &c);

          if (amt_ini_is_py_line_break (c))
            break;
          line_end += n;
        }
      next = line_end < len ? line_end + amt_ini_char_at (value, len, line_end, &c) : len + 1;

      start = line_start;
      end = line_end;
      amt_ini_strip_span (value, &start, &end);
      if (start < end)
        {
          gsize name_start = start, name_end, value_start, value_end = end;

          equals = memchr (value + start, '=', end - start);
          if (equals == NULL)
            return FALSE;

          name_end = equals - value;
          value_start = name_end + 1;
          amt_ini_strip_span (value, &name_start, &name_end);
          amt_ini_strip_span (value, &value_start, &value_end);
          if (func != NULL)
            func (value + name_start, name_end - name_start,
                  value + value_start, value_end - value_start, user_data);
        }

      line_start = next;
    }

  return TRUE;
}

void
amt_ini_clear_structure (AmtIniDocument *doc)
{
  g_clear_pointer (&doc->sections, g_hash_table_unref);
  g_clear_pointer (&doc->defaults, g_ptr_array_unref);
  g_clear_pointer (&doc->blocks, g_ptr_array_unref);
  g_clear_pointer (&doc->problem, g_free);
  doc->problem_line = 0;
  doc->problem_code = 0;
}

void
amt_ini_classify_lines (AmtIniDocument *doc)
{
  g_autoptr(GHashTable) elements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Block *block = NULL;      /* the current section, NULL before the first header */
  Key *key = NULL;          /* the current key, that continuation lines extend */
  guint indent_level = 0;

  amt_ini_clear_structure (doc);
  doc->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  doc->sections = g_hash_table_new (g_str_hash, g_str_equal);
  doc->defaults = g_ptr_array_new ();

  if (doc->bom)
    set_problem (doc, 0, AMT_INI_ERROR_ENCODING,
                 g_strdup (_("the file starts with a byte-order mark (BOM), which AWS tools "
                             "cannot read; save it as UTF-8 without a BOM.")));

  for (guint i = 0; i < doc->lines->len; i++)
    {
      Line *line = g_ptr_array_index (doc->lines, i);
      gsize start = 0, end = line->len;
      guint indent;
      const char *nul;

      line->value_start = line->value_end = 0;

      if (!g_utf8_validate_len (line->text, line->len, NULL))
        {
          nul = memchr (line->text, '\0', line->len);
          set_problem (doc, i, AMT_INI_ERROR_ENCODING,
                       nul != NULL
                       ? g_strdup (_("this line contains a NUL byte; remove it."))
                       : g_strdup (_("this line is not valid UTF-8 text; fix or remove it.")));
        }

      amt_ini_strip_span (line->text, &start, &end);

      if (start < end && (line->text[start] == '#' || line->text[start] == ';'))
        {
          line->kind = LINE_COMMENT;
          continue;
        }

      if (start == end)
        {
          line->kind = LINE_BLANK;
          /* configparser keeps blank lines inside a value (they may be followed by more
           * continuation lines); the value is stripped at the end. */
          if (key != NULL)
            g_string_append_c (key->value, '\n');
          continue;
        }

      indent = amt_ini_indent_of (line->text, line->len, NULL);

      if (key != NULL && indent > indent_level)
        {
          line->kind = LINE_CONTINUATION;
          g_string_append_c (key->value, '\n');
          g_string_append_len (key->value, line->text + start, end - start);
          key->last = i;
          continue;
        }

      indent_level = indent;

      if (line->text[start] == '[')
        {
          const char *close = NULL;

          for (gsize j = end; j > start + 2; j--)
            {
              if (line->text[j - 1] == ']')
                {
                  close = line->text + j - 1;
                  break;
                }
            }

          if (close != NULL)
            {
              g_autofree char *name = g_strndup (line->text + start + 1,
                                                 close - (line->text + start + 1));

              line->kind = LINE_HEADER;
              if (block != NULL)
                block->end = i;
              key = NULL;

              block = block_new (name, i);
              g_ptr_array_add (doc->blocks, block);

              if (g_str_equal (name, "DEFAULT"))
                continue;

              if (g_hash_table_contains (doc->sections, name))
                {
                  Block *first = g_hash_table_lookup (doc->sections, name);

                  block->duplicate = TRUE;
                  set_problem (doc, i, AMT_INI_ERROR_DUPLICATE_SECTION,
                               g_strdup_printf (_("the section [%s] appears twice (first on line %u); "
                                                  "remove one of them."),
                                                name, first->header + 1));
                }
              else
                {
                  g_hash_table_insert (doc->sections, block->name, block);
                }
              continue;
            }
        }

      if (block == NULL)
        {
          set_invalid_line (doc, i, AMT_INI_ERROR_MISSING_SECTION_HEADER,
                            _("this line comes before the first [section] header; move it "
                              "into a section or remove it."));
          continue;
        }

      {
        gsize name_start = start, name_end, value_start, value_end = end;
        g_autofree char *name = NULL;
        g_autofree char *element = NULL;
        gsize d;

        for (d = start; d < end; d++)
          if (line->text[d] == '=' || line->text[d] == ':')
            break;

        if (d == end)
          {
            /* configparser goes on reading (the current key stays current) and fails at the end. */
            set_invalid_line (doc, i, AMT_INI_ERROR_SYNTAX,
                              _("this line is not a [section] header, a “key = value” line, "
                                "a comment or an indented continuation; fix or remove it."));
            continue;
          }

        name_end = d;
        value_start = d + 1;
        amt_ini_strip_span (line->text, &name_start, &name_end);
        amt_ini_strip_span (line->text, &value_start, &value_end);
        if (value_start == value_end)
          value_start = value_end = end;

        line->kind = LINE_KEY;
        line->value_start = value_start;
        line->value_end = value_end;

        if (name_start == name_end)
          set_problem (doc, i, AMT_INI_ERROR_SYNTAX,
                       g_strdup (_("this line has no key name before its “=” or “:”; "
                                   "fix or remove it.")));

        /* A name with a NUL (reported above) is cut there, as lookups see it. */
        name = amt_ini_lowercase_key (line->text + name_start,
                              strnlen (line->text + name_start, name_end - name_start));

        key = g_new0 (Key, 1);
        key->name = g_steal_pointer (&name);
        key->line = i;
        key->last = i;
        key->value = g_string_new_len (line->text + value_start, value_end - value_start);
        g_ptr_array_add (block->keys, key);
        if (g_str_equal (block->name, "DEFAULT"))
          g_ptr_array_add (doc->defaults, key);

        element = g_strconcat (block->name, "\x1f", key->name, NULL);
        if (g_hash_table_contains (elements, element))
          {
            guint first = GPOINTER_TO_UINT (g_hash_table_lookup (elements, element));

            set_problem (doc, i, AMT_INI_ERROR_DUPLICATE_KEY,
                         g_strdup_printf (_("the key “%s” appears twice in [%s] (first on line %u); "
                                            "remove one of them."),
                                          key->name, block->name, first));
          }
        else
          {
            g_hash_table_insert (elements, g_steal_pointer (&element), GUINT_TO_POINTER (i + 1));
          }
      }
    }

  if (block != NULL)
    block->end = doc->lines->len;

  /* Join and check the values, now that every continuation line is known. */
  for (guint b = 0; b < doc->blocks->len; b++)
    {
      Block *each = g_ptr_array_index (doc->blocks, b);

      for (guint k = 0; k < each->keys->len; k++)
        {
          Key *each_key = g_ptr_array_index (each->keys, k);

          rstrip_value (each_key->value);
          /* botocore reads the [DEFAULT] values only through the sections that inherit them. */
          if (g_str_equal (each->name, "DEFAULT") && g_hash_table_size (doc->sections) == 0)
            continue;
          if (each_key->value->len > 0 && each_key->value->str[0] == '\n' &&
              !amt_ini_parse_nested (each_key->value->str, each_key->value->len, NULL, NULL))
            set_problem (doc, each_key->line, AMT_INI_ERROR_NESTED,
                         g_strdup_printf (_("the indented lines under “%s” must each be "
                                            "“name = value”; fix or remove them."),
                                          each_key->name));
        }
    }
}

/* Lines */

void
amt_ini_split_lines (AmtIniDocument *doc,
                     const char     *data,
                     gsize           length)
{
  gsize start = 0;

  if (length >= BOM_LEN && memcmp (data, BOM, BOM_LEN) == 0)
    {
      doc->bom = TRUE;
      start = BOM_LEN;
    }

  while (start < length)
    {
      gsize end = start;
      Eol eol = EOL_NONE;
      gsize next;

      while (end < length && data[end] != '\n' && data[end] != '\r')
        end++;

      if (end == length)
        next = end;
      else if (data[end] == '\n')
        eol = EOL_LF, next = end + 1;
      else if (end + 1 < length && data[end + 1] == '\n')
        eol = EOL_CRLF, next = end + 2;
      else
        eol = EOL_CR, next = end + 1;

      g_ptr_array_add (doc->lines, amt_ini_line_new (data + start, end - start, eol));
      start = next;
    }
}
