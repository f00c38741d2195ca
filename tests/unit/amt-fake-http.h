/* amt-fake-http.h: an HTTP transport that answers from a script and records what it was sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-http.h"
#include "amt-aws-error.h"

G_BEGIN_DECLS

typedef struct {
  char *url;
  char *body;
  char *authorization;
  char *amz_date;
  char *host;
  char *token;
} Sent;

#define FAKE_TYPE_HTTP (fake_http_get_type ())
G_DECLARE_FINAL_TYPE (FakeHttp, fake_http, FAKE, HTTP, GObject)

/* Open to the tests, which count what was sent. */
struct _FakeHttp
{
  GObject    parent_instance;
  GMutex     lock;
  GQueue     answers;
  GPtrArray *sent;
};

/* date_offset: the Date header is now + this many seconds; NO_DATE: none. */
#define NO_DATE G_MININT64

void  fake_http_add       (FakeHttp    *self,
                           guint        status,
                           const char  *body,
                           gint64       date_offset);
void  fake_http_add_error (FakeHttp    *self,
                           AmtAwsError  error);
Sent *fake_http_sent      (FakeHttp    *self,
                           guint        index);
guint fake_http_n_sent    (FakeHttp    *self);

G_END_DECLS
