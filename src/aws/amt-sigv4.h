/* amt-sigv4.h: AWS Signature Version 4
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "amt-credentials.h"

G_BEGIN_DECLS

/* One HTTP request, as it will be sent: method, path, query, headers, body. */
typedef struct _AmtSigV4Request AmtSigV4Request;

AmtSigV4Request    *amt_sigv4_request_new         (const char              *method,
                                                   const char              *path);
void                amt_sigv4_request_free        (AmtSigV4Request         *self);
void                amt_sigv4_request_add_query   (AmtSigV4Request         *self,
                                                   const char              *name,
                                                   const char              *value);
void                amt_sigv4_request_add_header  (AmtSigV4Request         *self,
                                                   const char              *name,
                                                   const char              *value);
void                amt_sigv4_request_set_header  (AmtSigV4Request         *self,
                                                   const char              *name,
                                                   const char              *value);
const char         *amt_sigv4_request_get_header  (AmtSigV4Request         *self,
                                                   const char              *name);
guint               amt_sigv4_request_get_n_headers (AmtSigV4Request       *self);
void                amt_sigv4_request_get_header_at (AmtSigV4Request       *self,
                                                   guint                    index,
                                                   const char             **name,
                                                   const char             **value);
void                amt_sigv4_request_set_body    (AmtSigV4Request         *self,
                                                   const void              *body,
                                                   gsize                    len);
const char         *amt_sigv4_request_get_method  (AmtSigV4Request         *self);
const guint8       *amt_sigv4_request_get_body    (AmtSigV4Request         *self,
                                                   gsize                   *len);
char               *amt_sigv4_request_dup_path_and_query (AmtSigV4Request  *self);

char               *amt_sigv4_uri_encode          (const char              *text,
                                                   gboolean                 keep_slash);
char               *amt_sigv4_form_encode         (const char * const      *pairs);
char               *amt_sigv4_canonical_query     (AmtSigV4Request         *self);
char               *amt_sigv4_canonical_request   (AmtSigV4Request         *self,
                                                   char                   **signed_headers);
char               *amt_sigv4_string_to_sign      (const char              *amz_date,
                                                   const char              *scope,
                                                   const char              *canonical_request);
char               *amt_sigv4_format_amz_date     (GDateTime               *when);
char               *amt_sigv4_sha256_hex          (const void              *data,
                                                   gsize                    len);
void                amt_sigv4_signing_key         (const char              *secret_access_key,
                                                   const char              *date,
                                                   const char              *region,
                                                   const char              *service,
                                                   guint8                   key[32]);
void                amt_sigv4_sign                (AmtSigV4Request         *self,
                                                   const AmtCredentials    *credentials,
                                                   const char              *region,
                                                   const char              *service,
                                                   GDateTime               *when);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtSigV4Request, amt_sigv4_request_free)

G_END_DECLS
