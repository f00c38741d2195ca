/* amt-ini.c
 *
 * A lossless INI document. Every line keeps its bytes and its own line ending (LF, CRLF, CR or
 * none at the end of the file), and a leading byte-order mark is kept, so serializing an unedited
 * document gives back the input byte for byte, and an edit rewrites only the lines it must.
 *
 * The reading follows botocore (botocore.configloader.raw_config_parse, which uses Python's
 * configparser.RawConfigParser in strict mode), because that is how the AWS CLI and the SDKs
 * that copy it read ~/.aws/config and ~/.aws/credentials:
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
 * The buffers of a document may hold secrets (the credentials file): they are wiped when freed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-ini"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-ini.h"
#include "amt-ini-scan.h"

#define BOM "\xef\xbb\xbf"
#define BOM_LEN 3

/* The same order as AmtIniEol, whose counts amt_ini_scan() gives. */
typedef enum {
  EOL_NONE = AMT_INI_EOL_NONE,
  EOL_LF = AMT_INI_EOL_LF,
  EOL_CRLF = AMT_INI_EOL_CRLF,
  EOL_CR = AMT_INI_EOL_CR,
} Eol;

static const char * const eol_text[] = { "", "\n", "\r\n", "\r" };
static const gsize eol_len[] = { 0, 1, 2, 1 };

typedef enum {
  LINE_BLANK,
  LINE_COMMENT,
  LINE_HEADER,
  LINE_KEY,
  LINE_CONTINUATION,
  LINE_INVALID,
} LineKind;

typedef struct {
  char     *text;        /* without its line ending; any bytes */
  gsize     len;
  Eol       eol;

  /* Set by classify_lines () */
  LineKind  kind;
  gsize     value_start; /* LINE_KEY: the value, stripped, as byte offsets into text */
  gsize     value_end;
} Line;

typedef struct {
  char    *name;         /* lowercased, as configparser's optionxform does */
  guint    line;         /* index of the key line */
  guint    last;         /* index of its last continuation line */
  GString *value;        /* joined the way configparser joins a multi-line value */
} Key;

typedef struct {
  char      *name;
  guint      header;     /* index of the header line */
  guint      end;        /* one past its last line: the next header, or the end */
  GPtrArray *keys;       /* of Key */
  gboolean   duplicate;  /* a repeated header (the file is invalid) */
} Block;

struct _AmtIniDocument
{
  gboolean    bom;
  GPtrArray  *lines;     /* of Line */

  /* Derived from the lines by classify_lines () */
  GPtrArray  *blocks;    /* of Block, in file order, [DEFAULT] blocks included */
  GHashTable *sections;  /* name -> first Block; no [DEFAULT] */
  GPtrArray  *defaults;  /* of Key (owned by the [DEFAULT] blocks) */
  guint       problem_line; /* 1-based; 0 when the file reads fine */
  AmtIniError problem_code;
  char       *problem;   /* the problem, a sentence without the file name */

  /* A document of one section cut from a file (amt_ini_splice_set_values()): new lines take
   * the line ending most common in the whole file, not in the cut. */
  gboolean    has_file_eol;
  Eol         file_eol;
};

G_DEFINE_QUARK (amt-ini-error-quark, amt_ini_error)

static void
line_free (Line *line)
{
  amt_secret_free_sized (line->text, line->len);
  g_free (line);
}

