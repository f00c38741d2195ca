/* amt-aws-client-call.c
 *
 * One call of AmtAwsClient, in the GTask worker thread: the request built and signed, sent
 * through the transport with its retries (jittered exponential backoff; the one re-signing
 * after a clock-skew refusal, amt-aws-client.c says why), the answer parsed, and
 * ListMFADevices' pages followed. Works on its CallData alone, never on the client.
 *
 * g_debug() gives actions, endpoints, statuses and request ids; never keys, tokens or codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-aws-client"

#include "config.h"

#include <string.h>

#include "amt-aws-client-private.h"
#include "amt-aws-response.h"
#include "amt-https.h"
#include "amt-secret.h"

#define MAX_RETRY_DELAY_MS          5000
/* A Date header further off than this is a wrong clock, not network latency. */
#define SKEW_THRESHOLD_SECONDS      (5 * 60)
#define MAX_PAGES                   100

void
amt_aws_call_data_free (CallData *data)
{
  g_clear_pointer (&data->endpoint, amt_aws_endpoint_free);
  g_clear_pointer (&data->credentials, amt_credentials_free);
  g_clear_pointer (&data->params, g_ptr_array_unref);
  g_free (data->used_serial);
  g_clear_pointer (&data->used_code, amt_secret_free);
  g_clear_object (&data->transport);
  g_free (data->ca_bundle);
  g_free (data);
}

void
amt_aws_call_data_add_param (CallData   *data,
                     const char *name,
                     const char *value)
{
  if (value == NULL)
    return;

  g_ptr_array_add (data->params, g_strdup (name));
  g_ptr_array_add (data->params, g_strdup (value));
}

static gboolean
is_retryable (const GError *error)
{
  return g_error_matches (error, AMT_AWS_ERROR, AMT_AWS_ERROR_THROTTLED) ||
         g_error_matches (error, AMT_AWS_ERROR, AMT_AWS_ERROR_SERVER) ||
         g_error_matches (error, AMT_AWS_ERROR, AMT_AWS_ERROR_NETWORK) ||
         g_error_matches (error, AMT_AWS_ERROR, AMT_AWS_ERROR_TIMEOUT);
}

/* Sleeps before retry @attempt (1-based): half the exponential delay plus a random half,
 * so that many clients throttled at once do not come back at once. */
static gboolean
backoff (CallData     *data,
         guint         attempt,
         GCancellable *cancellable)
{
  guint64 delay_ms = (guint64) data->retry_delay_ms << MIN (attempt - 1, 16);
  gint64 deadline;

  delay_ms = MIN (delay_ms, MAX_RETRY_DELAY_MS);
  delay_ms = delay_ms / 2 + (delay_ms > 1 ? (guint64) g_random_int_range (0, (gint32) (delay_ms / 2 + 1)) : 0);
  deadline = g_get_monotonic_time () + (gint64) delay_ms * 1000;

  g_debug ("%s: retry %u in %" G_GUINT64_FORMAT " ms", data->action, attempt, delay_ms);

  while (g_get_monotonic_time () < deadline)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (10000, MAX (0, deadline - g_get_monotonic_time ())));
    }

  return !g_cancellable_is_cancelled (cancellable);
}

/* TRUE when attempt @attempt failed with @local_error, another may follow, and the wait
 * before it passed uncancelled. A request that carries an MFA code is never sent twice. */
static gboolean
retry_after_backoff (CallData     *data,
                     const GError *local_error,
                     guint         attempt,
                     GCancellable *cancellable)
{
  return data->used_code == NULL && is_retryable (local_error) &&
         attempt < data->max_attempts && backoff (data, attempt, cancellable);
}

/* The request's last failure, or CANCELLED when the caller gave up meanwhile. */
static gpointer
request_failed (GError        *local_error,
                GCancellable  *cancellable,
                GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    g_error_free (local_error);
  else
    g_propagate_error (error, local_error);
  return NULL;
}

