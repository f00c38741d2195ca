/* amt-http.h: the HTTP transport the AWS client sends its signed requests over
 *
 * An interface, so that tests can put a fake in place of libcurl (amt-curl-http.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-sigv4.h"

G_BEGIN_DECLS

/* One request. The pointers are borrowed for the duration of the send. */
typedef struct {
  const char      *url;                 /* scheme://host[:port]/path?query */
  AmtSigV4Request *request;             /* method, headers (Host included), body */
  const char      *ca_bundle;           /* NULL: the system's trust store */
  guint            connect_timeout_ms;
  guint            timeout_ms;          /* the whole exchange */
  gsize            max_response_size;   /* of the body, in bytes */
} AmtHttpRequest;

typedef struct {
  guint       status;
  GHashTable *headers;                  /* lower-case name → value */
  GBytes     *body;                     /* wiped when the last reference goes */
} AmtHttpResponse;

AmtHttpResponse *amt_http_response_new        (guint             status,
                                               GHashTable       *headers,
                                               const void       *body,
                                               gsize             len);
void             amt_http_response_free       (AmtHttpResponse  *self);
const char      *amt_http_response_get_header (AmtHttpResponse  *self,
                                               const char       *name);
GBytes          *amt_http_bytes_new_secret    (GByteArray       *array);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtHttpResponse, amt_http_response_free)

#define AMT_TYPE_HTTP_TRANSPORT (amt_http_transport_get_type ())

G_DECLARE_INTERFACE (AmtHttpTransport, amt_http_transport, AMT, HTTP_TRANSPORT, GObject)

struct _AmtHttpTransportInterface
{
  GTypeInterface parent_iface;

  /* Blocking; called from worker threads, so implementations must be thread-safe. Fails with
   * AMT_AWS_ERROR (NETWORK, TIMEOUT, TLS, RESPONSE_TOO_LARGE, INVALID_RESPONSE) or
   * G_IO_ERROR_CANCELLED; any HTTP status is a response, not an error. */
  AmtHttpResponse *(*send) (AmtHttpTransport      *self,
                            const AmtHttpRequest  *request,
                            GCancellable          *cancellable,
                            GError               **error);
};

AmtHttpResponse *amt_http_transport_send      (AmtHttpTransport      *self,
                                               const AmtHttpRequest  *request,
                                               GCancellable          *cancellable,
                                               GError               **error);

G_END_DECLS
