/* amt-https-module.c
 *
 * The module "aws-mfa-tray-https" that amt-https.c loads on the first call to AWS: everything
 * that needs libcurl or GnuTLS, behind four functions. It is linked against the program that
 * loads it (the AmtHttpTransport type and the request accessors are the program's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-https"

#include "config.h"

#include <curl/curl.h>
#include <gmodule.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "amt-curl-http.h"

G_MODULE_EXPORT AmtHttpTransport *amt_https_module_transport_new (void);
G_MODULE_EXPORT int               amt_https_module_sha256        (const void *data,
                                                                  gsize       len,
                                                                  guint8     *digest);
G_MODULE_EXPORT int               amt_https_module_hmac_sha256   (const void *key,
                                                                  gsize       key_len,
                                                                  const void *data,
                                                                  gsize       data_len,
                                                                  guint8     *digest);
G_MODULE_EXPORT gint64            amt_https_module_http_date     (const char *date);

AmtHttpTransport *
amt_https_module_transport_new (void)
{
  return amt_curl_http_new ();
}

int
amt_https_module_sha256 (const void *data,
                         gsize       len,
                         guint8     *digest)
{
  static const guint8 empty = 0;

  return gnutls_hash_fast (GNUTLS_DIG_SHA256, data != NULL ? data : &empty, len, digest);
}

int
amt_https_module_hmac_sha256 (const void *key,
                              gsize       key_len,
                              const void *data,
                              gsize       data_len,
                              guint8     *digest)
{
  return gnutls_hmac_fast (GNUTLS_MAC_SHA256, key, key_len, data, data_len, digest);
}

gint64
amt_https_module_http_date (const char *date)
{
  time_t parsed = curl_getdate (date, NULL);

  return parsed == (time_t) -1 ? -1 : (gint64) parsed;
}