static Line *
line_new (const char *text,
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

static char *
lowercase_key (const char *text,
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

static Key *
keys_find (GPtrArray  *keys,
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

static Key *
block_find_key (Block      *block,
                const char *name)
{
  return keys_find (block->keys, name);
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

/* botocore's _parse_nested(): calls @func for each "name = value" of an indented block, or
 * returns FALSE at the first line that has no '='. */
typedef void (*NestedFunc) (const char *name,
                            gsize       name_len,
                            const char *value,
                            gsize       value_len,
                            gpointer    user_data);

static gboolean
parse_nested (const char *value,
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

static void
clear_structure (AmtIniDocument *doc)
{
  g_clear_pointer (&doc->sections, g_hash_table_unref);
  g_clear_pointer (&doc->defaults, g_ptr_array_unref);
  g_clear_pointer (&doc->blocks, g_ptr_array_unref);
  g_clear_pointer (&doc->problem, g_free);
  doc->problem_line = 0;
  doc->problem_code = 0;
}

static void
classify_lines (AmtIniDocument *doc)
{
  g_autoptr(GHashTable) elements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Block *block = NULL;      /* the current section, NULL before the first header */
  Key *key = NULL;          /* the current key, that continuation lines extend */
  guint indent_level = 0;

  clear_structure (doc);
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
          line->kind = LINE_INVALID;
          set_problem (doc, i, AMT_INI_ERROR_MISSING_SECTION_HEADER,
                       g_strdup (_("this line comes before the first [section] header; move it "
                                   "into a section or remove it.")));
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
            line->kind = LINE_INVALID;
            set_problem (doc, i, AMT_INI_ERROR_SYNTAX,
                         g_strdup (_("this line is not a [section] header, a “key = value” line, "
                                     "a comment or an indented continuation; fix or remove it.")));
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
        name = lowercase_key (line->text + name_start,
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
              !parse_nested (each_key->value->str, each_key->value->len, NULL, NULL))
            set_problem (doc, each_key->line, AMT_INI_ERROR_NESTED,
                         g_strdup_printf (_("the indented lines under “%s” must each be "
                                            "“name = value”; fix or remove them."),
                                          each_key->name));
        }
    }
}

/* Lines */

static void
split_lines (AmtIniDocument *doc,
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

      g_ptr_array_add (doc->lines, line_new (data + start, end - start, eol));
      start = next;
    }
}

/**
 * amt_ini_document_new:
 *
 * Returns: (transfer full): an empty document
 */
AmtIniDocument *
amt_ini_document_new (void)
{
  return amt_ini_document_new_from_data ("", 0);
}

/**
 * amt_ini_document_new_from_data:
 * @data: the bytes of a file
 * @length: their length
 *
 * Reads any bytes: a document always loads, so that it can be serialized back unchanged. Use
 * amt_ini_document_check() to learn whether AWS tools can read it.
 *
 * Returns: (transfer full): the document
 */
AmtIniDocument *
amt_ini_document_new_from_data (const char *data,
                                gsize       length)
{
  AmtIniDocument *doc;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  doc = g_new0 (AmtIniDocument, 1);
  doc->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  split_lines (doc, data, length);
  classify_lines (doc);

  return doc;
}

void
amt_ini_document_free (AmtIniDocument *doc)
{
  if (doc == NULL)
    return;

  clear_structure (doc);
  g_ptr_array_unref (doc->lines);
  g_free (doc);
}

/**
 * amt_ini_document_check:
 * @doc: a document
 * @display_name: how to name the file to the user, e.g. "~/.aws/credentials"
 * @error: return location for an #AMT_INI_ERROR
 *
 * Tells whether botocore reads the file. When it does not, @error says where and why, in a
 * sentence for the user: "~/.aws/credentials, line 12: the section [dev] appears twice (first
 * on line 3); remove one of them."
 *
 * Returns: %TRUE when AWS tools can read the file
 */
gboolean
amt_ini_document_check (AmtIniDocument  *doc,
                        const char      *display_name,
                        GError         **error)
{
  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (display_name != NULL, FALSE);

  if (doc->problem_line == 0)
    return TRUE;

  g_set_error (error, AMT_INI_ERROR, doc->problem_code,
               /* Translators: "~/.aws/credentials, line 12: the section [dev] appears twice…" */
               _("%s, line %u: %s"), display_name, doc->problem_line, doc->problem);
  return FALSE;
}

/**
 * amt_ini_document_serialize:
 * @doc: a document
 * @length: (out): the length of the result
 *
 * Returns: (transfer full): the bytes of the file, NUL-terminated. They may hold secrets: free
 *   them with amt_secret_free_sized().
 */
char *
amt_ini_document_serialize (AmtIniDocument *doc,
                            gsize          *length)
{
  gsize total = doc->bom ? BOM_LEN : 0;
  char *data;
  char *p;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);

  for (guint i = 0; i < doc->lines->len; i++)
    {
      Line *line = g_ptr_array_index (doc->lines, i);

      total += line->len + eol_len[line->eol];
    }

  data = p = g_malloc (total + 1);
  if (doc->bom)
    {
      memcpy (p, BOM, BOM_LEN);
      p += BOM_LEN;
    }
  for (guint i = 0; i < doc->lines->len; i++)
    {
      Line *line = g_ptr_array_index (doc->lines, i);

      memcpy (p, line->text, line->len);
      p += line->len;
      memcpy (p, eol_text[line->eol], eol_len[line->eol]);
      p += eol_len[line->eol];
    }
  *p = '\0';
  *length = total;

  return data;
}

/* Queries */

guint
amt_ini_document_get_n_lines (AmtIniDocument *doc)
{
  g_return_val_if_fail (doc != NULL, 0);

  return doc->lines->len;
}

/**
 * amt_ini_document_get_sections:
 * @doc: a document
 *
 * The names of the sections, in file order, as configparser's sections() lists them: each name
 * once, and without [DEFAULT].
 *
 * Returns: (transfer full): a %NULL-terminated array of names
 */
char **
amt_ini_document_get_sections (AmtIniDocument *doc)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (doc != NULL, NULL);

  for (guint i = 0; i < doc->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (doc->blocks, i);

      if (!block->duplicate && !g_str_equal (block->name, "DEFAULT"))
        g_strv_builder_add (builder, block->name);
    }

  return g_strv_builder_end (builder);
}

