/* amt-http.c
 *
 * The transport interface and the response it returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-http"

#include "config.h"

#include <string.h>

#include "amt-http.h"
#include "amt-secret.h"

G_DEFINE_INTERFACE (AmtHttpTransport, amt_http_transport, G_TYPE_OBJECT)

static void
amt_http_transport_default_init (AmtHttpTransportInterface *iface)
{
}

/**
 * amt_http_transport_send:
 *
 * Sends @request and waits for the whole answer. Blocks: call it from a worker thread.
 *
 * Returns: (transfer full) (nullable): the response, whatever its status
 */
AmtHttpResponse *
amt_http_transport_send (AmtHttpTransport      *self,
                         const AmtHttpRequest  *request,
                         GCancellable          *cancellable,
                         GError               **error)
{
  g_return_val_if_fail (AMT_IS_HTTP_TRANSPORT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return AMT_HTTP_TRANSPORT_GET_IFACE (self)->send (self, request, cancellable, error);
}

/**
 * amt_http_bytes_new_secret:
 * @array: (transfer full): the bytes
 *
 * Returns: (transfer full): a #GBytes over @array that wipes it when freed
 */
GBytes *
amt_http_bytes_new_secret (GByteArray *array)
{
  g_return_val_if_fail (array != NULL, NULL);

  return g_bytes_new_with_free_func (array->data, array->len, (GDestroyNotify) amt_secret_free_bytes, array);
}

/**
 * amt_http_response_new:
 * @headers: (transfer full) (nullable): lower-case name → value, both owned by the table
 *
 * Returns: (transfer full): a response with a copy of @body
 */
AmtHttpResponse *
amt_http_response_new (guint       status,
                       GHashTable *headers,
                       const void *body,
                       gsize       len)
{
  AmtHttpResponse *self = g_new0 (AmtHttpResponse, 1);
  GByteArray *array = g_byte_array_sized_new (len);

  if (len > 0)
    g_byte_array_append (array, body, len);

  self->status = status;
  self->headers = headers != NULL ? headers
                  : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->body = amt_http_bytes_new_secret (array);

  return self;
}

void
amt_http_response_free (AmtHttpResponse *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->headers, g_hash_table_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

const char *
amt_http_response_get_header (AmtHttpResponse *self,
                              const char      *name)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  lower = g_ascii_strdown (name, -1);
  return g_hash_table_lookup (self->headers, lower);
}