static AmtSigV4Request *
build_request (CallData   *data,
               const char *marker)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr(AmtSigV4Request) request = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) signing_time = NULL;

  g_ptr_array_add (pairs, (gpointer) "Action");
  g_ptr_array_add (pairs, (gpointer) data->action);
  g_ptr_array_add (pairs, (gpointer) "Version");
  g_ptr_array_add (pairs, (gpointer) data->endpoint->api_version);
  for (guint i = 0; i < data->params->len; i++)
    g_ptr_array_add (pairs, g_ptr_array_index (data->params, i));
  if (marker != NULL)
    {
      g_ptr_array_add (pairs, (gpointer) "Marker");
      g_ptr_array_add (pairs, (gpointer) marker);
    }
  g_ptr_array_add (pairs, NULL);

  body = amt_sigv4_form_encode ((const char * const *) pairs->pdata);

  request = amt_sigv4_request_new ("POST", data->endpoint->path);
  amt_sigv4_request_add_header (request, "Host", data->endpoint->host);
  amt_sigv4_request_add_header (request, "Content-Type",
                                "application/x-www-form-urlencoded; charset=utf-8");
  if (data->accept_json)
    amt_sigv4_request_add_header (request, "Accept", "application/json");
  amt_sigv4_request_set_body (request, body, strlen (body));
  amt_secret_wipe (body, strlen (body));

  now = g_date_time_new_now_utc ();
  signing_time = g_date_time_add_seconds (now, (gdouble) data->clock_skew);
  amt_sigv4_sign (request, data->credentials, data->endpoint->signing_region,
                  data->endpoint->signing_name, signing_time);

  return g_steal_pointer (&request);
}

/* The server's clock minus ours, from the Date header; FALSE when there is none. */
static gboolean
server_clock_offset (AmtHttpResponse *response,
                     gint64          *offset)
{
  const char *date = amt_http_response_get_header (response, "date");
  gint64 server_time;

  if (date == NULL || !amt_https_parse_http_date (date, &server_time))
    return FALSE;

  *offset = server_time - g_get_real_time () / G_USEC_PER_SEC;
  return TRUE;
}

