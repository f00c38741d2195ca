/* amt-ini-scan.c
 *
 * One pass over the bytes of an INI file that tells whether botocore reads it and where one
 * section lies, so that an update of a section in a file of 100,000 profiles touches only that
 * section's lines (amt_ini_splice_set_values()). Lines are found with memchr() and classified
 * in place, the way amt-ini-read.c's amt_ini_classify_lines() classifies them; nothing is
 * copied or allocated per line (one small allocation per section name, to find repeated
 * sections).
 *
 * The scan vouches only for what it can prove cheaply: a byte-order mark, bytes that are not
 * UTF-8, a problem of any kind, more than one [DEFAULT] block, a key name that is not ASCII, a
 * section with very many keys, or an indented sub-section with unusual line breaks make it
 * return FALSE, and the caller reads the whole file as a document instead (which also words
 * the problem for the user). So it may be stricter than the document, never looser: the fuzz
 * target (tests/fuzz/fuzz-ini.c) checks that every file it vouches for is one the document
 * accepts, and that both give the same bytes for the same edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-ini"
#define _GNU_SOURCE   /* memrchr */

#include "config.h"

#include <string.h>

#include "amt-ini-scan.h"

#define BOM "\xef\xbb\xbf"
#define BOM_LEN 3

/* Above this many keys in one section the linear check for repeated keys would be quadratic;
 * the document reads such a file instead. */
#define MAX_KEYS_PER_SECTION 64

/* Characters, the way Python sees them */

/* str.isspace(), which is also what the \s of configparser's regular expressions matches. */
gboolean
amt_ini_is_py_space (gunichar c)
{
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
         c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) ||
         c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* The line boundaries of str.splitlines() other than CR and LF. */
gboolean
amt_ini_is_py_line_break (gunichar c)
{
  return c == 0x0a || c == 0x0b || c == 0x0c || c == 0x0d ||
         c == 0x1c || c == 0x1d || c == 0x1e ||
         c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* Decodes the character at text[i]; an invalid sequence counts as one byte that is no space. */
gsize
amt_ini_char_at (const char *text,
                 gsize       len,
                 gsize       i,
                 gunichar   *c)
{
  gunichar decoded;

  /* Nearly every character is ASCII. */
  if ((guchar) text[i] < 0x80)
    {
      *c = (guchar) text[i];
      return 1;
    }

  decoded = g_utf8_get_char_validated (text + i, len - i);
  if (decoded == (gunichar) -1 || decoded == (gunichar) -2)
    {
      *c = AMT_INI_INVALID_CHAR;
      return 1;
    }

  *c = decoded;
  return g_utf8_skip[(guchar) text[i]];
}

/* Decodes the character that ends at text[end - 1], not reaching before @start. */
gsize
amt_ini_char_before (const char *text,
                     gsize       start,
                     gsize       end,
                     gunichar   *c)
{
  gsize k = end - 1;

  while (k > start && ((guchar) text[k] & 0xc0) == 0x80 && end - k < 4)
    k--;

  if (amt_ini_char_at (text, end, k, c) == end - k)
    return end - k;

  *c = AMT_INI_INVALID_CHAR;
  return 1;
}

static inline gboolean
is_ascii_space (guchar c)
{
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
}

void
amt_ini_strip_span (const char *text,
                    gsize      *start,
                    gsize      *end)
{
  gunichar c;

  while (*start < *end)
    {
      gsize n;

      /* ASCII, nearly always, needs no decoding. */
      if ((guchar) text[*start] < 0x80)
        {
          if (!is_ascii_space (text[*start]))
            break;
          (*start)++;
          continue;
        }

      n = amt_ini_char_at (text, *end, *start, &c);

      if (!amt_ini_is_py_space (c))
        break;
      *start += n;
    }
  while (*end > *start)
    {
      gsize n;

      if ((guchar) text[*end - 1] < 0x80)
        {
          if (!is_ascii_space (text[*end - 1]))
            break;
          (*end)--;
          continue;
        }

      n = amt_ini_char_before (text, *start, *end, &c);
      if (!amt_ini_is_py_space (c))
        break;
      *end -= n;
    }
}

/* Counts the leading whitespace in characters, as configparser's indent level does. */
guint
amt_ini_indent_of (const char *text,
                   gsize       len,
                   gsize      *bytes)
{
  guint count = 0;
  gsize i = 0;
  gunichar c;

  while (i < len)
    {
      gsize n = amt_ini_char_at (text, len, i, &c);

      if (!amt_ini_is_py_space (c))
        break;
      i += n;
      count++;
    }

  if (bytes != NULL)
    *bytes = i;

  return count;
}

/* The names of the sections seen so far: open addressing over spans of the file, each with its
 * hash, so that growing the table and most comparisons need not touch the file's bytes. */
typedef struct {
  const char *name;   /* NULL: a free slot */
  gsize       len;
  guint64     hash;
} NameSlot;

typedef struct {
  NameSlot *slots;
  gsize     mask;
  gsize     used;
} NameSet;

static guint64
hash_name (const char *name,
           gsize       len)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (gsize i = 0; i < len; i++)
    hash = (hash ^ (guchar) name[i]) * G_GUINT64_CONSTANT (0x100000001b3);

  /* FNV's low bits vary little with the last characters ("profile-1", "profile-2"). */
  return hash ^ (hash >> 29);
}

