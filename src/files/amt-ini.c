/* amt-ini.c
 *
 * A lossless INI document. Every line keeps its bytes and its own line ending (LF, CRLF, CR or
 * none at the end of the file), and a leading byte-order mark is kept, so serializing an unedited
 * document gives back the input byte for byte, and an edit rewrites only the lines it must.
 *
 * The document is split over amt-ini-private.h: amt-ini.c holds the document, its queries and
 * the one-section splices; amt-ini-read.c splits the bytes into lines and classifies them the
 * way botocore reads them (its header lists the rules, and where we refuse more than botocore);
 * amt-ini-edit.c holds the edits, each proven to change nothing else that botocore reads.
 *
 * The buffers of a document may hold secrets (the credentials file): they are wiped when freed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-ini"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-ini-private.h"
#include "amt-secret.h"

static const char * const eol_text[] = { "", "\n", "\r\n", "\r" };
static const gsize eol_len[] = { 0, 1, 2, 1 };

G_DEFINE_QUARK (amt-ini-error-quark, amt_ini_error)

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
  doc->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) amt_ini_line_free);
  amt_ini_split_lines (doc, data, length);
  amt_ini_classify_lines (doc);

  return doc;
}

void
amt_ini_document_free (AmtIniDocument *doc)
{
  if (doc == NULL)
    return;

  amt_ini_clear_structure (doc);
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


gboolean
amt_ini_document_has_section (AmtIniDocument *doc,
                              const char     *section)
{
  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return amt_ini_find_section (doc, section) != NULL;
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

  block = amt_ini_find_section (doc, section);
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

  block = amt_ini_find_section (doc, section);
  if (block == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < block->keys->len; i++)
    g_strv_builder_add (builder, ((Key *) g_ptr_array_index (block->keys, i))->name);
  for (guint i = 0; i < doc->defaults->len; i++)
    {
      Key *key = g_ptr_array_index (doc->defaults, i);

      if (amt_ini_block_find_key (block, key->name) == NULL)
        g_strv_builder_add (builder, key->name);
    }

  return g_strv_builder_end (builder);
}

static Key *
lookup_key (AmtIniDocument *doc,
            const char     *section,
            const char     *key_name)
{
  g_autofree char *lower = amt_ini_lowercase_key (key_name, strlen (key_name));
  Block *block = amt_ini_find_section (doc, section);
  Key *key;

  if (block == NULL)
    return NULL;

  key = amt_ini_block_find_key (block, lower);
  if (key == NULL)
    key = amt_ini_keys_find (doc->defaults, lower);

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
  if (!amt_ini_parse_nested (found->value->str, found->value->len, nested_insert, nested))
    return NULL;

  return g_steal_pointer (&nested);
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
  part->file_eol = amt_ini_dominant_of_counts (scan->eol_counts);

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