static Block *
find_section (AmtIniDocument *doc,
              const char     *section)
{
  return g_hash_table_lookup (doc->sections, section);
}

gboolean
amt_ini_document_has_section (AmtIniDocument *doc,
                              const char     *section)
{
  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return find_section (doc, section) != NULL;
}

/**
 * amt_ini_document_get_section_line:
 *
 * Returns: the line number (from 1) of the section's header, or 0 when there is no such section
 */
guint
amt_ini_document_get_section_line (AmtIniDocument *doc,
                                   const char     *section)
{
  Block *block;

  g_return_val_if_fail (doc != NULL, 0);
  g_return_val_if_fail (section != NULL, 0);

  block = find_section (doc, section);
  return block != NULL ? block->header + 1 : 0;
}

/**
 * amt_ini_document_get_keys:
 * @doc: a document
 * @section: the exact name of a section, e.g. "profile dev"
 *
 * The keys of @section, lowercased, then those it inherits from [DEFAULT] (configparser's
 * options()).
 *
 * Returns: (transfer full) (nullable): a %NULL-terminated array, or %NULL when there is no such
 *   section
 */
char **
amt_ini_document_get_keys (AmtIniDocument *doc,
                           const char     *section)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  Block *block;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);

  block = find_section (doc, section);
  if (block == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < block->keys->len; i++)
    g_strv_builder_add (builder, ((Key *) g_ptr_array_index (block->keys, i))->name);
  for (guint i = 0; i < doc->defaults->len; i++)
    {
      Key *key = g_ptr_array_index (doc->defaults, i);

      if (block_find_key (block, key->name) == NULL)
        g_strv_builder_add (builder, key->name);
    }

  return g_strv_builder_end (builder);
}

static Key *
lookup_key (AmtIniDocument *doc,
            const char     *section,
            const char     *key_name)
{
  g_autofree char *lower = lowercase_key (key_name, strlen (key_name));
  Block *block = find_section (doc, section);
  Key *key;

  if (block == NULL)
    return NULL;

  key = block_find_key (block, lower);
  if (key == NULL)
    key = keys_find (doc->defaults, lower);

  return key;
}

/**
 * amt_ini_document_get_value:
 * @doc: a document
 * @section: the exact name of a section
 * @key: a key, in any case
 *
 * The value as botocore reads it: stripped, continuation lines joined with newlines, taken from
 * [DEFAULT] when the section lacks it. A value that starts with a newline is an indented
 * sub-section; amt_ini_document_get_nested() reads it.
 *
 * Returns: (nullable): the value, owned by @doc until it is edited, or %NULL
 */
const char *
amt_ini_document_get_value (AmtIniDocument *doc,
                            const char     *section,
                            const char     *key)
{
  Key *found;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  found = lookup_key (doc, section, key);
  return found != NULL ? found->value->str : NULL;
}

static void
nested_insert (const char *name,
               gsize       name_len,
               const char *value,
               gsize       value_len,
               gpointer    user_data)
{
  g_hash_table_insert (user_data, g_strndup (name, name_len), g_strndup (value, value_len));
}

/**
 * amt_ini_document_get_nested:
 * @doc: a document
 * @section: the exact name of a section
 * @key: a key whose value is an indented block, like "s3"
 *
 * Returns: (transfer full) (nullable): the block's names and values (as botocore reads them:
 *   names keep their case, a later name wins), or %NULL when the value is not such a block
 */
GHashTable *
amt_ini_document_get_nested (AmtIniDocument *doc,
                             const char     *section,
                             const char     *key)
{
  g_autoptr(GHashTable) nested = NULL;
  Key *found;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  found = lookup_key (doc, section, key);
  if (found == NULL || found->value->len == 0 || found->value->str[0] != '\n')
    return NULL;

  nested = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) amt_secret_free);
  if (!parse_nested (found->value->str, found->value->len, nested_insert, nested))
    return NULL;

  return g_steal_pointer (&nested);
}

/* Edits */

static Eol
dominant_of_counts (const guint counts[4])
{
  if (counts[EOL_CRLF] > counts[EOL_LF] && counts[EOL_CRLF] >= counts[EOL_CR])
    return EOL_CRLF;
  if (counts[EOL_CR] > counts[EOL_LF] && counts[EOL_CR] > counts[EOL_CRLF])
    return EOL_CR;

  return EOL_LF;
}

static Eol
dominant_eol (AmtIniDocument *doc)
{
  guint counts[4] = { 0, };

  if (doc->has_file_eol)
    return doc->file_eol;

  for (guint i = 0; i < doc->lines->len; i++)
    counts[((Line *) g_ptr_array_index (doc->lines, i))->eol]++;

  return dominant_of_counts (counts);
}

