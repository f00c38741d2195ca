/* amt-aws-client.c
 *
 * The STS and IAM calls: GetSessionToken, AssumeRole, GetCallerIdentity, ListMFADevices.
 * Each call is an _async/_finish pair; the signing, the blocking HTTP exchange (through an
 * AmtHttpTransport, libcurl by default) and the parsing run in a GTask worker thread.
 *
 * Retries: a few, with jittered exponential backoff, for throttling, 5xx answers, connection
 * failures and timeouts — never for a request that carried an MFA code, which the server may
 * have consumed. The one exception is a clock-skew refusal: AWS checks the time before the key
 * and the code, so such a request consumed nothing, and it is signed again once with the
 * offset taken from the answer's Date header (DESIGN.md "Endpoints and environment"). The
 * offset is kept for later calls and shown as the "clock-skew" property.
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

#define DEFAULT_CONNECT_TIMEOUT_MS  10000
#define DEFAULT_TIMEOUT_MS          30000
#define DEFAULT_MAX_RESPONSE_SIZE   (1024 * 1024)
#define DEFAULT_MAX_ATTEMPTS        3
#define DEFAULT_RETRY_DELAY_MS      200

struct _AmtAwsClient
{
  GObject           parent_instance;

  AmtHttpTransport *transport;
  char             *region;
  char             *endpoint_url;
  char             *ca_bundle;
  char            **environ;

  guint             connect_timeout_ms;
  guint             timeout_ms;
  guint64           max_response_size;
  guint             max_attempts;
  guint             retry_delay_ms;
  gboolean          accept_json;

  gint64            clock_skew;

  /* The codes sent (shared with the logins through the client pool); main thread only */
  AmtCodeLedger    *ledger;
};

G_DEFINE_FINAL_TYPE (AmtAwsClient, amt_aws_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TRANSPORT,
  PROP_REGION,
  PROP_ENDPOINT_URL,
  PROP_CA_BUNDLE,
  PROP_ENVIRON,
  PROP_CONNECT_TIMEOUT,
  PROP_TIMEOUT,
  PROP_MAX_RESPONSE_SIZE,
  PROP_MAX_ATTEMPTS,
  PROP_RETRY_DELAY,
  PROP_ACCEPT_JSON,
  PROP_CLOCK_SKEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------------------------- */
/* Result types                                                                             */

G_DEFINE_BOXED_TYPE (AmtAwsCallerIdentity, amt_aws_caller_identity,
                     amt_aws_caller_identity_copy, amt_aws_caller_identity_free)

AmtAwsCallerIdentity *
amt_aws_caller_identity_copy (const AmtAwsCallerIdentity *self)
{
  AmtAwsCallerIdentity *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AmtAwsCallerIdentity, 1);
  copy->account = g_strdup (self->account);
  copy->arn = g_strdup (self->arn);
  copy->user_id = g_strdup (self->user_id);

  return copy;
}

void
amt_aws_caller_identity_free (AmtAwsCallerIdentity *self)
{
  if (self == NULL)
    return;

  g_free (self->account);
  g_free (self->arn);
  g_free (self->user_id);
  g_free (self);
}

/**
 * amt_aws_default_role_session_name:
 * @user_name: (nullable): the local user; %NULL for g_get_user_name()
 *
 * Returns: (transfer full): `aws-mfa-tray-USER`, with characters AWS does not allow in a
 *   RoleSessionName (`[\w+=,.@-]`) replaced by `-`, at most 64 characters
 */
char *
amt_aws_default_role_session_name (const char *user_name)
{
  GString *name = g_string_new ("aws-mfa-tray-");

  if (user_name == NULL || *user_name == '\0')
    user_name = g_get_user_name ();

  for (const char *p = user_name; *p != '\0' && name->len < 64; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("_+=,.@-", *p) != NULL)
        g_string_append_c (name, *p);
      else if ((guchar) *p < 0x80 || ((guchar) *p & 0xc0) == 0xc0)
        g_string_append_c (name, '-');   /* one dash per character, not per UTF-8 byte */
    }

  return g_string_free (name, FALSE);
}

/* ---------------------------------------------------------------------------------------- */
/* The client, in the caller's thread                                                       */

static void
params_free (gpointer data)
{
  amt_secret_free (data);
}

