/* amt-ini.h: a lossless INI document, read the way botocore reads ~/.aws files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* The buffers this hands out hold the file's secrets: free them with amt_secret_free_sized(). */
#include "amt-secret.h"

G_BEGIN_DECLS

#define AMT_INI_ERROR (amt_ini_error_quark ())

typedef enum {
  /* The file is one that botocore refuses to read: */
  AMT_INI_ERROR_ENCODING,               /* not UTF-8, a NUL byte, or a byte-order mark */
  AMT_INI_ERROR_MISSING_SECTION_HEADER, /* a key before the first [section] */
  AMT_INI_ERROR_SYNTAX,                 /* a line that is neither header, key, comment nor continuation */
  AMT_INI_ERROR_DUPLICATE_SECTION,
  AMT_INI_ERROR_DUPLICATE_KEY,
  AMT_INI_ERROR_NESTED,                 /* an indented "s3 =" block with a line lacking "=" */
  /* An edit that cannot be made: */
  AMT_INI_ERROR_INVALID_NAME,
  AMT_INI_ERROR_INVALID_VALUE,
  AMT_INI_ERROR_NOT_FOUND,
  AMT_INI_ERROR_EXISTS,
  AMT_INI_ERROR_UNSAFE_EDIT,
} AmtIniError;

typedef struct _AmtIniDocument AmtIniDocument;

GQuark           amt_ini_error_quark              (void);

AmtIniDocument  *amt_ini_document_new             (void);
AmtIniDocument  *amt_ini_document_new_from_data   (const char      *data,
                                                   gsize            length);
void             amt_ini_document_free            (AmtIniDocument  *doc);

gboolean         amt_ini_document_check           (AmtIniDocument  *doc,
                                                   const char      *display_name,
                                                   GError         **error);
char            *amt_ini_document_serialize       (AmtIniDocument  *doc,
                                                   gsize           *length);

guint            amt_ini_document_get_n_lines     (AmtIniDocument  *doc);
char           **amt_ini_document_get_sections    (AmtIniDocument  *doc);
gboolean         amt_ini_document_has_section     (AmtIniDocument  *doc,
                                                   const char      *section);
guint            amt_ini_document_get_section_line (AmtIniDocument *doc,
                                                   const char      *section);
char           **amt_ini_document_get_keys        (AmtIniDocument  *doc,
                                                   const char      *section);
const char      *amt_ini_document_get_value       (AmtIniDocument  *doc,
                                                   const char      *section,
                                                   const char      *key);
GHashTable      *amt_ini_document_get_nested      (AmtIniDocument  *doc,
                                                   const char      *section,
                                                   const char      *key);

gboolean         amt_ini_document_set_value       (AmtIniDocument  *doc,
                                                   const char      *section,
                                                   const char      *key,
                                                   const char      *value,
                                                   GError         **error);
gboolean         amt_ini_document_set_values      (AmtIniDocument     *doc,
                                                   const char         *section,
                                                   const char * const *pairs,
                                                   guint               n_pairs,
                                                   GError            **error);
gboolean         amt_ini_document_remove_key      (AmtIniDocument  *doc,
                                                   const char      *section,
                                                   const char      *key,
                                                   GError         **error);
gboolean         amt_ini_document_add_section     (AmtIniDocument  *doc,
                                                   const char      *section,
                                                   GError         **error);
gboolean         amt_ini_document_remove_section  (AmtIniDocument  *doc,
                                                   const char      *section,
                                                   GError         **error);

gboolean         amt_ini_check_section_name       (const char      *section,
                                                   GError         **error);

typedef enum {
  AMT_INI_SPLICE_DONE,
  AMT_INI_SPLICE_FAILED,
  AMT_INI_SPLICE_NEEDS_DOCUMENT,
} AmtIniSpliceResult;

AmtIniSpliceResult amt_ini_splice_set_values      (const char         *data,
                                                   gsize               length,
                                                   const char         *section,
                                                   const char * const *pairs,
                                                   guint               n_pairs,
                                                   char              **output,
                                                   gsize              *output_length,
                                                   GError            **error);
AmtIniDocument  *amt_ini_document_new_for_section (const char      *data,
                                                   gsize            length,
                                                   const char      *section);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtIniDocument, amt_ini_document_free)

G_END_DECLS