/* Returns FALSE when @name is there already. */
static gboolean
name_set_add (NameSet    *set,
              const char *name,
              gsize       len)
{
  guint64 hash = hash_name (name, len);
  gsize i = hash & set->mask;

  for (; set->slots[i].name != NULL; i = (i + 1) & set->mask)
    if (set->slots[i].hash == hash && set->slots[i].len == len &&
        memcmp (set->slots[i].name, name, len) == 0)
      return FALSE;

  set->slots[i].name = name;
  set->slots[i].len = len;
  set->slots[i].hash = hash;
  set->used++;

  /* At most half full, so that probes stay short. */
  if (set->used * 2 > set->mask)
    {
      gsize mask = set->mask * 2 + 1;
      NameSlot *slots = g_new0 (NameSlot, mask + 1);

      for (gsize k = 0; k <= set->mask; k++)
        if (set->slots[k].name != NULL)
          {
            gsize j = set->slots[k].hash & mask;

            while (slots[j].name != NULL)
              j = (j + 1) & mask;
            slots[j] = set->slots[k];
          }
      g_free (set->slots);
      set->slots = slots;
      set->mask = mask;
    }

  return TRUE;
}

/* g_utf8_validate_len() of the whole file, eight ASCII bytes at a time: a run of bytes above
 * 0x7f between ASCII bytes must be whole characters by itself. */
static gboolean
is_utf8_without_nul (const char *data,
                     gsize       length)
{
  gsize i = 0;

  if (length == 0)
    return TRUE;
  if (memchr (data, '\0', length) != NULL)
    return FALSE;

  while (i < length)
    {
      gsize run;

      while (i + 8 <= length)
        {
          guint64 word;

          memcpy (&word, data + i, 8);
          if (word & G_GUINT64_CONSTANT (0x8080808080808080))
            break;
          i += 8;
        }
      while (i < length && (guchar) data[i] < 0x80)
        i++;
      if (i == length)
        break;

      for (run = i; run < length && (guchar) data[run] >= 0x80; run++)
        ;
      if (!g_utf8_validate_len (data + i, run - i, NULL))
        return FALSE;
      i = run;
    }

  return TRUE;
}

/* The state of configparser's reading between lines, as amt_ini_classify_lines() keeps it. */
typedef struct {
  const char *section;
  gsize       section_len;
  AmtIniKeySet *keys_out;    /* amt_ini_scan_keys(): where every section and key goes */
  const char *block;         /* the name of the block the scan is in */
  gsize       block_len;
  NameSet     names;
  gboolean    in_block;      /* a header was read */
  gboolean    in_target;     /* ... and it is the section asked for */
  gboolean    key_active;    /* a key line was read since; continuation lines extend it */
  gboolean    key_nested;    /* ... with nothing after its '=': an indented sub-section */
  guint       indent_level;
  guint       n_defaults;
  guint       n_keys;
  struct {
    const char *name;
    gsize       len;
  } keys[MAX_KEYS_PER_SECTION];
} ScanState;

/* Only plain ASCII without Python's extra line breaks can be checked here as a line of an
 * indented sub-section; botocore splits its value at those breaks. */
static gboolean
nested_line_ok (const char *text,
                gsize       start,
                gsize       end)
{
  gboolean equals = FALSE;

  for (gsize i = start; i < end; i++)
    {
      guchar c = text[i];

      if ((c < 0x20 && c != '\t') || c >= 0x7f)
        return FALSE;
      equals = equals || c == '=';
    }

  return equals;
}