static CallData *
call_data_new (AmtAwsClient             *self,
               CallKind                  kind,
               const char               *action,
               AmtAwsService             service,
               const AmtCredentials     *credentials,
               GError                  **error)
{
  g_autoptr(CallData) data = g_new0 (CallData, 1);

  data->endpoint = amt_aws_client_dup_endpoint (self, service, error);
  if (data->endpoint == NULL)
    return NULL;

  data->kind = kind;
  data->action = action;
  data->credentials = amt_credentials_copy (credentials);
  data->params = g_ptr_array_new_with_free_func (params_free);
  /* NULL: the HTTPS stack's, loaded by the worker (amt-https.c). */
  data->transport = self->transport != NULL ? g_object_ref (self->transport) : NULL;
  data->ca_bundle = amt_aws_endpoint_resolve_ca_bundle (self->ca_bundle,
                                                        (const char * const *) self->environ);
  data->connect_timeout_ms = self->connect_timeout_ms;
  data->timeout_ms = self->timeout_ms;
  data->max_response_size = (gsize) self->max_response_size;
  data->max_attempts = MAX (1, self->max_attempts);
  data->retry_delay_ms = self->retry_delay_ms;
  data->accept_json = self->accept_json;
  data->clock_skew = self->clock_skew;

  return g_steal_pointer (&data);
}

/* Adds SerialNumber and TokenCode; FALSE (and an error) when this code was sent before. */
static gboolean
call_data_add_mfa (AmtAwsClient  *self,
                   CallData      *data,
                   const char    *serial_number,
                   const char    *token_code,
                   GError       **error)
{
  if (serial_number == NULL || token_code == NULL)
    {
      amt_aws_call_data_add_param (data, "SerialNumber", serial_number);
      return TRUE;
    }

  if (amt_code_ledger_was_sent (self->ledger, serial_number, token_code))
    {
      g_debug ("%s: refusing to send a code already sent for this device", data->action);
      g_propagate_error (error, amt_aws_error_new_simple (AMT_AWS_ERROR_MFA_CODE_REUSED));
      return FALSE;
    }

  amt_code_ledger_remember (self->ledger, serial_number, token_code);
  data->used_serial = g_strdup (serial_number);
  data->used_code = g_strdup (token_code);

  amt_aws_call_data_add_param (data, "SerialNumber", serial_number);
  amt_aws_call_data_add_param (data, "TokenCode", token_code);
  return TRUE;
}

static void
start_call (AmtAwsClient        *self,
            CallData            *data,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, data->action);
  g_task_set_task_data (task, data, (GDestroyNotify) amt_aws_call_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_debug ("%s → %s (signed for %s)", data->action, data->endpoint->url,
           data->endpoint->signing_region);
  g_task_run_in_thread (task, amt_aws_client_call_thread);
}

/* Starts the call of @data, or, when it could not be prepared (@data %NULL), reports @error
 * through the callback as the call's result: every call has one way out. */