static Line *
line_at (AmtIniDocument *doc,
         guint           i)
{
  return g_ptr_array_index (doc->lines, i);
}

/* Gives the last line an ending before something is added after it. */
static void
end_last_line (AmtIniDocument *doc)
{
  Line *last;

  if (doc->lines->len == 0)
    return;

  last = line_at (doc, doc->lines->len - 1);
  if (last->eol == EOL_NONE)
    last->eol = dominant_eol (doc);
}

static gboolean
text_is_clean (const char *text)
{
  gsize len = strlen (text);
  gsize start = 0, end = len;

  if (len == 0 || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  if (strpbrk (text, "\r\n") != NULL)
    return FALSE;

  /* Surrounding whitespace would be stripped on reading. */
  amt_ini_strip_span (text, &start, &end);
  return start == 0 && end == len;
}

static gboolean
check_key_name (const char  *key,
                GError     **error)
{
  if (!text_is_clean (key) || strpbrk (key, "=:") != NULL ||
      key[0] == '#' || key[0] == ';' || key[0] == '[')
    {
      g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_NAME,
                   _("“%s” cannot be used as a key name."), key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_section_name (const char  *section,
                    GError     **error)
{
  if (!text_is_clean (section) || strchr (section, ']') != NULL ||
      g_str_equal (section, "DEFAULT"))
    {
      g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_NAME,
                   _("“%s” cannot be used as a section name."), section);
      return FALSE;
    }

  return TRUE;
}

/**
 * amt_ini_check_section_name:
 * @section: a section name
 * @error: return location for %AMT_INI_ERROR_INVALID_NAME
 *
 * Returns: whether a section of that name can be added (amt_ini_document_add_section())
 */
gboolean
amt_ini_check_section_name (const char  *section,
                            GError     **error)
{
  g_return_val_if_fail (section != NULL, FALSE);

  return check_section_name (section, error);
}

static gboolean
check_value (const char  *value,
             GError     **error)
{
  gsize len = strlen (value);
  gsize start = 0, end = len;

  if (len > 0)
    amt_ini_strip_span (value, &start, &end);

  if (!g_utf8_validate (value, -1, NULL) || strpbrk (value, "\r\n") != NULL ||
      start != 0 || end != len)
    {
      /* Never echo the value: it may be a secret. */
      g_set_error_literal (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_VALUE,
                           _("The value cannot be written as one line of an INI file."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_editable (AmtIniDocument  *doc,
                GError         **error)
{
  return amt_ini_document_check (doc, _("the file"), error);
}

/* What botocore reads, but @skip_section (all of it, or only its keys @skip_keys when they
 * are given), hashed, to prove that an edit changed nothing else. A 64-bit FNV-1a over the
 * names and values with their lengths: the comparison guards against our own mistakes, and
 * hashing spares building a copy of every secret of the file. */
typedef guint64 Fingerprint;

#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define FNV_PRIME  G_GUINT64_CONSTANT (0x100000001b3)

static inline Fingerprint
hash_bytes (Fingerprint  hash,
            const char  *data,
            gsize        len)
{
  /* The length first, so that "ab" + "c" and "a" + "bc" differ. */
  for (guint i = 0; i < sizeof len; i++)
    hash = (hash ^ ((len >> (8 * i)) & 0xff)) * FNV_PRIME;
  for (gsize i = 0; i < len; i++)
    hash = (hash ^ (guchar) data[i]) * FNV_PRIME;

  return hash;
}

static gboolean
is_skipped_key (const char * const *skip_keys,
                const char         *name)
{
  for (guint i = 0; skip_keys[i] != NULL; i++)
    if (g_str_equal (skip_keys[i], name))
      return TRUE;

  return FALSE;
}

static Fingerprint
fingerprint (AmtIniDocument     *doc,
             const char         *skip_section,
             const char * const *skip_keys)
{
  Fingerprint hash = FNV_OFFSET;

  for (guint b = 0; b < doc->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (doc->blocks, b);
      gboolean target = skip_section != NULL && g_str_equal (block->name, skip_section);

      if (target && skip_keys == NULL)
        continue;

      hash = hash_bytes (hash, "[", 1);
      hash = hash_bytes (hash, block->name, strlen (block->name));
      for (guint k = 0; k < block->keys->len; k++)
        {
          Key *key = g_ptr_array_index (block->keys, k);

          if (target && is_skipped_key (skip_keys, key->name))
            continue;
          hash = hash_bytes (hash, key->name, strlen (key->name));
          hash = hash_bytes (hash, key->value->str, key->value->len);
        }
    }

  return hash;
}

typedef struct {
  char  *data;
  gsize  len;
} Snapshot;

static void
snapshot_take (AmtIniDocument *doc,
               Snapshot       *snapshot)
{
  snapshot->data = amt_ini_document_serialize (doc, &snapshot->len);
}

static void
snapshot_restore (AmtIniDocument *doc,
                  Snapshot       *snapshot)
{
  g_ptr_array_set_size (doc->lines, 0);
  doc->bom = FALSE;
  split_lines (doc, snapshot->data, snapshot->len);
  classify_lines (doc);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  amt_secret_free_sized (snapshot->data, snapshot->len);
  snapshot->data = NULL;
}

static gboolean
finish_edit (AmtIniDocument  *doc,
             Snapshot        *snapshot,
             gboolean         safe,
             GError         **error)
{
  if (!safe || doc->problem_line != 0)
    {
      snapshot_restore (doc, snapshot);
      snapshot_clear (snapshot);
      g_set_error_literal (error, AMT_INI_ERROR, AMT_INI_ERROR_UNSAFE_EDIT,
                           _("This change would alter how AWS tools read other lines of the "
                             "file, so it was not made."));
      return FALSE;
    }

  snapshot_clear (snapshot);
  return TRUE;
}

/* The leading whitespace of line @i, as a new string. */
static char *
indent_string (AmtIniDocument *doc,
               guint           i)
{
  Line *line = line_at (doc, i);
  gsize bytes;

  amt_ini_indent_of (line->text, line->len, &bytes);
  return g_strndup (line->text, bytes);
}

/* One key of a batch of edits, anchored where it applies in the document as classified. */
typedef struct {
  const char *key;       /* as given, for a new line */
  char       *lower;     /* as botocore names it */
  const char *value;     /* NULL: remove the key */
  Key        *existing;  /* its key in the section, or NULL */
} KeyEdit;

/* The line of @edit replaced in place; continuation lines of the old value go, and comments
 * and blank lines among them stay. */
static void
replace_key_line (AmtIniDocument *doc,
                  KeyEdit        *edit)
{
  Key *existing = edit->existing;
  Line *line = line_at (doc, existing->line);
  g_autoptr(GString) text = NULL;
  gsize name_end = 0;
  guint i;

  /* The line becomes "key = value" whatever separator it had: the JS SDK v3 reads only '=',
   * and botocore reads both. The key keeps its indent and spelling. */
  while (name_end < line->len && line->text[name_end] != '=' && line->text[name_end] != ':')
    name_end++;
  while (name_end > 0 && (line->text[name_end - 1] == ' ' || line->text[name_end - 1] == '\t'))
    name_end--;

  text = g_string_new_len (line->text, name_end);
  if (edit->value[0] != '\0')
    {
      g_string_append (text, " = ");
      g_string_append (text, edit->value);
    }
  else
    g_string_append (text, " =");

  amt_secret_free_sized (line->text, line->len);
  line->len = text->len;
  line->text = g_string_free (g_steal_pointer (&text), FALSE);

  i = existing->last;
  while (i > existing->line)
    {
      if (line_at (doc, i)->kind == LINE_CONTINUATION)
        g_ptr_array_remove_index (doc->lines, i);
      i--;
    }
}

static int
compare_edits_by_line_descending (gconstpointer a,
                                  gconstpointer b)
{
  const KeyEdit *edit_a = a;
  const KeyEdit *edit_b = b;

  return (int) edit_b->existing->line - (int) edit_a->existing->line;
}

/**
 * amt_ini_document_set_values:
 * @doc: a document that amt_ini_document_check() accepts
 * @section: the exact name of an existing section
 * @pairs: (array): 2 × @n_pairs strings: a key name, its new value, the next key, …; a value
 *   is one line with no surrounding whitespace (may be empty), or %NULL to remove the key
 * @n_pairs: the number of key/value pairs in @pairs
 * @error: return location for an #AMT_INI_ERROR
 *
 * Sets (and removes) several keys of @section as one edit, checked once. A key that is there
 * becomes "key = value" (the JS SDK v3 reads no ':'), keeping its spelling, line ending and position (the
 * continuation lines of its old value go); a key that is not gets a "key = value" line after
 * the section's last key, before the blank lines and comments that end the section, in the
 * order given. A removed key goes with its continuation lines (and the comments and blank lines
 * among them); removing a key that is not there does nothing.
 *
 * When the edit would change how botocore reads anything else in the file, it is not made and
 * %AMT_INI_ERROR_UNSAFE_EDIT is returned.
 *
 * Returns: %TRUE on success
 */
gboolean
amt_ini_document_set_values (AmtIniDocument     *doc,
                             const char         *section,
                             const char * const *pairs,
                             guint               n_pairs,
                             GError            **error)
{
  Snapshot snapshot = { NULL, 0 };
  g_autoptr(GArray) edits = NULL;
  g_autoptr(GPtrArray) lowers = NULL;
  g_autoptr(GPtrArray) added = NULL;
  Fingerprint before;
  Block *block;
  gboolean safe;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (pairs != NULL || n_pairs == 0, FALSE);

  for (guint i = 0; i < n_pairs; i++)
    {
      g_return_val_if_fail (pairs[2 * i] != NULL, FALSE);
      if (!check_key_name (pairs[2 * i], error) ||
          (pairs[2 * i + 1] != NULL && !check_value (pairs[2 * i + 1], error)))
        return FALSE;
    }
  if (!check_editable (doc, error))
    return FALSE;

  block = find_section (doc, section);
  if (block == NULL)
    {
      g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND,
                   _("There is no section [%s]."), section);
      return FALSE;
    }

  edits = g_array_sized_new (FALSE, TRUE, sizeof (KeyEdit), n_pairs);
  lowers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_pairs; i++)
    {
      KeyEdit edit = { pairs[2 * i], g_utf8_strdown (pairs[2 * i], -1), pairs[2 * i + 1], NULL };
      gboolean repeated = FALSE;

      g_ptr_array_add (lowers, edit.lower);

      /* A key given twice keeps its first place and takes its last value, as one edit after
       * the other would. */
      for (guint j = 0; j < edits->len && !repeated; j++)
        if (g_str_equal (g_array_index (edits, KeyEdit, j).lower, edit.lower))
          {
            g_array_index (edits, KeyEdit, j).value = edit.value;
            repeated = TRUE;
          }
      if (repeated)
        continue;

      edit.existing = block_find_key (block, edit.lower);
      g_array_append_val (edits, edit);
    }
  g_ptr_array_add (lowers, NULL);

  before = fingerprint (doc, section, (const char * const *) lowers->pdata);
  snapshot_take (doc, &snapshot);

  /* New keys first: they go after every key line of the section, so that what follows works
   * on the line numbers as classified, bottom up. */
  added = g_ptr_array_new ();
  for (guint i = 0; i < edits->len; i++)
    {
      KeyEdit *edit = &g_array_index (edits, KeyEdit, i);

      if (edit->existing == NULL && edit->value != NULL)
        g_ptr_array_add (added, edit);
    }
  if (added->len > 0)
    {
      g_autofree char *indent = NULL;
      guint insert_at;
      Eol eol = dominant_eol (doc);

      if (block->keys->len > 0)
        {
          Key *last_key = g_ptr_array_index (block->keys, block->keys->len - 1);

          /* As deep as the last key line, so neither becomes a continuation of the other. */
          indent = indent_string (doc, last_key->line);
          insert_at = last_key->last + 1;
        }
      else
        {
          /* As deep as the next header, so that it does not become our continuation. */
          indent = block->end < doc->lines->len ? indent_string (doc, block->end) : g_strdup ("");
          insert_at = block->header + 1;
        }

      if (insert_at == doc->lines->len)
        end_last_line (doc);

      for (guint i = 0; i < added->len; i++)
        {
          KeyEdit *edit = g_ptr_array_index (added, i);
          g_autofree char *text = edit->value[0] != '\0'
                                  ? g_strdup_printf ("%s%s = %s", indent, edit->key, edit->value)
                                  : g_strdup_printf ("%s%s =", indent, edit->key);

          g_ptr_array_insert (doc->lines, insert_at + i, line_new (text, strlen (text), eol));
          amt_secret_free (g_steal_pointer (&text));
        }
    }

  /* Then the keys that are there, from the last line up: each edit moves only lines below it. */
  {
    g_autoptr(GArray) present = g_array_new (FALSE, FALSE, sizeof (KeyEdit));

    for (guint i = 0; i < edits->len; i++)
      if (g_array_index (edits, KeyEdit, i).existing != NULL)
        g_array_append_val (present, g_array_index (edits, KeyEdit, i));
    g_array_sort (present, compare_edits_by_line_descending);

    for (guint i = 0; i < present->len; i++)
      {
        KeyEdit *edit = &g_array_index (present, KeyEdit, i);

        if (edit->value != NULL)
          replace_key_line (doc, edit);
        else
          g_ptr_array_remove_range (doc->lines, edit->existing->line,
                                    edit->existing->last - edit->existing->line + 1);
      }
  }

  classify_lines (doc);

  block = doc->problem_line == 0 ? find_section (doc, section) : NULL;
  safe = block != NULL &&
         before == fingerprint (doc, section, (const char * const *) lowers->pdata);
  for (guint i = 0; safe && i < edits->len; i++)
    {
      KeyEdit *edit = &g_array_index (edits, KeyEdit, i);
      Key *after = block_find_key (block, edit->lower);

      safe = edit->value != NULL ? after != NULL && g_str_equal (after->value->str, edit->value)
                                 : after == NULL;
    }

  return finish_edit (doc, &snapshot, safe, error);
}

/**
 * amt_ini_document_set_value:
 * @doc: a document that amt_ini_document_check() accepts
 * @section: the exact name of an existing section
 * @key: a key name
 * @value: its new value: one line, no surrounding whitespace (may be empty)
 * @error: return location for an #AMT_INI_ERROR
 *
 * amt_ini_document_set_values() for one key.
 *
 * Returns: %TRUE on success
 */
gboolean
amt_ini_document_set_value (AmtIniDocument  *doc,
                            const char      *section,
                            const char      *key,
                            const char      *value,
                            GError         **error)
{
  const char *pair[] = { key, value };

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return amt_ini_document_set_values (doc, section, pair, 1, error);
}

/**
 * amt_ini_document_remove_key:
 * @doc: a document that amt_ini_document_check() accepts
 * @section: the exact name of a section
 * @key: a key name
 * @error: return location for an #AMT_INI_ERROR
 *
 * Removes the key's line and its continuation lines (with the comments and blank lines among
 * them).
 *
 * Returns: %TRUE when the key was removed, %FALSE with %AMT_INI_ERROR_NOT_FOUND when the section
 *   does not have it
 */
gboolean
amt_ini_document_remove_key (AmtIniDocument  *doc,
                             const char      *section,
                             const char      *key,
                             GError         **error)
{
  g_autofree char *lower = NULL;
  const char *pair[] = { key, NULL };
  Block *block;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!check_editable (doc, error))
    return FALSE;

  lower = g_utf8_strdown (key, -1);
  block = find_section (doc, section);
  if (block == NULL || block_find_key (block, lower) == NULL)
    {
      g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND,
                   _("There is no key “%s” in [%s]."), key, section);
      return FALSE;
    }

  return amt_ini_document_set_values (doc, section, pair, 1, error);
}

static gboolean
line_is_blank (AmtIniDocument *doc,
               guint           i)
{
  return line_at (doc, i)->kind == LINE_BLANK;
}

/**
 * amt_ini_document_add_section:
 * @doc: a document that amt_ini_document_check() accepts
 * @section: the name of the new section, e.g. "dev" or "profile dev"
 * @error: return location for an #AMT_INI_ERROR
 *
 * Adds an empty section at the end, after one blank line (none in an empty document, and no
 * second one when the file already ends with a blank line). A file without a final line ending
 * gets one first. New lines take the file's most common line ending.
 *
 * Returns: %TRUE on success
 */
gboolean
amt_ini_document_add_section (AmtIniDocument  *doc,
                              const char      *section,
                              GError         **error)
{
  Snapshot snapshot = { NULL, 0 };
  g_autofree char *header = NULL;
  Fingerprint before;
  Eol eol;
  gboolean safe;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  if (!check_section_name (section, error) || !check_editable (doc, error))
    return FALSE;

  if (find_section (doc, section) != NULL)
    {
      g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_EXISTS,
                   _("There is already a section [%s]."), section);
      return FALSE;
    }

  before = fingerprint (doc, NULL, NULL);
  snapshot_take (doc, &snapshot);

  eol = dominant_eol (doc);
  end_last_line (doc);
  if (doc->lines->len > 0 && !line_is_blank (doc, doc->lines->len - 1))
    g_ptr_array_add (doc->lines, line_new ("", 0, eol));

  header = g_strdup_printf ("[%s]", section);
  g_ptr_array_add (doc->lines, line_new (header, strlen (header), eol));
  classify_lines (doc);

  safe = doc->problem_line == 0 && find_section (doc, section) != NULL &&
         find_section (doc, section)->keys->len == 0;
  safe = before == fingerprint (doc, section, NULL) && safe;

  return finish_edit (doc, &snapshot, safe, error);
}

/**
 * amt_ini_document_remove_section:
 * @doc: a document that amt_ini_document_check() accepts
 * @section: the exact name of a section
 * @error: return location for an #AMT_INI_ERROR
 *
 * Removes the header, the keys and the comments among them, and the blank lines that follow.
 * Comments after the last key stay: they may belong to the next section. At the end of the file,
 * the blank lines before the header go too, undoing amt_ini_document_add_section().
 *
 * Returns: %TRUE when the section was removed
 */
gboolean
amt_ini_document_remove_section (AmtIniDocument  *doc,
                                 const char      *section,
                                 GError         **error)
{
  Snapshot snapshot = { NULL, 0 };
  Fingerprint before;
  Block *block;
  guint first, last;
  gboolean safe;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  if (!check_editable (doc, error))
    return FALSE;

  block = find_section (doc, section);
  if (block == NULL)
    {
      g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND,
                   _("There is no section [%s]."), section);
      return FALSE;
    }

  before = fingerprint (doc, section, NULL);
  snapshot_take (doc, &snapshot);

  first = block->header;
  last = block->header;
  if (block->keys->len > 0)
    last = ((Key *) g_ptr_array_index (block->keys, block->keys->len - 1))->last;
  while (last + 1 < block->end && line_is_blank (doc, last + 1))
    last++;
  if (last + 1 == doc->lines->len)
    {
      while (first > 0 && line_is_blank (doc, first - 1))
        first--;
    }

  g_ptr_array_remove_range (doc->lines, first, last - first + 1);
  classify_lines (doc);

  safe = doc->problem_line == 0 && find_section (doc, section) == NULL;
  safe = before == fingerprint (doc, section, NULL) && safe;

  return finish_edit (doc, &snapshot, safe, error);
}

