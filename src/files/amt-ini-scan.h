/* amt-ini-scan.h: one pass over the bytes of an INI file, without a copy of any line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Characters and spans the way Python reads them (amt-ini-read.c's header comment says why). */
gboolean  amt_ini_is_py_space       (gunichar     c);
gboolean  amt_ini_is_py_line_break  (gunichar     c);
gsize     amt_ini_char_at           (const char  *text,
                                     gsize        len,
                                     gsize        i,
                                     gunichar    *c);
gsize     amt_ini_char_before       (const char  *text,
                                     gsize        start,
                                     gsize        end,
                                     gunichar    *c);
void      amt_ini_strip_span        (const char  *text,
                                     gsize       *start,
                                     gsize       *end);
guint     amt_ini_indent_of         (const char  *text,
                                     gsize        len,
                                     gsize       *bytes);

#define AMT_INI_INVALID_CHAR ((gunichar) -1)

/* Line endings; the same order as amt-ini-private.h's. */
typedef enum {
  AMT_INI_EOL_NONE,
  AMT_INI_EOL_LF,
  AMT_INI_EOL_CRLF,
  AMT_INI_EOL_CR,
} AmtIniEol;

typedef struct {
  gboolean  found;          /* the section is there */
  gsize     section_start;  /* its header line */
  gsize     section_end;    /* the line after its last: the next header, or the end */
  gsize     next_end;       /* past the next header line and its ending, or the end */
  gboolean  has_default;    /* a [DEFAULT] block, whose keys every section inherits */
  guint     eol_counts[4];  /* lines per AmtIniEol */
} AmtIniScan;

gboolean  amt_ini_scan              (const char  *data,
                                     gsize        length,
                                     const char  *section,
                                     AmtIniScan  *scan);

typedef struct _AmtIniKeySet AmtIniKeySet;

AmtIniKeySet *amt_ini_key_set_new          (void);
void          amt_ini_key_set_free         (AmtIniKeySet       *set);
void          amt_ini_key_set_add          (AmtIniKeySet       *set,
                                            const char         *section,
                                            gsize               section_len,
                                            const char         *key,
                                            gsize               key_len);
AmtIniKeySet *amt_ini_key_set_copy         (const AmtIniKeySet *set);
void          amt_ini_key_set_set_values   (AmtIniKeySet       *set,
                                            const char         *section,
                                            const char * const *pairs,
                                            guint               n_pairs);
gboolean      amt_ini_key_set_contains_all (const AmtIniKeySet *set,
                                            const AmtIniKeySet *subset);
AmtIniKeySet *amt_ini_scan_keys            (const char         *data,
                                            gsize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtIniKeySet, amt_ini_key_set_free)

G_END_DECLS