static void
submit_call (AmtAwsClient        *self,
             CallData            *data,
             GError              *error,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (data != NULL)
    {
      start_call (self, data, source_tag, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_return_error (task, error);
}

/* Adds a count such as DurationSeconds; 0 leaves it out (AWS's default). */
static void
call_data_add_count (CallData   *data,
                     const char *name,
                     guint       count)
{
  g_autofree char *text = NULL;

  if (count == 0)
    return;

  text = g_strdup_printf ("%u", count);
  amt_aws_call_data_add_param (data, name, text);
}

/* Takes the clock offset the call learned, and keeps a code marked used unless the answer
 * proves the server did not look at it. */
static gpointer
finish_call (AmtAwsClient  *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  GTask *task;
  CallData *data;
  g_autoptr(GError) local_error = NULL;
  gpointer ret;

  g_return_val_if_fail (AMT_IS_AWS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  task = G_TASK (result);
  data = g_task_get_task_data (task);
  ret = g_task_propagate_pointer (task, &local_error);

  if (data != NULL && data->clock_skew_changed && data->clock_skew != self->clock_skew)
    {
      self->clock_skew = data->clock_skew;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_SKEW]);
    }

  if (data != NULL && data->used_code != NULL && local_error != NULL &&
      local_error->domain == AMT_AWS_ERROR &&
      (local_error->code == AMT_AWS_ERROR_TLS ||
       local_error->code == AMT_AWS_ERROR_INVALID_ENDPOINT ||
       local_error->code == AMT_AWS_ERROR_CLOCK_SKEW ||
       local_error->code == AMT_AWS_ERROR_SIGNATURE ||
       local_error->code == AMT_AWS_ERROR_INVALID_CLIENT_TOKEN ||
       local_error->code == AMT_AWS_ERROR_EXPIRED_TOKEN ||
       local_error->code == AMT_AWS_ERROR_THROTTLED ||
       local_error->code == AMT_AWS_ERROR_INVALID_PARAMETER ||
       local_error->code == AMT_AWS_ERROR_DURATION_TOO_LONG ||
       local_error->code == AMT_AWS_ERROR_WRONG_MFA_SERIAL))
    amt_code_ledger_forget (self->ledger, data->used_serial, data->used_code);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return ret;
}

/**
 * amt_aws_client_get_session_token_async:
 * @long_term: the user's long-term keys
 * @serial_number: (nullable): the MFA device
 * @token_code: (nullable): its current code; sent once, never retried
 * @duration_seconds: 0 for AWS's default (12 h)
 */
void
amt_aws_client_get_session_token_async (AmtAwsClient            *self,
                                        const AmtCredentials    *long_term,
                                        const char              *serial_number,
                                        const char              *token_code,
                                        guint                    duration_seconds,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data)
{
  g_autoptr(CallData) data = NULL;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_AWS_CLIENT (self));
  g_return_if_fail (long_term != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = call_data_new (self, CALL_GET_SESSION_TOKEN, "GetSessionToken", AMT_AWS_SERVICE_STS,
                        long_term, &error);
  if (data != NULL)
    call_data_add_count (data, "DurationSeconds", duration_seconds);
  if (data != NULL && !call_data_add_mfa (self, data, serial_number, token_code, &error))
    g_clear_pointer (&data, amt_aws_call_data_free);

  submit_call (self, g_steal_pointer (&data), error, amt_aws_client_get_session_token_async,
               cancellable, callback, user_data);
}

/**
 * amt_aws_client_get_session_token_finish:
 *
 * Returns: (transfer full): the session credentials, or %NULL with an AMT_AWS_ERROR or
 *   G_IO_ERROR_CANCELLED
 */
AmtCredentials *
amt_aws_client_get_session_token_finish (AmtAwsClient  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return finish_call (self, result, amt_aws_client_get_session_token_async, error);
}

/**
 * amt_aws_client_assume_role_async:
 * @credentials: long-term keys, or the session of GetSessionToken
 * @role_session_name: (nullable): %NULL for amt_aws_default_role_session_name()
 * @external_id: (nullable)
 * @duration_seconds: 0 for AWS's default (1 h)
 * @serial_number: (nullable)
 * @token_code: (nullable): sent once, never retried
 */
void
amt_aws_client_assume_role_async (AmtAwsClient            *self,
                                  const AmtCredentials    *credentials,
                                  const char              *role_arn,
                                  const char              *role_session_name,
                                  const char              *external_id,
                                  guint                    duration_seconds,
                                  const char              *serial_number,
                                  const char              *token_code,
                                  GCancellable            *cancellable,
                                  GAsyncReadyCallback      callback,
                                  gpointer                 user_data)
{
  g_autoptr(CallData) data = NULL;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_AWS_CLIENT (self));
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (role_arn != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = call_data_new (self, CALL_ASSUME_ROLE, "AssumeRole", AMT_AWS_SERVICE_STS,
                        credentials, &error);
  if (data != NULL)
    {
      g_autofree char *default_name = NULL;

      if (role_session_name == NULL || *role_session_name == '\0')
        role_session_name = default_name = amt_aws_default_role_session_name (NULL);

      amt_aws_call_data_add_param (data, "RoleArn", role_arn);
      amt_aws_call_data_add_param (data, "RoleSessionName", role_session_name);
      if (external_id != NULL && *external_id != '\0')
        amt_aws_call_data_add_param (data, "ExternalId", external_id);
      call_data_add_count (data, "DurationSeconds", duration_seconds);
    }
  if (data != NULL && !call_data_add_mfa (self, data, serial_number, token_code, &error))
    g_clear_pointer (&data, amt_aws_call_data_free);

  submit_call (self, g_steal_pointer (&data), error, amt_aws_client_assume_role_async,
               cancellable, callback, user_data);
}

/**
 * amt_aws_client_assume_role_finish:
 *
 * Returns: (transfer full): the role session's credentials, or %NULL with an error
 */
AmtCredentials *
amt_aws_client_assume_role_finish (AmtAwsClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_call (self, result, amt_aws_client_assume_role_async, error);
}

void
amt_aws_client_get_caller_identity_async (AmtAwsClient            *self,
                                          const AmtCredentials    *credentials,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data)
{
  g_autoptr(CallData) data = NULL;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_AWS_CLIENT (self));
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = call_data_new (self, CALL_GET_CALLER_IDENTITY, "GetCallerIdentity",
                        AMT_AWS_SERVICE_STS, credentials, &error);

  submit_call (self, g_steal_pointer (&data), error, amt_aws_client_get_caller_identity_async,
               cancellable, callback, user_data);
}

