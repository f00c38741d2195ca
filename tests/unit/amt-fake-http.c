/* amt-fake-http.c: an HTTP transport that answers from a script and records what it was sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-fake-http.h"
#include "amt-sigv4.h"

typedef struct {
  guint        status;
  char        *body;
  gint64       date_offset;   /* Date header = now + this; G_MININT64: none */
  AmtAwsError  error;         /* used when status == 0 */
} Answer;


static void fake_http_iface_init (AmtHttpTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeHttp, fake_http, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_HTTP_TRANSPORT, fake_http_iface_init))

static void
answer_free (Answer *answer)
{
  g_free (answer->body);
  g_free (answer);
}

static void
sent_free (Sent *sent)
{
  g_free (sent->url);
  g_free (sent->body);
  g_free (sent->authorization);
  g_free (sent->amz_date);
  g_free (sent->host);
  g_free (sent->token);
  g_free (sent);
}

void
fake_http_add (FakeHttp   *self,
               guint       status,
               const char *body,
               gint64      date_offset)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->status = status;
  answer->body = g_strdup (body);
  answer->date_offset = date_offset;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->answers, answer);
  g_mutex_unlock (&self->lock);
}

void
fake_http_add_error (FakeHttp    *self,
                     AmtAwsError  error)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->error = error;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->answers, answer);
  g_mutex_unlock (&self->lock);
}

static AmtHttpResponse *
fake_http_send (AmtHttpTransport      *transport,
                const AmtHttpRequest  *request,
                GCancellable          *cancellable,
                GError               **error)
{
  FakeHttp *self = FAKE_HTTP (transport);
  Sent *sent = g_new0 (Sent, 1);
  const guint8 *body;
  gsize len;
  Answer *answer;
  AmtHttpResponse *response;
  GHashTable *headers;

  body = amt_sigv4_request_get_body (request->request, &len);
  sent->url = g_strdup (request->url);
  sent->body = g_strndup ((const char *) body, len);
  sent->authorization = g_strdup (amt_sigv4_request_get_header (request->request, "Authorization"));
  sent->amz_date = g_strdup (amt_sigv4_request_get_header (request->request, "X-Amz-Date"));
  sent->host = g_strdup (amt_sigv4_request_get_header (request->request, "Host"));
  sent->token = g_strdup (amt_sigv4_request_get_header (request->request, "X-Amz-Security-Token"));

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->sent, sent);
  answer = g_queue_pop_head (&self->answers);
  g_mutex_unlock (&self->lock);

  g_assert_nonnull (answer);
  if (answer->status == 0)
    {
      g_set_error_literal (error, AMT_AWS_ERROR, answer->error, "fake failure");
      answer_free (answer);
      return NULL;
    }

  headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (headers, g_strdup ("content-type"), g_strdup ("text/xml"));
  g_hash_table_insert (headers, g_strdup ("x-amzn-requestid"), g_strdup ("fake-request-id"));
  if (answer->date_offset != G_MININT64)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) date = g_date_time_add_seconds (now, (gdouble) answer->date_offset);

      g_hash_table_insert (headers, g_strdup ("date"),
                           g_date_time_format (date, "%a, %d %b %Y %H:%M:%S GMT"));
    }
  response = amt_http_response_new (answer->status, headers, answer->body, strlen (answer->body));
  answer_free (answer);

  return response;
}

static void
fake_http_iface_init (AmtHttpTransportInterface *iface)
{
  iface->send = fake_http_send;
}

static void
fake_http_finalize (GObject *object)
{
  FakeHttp *self = FAKE_HTTP (object);

  g_queue_clear_full (&self->answers, (GDestroyNotify) answer_free);
  g_ptr_array_unref (self->sent);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fake_http_parent_class)->finalize (object);
}

static void
fake_http_class_init (FakeHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_http_finalize;
}

static void
fake_http_init (FakeHttp *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->answers);
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_free);
}

Sent *
fake_http_sent (FakeHttp *self,
                guint     index)
{
  g_assert_cmpuint (index, <, self->sent->len);
  return g_ptr_array_index (self->sent, index);
}

guint
fake_http_n_sent (FakeHttp *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->sent->len;
  g_mutex_unlock (&self->lock);
  return n;
}
