/* amt-https.h: the HTTPS stack (libcurl, GnuTLS), loaded on the first call to AWS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-http.h"

G_BEGIN_DECLS

#define AMT_HTTPS_SHA256_LEN 32

gboolean          amt_https_load             (GError      **error);
AmtHttpTransport *amt_https_dup_transport    (GError      **error);
void              amt_https_sha256           (const void   *data,
                                              gsize         len,
                                              guint8        digest[AMT_HTTPS_SHA256_LEN]);
void              amt_https_hmac_sha256      (const void   *key,
                                              gsize         key_len,
                                              const void   *data,
                                              gsize         data_len,
                                              guint8        digest[AMT_HTTPS_SHA256_LEN]);
gboolean          amt_https_parse_http_date  (const char   *date,
                                              gint64       *unix_time);

G_END_DECLS
