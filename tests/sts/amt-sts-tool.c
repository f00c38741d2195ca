/* amt-sts-tool.c: a command-line front to AmtAwsClient and the SigV4 signer, for the Python
 * drivers in this directory (test_sts.py against the stand-in server, test_sigv4_random.py
 * against botocore).
 *
 *   amt-sts-tool sign < request.json           sign one request, print what was signed
 *   amt-sts-tool call ACTION [OPTIONS]         one call (or --repeat N), one JSON line each
 *
 * Credentials come from AMT_TEST_ACCESS_KEY_ID, AMT_TEST_SECRET_ACCESS_KEY and
 * AMT_TEST_SESSION_TOKEN (tests/isolate removes every AWS_* variable but the ones a test sets,
 * and AWS_ACCESS_KEY_ID is not ours to read). Test keys only: this prints secrets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sts-tool"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "amt-aws-client.h"

static char *opt_region;
static char *opt_endpoint_url;
static char *opt_ca_bundle;
static char *opt_serial;
static char *opt_code;
static char *opt_role_arn;
static char *opt_session_name;
static char *opt_external_id;
static char *opt_user_name;
static int opt_duration;
static int opt_page_size;
static int opt_repeat = 1;
static int opt_connect_timeout;
static int opt_timeout;
static int opt_max_response_size;
static int opt_max_attempts;
static int opt_retry_delay = -1;
static int opt_cancel_after;
static gboolean opt_json;

static const GOptionEntry call_entries[] = {
  { "region", 0, 0, G_OPTION_ARG_STRING, &opt_region, "Profile region", "REGION" },
  { "endpoint-url", 0, 0, G_OPTION_ARG_STRING, &opt_endpoint_url, "Profile endpoint_url", "URL" },
  { "ca-bundle", 0, 0, G_OPTION_ARG_STRING, &opt_ca_bundle, "Profile ca_bundle", "FILE" },
  { "serial", 0, 0, G_OPTION_ARG_STRING, &opt_serial, "MFA serial", "SERIAL" },
  { "code", 0, 0, G_OPTION_ARG_STRING, &opt_code, "MFA code", "CODE" },
  { "role-arn", 0, 0, G_OPTION_ARG_STRING, &opt_role_arn, "Role ARN", "ARN" },
  { "session-name", 0, 0, G_OPTION_ARG_STRING, &opt_session_name, "RoleSessionName", "NAME" },
  { "external-id", 0, 0, G_OPTION_ARG_STRING, &opt_external_id, "ExternalId", "ID" },
  { "user-name", 0, 0, G_OPTION_ARG_STRING, &opt_user_name, "UserName", "NAME" },
  { "duration", 0, 0, G_OPTION_ARG_INT, &opt_duration, "DurationSeconds", "S" },
  { "page-size", 0, 0, G_OPTION_ARG_INT, &opt_page_size, "MaxItems", "N" },
  { "repeat", 0, 0, G_OPTION_ARG_INT, &opt_repeat, "Make the call N times", "N" },
  { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &opt_connect_timeout, "ms", "MS" },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout, "ms", "MS" },
  { "max-response-size", 0, 0, G_OPTION_ARG_INT, &opt_max_response_size, "bytes", "N" },
  { "max-attempts", 0, 0, G_OPTION_ARG_INT, &opt_max_attempts, "attempts", "N" },
  { "retry-delay", 0, 0, G_OPTION_ARG_INT, &opt_retry_delay, "ms", "MS" },
  { "cancel-after", 0, 0, G_OPTION_ARG_INT, &opt_cancel_after, "Cancel after MS", "MS" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "Ask for JSON answers", NULL },
  { NULL }
};

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_error (JsonBuilder  *builder,
           const GError *error)
{
  add_string (builder, "domain", g_quark_to_string (error->domain));
  add_string (builder, "code", error->domain == AMT_AWS_ERROR ? amt_aws_error_to_string (error->code)
                               : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled"
                               : "other");
  add_string (builder, "message", error->message);
}

static void
add_session (JsonBuilder                    *builder,
             const AmtCredentials           *session)
{
  g_autofree char *expiration = g_date_time_format_iso8601 (session->expiration);

  add_string (builder, "access_key_id", session->access_key_id);
  add_string (builder, "secret_access_key", session->secret_access_key);
  add_string (builder, "session_token", session->session_token);
  add_string (builder, "expiration", expiration);
  json_builder_set_member_name (builder, "expiration_unix");
  json_builder_add_int_value (builder, g_date_time_to_unix (session->expiration));
  add_string (builder, "assumed_role_arn", session->assumed_role_arn);
}

static int
run_call (const char *action)
{
  g_autoptr(AmtAwsClient) client = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *key_id = g_getenv ("AMT_TEST_ACCESS_KEY_ID");
  const char *secret = g_getenv ("AMT_TEST_SECRET_ACCESS_KEY");

  if (key_id == NULL || secret == NULL)
    {
      g_printerr ("AMT_TEST_ACCESS_KEY_ID and AMT_TEST_SECRET_ACCESS_KEY must be set\n");
      return 2;
    }
  credentials = amt_credentials_new (key_id, secret, g_getenv ("AMT_TEST_SESSION_TOKEN"), NULL);

  client = amt_aws_client_new (opt_region, opt_endpoint_url, opt_ca_bundle);
  g_object_set (client, "accept-json", opt_json, NULL);
  if (opt_connect_timeout > 0)
    g_object_set (client, "connect-timeout", (guint) opt_connect_timeout, NULL);
  if (opt_timeout > 0)
    g_object_set (client, "timeout", (guint) opt_timeout, NULL);
  if (opt_max_response_size > 0)
    g_object_set (client, "max-response-size", (guint64) opt_max_response_size, NULL);
  if (opt_max_attempts > 0)
    g_object_set (client, "max-attempts", (guint) opt_max_attempts, NULL);
  if (opt_retry_delay >= 0)
    g_object_set (client, "retry-delay", (guint) opt_retry_delay, NULL);

  for (int i = 0; i < opt_repeat; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      Wait wait = { loop, NULL };
      gint64 started = g_get_monotonic_time ();
      gboolean ok = FALSE;

      if (opt_cancel_after > 0)
        g_timeout_add (opt_cancel_after, cancel_cb, cancellable);

      json_builder_begin_object (builder);
      add_string (builder, "action", action);

      if (g_str_equal (action, "GetSessionToken"))
        {
          g_autoptr(AmtCredentials) session = NULL;

          amt_aws_client_get_session_token_async (client, credentials, opt_serial, opt_code,
                                                  (guint) opt_duration, cancellable,
                                                  store_result_cb, &wait);
          g_main_loop_run (loop);
          session = amt_aws_client_get_session_token_finish (client, wait.result, &error);
          if (session != NULL)
            add_session (builder, session);
          ok = session != NULL;
        }
      else if (g_str_equal (action, "AssumeRole"))
        {
          g_autoptr(AmtCredentials) session = NULL;

          amt_aws_client_assume_role_async (client, credentials, opt_role_arn, opt_session_name,
                                            opt_external_id, (guint) opt_duration, opt_serial,
                                            opt_code, cancellable, store_result_cb, &wait);
          g_main_loop_run (loop);
          session = amt_aws_client_assume_role_finish (client, wait.result, &error);
          if (session != NULL)
            add_session (builder, session);
          ok = session != NULL;
        }
      else if (g_str_equal (action, "GetCallerIdentity"))
        {
          g_autoptr(AmtAwsCallerIdentity) identity = NULL;

          amt_aws_client_get_caller_identity_async (client, credentials, cancellable,
                                                    store_result_cb, &wait);
          g_main_loop_run (loop);
          identity = amt_aws_client_get_caller_identity_finish (client, wait.result, &error);
          if (identity != NULL)
            {
              add_string (builder, "account", identity->account);
              add_string (builder, "arn", identity->arn);
              add_string (builder, "user_id", identity->user_id);
            }
          ok = identity != NULL;
        }
      else if (g_str_equal (action, "ListMFADevices"))
        {
          g_auto(GStrv) serials = NULL;

          amt_aws_client_list_mfa_devices_async (client, credentials, opt_user_name,
                                                 (guint) opt_page_size, cancellable,
                                                 store_result_cb, &wait);
          g_main_loop_run (loop);
          serials = amt_aws_client_list_mfa_devices_finish (client, wait.result, &error);
          if (serials != NULL)
            {
              json_builder_set_member_name (builder, "serials");
              json_builder_begin_array (builder);
              for (guint j = 0; serials[j] != NULL; j++)
                json_builder_add_string_value (builder, serials[j]);
              json_builder_end_array (builder);
            }
          ok = serials != NULL;
        }
      else
        {
          g_printerr ("unknown action %s\n", action);
          return 2;
        }

      g_clear_object (&wait.result);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, ok);
      if (error != NULL)
        add_error (builder, error);
      json_builder_set_member_name (builder, "clock_skew");
      json_builder_add_int_value (builder, amt_aws_client_get_clock_skew (client));
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, (g_get_monotonic_time () - started) / 1e6);
      json_builder_end_object (builder);
      print_json (builder);
    }

  return 0;
}

/* {"method", "path", "query": [[n, v]…], "headers": [[n, v]…], "body", "access_key_id",
 *  "secret_access_key", "session_token", "region", "service", "time": epoch} */