static gboolean
key_is_new (ScanState  *state,
            const char *name,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) name[i] >= 0x80)
      return FALSE;   /* Unicode lowercasing: left to the document */

  for (guint k = 0; k < state->n_keys; k++)
    if (state->keys[k].len == len && g_ascii_strncasecmp (state->keys[k].name, name, len) == 0)
      return FALSE;

  if (state->n_keys == MAX_KEYS_PER_SECTION)
    return FALSE;
  state->keys[state->n_keys].name = name;
  state->keys[state->n_keys].len = len;
  state->n_keys++;

  return TRUE;
}

static inline gboolean
is_ascii_non_space (char c)
{
  return (guchar) c < 0x80 && !is_ascii_space (c);
}

/* One line (without its ending) at data[line_start]; FALSE when the scan cannot vouch. */
static gboolean
scan_line (ScanState  *state,
           AmtIniScan *scan,
           const char *data,
           gsize       line_start,
           gsize       line_end,
           gsize       next)
{
  const char *text = data + line_start;
  gsize len = line_end - line_start;
  gsize start = 0, end = len;
  guint indent;

  /* Most lines neither start nor end with a space: no need to decode them. */
  if (len == 0 || !is_ascii_non_space (text[0]) || !is_ascii_non_space (text[len - 1]))
    amt_ini_strip_span (text, &start, &end);

  if (start < end && (text[start] == '#' || text[start] == ';'))
    return TRUE;                                /* a comment */
  if (start == end)
    return TRUE;                                /* blank: inside a value, an empty line */

  indent = start == 0 ? 0 : amt_ini_indent_of (text, len, NULL);

  if (state->key_active && indent > state->indent_level)
    return !state->key_nested || nested_line_ok (text, start, end);   /* a continuation */

  state->indent_level = indent;

  if (text[start] == '[')
    {
      /* The last ']' after "[x" (memrchr). */
      const char *last = end > start + 2 ? memrchr (text + start + 2, ']', end - start - 2) : NULL;
      gsize close = last != NULL ? (gsize) (last - text) : 0;

      if (close != 0)
        {
          const char *name = text + start + 1;
          gsize name_len = close - (start + 1);

          if (state->in_target)
            {
              scan->section_end = line_start;
              scan->next_end = next;
              state->in_target = FALSE;
            }
          state->in_block = TRUE;
          state->key_active = FALSE;
          state->n_keys = 0;
          state->block = name;
          state->block_len = name_len;

          if (name_len == 7 && memcmp (name, "DEFAULT", 7) == 0)
            {
              scan->has_default = TRUE;
              /* Its keys count in every section, as the document lists them: left to it. */
              if (state->keys_out != NULL)
                return FALSE;
              /* Repeated [DEFAULT] blocks share their keys: left to the document. */
              return ++state->n_defaults == 1;
            }
          if (!name_set_add (&state->names, name, name_len))
            return FALSE;                       /* a repeated section */
          if (state->keys_out != NULL)
            amt_ini_key_set_add (state->keys_out, name, name_len, "", 0);

          if (name_len == state->section_len && memcmp (name, state->section, name_len) == 0)
            {
              scan->found = TRUE;
              scan->section_start = line_start;
              state->in_target = TRUE;
            }
          return TRUE;
        }
    }

  if (!state->in_block)
    return FALSE;                               /* a line before the first header */

  {
    const char *equals = memchr (text + start, '=', end - start);
    gsize d = equals != NULL ? (gsize) (equals - text) : end;
    const char *colon = memchr (text + start, ':', d - start);
    gsize name_start = start, name_end, value_start, value_end = end;

    /* The first '=' or ':' */
    if (colon != NULL)
      d = colon - text;
    if (d == end)
      return FALSE;                             /* no key, no header, no comment */

    name_end = d;
    value_start = d + 1;
    amt_ini_strip_span (text, &name_start, &name_end);
    amt_ini_strip_span (text, &value_start, &value_end);
    if (name_start == name_end ||
        !key_is_new (state, text + name_start, name_end - name_start))
      return FALSE;

    state->key_active = TRUE;
    state->key_nested = value_start == value_end;
    if (state->keys_out != NULL)
      amt_ini_key_set_add (state->keys_out, state->block, state->block_len,
                           text + name_start, name_end - name_start);
  }

  return TRUE;
}