/**
 * amt_aws_client_get_caller_identity_finish:
 *
 * Returns: (transfer full): account, ARN and user id, or %NULL with an error
 */
AmtAwsCallerIdentity *
amt_aws_client_get_caller_identity_finish (AmtAwsClient  *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return finish_call (self, result, amt_aws_client_get_caller_identity_async, error);
}

/**
 * amt_aws_client_list_mfa_devices_async:
 * @user_name: (nullable): %NULL for the caller
 * @page_size: MaxItems per page; 0 for AWS's default (100). Every page is fetched.
 */
void
amt_aws_client_list_mfa_devices_async (AmtAwsClient            *self,
                                       const AmtCredentials    *credentials,
                                       const char              *user_name,
                                       guint                    page_size,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data)
{
  g_autoptr(CallData) data = NULL;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_AWS_CLIENT (self));
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = call_data_new (self, CALL_LIST_MFA_DEVICES, "ListMFADevices", AMT_AWS_SERVICE_IAM,
                        credentials, &error);
  if (data != NULL)
    {
      if (user_name != NULL && *user_name != '\0')
        amt_aws_call_data_add_param (data, "UserName", user_name);
      call_data_add_count (data, "MaxItems", page_size);
    }

  submit_call (self, g_steal_pointer (&data), error, amt_aws_client_list_mfa_devices_async,
               cancellable, callback, user_data);
}

/**
 * amt_aws_client_list_mfa_devices_finish:
 *
 * Returns: (transfer full): the serial numbers (or ARNs) of the user's MFA devices, or %NULL
 *   with an error
 */
GStrv
amt_aws_client_list_mfa_devices_finish (AmtAwsClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_call (self, result, amt_aws_client_list_mfa_devices_async, error);
}

/**
 * amt_aws_client_dup_endpoint:
 *
 * Returns: (transfer full) (nullable): where @service's calls go and the region they are
 *   signed for
 */
AmtAwsEndpoint *
amt_aws_client_dup_endpoint (AmtAwsClient   *self,
                             AmtAwsService   service,
                             GError        **error)
{
  g_return_val_if_fail (AMT_IS_AWS_CLIENT (self), NULL);

  return amt_aws_endpoint_resolve (service, self->region, self->endpoint_url,
                                   (const char * const *) self->environ, error);
}

/**
 * amt_aws_client_get_clock_skew:
 *
 * Returns: how far the server's clock is ahead of ours, in seconds, as learned from a
 *   clock-skew refusal (0: no skew over 5 minutes seen); requests are signed with it
 */
gint64
amt_aws_client_get_clock_skew (AmtAwsClient *self)
{
  g_return_val_if_fail (AMT_IS_AWS_CLIENT (self), 0);

  return self->clock_skew;
}

void
amt_aws_client_set_timeouts (AmtAwsClient *self,
                             guint         connect_timeout_ms,
                             guint         timeout_ms)
{
  g_return_if_fail (AMT_IS_AWS_CLIENT (self));

  g_object_set (self, "connect-timeout", connect_timeout_ms, "timeout", timeout_ms, NULL);
}

static void
amt_aws_client_constructed (GObject *object)
{
  AmtAwsClient *self = AMT_AWS_CLIENT (object);

  G_OBJECT_CLASS (amt_aws_client_parent_class)->constructed (object);

  if (self->environ == NULL)
    self->environ = g_get_environ ();
}

static void
amt_aws_client_finalize (GObject *object)
{
  AmtAwsClient *self = AMT_AWS_CLIENT (object);

  g_clear_object (&self->transport);
  g_free (self->region);
  g_free (self->endpoint_url);
  g_free (self->ca_bundle);
  g_strfreev (self->environ);
  g_clear_object (&self->ledger);

  G_OBJECT_CLASS (amt_aws_client_parent_class)->finalize (object);
}

