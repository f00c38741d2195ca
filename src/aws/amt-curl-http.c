/* amt-curl-http.c
 *
 * AmtHttpTransport over libcurl, one easy handle per request (the calls are rare; a handle of
 * their own keeps threads apart). TLS verification is always on; AWS_CA_BUNDLE / ca_bundle
 * replaces the trust store; HTTPS_PROXY and NO_PROXY are read by libcurl itself. No redirects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-curl-http"

#include "config.h"

#include <string.h>

#include <curl/curl.h>

#include "amt-aws-error.h"
#include "amt-curl-http.h"
#include "amt-secret.h"

struct _AmtCurlHttp
{
  GObject parent_instance;
};

static void amt_curl_http_transport_iface_init (AmtHttpTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtCurlHttp, amt_curl_http, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_HTTP_TRANSPORT,
                                                      amt_curl_http_transport_iface_init))

typedef struct {
  GByteArray   *body;
  GHashTable   *headers;
  gsize         max_size;
  gboolean      too_large;
  gboolean      got_headers;
  GCancellable *cancellable;
  gsize         capacity;     /* of body, which must never grow by realloc() */
} Transfer;

/* STS answers are a few kilobytes. */
#define INITIAL_BODY_CAPACITY 16384

/* curl_global_init() is not thread-safe: once, before any worker thread uses libcurl. */
static void
ensure_curl_initialized (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      CURLcode res = curl_global_init (CURL_GLOBAL_DEFAULT);

      if (res != CURLE_OK)
        g_critical ("curl_global_init failed: %s", curl_easy_strerror (res));
      g_once_init_leave (&initialized, 1);
    }
}

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  nmemb,
          void   *user_data)
{
  Transfer *transfer = user_data;
  gsize len = size * nmemb;

  if (transfer->body->len + len > transfer->max_size)
    {
      transfer->too_large = TRUE;
      return 0;  /* CURLE_WRITE_ERROR */
    }

  /* GByteArray would grow by realloc(), which frees the old block as it is: grow into a new
   * block here and wipe the old one, as the body holds secrets. */
  if (transfer->body->len + len > transfer->capacity)
    {
      gsize capacity = MAX (transfer->capacity * 2, transfer->body->len + len);
      GByteArray *bigger = g_byte_array_sized_new ((guint) capacity);

      g_byte_array_append (bigger, transfer->body->data, transfer->body->len);
      amt_secret_free_bytes (transfer->body);
      transfer->body = bigger;
      transfer->capacity = capacity;
    }

  g_byte_array_append (transfer->body, (const guint8 *) data, len);
  return len;
}

static size_t
header_cb (char   *data,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  Transfer *transfer = user_data;
  gsize len = size * nmemb;
  g_autofree char *line = g_strndup (data, len);
  char *colon;

  g_strchomp (line);

  if (g_str_has_prefix (line, "HTTP/"))
    {
      /* A new response (after a 1xx, or a proxy's CONNECT answer): start over. */
      g_hash_table_remove_all (transfer->headers);
      transfer->got_headers = TRUE;
      return len;
    }

  colon = strchr (line, ':');
  if (colon != NULL && colon != line)
    {
      *colon = '\0';
      g_hash_table_insert (transfer->headers, g_ascii_strdown (g_strstrip (line), -1),
                           g_strdup (g_strstrip (colon + 1)));
    }

  return len;
}

static int
xferinfo_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *transfer = user_data;

  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

static AmtAwsError
error_for_curl_code (CURLcode  res,
                     Transfer *transfer)
{
  switch (res)
    {
    case CURLE_OPERATION_TIMEDOUT:
      return AMT_AWS_ERROR_TIMEOUT;

    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return AMT_AWS_ERROR_TLS;

    case CURLE_FILESIZE_EXCEEDED:
      return AMT_AWS_ERROR_RESPONSE_TOO_LARGE;

    case CURLE_WRITE_ERROR:
      return transfer->too_large ? AMT_AWS_ERROR_RESPONSE_TOO_LARGE : AMT_AWS_ERROR_NETWORK;

    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WEIRD_SERVER_REPLY:
      return AMT_AWS_ERROR_INVALID_RESPONSE;

    case CURLE_RECV_ERROR:
      /* After the status line this is a body cut short (no TLS close_notify); before it,
       * a connection reset. */
      return transfer->got_headers ? AMT_AWS_ERROR_INVALID_RESPONSE : AMT_AWS_ERROR_NETWORK;

    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return AMT_AWS_ERROR_INVALID_ENDPOINT;

    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    default:
      return AMT_AWS_ERROR_NETWORK;
    }
}