/* Splices */

/* The section of @scan, and the header line after it, as a document of its own. After a
 * header, configparser's reading starts afresh (no key is current, the indent level is the
 * header's), so these lines read the same alone as in the file; the next header is there so
 * that an edit that would make it anything else than a header shows in the fingerprint, and
 * so that a key added to an empty section takes its indent. */
static AmtIniDocument *
cut_section (const char       *data,
             const AmtIniScan *scan)
{
  AmtIniDocument *part = amt_ini_document_new_from_data (data + scan->section_start,
                                                         scan->next_end - scan->section_start);

  part->has_file_eol = TRUE;
  part->file_eol = dominant_of_counts (scan->eol_counts);

  return part;
}

/**
 * amt_ini_splice_set_values:
 * @data: the bytes of a file
 * @length: their length
 * @section: the exact name of a section
 * @pairs: (array): as amt_ini_document_set_values() takes them
 * @n_pairs: the number of pairs
 * @output: (out) (transfer full): on %AMT_INI_SPLICE_DONE, the bytes of the edited file (free
 *   them with amt_secret_free_sized())
 * @output_length: (out): their length
 * @error: return location for an #AMT_INI_ERROR, on %AMT_INI_SPLICE_FAILED
 *
 * amt_ini_document_set_values() in one pass over the bytes: amt_ini_scan() proves that
 * botocore reads the file and finds the section, the section alone is edited as a document
 * (and the edit proven safe there), and its new bytes are spliced between the untouched bytes
 * before and after it. Gives the same bytes as the document would.
 *
 * Returns: %AMT_INI_SPLICE_NEEDS_DOCUMENT when the scan cannot vouch for the file or the
 *   section is not there (then edit a document of the whole file instead)
 */