static void
amt_aws_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmtAwsClient *self = AMT_AWS_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      g_value_set_object (value, self->transport);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_ENDPOINT_URL:
      g_value_set_string (value, self->endpoint_url);
      break;
    case PROP_CA_BUNDLE:
      g_value_set_string (value, self->ca_bundle);
      break;
    case PROP_ENVIRON:
      g_value_set_boxed (value, self->environ);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_MAX_RESPONSE_SIZE:
      g_value_set_uint64 (value, self->max_response_size);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_RETRY_DELAY:
      g_value_set_uint (value, self->retry_delay_ms);
      break;
    case PROP_ACCEPT_JSON:
      g_value_set_boolean (value, self->accept_json);
      break;
    case PROP_CLOCK_SKEW:
      g_value_set_int64 (value, self->clock_skew);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_aws_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AmtAwsClient *self = AMT_AWS_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      self->transport = g_value_dup_object (value);
      break;
    case PROP_REGION:
      self->region = g_value_dup_string (value);
      break;
    case PROP_ENDPOINT_URL:
      self->endpoint_url = g_value_dup_string (value);
      break;
    case PROP_CA_BUNDLE:
      self->ca_bundle = g_value_dup_string (value);
      break;
    case PROP_ENVIRON:
      self->environ = g_value_dup_boxed (value);
      break;
    case PROP_CONNECT_TIMEOUT:
      self->connect_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      self->timeout_ms = g_value_get_uint (value);
      break;
    case PROP_MAX_RESPONSE_SIZE:
      self->max_response_size = g_value_get_uint64 (value);
      break;
    case PROP_MAX_ATTEMPTS:
      self->max_attempts = g_value_get_uint (value);
      break;
    case PROP_RETRY_DELAY:
      self->retry_delay_ms = g_value_get_uint (value);
      break;
    case PROP_ACCEPT_JSON:
      self->accept_json = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_aws_client_class_init (AmtAwsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = amt_aws_client_constructed;
  object_class->finalize = amt_aws_client_finalize;
  object_class->get_property = amt_aws_client_get_property;
  object_class->set_property = amt_aws_client_set_property;

  properties[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL, AMT_TYPE_HTTP_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDPOINT_URL] =
    g_param_spec_string ("endpoint-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CA_BUNDLE] =
    g_param_spec_string ("ca-bundle", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENVIRON] =
    g_param_spec_boxed ("environ", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_CONNECT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RESPONSE_SIZE] =
    g_param_spec_uint64 ("max-response-size", NULL, NULL, 1024, G_MAXINT32,
                         DEFAULT_MAX_RESPONSE_SIZE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, 10, DEFAULT_MAX_ATTEMPTS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 0, 60000, DEFAULT_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPT_JSON] =
    g_param_spec_boolean ("accept-json", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * AmtAwsClient:clock-skew:
   *
   * How far the server's clock is ahead of ours, in seconds (negative: behind), when a call
   * was refused for clock skew; 0 otherwise. The UI tells the user to set their clock.
   */
  properties[PROP_CLOCK_SKEW] =
    g_param_spec_int64 ("clock-skew", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amt_aws_client_init (AmtAwsClient *self)
{
  g_autoptr(AmtClock) clock = amt_system_clock_new (FALSE);

  self->ledger = amt_code_ledger_new (clock);
}

/**
 * amt_aws_client_set_code_ledger:
 * @ledger: the record of codes sent to share (the client pool's); a client has its own until
 *   it is given one
 */
void
amt_aws_client_set_code_ledger (AmtAwsClient  *self,
                                AmtCodeLedger *ledger)
{
  g_return_if_fail (AMT_IS_AWS_CLIENT (self));
  g_return_if_fail (AMT_IS_CODE_LEDGER (ledger));

  g_set_object (&self->ledger, ledger);
}

/**
 * amt_aws_client_new:
 * @region: (nullable): the profile's region; %NULL for the global STS endpoint
 * @profile_endpoint_url: (nullable): the profile's `endpoint_url`
 * @profile_ca_bundle: (nullable): the profile's `ca_bundle`
 *
 * A client over libcurl that reads AWS_ENDPOINT_URL*, AWS_CA_BUNDLE from the environment.
 */
AmtAwsClient *
amt_aws_client_new (const char *region,
                    const char *profile_endpoint_url,
                    const char *profile_ca_bundle)
{
  return amt_aws_client_new_full (NULL, region, profile_endpoint_url, profile_ca_bundle, NULL);
}

/**
 * amt_aws_client_new_full:
 * @transport: (nullable): %NULL for libcurl
 * @envp: (nullable): the environment to read; %NULL for the process's
 */
AmtAwsClient *
amt_aws_client_new_full (AmtHttpTransport   *transport,
                         const char         *region,
                         const char         *profile_endpoint_url,
                         const char         *profile_ca_bundle,
                         const char * const *envp)
{
  g_return_val_if_fail (transport == NULL || AMT_IS_HTTP_TRANSPORT (transport), NULL);

  return g_object_new (AMT_TYPE_AWS_CLIENT,
                       "transport", transport,
                       "region", region,
                       "endpoint-url", profile_endpoint_url,
                       "ca-bundle", profile_ca_bundle,
                       "environ", envp,
                       NULL);
}
