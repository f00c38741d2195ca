/* amt-aws-client.h: signed STS and IAM calls on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-endpoint.h"
#include "amt-aws-error.h"
#include "amt-code-ledger.h"
#include "amt-http.h"
#include "amt-sigv4.h"

G_BEGIN_DECLS

/* What GetCallerIdentity returns. */
typedef struct {
  char *account;
  char *arn;
  char *user_id;
} AmtAwsCallerIdentity;

#define AMT_TYPE_AWS_CALLER_IDENTITY (amt_aws_caller_identity_get_type ())

GType                  amt_aws_caller_identity_get_type (void) G_GNUC_CONST;
AmtAwsCallerIdentity  *amt_aws_caller_identity_copy     (const AmtAwsCallerIdentity *self);
void                   amt_aws_caller_identity_free     (AmtAwsCallerIdentity       *self);

#define AMT_TYPE_AWS_CLIENT (amt_aws_client_get_type ())

G_DECLARE_FINAL_TYPE (AmtAwsClient, amt_aws_client, AMT, AWS_CLIENT, GObject)

AmtAwsClient              *amt_aws_client_new                      (const char          *region,
                                                                    const char          *profile_endpoint_url,
                                                                    const char          *profile_ca_bundle);
AmtAwsClient              *amt_aws_client_new_full                 (AmtHttpTransport    *transport,
                                                                    const char          *region,
                                                                    const char          *profile_endpoint_url,
                                                                    const char          *profile_ca_bundle,
                                                                    const char * const  *envp);

void                       amt_aws_client_set_code_ledger          (AmtAwsClient        *self,
                                                                    AmtCodeLedger       *ledger);
gint64                     amt_aws_client_get_clock_skew           (AmtAwsClient        *self);
void                       amt_aws_client_set_timeouts             (AmtAwsClient        *self,
                                                                    guint                connect_timeout_ms,
                                                                    guint                timeout_ms);
AmtAwsEndpoint            *amt_aws_client_dup_endpoint             (AmtAwsClient        *self,
                                                                    AmtAwsService        service,
                                                                    GError             **error);

void                       amt_aws_client_get_session_token_async  (AmtAwsClient              *self,
                                                                    const AmtCredentials      *long_term,
                                                                    const char                *serial_number,
                                                                    const char                *token_code,
                                                                    guint                      duration_seconds,
                                                                    GCancellable              *cancellable,
                                                                    GAsyncReadyCallback        callback,
                                                                    gpointer                   user_data);
AmtCredentials            *amt_aws_client_get_session_token_finish (AmtAwsClient              *self,
                                                                    GAsyncResult              *result,
                                                                    GError                   **error);

void                       amt_aws_client_assume_role_async        (AmtAwsClient              *self,
                                                                    const AmtCredentials      *credentials,
                                                                    const char                *role_arn,
                                                                    const char                *role_session_name,
                                                                    const char                *external_id,
                                                                    guint                      duration_seconds,
                                                                    const char                *serial_number,
                                                                    const char                *token_code,
                                                                    GCancellable              *cancellable,
                                                                    GAsyncReadyCallback        callback,
                                                                    gpointer                   user_data);
AmtCredentials            *amt_aws_client_assume_role_finish       (AmtAwsClient              *self,
                                                                    GAsyncResult              *result,
                                                                    GError                   **error);

void                       amt_aws_client_get_caller_identity_async  (AmtAwsClient            *self,
                                                                      const AmtCredentials    *credentials,
                                                                      GCancellable            *cancellable,
                                                                      GAsyncReadyCallback      callback,
                                                                      gpointer                 user_data);
AmtAwsCallerIdentity      *amt_aws_client_get_caller_identity_finish (AmtAwsClient            *self,
                                                                      GAsyncResult            *result,
                                                                      GError                 **error);

void                       amt_aws_client_list_mfa_devices_async   (AmtAwsClient              *self,
                                                                    const AmtCredentials      *credentials,
                                                                    const char                *user_name,
                                                                    guint                      page_size,
                                                                    GCancellable              *cancellable,
                                                                    GAsyncReadyCallback        callback,
                                                                    gpointer                   user_data);
GStrv                      amt_aws_client_list_mfa_devices_finish  (AmtAwsClient              *self,
                                                                    GAsyncResult              *result,
                                                                    GError                   **error);

char                      *amt_aws_default_role_session_name       (const char                *user_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtAwsCallerIdentity, amt_aws_caller_identity_free)

G_END_DECLS
