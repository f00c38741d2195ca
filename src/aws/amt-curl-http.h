/* amt-curl-http.h: the HTTP transport over libcurl (GnuTLS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-http.h"

G_BEGIN_DECLS

#define AMT_TYPE_CURL_HTTP (amt_curl_http_get_type ())

G_DECLARE_FINAL_TYPE (AmtCurlHttp, amt_curl_http, AMT, CURL_HTTP, GObject)

AmtHttpTransport *amt_curl_http_new (void);

G_END_DECLS