/* The length of @url before its query: a query may carry a secret (the console sign-in's
 * Session), so logs get only the scheme, host and path. */
static int
url_without_query (const char *url)
{
  return (int) strcspn (url, "?#");
}

static AmtHttpResponse *
amt_curl_http_send (AmtHttpTransport      *transport,
                    const AmtHttpRequest  *request,
                    GCancellable          *cancellable,
                    GError               **error)
{
  g_autoptr(GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Transfer transfer = { g_byte_array_sized_new (INITIAL_BODY_CAPACITY), headers,
                        request->max_response_size, FALSE, FALSE, cancellable,
                        INITIAL_BODY_CAPACITY };
  char error_buffer[CURL_ERROR_SIZE] = "";
  struct curl_slist *header_list = NULL;
  AmtHttpResponse *response;
  const guint8 *request_body;
  gsize request_body_len;
  const char *method;
  long status = 0;
  CURLcode res;
  CURL *curl;

  ensure_curl_initialized ();

  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_byte_array_unref (transfer.body);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "curl_easy_init failed");
      return NULL;
    }

  for (guint i = 0; i < amt_sigv4_request_get_n_headers (request->request); i++)
    {
      const char *name;
      const char *value;
      g_autofree char *line = NULL;

      amt_sigv4_request_get_header_at (request->request, i, &name, &value);
      line = g_strdup_printf ("%s: %s", name, value);
      header_list = curl_slist_append (header_list, line);
      amt_secret_wipe (line, strlen (line));
    }
  /* No "Expect: 100-continue" round trip. */
  header_list = curl_slist_append (header_list, "Expect:");

  method = amt_sigv4_request_get_method (request->request);
  request_body = amt_sigv4_request_get_body (request->request, &request_body_len);

  curl_easy_setopt (curl, CURLOPT_URL, request->url);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
#else
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTPS | CURLPROTO_HTTP));
#endif
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  /* With a bundle, only the bundle is trusted, as botocore does (AWS_CA_BUNDLE, ca_bundle).
   * libcurl's GnuTLS flavour also reads every file of its CA directory at each connection
   * (some 40 ms here): the directory goes whenever a bundle holds the trust, given or built
   * in (Debian's bundle has every certificate of /etc/ssl/certs). */
  if (request->ca_bundle != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_CAINFO, request->ca_bundle);
      curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
    }
#if LIBCURL_VERSION_NUM >= 0x075400
  else
    {
      char *default_bundle = NULL;

      if (curl_easy_getinfo (curl, CURLINFO_CAINFO, &default_bundle) == CURLE_OK &&
          default_bundle != NULL && g_file_test (default_bundle, G_FILE_TEST_IS_REGULAR))
        curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
    }
#endif
  curl_easy_setopt (curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) request->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) request->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) request->max_response_size);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (g_strcmp0 (method, "POST") == 0)
    {
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) request_body_len);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request_body_len > 0 ? (const char *) request_body : "");
    }
  else
    {
      curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    }

  res = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);

  for (struct curl_slist *item = header_list; item != NULL; item = item->next)
    amt_secret_wipe (item->data, strlen (item->data));
  curl_slist_free_all (header_list);

  if (res == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (cancellable))
    {
      amt_secret_free_bytes (transfer.body);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }

  if (res != CURLE_OK)
    {
      AmtAwsError code = error_for_curl_code (res, &transfer);
      g_autofree char *sentence = amt_aws_error_describe (code, 0);

      g_debug ("%s %.*s: curl error %d (%s): %s", method, url_without_query (request->url), request->url, res,
               curl_easy_strerror (res), error_buffer);
      amt_secret_free_bytes (transfer.body);
      g_set_error_literal (error, AMT_AWS_ERROR, code, sentence);
      return NULL;
    }

  g_debug ("%s %.*s: HTTP %ld, %u bytes", method, url_without_query (request->url), request->url,
           status, transfer.body->len);

  response = g_new0 (AmtHttpResponse, 1);
  response->status = (guint) status;
  response->headers = g_steal_pointer (&headers);
  response->body = amt_http_bytes_new_secret (g_steal_pointer (&transfer.body));

  return response;
}

static void
amt_curl_http_transport_iface_init (AmtHttpTransportInterface *iface)
{
  iface->send = amt_curl_http_send;
}

static void
amt_curl_http_class_init (AmtCurlHttpClass *klass)
{
}

static void
amt_curl_http_init (AmtCurlHttp *self)
{
  ensure_curl_initialized ();
}

AmtHttpTransport *
amt_curl_http_new (void)
{
  return g_object_new (AMT_TYPE_CURL_HTTP, NULL);
}
