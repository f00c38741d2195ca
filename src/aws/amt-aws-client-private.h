/* amt-aws-client-private.h
 *
 * What the two files of AmtAwsClient share: the data of one call, which the client fills in
 * the caller's thread (amt-aws-client.c) and the worker carries out (amt-aws-client-call.c).
 * Only those files include it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-aws-client.h"
#include "amt-aws-endpoint.h"

G_BEGIN_DECLS

typedef enum {
  CALL_GET_SESSION_TOKEN,
  CALL_ASSUME_ROLE,
  CALL_GET_CALLER_IDENTITY,
  CALL_LIST_MFA_DEVICES,
} CallKind;

typedef struct {
  CallKind           kind;
  const char        *action;
  AmtAwsEndpoint    *endpoint;
  AmtCredentials    *credentials;
  GPtrArray         *params;          /* name, value, …: wiped (TokenCode) */
  char              *used_serial;     /* the device of the code sent, or NULL */
  char              *used_code;       /* the code sent, or NULL */
  AmtHttpTransport  *transport;
  char              *ca_bundle;
  guint              connect_timeout_ms;
  guint              timeout_ms;
  gsize              max_response_size;
  guint              max_attempts;
  guint              retry_delay_ms;
  gboolean           accept_json;
  guint              page_size;

  /* In: the known offset; out: the offset after this call, and whether it changed. */
  gint64             clock_skew;
  gboolean           clock_skew_changed;
  guint              requests_sent;
} CallData;

void amt_aws_call_data_free      (CallData     *data);
void amt_aws_call_data_add_param (CallData     *data,
                                  const char   *name,
                                  const char   *value);
void amt_aws_client_call_thread  (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallData, amt_aws_call_data_free)

G_END_DECLS