static gboolean
scan_internal (const char   *data,
               gsize         length,
               const char   *section,
               AmtIniScan   *scan,
               AmtIniKeySet *keys_out)
{
  ScanState *state;
  const char *next_cr;
  gsize pos = 0;
  gboolean ok = TRUE;

  memset (scan, 0, sizeof *scan);

  if (length >= BOM_LEN && memcmp (data, BOM, BOM_LEN) == 0)
    return FALSE;
  if (!is_utf8_without_nul (data, length))
    return FALSE;

  state = g_new0 (ScanState, 1);
  state->keys_out = keys_out;
  state->section = section;
  state->section_len = strlen (section);
  state->names.mask = 63;
  state->names.slots = g_new0 (NameSlot, state->names.mask + 1);

  /* Lines end at LF, CRLF or a lone CR; most files have no CR at all. */
  next_cr = length > 0 ? memchr (data, '\r', length) : NULL;

  while (ok && pos < length)
    {
      const char *lf = memchr (data + pos, '\n', length - pos);
      gsize end, next;
      AmtIniEol eol;

      if (next_cr != NULL && next_cr < data + pos)
        next_cr = memchr (data + pos, '\r', length - pos);

      if (next_cr != NULL && (lf == NULL || next_cr < lf))
        {
          end = next_cr - data;
          if (end + 1 < length && data[end + 1] == '\n')
            eol = AMT_INI_EOL_CRLF, next = end + 2;
          else
            eol = AMT_INI_EOL_CR, next = end + 1;
        }
      else if (lf != NULL)
        {
          end = lf - data;
          eol = AMT_INI_EOL_LF, next = end + 1;
        }
      else
        {
          end = length;
          eol = AMT_INI_EOL_NONE, next = length;
        }

      scan->eol_counts[eol]++;
      ok = scan_line (state, scan, data, pos, end, next);
      pos = next;
    }

  if (state->in_target)
    scan->section_end = scan->next_end = length;

  g_free (state->names.slots);
  g_free (state);

  return ok;
}

/**
 * amt_ini_scan:
 * @data: the bytes of a file
 * @length: their length
 * @section: the exact name of the section to find, e.g. "dev"
 * @scan: (out caller-allocates): where @section lies, and the line endings of the file
 *
 * Returns: %TRUE when botocore reads the file, as the whole document would tell; %FALSE when
 *   the scan cannot vouch for it (read it with amt_ini_document_new_from_data() instead)
 */
gboolean
amt_ini_scan (const char *data,
              gsize       length,
              const char *section,
              AmtIniScan *scan)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (scan != NULL, FALSE);

  return scan_internal (data, length, section, scan, NULL);
}

/* Key sets: 64-bit fingerprints of "section\037key" (the key ASCII-lowercased, as botocore
 * matches names), in an open-addressing table; 0 marks a free slot. A torn file is found by
 * keys it lost, so a set of fingerprints is enough, and costs no copy of any name. */

struct _AmtIniKeySet
{
  guint64 *slots;
  gsize    mask;
  gsize    used;
};

AmtIniKeySet *
amt_ini_key_set_new (void)
{
  AmtIniKeySet *set = g_new0 (AmtIniKeySet, 1);

  set->mask = 255;
  set->slots = g_new0 (guint64, set->mask + 1);
  return set;
}

void
amt_ini_key_set_free (AmtIniKeySet *set)
{
  if (set == NULL)
    return;
  g_free (set->slots);
  g_free (set);
}

static void
key_set_insert (AmtIniKeySet *set,
                guint64       hash)
{
  gsize i = hash & set->mask;

  for (; set->slots[i] != 0; i = (i + 1) & set->mask)
    if (set->slots[i] == hash)
      return;
  set->slots[i] = hash;
  set->used++;

  /* At most three quarters full: the store holds one or two of these for a whole file, and
   * eight bytes a slot keep probes cheap even so. */
  if (set->used * 4 > set->mask * 3)
    {
      gsize mask = set->mask * 2 + 1;
      guint64 *slots = g_new0 (guint64, mask + 1);

      for (gsize k = 0; k <= set->mask; k++)
        if (set->slots[k] != 0)
          {
            gsize j = set->slots[k] & mask;

            while (slots[j] != 0)
              j = (j + 1) & mask;
            slots[j] = set->slots[k];
          }
      g_free (set->slots);
      set->slots = slots;
      set->mask = mask;
    }
}