AmtIniSpliceResult
amt_ini_splice_set_values (const char          *data,
                           gsize                length,
                           const char          *section,
                           const char * const  *pairs,
                           guint                n_pairs,
                           char               **output,
                           gsize               *output_length,
                           GError             **error)
{
  g_autoptr(AmtIniDocument) part = NULL;
  AmtIniScan scan;
  char *middle;
  gsize middle_length;
  gsize tail_length;
  char *out;

  g_return_val_if_fail (data != NULL || length == 0, AMT_INI_SPLICE_FAILED);
  g_return_val_if_fail (section != NULL, AMT_INI_SPLICE_FAILED);
  g_return_val_if_fail (output != NULL && output_length != NULL, AMT_INI_SPLICE_FAILED);

  if (!amt_ini_scan (data, length, section, &scan) || !scan.found)
    return AMT_INI_SPLICE_NEEDS_DOCUMENT;

  part = cut_section (data, &scan);
  if (!amt_ini_document_set_values (part, section, pairs, n_pairs, error))
    return AMT_INI_SPLICE_FAILED;

  middle = amt_ini_document_serialize (part, &middle_length);
  tail_length = length - scan.next_end;
  *output_length = scan.section_start + middle_length + tail_length;
  out = g_malloc (*output_length + 1);
  memcpy (out, data, scan.section_start);
  memcpy (out + scan.section_start, middle, middle_length);
  memcpy (out + scan.section_start + middle_length, data + scan.next_end, tail_length);
  out[*output_length] = '\0';
  amt_secret_free_sized (middle, middle_length);

  *output = out;
  return AMT_INI_SPLICE_DONE;
}

/**
 * amt_ini_document_new_for_section:
 * @data: the bytes of a file
 * @length: their length
 * @section: the exact name of a section
 *
 * For reading the keys of one section of a large file: a document of that section alone
 * (line numbers count from its header), or an empty one when the file has no such section.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL when amt_ini_scan() cannot
 *   vouch for the file or the file has a [DEFAULT] block (read the whole file then)
 */
AmtIniDocument *
amt_ini_document_new_for_section (const char *data,
                                  gsize       length,
                                  const char *section)
{
  AmtIniScan scan;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (section != NULL, NULL);

  if (!amt_ini_scan (data, length, section, &scan) || scan.has_default)
    return NULL;
  if (!scan.found)
    return amt_ini_document_new ();

  return cut_section (data, &scan);
}
