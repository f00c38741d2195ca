/* amt-ini-edit.c
 *
 * The edits of an INI document. Each rewrites only the lines it must, in the file's own line
 * endings and indentation, and is proven to change nothing else that botocore reads: a
 * fingerprint of every other section and key is taken before and compared after, and an edit
 * that fails the comparison (or leaves a line botocore would refuse) is undone and refused.
 * Names and values are checked first, so that nothing written reads back otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-ini"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-ini-private.h"
#include "amt-secret.h"

Eol
amt_ini_dominant_of_counts (const guint counts[4])
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

  return amt_ini_dominant_of_counts (counts);
}

/* Gives the last line an ending before something is added after it. */
static void
end_last_line (AmtIniDocument *doc)
{
  Line *last;

  if (doc->lines->len == 0)
    return;

  last = amt_ini_line_at (doc, doc->lines->len - 1);
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

/* @section of a document that may be edited, or %NULL with the error that says why not. */
static Block *
editable_section (AmtIniDocument  *doc,
                  const char      *section,
                  GError         **error)
{
  Block *block;

  if (!check_editable (doc, error))
    return NULL;

  block = amt_ini_find_section (doc, section);
  if (block == NULL)
    g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND,
                 _("There is no section [%s]."), section);
  return block;
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
  amt_ini_split_lines (doc, snapshot->data, snapshot->len);
  amt_ini_classify_lines (doc);
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
  Line *line = amt_ini_line_at (doc, i);
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
  Line *line = amt_ini_line_at (doc, existing->line);
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
      if (amt_ini_line_at (doc, i)->kind == LINE_CONTINUATION)
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
  block = editable_section (doc, section, error);
  if (block == NULL)
    return FALSE;

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

      edit.existing = amt_ini_block_find_key (block, edit.lower);
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
          char *text = edit->value[0] != '\0'
                       ? g_strdup_printf ("%s%s = %s", indent, edit->key, edit->value)
                       : g_strdup_printf ("%s%s =", indent, edit->key);
          gsize len = strlen (text);

          g_ptr_array_insert (doc->lines, insert_at + i, amt_ini_line_new (text, len, eol));
          amt_secret_free_sized (text, len);
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

  amt_ini_classify_lines (doc);

  block = doc->problem_line == 0 ? amt_ini_find_section (doc, section) : NULL;
  safe = block != NULL &&
         before == fingerprint (doc, section, (const char * const *) lowers->pdata);
  for (guint i = 0; safe && i < edits->len; i++)
    {
      KeyEdit *edit = &g_array_index (edits, KeyEdit, i);
      Key *after = amt_ini_block_find_key (block, edit->lower);

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
  block = amt_ini_find_section (doc, section);
  if (block == NULL || amt_ini_block_find_key (block, lower) == NULL)
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
  return amt_ini_line_at (doc, i)->kind == LINE_BLANK;
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

  if (amt_ini_find_section (doc, section) != NULL)
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
    g_ptr_array_add (doc->lines, amt_ini_line_new ("", 0, eol));

  header = g_strdup_printf ("[%s]", section);
  g_ptr_array_add (doc->lines, amt_ini_line_new (header, strlen (header), eol));
  amt_ini_classify_lines (doc);

  safe = doc->problem_line == 0 && amt_ini_find_section (doc, section) != NULL &&
         amt_ini_find_section (doc, section)->keys->len == 0;
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

  block = editable_section (doc, section, error);
  if (block == NULL)
    return FALSE;

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
  amt_ini_classify_lines (doc);

  safe = doc->problem_line == 0 && amt_ini_find_section (doc, section) == NULL;
  safe = before == fingerprint (doc, section, NULL) && safe;

  return finish_edit (doc, &snapshot, safe, error);
}
