/* amt-ini-private.h
 *
 * The lines and the structure of AmtIniDocument, shared by the files the document is split
 * over (amt-ini.c: the document, its queries and the one-section splices; -read.c: splitting
 * the bytes into lines and classifying them the way botocore reads them; -edit.c: the edits,
 * each proven to change nothing else). Only those files include it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-ini.h"
#include "amt-ini-scan.h"

G_BEGIN_DECLS

#define BOM "\xef\xbb\xbf"
#define BOM_LEN 3

/* The same order as AmtIniEol, whose counts amt_ini_scan() gives. */
typedef enum {
  EOL_NONE = AMT_INI_EOL_NONE,
  EOL_LF = AMT_INI_EOL_LF,
  EOL_CRLF = AMT_INI_EOL_CRLF,
  EOL_CR = AMT_INI_EOL_CR,
} Eol;

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

  /* Set by amt_ini_classify_lines () */
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

  /* Derived from the lines by amt_ini_classify_lines () */
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

static inline Line *
amt_ini_line_at (AmtIniDocument *doc,
                 guint           i)
{
  return g_ptr_array_index (doc->lines, i);
}

static inline Block *
amt_ini_find_section (AmtIniDocument *doc,
                      const char     *section)
{
  return g_hash_table_lookup (doc->sections, section);
}

/* Reading (amt-ini-read.c) */

Line     *amt_ini_line_new          (const char     *text,
                                     gsize           len,
                                     Eol             eol);
void      amt_ini_line_free         (Line           *line);
char     *amt_ini_lowercase_key     (const char     *text,
                                     gsize           len);
Key      *amt_ini_keys_find         (GPtrArray      *keys,
                                     const char     *name);
Key      *amt_ini_block_find_key    (Block          *block,
                                     const char     *name);
void      amt_ini_split_lines       (AmtIniDocument *doc,
                                     const char     *data,
                                     gsize           length);
void      amt_ini_classify_lines    (AmtIniDocument *doc);
void      amt_ini_clear_structure   (AmtIniDocument *doc);

/* botocore's _parse_nested(): calls @func for each "name = value" of an indented block, or
 * returns FALSE at the first line that has no '='. */
typedef void (*NestedFunc) (const char *name,
                            gsize       name_len,
                            const char *value,
                            gsize       value_len,
                            gpointer    user_data);

gboolean  amt_ini_parse_nested      (const char     *value,
                                     gsize           len,
                                     NestedFunc      func,
                                     gpointer        user_data);

/* Editing (amt-ini-edit.c) */

Eol       amt_ini_dominant_of_counts (const guint   counts[4]);

G_END_DECLS