/* One request, with its retries. Returns the parsed body of a 2xx answer. */
static AmtAwsNode *
perform (CallData      *data,
         const char    *marker,
         GCancellable  *cancellable,
         GError       **error)
{
  gboolean resigned = FALSE;
  guint attempt = 0;

  /* Before anything is signed or a code is spent. */
  if (data->transport == NULL)
    {
      data->transport = amt_https_dup_transport (error);
      if (data->transport == NULL)
        return NULL;
    }

  for (;;)
    {
      g_autoptr(AmtSigV4Request) request = NULL;
      g_autoptr(AmtHttpResponse) response = NULL;
      g_autoptr(AmtAwsNode) root = NULL;
      g_autoptr(GError) local_error = NULL;
      AmtHttpRequest http = { 0, };
      AmtAwsErrorInfo info;
      const char *request_id;
      const char *content_type;
      const guint8 *body;
      gsize body_len;

      attempt++;

      request = build_request (data, marker);
      http.url = data->endpoint->url;
      http.request = request;
      http.ca_bundle = data->ca_bundle;
      http.connect_timeout_ms = data->connect_timeout_ms;
      http.timeout_ms = data->timeout_ms;
      http.max_response_size = data->max_response_size;

      data->requests_sent++;
      response = amt_http_transport_send (data->transport, &http, cancellable, &local_error);

      if (response == NULL)
        {
          g_debug ("%s → %s: %s", data->action, data->endpoint->url, local_error->message);
          if (retry_after_backoff (data, local_error, attempt, cancellable))
            continue;
          return request_failed (g_steal_pointer (&local_error), cancellable, error);
        }

      request_id = amt_http_response_get_header (response, "x-amzn-requestid");
      content_type = amt_http_response_get_header (response, "content-type");
      body = g_bytes_get_data (response->body, &body_len);
      g_debug ("%s → %s: HTTP %u, request id %s", data->action, data->endpoint->url,
               response->status, request_id ? request_id : "(none)");

      root = amt_aws_response_parse ((const char *) body, body_len, content_type, &local_error);

      if (response->status >= 200 && response->status < 300)
        {
          if (root == NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return g_steal_pointer (&root);
        }

      if (root == NULL || !amt_aws_response_get_error (root, response->status, &info))
        {
          /* Not an AWS error body: a proxy's page, or a server in trouble. */
          g_clear_error (&local_error);
          local_error = amt_aws_error_new_simple (response->status >= 500 ? AMT_AWS_ERROR_SERVER
                                                  : response->status == 429 ? AMT_AWS_ERROR_THROTTLED
                                                  : AMT_AWS_ERROR_INVALID_RESPONSE);
        }
      else if (amt_aws_error_is_clock_skew (&info))
        {
          gint64 offset = 0;
          gboolean have_offset = server_clock_offset (response, &offset);
          gint64 correction = (have_offset && ABS (offset) > SKEW_THRESHOLD_SECONDS) ? offset : 0;

          g_debug ("%s: clock skew refusal; server clock %s%" G_GINT64_FORMAT " s", data->action,
                   offset >= 0 ? "+" : "", offset);

          /* Refused before the key and the code were looked at: safe to sign again. */
          if (!resigned && have_offset && correction != data->clock_skew)
            {
              data->clock_skew = correction;
              data->clock_skew_changed = TRUE;
              resigned = TRUE;
              attempt--;
              continue;
            }

          g_propagate_error (error, amt_aws_error_new_clock_skew (have_offset ? offset
                                                                             : data->clock_skew));
          return NULL;
        }
      else
        {
          if (info.request_id == NULL)
            info.request_id = request_id;
          local_error = amt_aws_error_new_from_info (&info);
        }

      if (retry_after_backoff (data, local_error, attempt, cancellable))
        continue;
      return request_failed (g_steal_pointer (&local_error), cancellable, error);
    }
}

static gboolean
set_invalid_response (GError     **error,
                      const char  *what)
{
  g_debug ("Response lacks %s", what);
  g_propagate_error (error, amt_aws_error_new_simple (AMT_AWS_ERROR_INVALID_RESPONSE));
  return FALSE;
}

/* The longest session AWS issues (a role's maximum duration); a later Expiration is no answer
 * of AWS's, and would never be reminded of. */
#define LONGEST_SESSION_SECONDS (36 * 60 * 60)
/* Clock differences under this are not noticed as skew (AWS refuses from 5 minutes on). */
#define UNNOTICED_SKEW_SECONDS (5 * 60)

static AmtCredentials *
parse_session_credentials (AmtAwsNode  *root,
                           const char  *action,
                           gint64       clock_skew,
                           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) latest = g_date_time_add_seconds (now, (gdouble) (clock_skew + LONGEST_SESSION_SECONDS +
                                                                         UNNOTICED_SKEW_SECONDS));
  g_autofree char *result_path = g_strdup_printf ("%sResponse/%sResult", action, action);
  g_autoptr(GDateTime) expires = NULL;
  AmtCredentials *credentials;
  AmtAwsNode *result = amt_aws_node_lookup (root, result_path);
  const char *key_id;
  const char *secret;
  const char *token;
  const char *expiration;

  if (result == NULL)
    {
      set_invalid_response (error, result_path);
      return NULL;
    }

  key_id = amt_aws_node_lookup_text (result, "Credentials/AccessKeyId");
  secret = amt_aws_node_lookup_text (result, "Credentials/SecretAccessKey");
  token = amt_aws_node_lookup_text (result, "Credentials/SessionToken");
  expiration = amt_aws_node_lookup_text (result, "Credentials/Expiration");

  if (key_id == NULL || *key_id == '\0' || secret == NULL || *secret == '\0' ||
      token == NULL || *token == '\0')
    {
      set_invalid_response (error, "Credentials");
      return NULL;
    }

  expires = amt_aws_parse_timestamp (expiration);
  if (expires == NULL)
    {
      set_invalid_response (error, "a valid Expiration");
      return NULL;
    }
  if (g_date_time_compare (expires, latest) > 0)
    {
      set_invalid_response (error, "an Expiration within 36 h");
      return NULL;
    }

  credentials = amt_credentials_new (key_id, secret, token, expires);
  credentials->assumed_role_arn = g_strdup (amt_aws_node_lookup_text (result, "AssumedRoleUser/Arn"));

  return credentials;
}