static int
run_sign (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(AmtSigV4Request) request = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *canonical = NULL;
  g_autofree char *path_and_query = NULL;
  JsonObject *spec;
  JsonArray *array;
  const char *body;
  char buffer[4096];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (input, buffer, (gssize) n);

  if (!json_parser_load_from_data (parser, input->str, (gssize) input->len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  spec = json_node_get_object (json_parser_get_root (parser));

  request = amt_sigv4_request_new (json_object_get_string_member (spec, "method"),
                                   json_object_get_string_member (spec, "path"));
  array = json_object_get_array_member (spec, "query");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *pair = json_array_get_array_element (array, i);

      amt_sigv4_request_add_query (request, json_array_get_string_element (pair, 0),
                                   json_array_get_string_element (pair, 1));
    }
  array = json_object_get_array_member (spec, "headers");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *pair = json_array_get_array_element (array, i);

      amt_sigv4_request_add_header (request, json_array_get_string_element (pair, 0),
                                    json_array_get_string_element (pair, 1));
    }
  body = json_object_get_string_member (spec, "body");
  amt_sigv4_request_set_body (request, body, strlen (body));

  credentials = amt_credentials_new (json_object_get_string_member (spec, "access_key_id"),
                                     json_object_get_string_member (spec, "secret_access_key"),
                                     json_object_get_string_member_with_default (spec, "session_token", NULL), NULL);
  when = g_date_time_new_from_unix_utc (json_object_get_int_member (spec, "time"));
  amt_sigv4_sign (request, credentials, json_object_get_string_member (spec, "region"),
                  json_object_get_string_member (spec, "service"), when);

  canonical = amt_sigv4_canonical_request (request, NULL);
  path_and_query = amt_sigv4_request_dup_path_and_query (request);

  json_builder_begin_object (builder);
  add_string (builder, "authorization", amt_sigv4_request_get_header (request, "Authorization"));
  add_string (builder, "canonical_request", canonical);
  add_string (builder, "path_and_query", path_and_query);
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < amt_sigv4_request_get_n_headers (request); i++)
    {
      const char *name;
      const char *value;

      amt_sigv4_request_get_header_at (request, i, &name, &value);
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, name);
      json_builder_add_string_value (builder, value);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_json (builder);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("sign | call ACTION");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, call_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (argc == 2 && g_str_equal (argv[1], "sign"))
    return run_sign ();
  if (argc == 3 && g_str_equal (argv[1], "call"))
    return run_call (argv[2]);

  g_printerr ("usage: amt-sts-tool sign < request.json | call ACTION [OPTIONS]\n");
  return 2;
}
