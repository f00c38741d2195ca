/* amt-console.c
 *
 * Signs a role session in to the AWS Management Console, the way AWS documents for a custom
 * identity broker ("Enable custom identity broker access to the AWS console"):
 *
 *   GET https://signin.aws.amazon.com/federation?Action=getSigninToken
 *       &Session={"sessionId":KEY,"sessionKey":SECRET,"sessionToken":TOKEN}
 *   → {"SigninToken": "…"}
 *   https://signin.aws.amazon.com/federation?Action=login&Destination=CONSOLE&SigninToken=…
 *
 * The sign-in host follows the partition of the role's ARN (aws, aws-us-gov, aws-cn);
 * AWS_ENDPOINT_URL_SIGNIN replaces it, as the SDKs name a per-service endpoint. No
 * SessionDuration is sent: AWS refuses one for a chained role session (a role assumed with
 * the MFA session), and without it the console session lasts as long as the role session.
 *
 * The request's URL carries the session's secret and the login URL a sign-in token: neither
 * is logged, and both are wiped when they go.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-console"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "amt-aws-endpoint.h"
#include "amt-console.h"
#include "amt-https.h"
#include "amt-json-wipe.h"
#include "amt-secret.h"
#include "amt-sigv4.h"

#define CONNECT_TIMEOUT_MS  10000
#define TIMEOUT_MS          30000
#define MAX_RESPONSE_SIZE   (64 * 1024)

G_DEFINE_QUARK (amt-console-error-quark, amt_console_error)

typedef struct {
  const char *partition;
  const char *signin_url;     /* the federation endpoint's scheme and host */
  const char *console_host;
  gboolean    regional_host;  /* REGION.console.aws.amazon.com */
} Partition;

static const Partition partitions[] = {
  { "aws",        "https://signin.aws.amazon.com",      "console.aws.amazon.com",       TRUE },
  { "aws-us-gov", "https://signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com", FALSE },
  { "aws-cn",     "https://signin.amazonaws.cn",        "console.amazonaws.cn",         FALSE },
};

static const Partition *
find_partition (const char  *role_arn,
                GError     **error)
{
  g_auto(GStrv) fields = role_arn != NULL ? g_strsplit (role_arn, ":", 3) : NULL;

  if (fields != NULL && g_strv_length (fields) == 3 && g_str_equal (fields[0], "arn"))
    for (guint i = 0; i < G_N_ELEMENTS (partitions); i++)
      if (g_str_equal (fields[1], partitions[i].partition))
        return &partitions[i];

  g_set_error (error, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_UNKNOWN_PARTITION,
               _("The console sign-in for the role %s is not known: only the aws, aws-us-gov and aws-cn partitions have one."),
               role_arn != NULL ? role_arn : "");
  return NULL;
}

/**
 * amt_console_dup_unavailable_reason:
 *
 * Returns: (transfer full) (nullable): why @profile's session cannot sign in to the console,
 *   in one sentence; %NULL when it can
 */
char *
amt_console_dup_unavailable_reason (AmtProfile *profile)
{
  const AmtProfileConfig *config = amt_profile_get_config (profile);
  g_autoptr(GError) error = NULL;

  if (config->kind != AMT_PROFILE_KIND_ROLE)
    return g_strdup_printf (_("The AWS Console accepts only role sessions, and %s has a GetSessionToken session: "
                              "open the console with a profile that assumes a role."),
                            amt_profile_get_name (profile));

  if (find_partition (config->role_arn, &error) == NULL)
    return g_strdup (error->message);

  return NULL;
}