static AmtAwsCallerIdentity *
parse_caller_identity (AmtAwsNode  *root,
                       GError     **error)
{
  AmtAwsNode *result = amt_aws_node_lookup (root, "GetCallerIdentityResponse/GetCallerIdentityResult");
  g_autoptr(AmtAwsCallerIdentity) identity = g_new0 (AmtAwsCallerIdentity, 1);

  if (result == NULL)
    {
      set_invalid_response (error, "GetCallerIdentityResult");
      return NULL;
    }

  identity->account = g_strdup (amt_aws_node_lookup_text (result, "Account"));
  identity->arn = g_strdup (amt_aws_node_lookup_text (result, "Arn"));
  identity->user_id = g_strdup (amt_aws_node_lookup_text (result, "UserId"));

  if (identity->account == NULL || identity->arn == NULL)
    {
      set_invalid_response (error, "Account and Arn");
      return NULL;
    }

  return g_steal_pointer (&identity);
}

static GStrv
list_mfa_devices (CallData      *data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GStrvBuilder) serials = g_strv_builder_new ();
  g_autofree char *marker = NULL;

  for (guint page = 0; page < MAX_PAGES; page++)
    {
      g_autoptr(AmtAwsNode) root = perform (data, marker, cancellable, error);
      g_autoptr(GPtrArray) members = NULL;
      AmtAwsNode *result;
      const char *truncated;

      if (root == NULL)
        return NULL;

      result = amt_aws_node_lookup (root, "ListMFADevicesResponse/ListMFADevicesResult");
      if (result == NULL)
        {
          set_invalid_response (error, "ListMFADevicesResult");
          return NULL;
        }

      members = amt_aws_node_lookup_all (result, "MFADevices/member/SerialNumber");
      for (guint i = 0; i < members->len; i++)
        g_strv_builder_add (serials, amt_aws_node_get_text (g_ptr_array_index (members, i)));

      truncated = amt_aws_node_lookup_text (result, "IsTruncated");
      if (g_strcmp0 (truncated, "true") != 0)
        return g_strv_builder_end (serials);

      g_free (marker);
      marker = g_strdup (amt_aws_node_lookup_text (result, "Marker"));
      if (marker == NULL || *marker == '\0')
        {
          set_invalid_response (error, "Marker");
          return NULL;
        }
    }

  set_invalid_response (error, "an end to the pages");
  return NULL;
}

void
amt_aws_client_call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CallData *data = task_data;
  GError *error = NULL;

  if (data->kind == CALL_LIST_MFA_DEVICES)
    {
      GStrv serials = list_mfa_devices (data, cancellable, &error);

      if (serials == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, serials, (GDestroyNotify) g_strfreev);
    }
  else
    {
      g_autoptr(AmtAwsNode) root = perform (data, NULL, cancellable, &error);

      if (root == NULL)
        {
          g_task_return_error (task, error);
        }
      else if (data->kind == CALL_GET_CALLER_IDENTITY)
        {
          AmtAwsCallerIdentity *identity = parse_caller_identity (root, &error);

          if (identity == NULL)
            g_task_return_error (task, error);
          else
            g_task_return_pointer (task, identity, (GDestroyNotify) amt_aws_caller_identity_free);
        }
      else
        {
          AmtCredentials *credentials = parse_session_credentials (root, data->action, data->clock_skew, &error);

          if (credentials == NULL)
            g_task_return_error (task, error);
          else
            g_task_return_pointer (task, credentials,
                                   (GDestroyNotify) amt_credentials_free);
        }
    }
}
