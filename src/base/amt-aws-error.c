/* amt-aws-error.c
 *
 * The AMT_AWS_ERROR domain: an AWS error body (Code, Message) or a transport failure becomes
 * one code, and every code has one sentence for the user that says what to do. The MFA
 * dialog shows the sentence as it is, so each one stands on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-aws-error"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "amt-aws-error.h"

G_DEFINE_QUARK (amt-aws-error-quark, amt_aws_error)

static const char * const error_names[] = {
  [AMT_AWS_ERROR_FAILED] = "failed",
  [AMT_AWS_ERROR_INVALID_MFA_CODE] = "invalid-mfa-code",
  [AMT_AWS_ERROR_MFA_CODE_REUSED] = "mfa-code-reused",
  [AMT_AWS_ERROR_WRONG_MFA_SERIAL] = "wrong-mfa-serial",
  [AMT_AWS_ERROR_ACCESS_DENIED] = "access-denied",
  [AMT_AWS_ERROR_EXPIRED_TOKEN] = "expired-token",
  [AMT_AWS_ERROR_INVALID_CLIENT_TOKEN] = "invalid-client-token",
  [AMT_AWS_ERROR_THROTTLED] = "throttled",
  [AMT_AWS_ERROR_DURATION_TOO_LONG] = "duration-too-long",
  [AMT_AWS_ERROR_SIGNATURE] = "signature",
  [AMT_AWS_ERROR_CLOCK_SKEW] = "clock-skew",
  [AMT_AWS_ERROR_INVALID_PARAMETER] = "invalid-parameter",
  [AMT_AWS_ERROR_NETWORK] = "network",
  [AMT_AWS_ERROR_TIMEOUT] = "timeout",
  [AMT_AWS_ERROR_TLS] = "tls",
  [AMT_AWS_ERROR_SERVER] = "server",
  [AMT_AWS_ERROR_RESPONSE_TOO_LARGE] = "response-too-large",
  [AMT_AWS_ERROR_INVALID_RESPONSE] = "invalid-response",
  [AMT_AWS_ERROR_INVALID_ENDPOINT] = "invalid-endpoint",
};

/**
 * amt_aws_error_to_string:
 *
 * Returns: a stable name for @code ("invalid-mfa-code"), for logs and tests
 */
const char *
amt_aws_error_to_string (AmtAwsError code)
{
  if ((guint) code < G_N_ELEMENTS (error_names) && error_names[code] != NULL)
    return error_names[code];
  return "unknown";
}

