/* amt-console.h: a sign-in URL for the AWS Management Console, made from a role session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-cred-store.h"
#include "amt-http.h"
#include "amt-profile.h"

G_BEGIN_DECLS

#define AMT_CONSOLE_ERROR (amt_console_error_quark ())

typedef enum {
  AMT_CONSOLE_ERROR_NOT_A_ROLE,        /* a GetSessionToken session: AWS refuses it */
  AMT_CONSOLE_ERROR_UNKNOWN_PARTITION, /* no sign-in endpoint known for the ARN */
  AMT_CONSOLE_ERROR_INVALID_ENDPOINT,  /* AWS_ENDPOINT_URL_SIGNIN is not a URL */
  AMT_CONSOLE_ERROR_REFUSED,           /* the sign-in endpoint said no */
  AMT_CONSOLE_ERROR_INVALID_RESPONSE,
} AmtConsoleError;

GQuark     amt_console_error_quark           (void);

char      *amt_console_dup_unavailable_reason (AmtProfile          *profile);
char      *amt_console_dup_destination       (const char          *role_arn,
                                              const char          *region,
                                              GError             **error);
char      *amt_console_dup_federation_url    (const char          *role_arn,
                                              const char * const  *envp,
                                              GError             **error);

void       amt_console_sign_in_url_async     (AmtHttpTransport    *transport,
                                              const AmtCredentials *session,
                                              const char          *role_arn,
                                              const char          *region,
                                              const char          *profile_ca_bundle,
                                              const char * const  *envp,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char      *amt_console_sign_in_url_finish    (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