static gboolean
is_region_name (const char *region)
{
  if (region == NULL || *region == '\0')
    return FALSE;

  for (const char *p = region; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

/**
 * amt_console_dup_destination:
 * @region: (nullable): the profile's region
 *
 * Returns: (transfer full): the console's home page in @region, in the partition of @role_arn
 */
char *
amt_console_dup_destination (const char  *role_arn,
                             const char  *region,
                             GError     **error)
{
  const Partition *partition = find_partition (role_arn, error);

  if (partition == NULL)
    return NULL;

  /* A region that cannot be a host name label is left out rather than sent along. */
  if (!is_region_name (region))
    return g_strdup_printf ("https://%s/console/home", partition->console_host);

  if (partition->regional_host)
    return g_strdup_printf ("https://%s.%s/console/home?region=%s", region,
                            partition->console_host, region);

  return g_strdup_printf ("https://%s/console/home?region=%s", partition->console_host, region);
}

/**
 * amt_console_dup_federation_url:
 * @envp: (nullable): the environment to read AWS_ENDPOINT_URL_SIGNIN from; %NULL for the
 *   process's
 *
 * Returns: (transfer full): the federation endpoint for @role_arn's partition
 */
char *
amt_console_dup_federation_url (const char          *role_arn,
                                const char * const  *envp,
                                GError             **error)
{
  g_auto(GStrv) own_environ = envp == NULL ? g_get_environ () : NULL;
  const char *override;
  const Partition *partition = find_partition (role_arn, error);

  if (partition == NULL)
    return NULL;

  override = g_environ_getenv (envp != NULL ? (char **) envp : own_environ, "AWS_ENDPOINT_URL_SIGNIN");
  if (override != NULL && *override != '\0')
    {
      g_autofree char *base = g_strdup (override);
      gsize len = strlen (base);

      if ((!g_str_has_prefix (base, "https://") && !g_str_has_prefix (base, "http://")) ||
          strpbrk (base, "?# \t\r\n") != NULL ||
          !g_uri_is_valid (base, G_URI_FLAGS_NONE, NULL))
        {
          g_set_error (error, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_INVALID_ENDPOINT,
                       _("AWS_ENDPOINT_URL_SIGNIN is not an http or https URL: “%s”."), override);
          return NULL;
        }
      while (len > 0 && base[len - 1] == '/')
        base[--len] = '\0';
      return g_strconcat (base, "/federation", NULL);
    }

  return g_strconcat (partition->signin_url, "/federation", NULL);
}

/* The request, in a worker thread */

typedef struct {
  AmtHttpTransport *transport;
  char             *token_url;       /* carries the session's secret */
  char             *federation_url;
  char             *destination;
  char             *ca_bundle;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  g_clear_object (&data->transport);
  g_clear_pointer (&data->token_url, amt_secret_free);
  g_free (data->federation_url);
  g_free (data->destination);
  g_free (data->ca_bundle);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignInData, sign_in_data_free)

/* The refusal's own words when they are a short line of text, for the one sentence. */
static char *
short_reason (AmtHttpResponse *response)
{
  gsize len = 0;
  const char *body = g_bytes_get_data (response->body, &len);
  g_autofree char *text = NULL;

  if (body == NULL || len == 0 || len > 200 || !g_utf8_validate_len (body, len, NULL))
    return NULL;

  text = g_strndup (body, len);
  g_strstrip (text);
  if (*text == '\0' || strchr (text, '\n') != NULL || strchr (text, '<') != NULL)
    return NULL;

  return g_steal_pointer (&text);
}

static char *
parse_signin_token (AmtHttpResponse  *response,
                    GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) strings = NULL;
  g_autofree char *skeleton = NULL;
  gsize len = 0;
  const char *body = g_bytes_get_data (response->body, &len);
  JsonNode *root;
  JsonNode *member;
  JsonObject *object;
  const char *token;

  /* The token signs anyone in: json-glib never sees it, so leaves no copy (amt-json-wipe.c). */
  if (body != NULL)
    skeleton = amt_json_take_strings (body, len, &strings);
  if (skeleton == NULL || !json_parser_load_from_data (parser, skeleton, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto invalid;

  object = json_node_get_object (root);
  member = json_object_get_member (object, "SigninToken");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    goto invalid;

  token = amt_json_taken_string (strings, member);
  if (token == NULL || *token == '\0')
    goto invalid;

  return g_strdup (token);

invalid:
  g_set_error_literal (error, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_INVALID_RESPONSE,
                       _("The console sign-in answered with something other than a sign-in token: try again later."));
  return NULL;
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignInData *data = task_data;
  g_autoptr(AmtSigV4Request) request = amt_sigv4_request_new ("GET", "/federation");
  g_autoptr(AmtHttpResponse) response = NULL;
  AmtHttpRequest http = { 0, };
  GError *error = NULL;
  g_autofree char *escaped_destination = NULL;
  char *token;
  char *escaped_token;
  char *url;

  amt_sigv4_request_add_header (request, "Accept", "application/json");
  http.url = data->token_url;
  http.request = request;
  http.ca_bundle = data->ca_bundle;
  http.connect_timeout_ms = CONNECT_TIMEOUT_MS;
  http.timeout_ms = TIMEOUT_MS;
  http.max_response_size = MAX_RESPONSE_SIZE;

  /* The HTTPS stack is loaded here, in the worker, on first use (amt-https.c). */
  if (data->transport == NULL)
    data->transport = amt_https_dup_transport (&error);
  if (data->transport != NULL)
    response = amt_http_transport_send (data->transport, &http, cancellable, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("getSigninToken → %s: HTTP %u", data->federation_url, response->status);
  if (response->status != 200)
    {
      g_autofree char *reason = short_reason (response);

      if (reason != NULL)
        g_task_return_new_error (task, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_REFUSED,
                                 _("The console sign-in refused the session (HTTP %u, “%s”): log in again, then retry."),
                                 response->status, reason);
      else
        g_task_return_new_error (task, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_REFUSED,
                                 _("The console sign-in refused the session (HTTP %u): log in again, then retry."),
                                 response->status);
      return;
    }

  token = parse_signin_token (response, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  escaped_destination = g_uri_escape_string (data->destination, NULL, FALSE);
  escaped_token = g_uri_escape_string (token, NULL, FALSE);
  url = g_strconcat (data->federation_url, "?Action=login&Destination=", escaped_destination,
                     "&SigninToken=", escaped_token, NULL);
  amt_secret_free (escaped_token);
  amt_secret_free (token);

  g_task_return_pointer (task, url, (GDestroyNotify) amt_secret_free);
}

/* {"sessionId":…,"sessionKey":…,"sessionToken":…}, form-encoded into the query */
static char *
build_token_url (const char           *federation_url,
                 const AmtCredentials *session)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;
  char *escaped;
  char *url;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sessionId");
  json_builder_add_string_value (builder, session->access_key_id);
  json_builder_set_member_name (builder, "sessionKey");
  json_builder_add_string_value (builder, session->secret_access_key);
  json_builder_set_member_name (builder, "sessionToken");
  json_builder_add_string_value (builder, session->session_token);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  json = json_to_string (root, FALSE);
  escaped = g_uri_escape_string (json, NULL, FALSE);
  url = g_strconcat (federation_url, "?Action=getSigninToken&Session=", escaped, NULL);
  amt_secret_free (escaped);
  amt_secret_free (json);

  return url;
}

/**
 * amt_console_sign_in_url_async:
 * @transport: (nullable): %NULL for libcurl
 * @session: a role session (with its token)
 * @role_arn: the role, whose partition picks the sign-in host
 * @region: (nullable): the console's region
 * @profile_ca_bundle: (nullable): the profile's `ca_bundle` (AWS_CA_BUNDLE wins)
 * @envp: (nullable): the environment; %NULL for the process's
 *
 * Asks the federation endpoint for a sign-in token, in a worker thread.
 */
void
amt_console_sign_in_url_async (AmtHttpTransport     *transport,
                               const AmtCredentials *session,
                               const char           *role_arn,
                               const char           *region,
                               const char           *profile_ca_bundle,
                               const char * const   *envp,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(SignInData) data = g_new0 (SignInData, 1);
  g_auto(GStrv) own_environ = envp == NULL ? g_get_environ () : NULL;
  GError *error = NULL;

  g_return_if_fail (transport == NULL || AMT_IS_HTTP_TRANSPORT (transport));
  g_return_if_fail (session != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_task_set_source_tag (task, amt_console_sign_in_url_async);
  g_task_set_name (task, "getSigninToken");

  if (envp == NULL)
    envp = (const char * const *) own_environ;

  if (session->session_token == NULL || *session->session_token == '\0')
    {
      g_task_return_new_error (task, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_NOT_A_ROLE, "%s",
                               _("The AWS Console accepts only role sessions, and this session has no session token."));
      return;
    }

  data->federation_url = amt_console_dup_federation_url (role_arn, envp, &error);
  if (data->federation_url != NULL)
    data->destination = amt_console_dup_destination (role_arn, region, &error);
  if (data->destination == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->transport = transport != NULL ? g_object_ref (transport) : NULL;
  data->ca_bundle = amt_aws_endpoint_resolve_ca_bundle (profile_ca_bundle, envp);
  data->token_url = build_token_url (data->federation_url, session);

  g_debug ("getSigninToken → %s", data->federation_url);
  g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) sign_in_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, sign_in_thread);
}

/**
 * amt_console_sign_in_url_finish:
 *
 * Returns: (transfer full): the login URL to open; it carries a sign-in token good for
 *   15 minutes: never log it, and free it with amt_secret_free()
 */
char *
amt_console_sign_in_url_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == amt_console_sign_in_url_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