static gboolean
str_has (const char *haystack,
         const char *needle)
{
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

static gboolean
code_is (const AmtAwsErrorInfo *info,
         const char            *code)
{
  return g_strcmp0 (info->code, code) == 0;
}

/**
 * amt_aws_error_is_clock_skew:
 *
 * Whether AWS refused the request because its time is too far from the server's; AWS checks
 * this before the key and the MFA code, so such a request consumed nothing.
 */
gboolean
amt_aws_error_is_clock_skew (const AmtAwsErrorInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (code_is (info, "SignatureDoesNotMatch") || code_is (info, "InvalidSignatureException"))
    return info->message != NULL &&
           (g_str_has_prefix (info->message, "Signature expired") ||
            g_str_has_prefix (info->message, "Signature not yet current"));

  return code_is (info, "RequestExpired") ||
         code_is (info, "RequestTimeTooSkewed") ||
         code_is (info, "RequestInTheFuture");
}

/* "… Member must have value less than or equal to 129600" → 129600 */
static gint64
parse_max_duration (const char *message)
{
  const char *p;

  if (message == NULL)
    return 0;

  if (strstr (message, "1 hour session limit") != NULL)
    return 3600;

  p = strstr (message, "less than or equal to ");
  if (p != NULL)
    {
      gint64 value = g_ascii_strtoll (p + strlen ("less than or equal to "), NULL, 10);

      if (value > 0)
        return value;
    }

  return 0;
}

/**
 * amt_aws_error_classify:
 * @info: what the error body said
 * @max_duration: (out) (optional): for %AMT_AWS_ERROR_DURATION_TOO_LONG, the allowed maximum
 *   in seconds when the message says it, else 0
 *
 * Returns: the code for an AWS error answer
 */
AmtAwsError
amt_aws_error_classify (const AmtAwsErrorInfo *info,
                        gint64                *max_duration)
{
  g_return_val_if_fail (info != NULL, AMT_AWS_ERROR_FAILED);

  if (max_duration != NULL)
    *max_duration = 0;

  if (amt_aws_error_is_clock_skew (info))
    return AMT_AWS_ERROR_CLOCK_SKEW;

  if (code_is (info, "AccessDenied") || code_is (info, "AccessDeniedException"))
    {
      /* The three MFA refusals share the code; only the messages tell them apart.
       * A reused code gets "unable to validate MFA code" (or, as some reports show, the
       * invalid-code message, which is why that sentence mentions reuse too). */
      if (str_has (info->message, "invalid MFA one time pass code"))
        return AMT_AWS_ERROR_INVALID_MFA_CODE;
      if (str_has (info->message, "verify your MFA serial number") ||
          str_has (info->message, "associated with this user"))
        return AMT_AWS_ERROR_WRONG_MFA_SERIAL;
      if (str_has (info->message, "unable to validate MFA code"))
        return AMT_AWS_ERROR_MFA_CODE_REUSED;
      if (str_has (info->message, "MultiFactorAuthentication failed"))
        return AMT_AWS_ERROR_INVALID_MFA_CODE;
      return AMT_AWS_ERROR_ACCESS_DENIED;
    }

  if (code_is (info, "ExpiredToken") || code_is (info, "ExpiredTokenException"))
    return AMT_AWS_ERROR_EXPIRED_TOKEN;

  if (code_is (info, "InvalidClientTokenId") || code_is (info, "UnrecognizedClientException"))
    return AMT_AWS_ERROR_INVALID_CLIENT_TOKEN;

  if (code_is (info, "Throttling") || code_is (info, "ThrottlingException") ||
      code_is (info, "RequestLimitExceeded") || code_is (info, "TooManyRequestsException") ||
      code_is (info, "RequestThrottled") || code_is (info, "SlowDown") ||
      info->http_status == 429)
    return AMT_AWS_ERROR_THROTTLED;

  if (code_is (info, "SignatureDoesNotMatch") || code_is (info, "IncompleteSignature") ||
      code_is (info, "MissingAuthenticationToken") || code_is (info, "InvalidSignatureException"))
    return AMT_AWS_ERROR_SIGNATURE;

  if (code_is (info, "ValidationError") || code_is (info, "ValidationException"))
    {
      if (str_has (info->message, "urationSeconds"))
        {
          if (max_duration != NULL)
            *max_duration = parse_max_duration (info->message);
          return AMT_AWS_ERROR_DURATION_TOO_LONG;
        }
      return AMT_AWS_ERROR_INVALID_PARAMETER;
    }

  if (code_is (info, "InternalFailure") || code_is (info, "InternalError") ||
      code_is (info, "ServiceUnavailable") || code_is (info, "ServiceUnavailableException") ||
      info->http_status >= 500)
    return AMT_AWS_ERROR_SERVER;

  return AMT_AWS_ERROR_FAILED;
}

static char *
format_duration (gint64 seconds)
{
  if (seconds % 3600 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", seconds / 3600),
                            (int) (seconds / 3600));
  if (seconds % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", seconds / 60),
                            (int) (seconds / 60));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds", seconds),
                          (int) seconds);
}

/**
 * amt_aws_error_describe:
 * @code: the error
 * @detail: for %AMT_AWS_ERROR_DURATION_TOO_LONG the allowed maximum in seconds (0: unknown);
 *   for %AMT_AWS_ERROR_CLOCK_SKEW the offset in seconds (server minus local; 0: unknown)
 *
 * Returns: (transfer full): a sentence for the user that says what happened and what to do
 */
