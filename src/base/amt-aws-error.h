/* amt-aws-error.h: the errors of the STS and IAM calls, and what to tell the user about them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AMT_AWS_ERROR (amt_aws_error_quark ())

/* Every error of AMT_AWS_ERROR carries, as its message, a sentence for the user that says what
 * to do (amt_aws_error_describe()); the server's own code and message go to g_debug only.
 * A cancelled call fails with G_IO_ERROR_CANCELLED instead. */
typedef enum {
  AMT_AWS_ERROR_FAILED,               /* anything else the server refused */
  AMT_AWS_ERROR_INVALID_MFA_CODE,     /* "invalid MFA one time pass code" */
  AMT_AWS_ERROR_MFA_CODE_REUSED,      /* the code was used before, or is out of its window */
  AMT_AWS_ERROR_WRONG_MFA_SERIAL,     /* the device is not the user's */
  AMT_AWS_ERROR_ACCESS_DENIED,        /* AccessDenied for any other reason */
  AMT_AWS_ERROR_EXPIRED_TOKEN,        /* the session credentials expired */
  AMT_AWS_ERROR_INVALID_CLIENT_TOKEN, /* unknown or inactive key, bad session token */
  AMT_AWS_ERROR_THROTTLED,            /* Throttling, after the retries */
  AMT_AWS_ERROR_DURATION_TOO_LONG,    /* DurationSeconds over the allowed maximum */
  AMT_AWS_ERROR_SIGNATURE,            /* SignatureDoesNotMatch (not a clock problem) */
  AMT_AWS_ERROR_CLOCK_SKEW,           /* the computer's clock is off */
  AMT_AWS_ERROR_INVALID_PARAMETER,    /* ValidationError about anything but the duration */
  AMT_AWS_ERROR_NETWORK,              /* no connection, name not resolved, connection reset */
  AMT_AWS_ERROR_TIMEOUT,              /* no complete answer in time */
  AMT_AWS_ERROR_TLS,                  /* certificate not trusted, TLS handshake failed */
  AMT_AWS_ERROR_SERVER,               /* 5xx */
  AMT_AWS_ERROR_RESPONSE_TOO_LARGE,   /* over the response size cap */
  AMT_AWS_ERROR_INVALID_RESPONSE,     /* truncated, or not an AWS answer */
  AMT_AWS_ERROR_INVALID_ENDPOINT,     /* an endpoint URL that is not http(s)://host[:port] */
} AmtAwsError;

/* What a server error body said. */
typedef struct {
  guint        http_status;
  const char  *type;        /* Sender / Receiver, or NULL */
  const char  *code;        /* e.g. AccessDenied, or NULL */
  const char  *message;     /* or NULL */
  const char  *request_id;  /* or NULL */
} AmtAwsErrorInfo;

GQuark        amt_aws_error_quark              (void);

const char   *amt_aws_error_to_string          (AmtAwsError            code);
AmtAwsError   amt_aws_error_classify           (const AmtAwsErrorInfo *info,
                                                gint64                *max_duration);
gboolean      amt_aws_error_is_clock_skew      (const AmtAwsErrorInfo *info);
char         *amt_aws_error_describe           (AmtAwsError            code,
                                                gint64                 detail);
GError       *amt_aws_error_new_from_info      (const AmtAwsErrorInfo *info);
GError       *amt_aws_error_new_clock_skew     (gint64                 offset_seconds);
GError       *amt_aws_error_new_simple         (AmtAwsError            code);

G_END_DECLS