static gboolean
key_set_has (const AmtIniKeySet *set,
             guint64             hash)
{
  for (gsize i = hash & set->mask; set->slots[i] != 0; i = (i + 1) & set->mask)
    if (set->slots[i] == hash)
      return TRUE;
  return FALSE;
}

static guint64
key_hash (const char *section,
          gsize       section_len,
          const char *key,
          gsize       key_len)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (gsize i = 0; i < section_len; i++)
    hash = (hash ^ (guchar) section[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  hash = (hash ^ 037) * G_GUINT64_CONSTANT (0x100000001b3);
  for (gsize i = 0; i < key_len; i++)
    hash = (hash ^ (guchar) g_ascii_tolower (key[i])) * G_GUINT64_CONSTANT (0x100000001b3);
  hash ^= hash >> 29;

  return hash != 0 ? hash : 1;
}

/* A section alone is given with an empty @key (no key is empty). */
void
amt_ini_key_set_add (AmtIniKeySet *set,
                     const char   *section,
                     gsize         section_len,
                     const char   *key,
                     gsize         key_len)
{
  key_set_insert (set, key_hash (section, section_len, key, key_len));
}

/* Linear probing's deletion: later entries of the run move back into the hole. */
static void
key_set_remove (AmtIniKeySet *set,
                guint64       hash)
{
  gsize i = hash & set->mask;

  while (set->slots[i] != hash)
    {
      if (set->slots[i] == 0)
        return;
      i = (i + 1) & set->mask;
    }

  for (gsize j = (i + 1) & set->mask; set->slots[j] != 0; j = (j + 1) & set->mask)
    {
      gsize home = set->slots[j] & set->mask;

      /* Whether the entry at j may fill the hole at i: its home is not in (i, j]. */
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j))
        {
          set->slots[i] = set->slots[j];
          i = j;
        }
    }
  set->slots[i] = 0;
  set->used--;
}

AmtIniKeySet *
amt_ini_key_set_copy (const AmtIniKeySet *set)
{
  AmtIniKeySet *copy = g_new0 (AmtIniKeySet, 1);

  copy->mask = set->mask;
  copy->used = set->used;
  copy->slots = g_memdup2 (set->slots, (set->mask + 1) * sizeof (guint64));
  return copy;
}

/* The keys after amt_ini_splice_set_values() (or amt_ini_document_set_values()) of @section
 * in a file without a [DEFAULT] block: a %NULL value removes its key. */
void
amt_ini_key_set_set_values (AmtIniKeySet *set,
                            const char   *section,
                            const char * const *pairs,
                            guint         n_pairs)
{
  gsize section_len = strlen (section);

  key_set_insert (set, key_hash (section, section_len, "", 0));
  for (guint i = 0; i < n_pairs; i++)
    {
      guint64 hash = key_hash (section, section_len, pairs[2 * i], strlen (pairs[2 * i]));

      if (pairs[2 * i + 1] != NULL)
        key_set_insert (set, hash);
      else
        key_set_remove (set, hash);
    }
}

/* Whether every key of @subset is in @set. */
gboolean
amt_ini_key_set_contains_all (const AmtIniKeySet *set,
                              const AmtIniKeySet *subset)
{
  if (subset->used > set->used)
    return FALSE;
  for (gsize k = 0; k <= subset->mask; k++)
    if (subset->slots[k] != 0 && !key_set_has (set, subset->slots[k]))
      return FALSE;
  return TRUE;
}

/**
 * amt_ini_scan_keys:
 * @data: the bytes of a file
 * @length: their length
 *
 * The sections and keys of a file the way the document lists them
 * (amt_ini_document_get_sections(), amt_ini_document_get_keys()), in the same one pass as
 * amt_ini_scan(); a file with a [DEFAULT] block, whose keys every section inherits, is left to
 * the document.
 *
 * Returns: (transfer full) (nullable): the set, or %NULL when the scan cannot vouch for the
 *   file (read it as a document instead)
 */
AmtIniKeySet *
amt_ini_scan_keys (const char *data,
                   gsize       length)
{
  AmtIniKeySet *keys = amt_ini_key_set_new ();
  AmtIniScan scan;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!scan_internal (data, length, "", &scan, keys))
    {
      amt_ini_key_set_free (keys);
      return NULL;
    }
  return keys;
}