char *
amt_aws_error_describe (AmtAwsError code,
                        gint64      detail)
{
  switch (code)
    {
    case AMT_AWS_ERROR_INVALID_MFA_CODE:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The MFA code was not accepted. Check the device and type "
                                   "the current code; if you just used this code, wait for the "
                                   "next one."));
    case AMT_AWS_ERROR_MFA_CODE_REUSED:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "This code was already used. Wait for the next code and "
                                   "try again."));
    case AMT_AWS_ERROR_WRONG_MFA_SERIAL:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS does not know this MFA device for your user. Check the "
                                   "profile's MFA device (mfa_serial)."));
    case AMT_AWS_ERROR_ACCESS_DENIED:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS denied the request. Check the role ARN and external ID, "
                                   "and that your user may assume the role."));
    case AMT_AWS_ERROR_EXPIRED_TOKEN:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The session has expired. Log in again with a new MFA "
                                   "code."));
    case AMT_AWS_ERROR_INVALID_CLIENT_TOKEN:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS does not accept the access key. Check "
                                   "aws_access_key_id in the credentials file; the key may be "
                                   "deleted or inactive."));
    case AMT_AWS_ERROR_THROTTLED:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS is limiting the request rate. Wait a minute and try "
                                   "again."));
    case AMT_AWS_ERROR_DURATION_TOO_LONG:
      if (detail > 0)
        {
          g_autofree char *max = format_duration (detail);

          return g_strdup_printf (g_dgettext (GETTEXT_PACKAGE,
                                              "The requested session is longer than allowed "
                                              "(at most %s). Choose a shorter duration."),
                                  max);
        }
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The requested session is longer than the role allows. "
                                   "Choose a shorter duration."));
    case AMT_AWS_ERROR_SIGNATURE:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS could not verify the request's signature. Check "
                                   "aws_secret_access_key in the credentials file."));
    case AMT_AWS_ERROR_CLOCK_SKEW:
      {
        gint64 minutes = (ABS (detail) + 30) / 60;

        if (minutes > 0)
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Your computer's clock is off by %d"
                                               " minute. Set it right (enable automatic time) "
                                               "and try again.",
                                               "Your computer's clock is off by %d"
                                               " minutes. Set it right (enable automatic time) "
                                               "and try again.",
                                               minutes),
                                  (int) MIN (minutes, G_MAXINT));
        return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                     "Your computer's clock is off. Set it right (enable "
                                     "automatic time) and try again."));
      }
    case AMT_AWS_ERROR_INVALID_PARAMETER:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS refused a setting of the request. Check the profile's "
                                   "role ARN, MFA device and session name."));
    case AMT_AWS_ERROR_NETWORK:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "Could not reach AWS. Check your network connection and "
                                   "proxy, then try again."));
    case AMT_AWS_ERROR_TIMEOUT:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS did not answer in time. Check your network connection "
                                   "and try again."));
    case AMT_AWS_ERROR_TLS:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The secure connection to AWS failed. Check the CA bundle "
                                   "(AWS_CA_BUNDLE or ca_bundle) and any proxy that "
                                   "intercepts HTTPS."));
    case AMT_AWS_ERROR_SERVER:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS had a temporary problem. Try again in a few minutes."));
    case AMT_AWS_ERROR_RESPONSE_TOO_LARGE:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The server's answer was too large to be from AWS. Check "
                                   "the endpoint URL and any proxy."));
    case AMT_AWS_ERROR_INVALID_RESPONSE:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The server's answer was incomplete or not from AWS. Check "
                                   "the endpoint URL and any proxy, then try again."));
    case AMT_AWS_ERROR_INVALID_ENDPOINT:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "The endpoint URL is not valid. Check AWS_ENDPOINT_URL and "
                                   "the profile's endpoint_url."));
    case AMT_AWS_ERROR_FAILED:
    default:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE,
                                   "AWS refused the request. Check the profile's settings and "
                                   "try again."));
    }
}

/**
 * amt_aws_error_new_simple:
 *
 * Returns: (transfer full): an error with @code and its sentence
 */
GError *
amt_aws_error_new_simple (AmtAwsError code)
{
  g_autofree char *sentence = amt_aws_error_describe (code, 0);

  return g_error_new_literal (AMT_AWS_ERROR, code, sentence);
}

/**
 * amt_aws_error_new_clock_skew:
 * @offset_seconds: the server's clock minus ours
 */
GError *
amt_aws_error_new_clock_skew (gint64 offset_seconds)
{
  g_autofree char *sentence = amt_aws_error_describe (AMT_AWS_ERROR_CLOCK_SKEW, offset_seconds);

  return g_error_new_literal (AMT_AWS_ERROR, AMT_AWS_ERROR_CLOCK_SKEW, sentence);
}

/* A server's text is shown as text: control characters (an escape sequence would reach the
 * terminal) and direction overrides become spaces, and it is cut at a length fit for a
 * sentence. */
#define MAX_SERVER_TEXT 300

static char *
dup_server_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && g_utf8_strlen (out->str, -1) < MAX_SERVER_TEXT;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/**
 * amt_aws_error_new_from_info:
 *
 * Returns: (transfer full): the error for an AWS error answer. For
 *   %AMT_AWS_ERROR_FAILED the server's message follows the sentence, since no sentence of
 *   ours can say more about an error we do not know.
 */
GError *
amt_aws_error_new_from_info (const AmtAwsErrorInfo *info)
{
  gint64 max_duration = 0;
  AmtAwsError code = amt_aws_error_classify (info, &max_duration);
  g_autofree char *sentence = amt_aws_error_describe (code, max_duration);
  g_autofree char *server_code = dup_server_text (info->code);
  g_autofree char *server_message = dup_server_text (info->message);
  g_autofree char *request_id = dup_server_text (info->request_id);

  g_debug ("AWS error: HTTP %u, %s, request id %s → %s",
           info->http_status, server_code ? server_code : "(no code)",
           request_id ? request_id : "(none)", amt_aws_error_to_string (code));

  if (code == AMT_AWS_ERROR_FAILED && (server_code != NULL || server_message != NULL))
    return g_error_new (AMT_AWS_ERROR, code, "%s (%s%s%s)", sentence,
                        server_code ? server_code : "",
                        server_code && server_message ? ": " : "",
                        server_message ? server_message : "");

  return g_error_new_literal (AMT_AWS_ERROR, code, sentence);
}
