/* test-aws-client.c: the AWS client over a fake transport: requests, parsing, retries,
 * never retrying an MFA code, the clock-skew re-sign, pagination, cancellation
 *
 * The transport is amt-fake-http.c: it answers from a script and records what it was sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-aws-client.h"
#include "amt-fake-http.h"

#define ALICE_KEY    "AKIAALICE0EXAMPLE001"
#define ALICE_SECRET "ocihcQIAk0Ud6KDXGz9WvuS1hRfF+0I0EXAMPLEK"
#define SERIAL       "arn:aws:iam::111111111111:mfa/alice"

/* ---------------------------------------------------------------------------------------- */

#define CREDENTIALS_XML(action) \
  "<" action "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" action "Result>" \
  "<Credentials><AccessKeyId>ASIASESSION</AccessKeyId><SecretAccessKey>sessionsecret</SecretAccessKey>" \
  "<SessionToken>tok+en/==</SessionToken><Expiration>2026-11-24T04:29:20Z</Expiration></Credentials>" \
  "<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/Admin/s</Arn></AssumedRoleUser>" \
  "</" action "Result></" action "Response>"

#define IDENTITY_XML \
  "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/alice</Arn>" \
  "<UserId>AIDAALICE</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"

#define ERROR_XML(code, message) \
  "<ErrorResponse><Error><Type>Sender</Type><Code>" code "</Code><Message>" message "</Message>" \
  "</Error><RequestId>rid</RequestId></ErrorResponse>"


typedef struct {
  FakeHttp          *http;
  AmtAwsClient      *client;
  AmtCredentials    *alice;
  GMainLoop         *loop;
  GAsyncResult      *result;
  guint              skew_notifications;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  const char * const env[] = { NULL };

  f->http = g_object_new (FAKE_TYPE_HTTP, NULL);
  f->client = amt_aws_client_new_full (AMT_HTTP_TRANSPORT (f->http), user_data, NULL, NULL, env);
  g_object_set (f->client, "retry-delay", 1, NULL);
  f->alice = amt_credentials_new (ALICE_KEY, ALICE_SECRET, NULL, NULL);
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  user_data)
{
  g_clear_object (&f->result);
  g_main_loop_unref (f->loop);
  amt_credentials_free (f->alice);
  g_object_unref (f->client);
  g_object_unref (f->http);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  g_set_object (&f->result, result);
  g_main_loop_quit (f->loop);
}

static AmtCredentials *
get_session_token (Fixture     *f,
                   const char  *code,
                   GError     **error)
{
  g_clear_object (&f->result);
  amt_aws_client_get_session_token_async (f->client, f->alice, code ? SERIAL : NULL, code, 3600,
                                          NULL, store_result_cb, f);
  g_main_loop_run (f->loop);
  return amt_aws_client_get_session_token_finish (f->client, f->result, error);
}

static AmtAwsCallerIdentity *
get_caller_identity (Fixture  *f,
                     GError  **error)
{
  g_clear_object (&f->result);
  amt_aws_client_get_caller_identity_async (f->client, f->alice, NULL, store_result_cb, f);
  g_main_loop_run (f->loop);
  return amt_aws_client_get_caller_identity_finish (f->client, f->result, error);
}

static void
test_get_session_token (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtCredentials) session = NULL;
  Sent *sent;

  fake_http_add (f->http, 200, CREDENTIALS_XML ("GetSessionToken"), 0);
  session = get_session_token (f, "123456", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (session->access_key_id, ==, "ASIASESSION");
  g_assert_cmpstr (session->secret_access_key, ==, "sessionsecret");
  g_assert_cmpstr (session->session_token, ==, "tok+en/==");
  g_assert_cmpint (g_date_time_to_unix (session->expiration), ==, 1795494560);

  g_assert_cmpuint (f->http->sent->len, ==, 1);
  sent = fake_http_sent (f->http, 0);
  g_assert_cmpstr (sent->url, ==, "https://sts.amazonaws.com/");
  g_assert_cmpstr (sent->host, ==, "sts.amazonaws.com");
  g_assert_null (sent->token);
  g_assert_cmpstr (sent->body, ==,
                   "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600&"
                   "SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Falice&TokenCode=123456");
  g_assert_true (g_str_has_prefix (sent->authorization, "AWS4-HMAC-SHA256 Credential=" ALICE_KEY "/"));
  g_assert_nonnull (strstr (sent->authorization, "/us-east-1/sts/aws4_request, SignedHeaders="
                                                 "content-type;host;x-amz-date, Signature="));
  g_assert_cmpint (amt_aws_client_get_clock_skew (f->client), ==, 0);
}

static void
test_regional_assume_role (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtCredentials) session = NULL;
  g_autoptr(AmtCredentials) temporary = amt_credentials_new ("ASIATEMP", "s", "the-token", NULL);
  g_autofree char *expected_name = amt_aws_default_role_session_name (NULL);
  g_autofree char *expected_param = g_strdup_printf ("RoleSessionName=%s&", expected_name);
  Sent *sent;

  fake_http_add (f->http, 200, CREDENTIALS_XML ("AssumeRole"), 0);
  amt_aws_client_assume_role_async (f->client, temporary, "arn:aws:iam::222222222222:role/Admin",
                                    NULL, "ext id", 900, NULL, NULL, NULL, store_result_cb, f);
  g_main_loop_run (f->loop);
  session = amt_aws_client_assume_role_finish (f->client, f->result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (session->assumed_role_arn, ==, "arn:aws:sts::222222222222:assumed-role/Admin/s");
  sent = fake_http_sent (f->http, 0);
  g_assert_cmpstr (sent->url, ==, "https://sts.eu-west-1.amazonaws.com/");
  g_assert_cmpstr (sent->token, ==, "the-token");
  g_assert_nonnull (strstr (sent->authorization, "/eu-west-1/sts/aws4_request, SignedHeaders="
                                                 "content-type;host;x-amz-date;x-amz-security-token,"));
  g_assert_nonnull (strstr (sent->body, expected_param));
  g_assert_nonnull (strstr (sent->body, "&ExternalId=ext%20id&DurationSeconds=900"));
  g_assert_null (strstr (sent->body, "TokenCode"));
}

static void
test_retries (Fixture       *f,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtAwsCallerIdentity) identity = NULL;

  fake_http_add (f->http, 400, ERROR_XML ("Throttling", "Rate exceeded"), 0);
  fake_http_add (f->http, 503, ERROR_XML ("ServiceUnavailable", "Try later"), 0);
  fake_http_add (f->http, 200, IDENTITY_XML, 0);
  identity = get_caller_identity (f, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (f->http->sent->len, ==, 3);
  g_assert_cmpstr (identity->account, ==, "111111111111");
  g_assert_cmpstr (identity->arn, ==, "arn:aws:iam::111111111111:user/alice");
  g_assert_cmpstr (identity->user_id, ==, "AIDAALICE");
}

static void
test_retries_bounded (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtAwsCallerIdentity) identity = NULL;

  fake_http_add_error (f->http, AMT_AWS_ERROR_NETWORK);
  fake_http_add_error (f->http, AMT_AWS_ERROR_TIMEOUT);
  fake_http_add (f->http, 400, ERROR_XML ("Throttling", "Rate exceeded"), 0);
  identity = get_caller_identity (f, &error);

  g_assert_null (identity);
  g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_THROTTLED);
  g_assert_cmpuint (f->http->sent->len, ==, 3);
}

static void
test_no_retry_with_code (Fixture       *f,
                         gconstpointer  user_data)
{
  AmtAwsError failures[] = { AMT_AWS_ERROR_TIMEOUT, AMT_AWS_ERROR_NETWORK };
  const char *codes[] = { "111111", "222222" };

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtCredentials) session = NULL;

      fake_http_add_error (f->http, failures[i]);
      session = get_session_token (f, codes[i], &error);
      g_assert_null (session);
      g_assert_error (error, AMT_AWS_ERROR, (gint) failures[i]);
      g_assert_cmpuint (f->http->sent->len, ==, i + 1);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AmtCredentials) session = NULL;

    fake_http_add (f->http, 400, ERROR_XML ("Throttling", "Rate exceeded"), 0);
    session = get_session_token (f, "333333", &error);
    g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_THROTTLED);
    g_assert_cmpuint (f->http->sent->len, ==, 3);
  }
}

static void
test_code_never_sent_twice (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  g_autoptr(AmtCredentials) first = NULL;
  g_autoptr(AmtCredentials) second = NULL;
  g_autoptr(AmtCredentials) third = NULL;

  fake_http_add (f->http, 200, CREDENTIALS_XML ("GetSessionToken"), 0);
  first = get_session_token (f, "123456", &error);
  g_assert_no_error (error);

  second = get_session_token (f, "123456", &error2);
  g_assert_null (second);
  g_assert_error (error2, AMT_AWS_ERROR, AMT_AWS_ERROR_MFA_CODE_REUSED);
  g_assert_cmpuint (f->http->sent->len, ==, 1);

  /* A refusal before the code was looked at leaves it usable. */
  fake_http_add (f->http, 403, ERROR_XML ("InvalidClientTokenId", "The security token included in the request is invalid."), 0);
  third = get_session_token (f, "654321", &error3);
  g_assert_error (error3, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_CLIENT_TOKEN);
  g_clear_error (&error3);
  fake_http_add (f->http, 200, CREDENTIALS_XML ("GetSessionToken"), 0);
  third = get_session_token (f, "654321", &error3);
  g_assert_no_error (error3);
  g_assert_cmpuint (f->http->sent->len, ==, 3);
}

static void
skew_notify_cb (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  Fixture *f = user_data;

  f->skew_notifications++;
}

static void
test_clock_skew_resign (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtCredentials) session = NULL;
  g_autoptr(GDateTime) first_date = NULL;
  g_autoptr(GDateTime) second_date = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 difference;

  g_signal_connect (f->client, "notify::clock-skew", G_CALLBACK (skew_notify_cb), f);

  fake_http_add (f->http, 403, ERROR_XML ("SignatureDoesNotMatch",
                                          "Signature expired: 20261123T160405Z is now earlier than "
                                          "20261123T161410Z (20261123T162910Z - 15 min.)"), 3600);
  fake_http_add (f->http, 200, CREDENTIALS_XML ("GetSessionToken"), 3600);
  /* Even with a code: a skew refusal comes before the code is checked. */
  session = get_session_token (f, "123456", &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpuint (f->http->sent->len, ==, 2);
  g_assert_cmpint (ABS (amt_aws_client_get_clock_skew (f->client) - 3600), <=, 2);
  g_assert_cmpuint (f->skew_notifications, ==, 1);

  first_date = g_date_time_new_from_iso8601 (fake_http_sent (f->http, 0)->amz_date, utc);
  second_date = g_date_time_new_from_iso8601 (fake_http_sent (f->http, 1)->amz_date, utc);
  g_assert_nonnull (first_date);
  g_assert_nonnull (second_date);
  difference = g_date_time_difference (second_date, first_date) / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (difference - 3600), <=, 2);

  /* The next call is signed with the offset straight away. */
  {
    g_autoptr(AmtAwsCallerIdentity) identity = NULL;
    g_autoptr(GDateTime) third_date = NULL;

    fake_http_add (f->http, 200, IDENTITY_XML, 3600);
    identity = get_caller_identity (f, &error);
    g_assert_no_error (error);
    third_date = g_date_time_new_from_iso8601 (fake_http_sent (f->http, 2)->amz_date, utc);
    difference = g_date_time_difference (third_date, first_date) / G_USEC_PER_SEC;
    g_assert_cmpint (ABS (difference - 3600), <=, 2);
  }
}

static void
test_clock_skew_error (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtAwsCallerIdentity) identity = NULL;

  /* The server keeps refusing: one re-sign, then the error, with the offset in minutes. */
  fake_http_add (f->http, 400, ERROR_XML ("RequestExpired", "Request has expired."), -7200);
  fake_http_add (f->http, 400, ERROR_XML ("RequestExpired", "Request has expired."), -7200);
  identity = get_caller_identity (f, &error);

  g_assert_null (identity);
  g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_CLOCK_SKEW);
  g_assert_cmpstr (error->message, ==,
                   "Your computer's clock is off by 120 minutes. Set it right (enable automatic "
                   "time) and try again.");
  g_assert_cmpuint (f->http->sent->len, ==, 2);
  g_clear_error (&error);

  /* A skew refusal without a usable Date header is not re-signed. */
  fake_http_add (f->http, 400, ERROR_XML ("RequestExpired", "Request has expired."), NO_DATE);
  identity = get_caller_identity (f, &error);
  g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_CLOCK_SKEW);
  g_assert_cmpuint (f->http->sent->len, ==, 3);
}

static void
test_list_mfa_devices (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) serials = NULL;
  Sent *sent;

  fake_http_add (f->http, 200,
                 "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices>"
                 "<member><SerialNumber>a</SerialNumber></member></MFADevices>"
                 "<IsTruncated>true</IsTruncated><Marker>next/page=</Marker>"
                 "</ListMFADevicesResult></ListMFADevicesResponse>", 0);
  fake_http_add (f->http, 200,
                 "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices>"
                 "<member><SerialNumber>b</SerialNumber></member></MFADevices>"
                 "<IsTruncated>false</IsTruncated></ListMFADevicesResult></ListMFADevicesResponse>", 0);

  amt_aws_client_list_mfa_devices_async (f->client, f->alice, "alice", 1, NULL, store_result_cb, f);
  g_main_loop_run (f->loop);
  serials = amt_aws_client_list_mfa_devices_finish (f->client, f->result, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (serials), ==, 2);
  g_assert_cmpstr (serials[0], ==, "a");
  g_assert_cmpstr (serials[1], ==, "b");
  sent = fake_http_sent (f->http, 1);
  g_assert_cmpstr (sent->url, ==, "https://iam.amazonaws.com/");
  g_assert_cmpstr (sent->body, ==,
                   "Action=ListMFADevices&Version=2010-05-08&UserName=alice&MaxItems=1&"
                   "Marker=next%2Fpage%3D");
  g_assert_nonnull (strstr (sent->authorization, "/us-east-1/iam/aws4_request"));
}

static void
test_bad_answers (Fixture       *f,
                  gconstpointer  user_data)
{
  struct {
    guint        status;
    const char  *body;
    AmtAwsError  expected;
  } cases[] = {
    { 200, "<html>login page</html>", AMT_AWS_ERROR_INVALID_RESPONSE },
    { 200, "<GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>A</AccessKeyId>"
           "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>", AMT_AWS_ERROR_INVALID_RESPONSE },
    { 200, "<GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>A</AccessKeyId>"
           "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>soon</Expiration>"
           "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>", AMT_AWS_ERROR_INVALID_RESPONSE },
    { 403, "<html>Forbidden by proxy</html>", AMT_AWS_ERROR_INVALID_RESPONSE },
    { 403, ERROR_XML ("AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code"),
      AMT_AWS_ERROR_MFA_CODE_REUSED },
  };

  g_object_set (f->client, "max-attempts", 1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtCredentials) session = NULL;
      g_autofree char *code = g_strdup_printf ("%06u", i);

      fake_http_add (f->http, cases[i].status, cases[i].body, 0);
      session = get_session_token (f, code, &error);
      g_assert_null (session);
      g_assert_error (error, AMT_AWS_ERROR, (gint) cases[i].expected);
    }
}

/* An Expiration beyond the longest session AWS issues (36 h) is no answer of AWS's: nothing of
 * it is taken, or it would be written and never reminded of. */
static void
test_expiration_too_late (Fixture       *f,
                          gconstpointer  user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  struct {
    GTimeSpan   from_now;
    gboolean    accepted;
  } cases[] = {
    { 35 * G_TIME_SPAN_HOUR, TRUE },
    { 38 * G_TIME_SPAN_HOUR, FALSE },
    { 0, FALSE },   /* 9999-12-31 */
  };

  g_object_set (f->client, "max-attempts", 1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtCredentials) session = NULL;
      g_autoptr(GDateTime) when = g_date_time_add (now, cases[i].from_now);
      g_autofree char *stamp = cases[i].from_now != 0 ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ")
                                                       : g_strdup ("9999-12-31T23:59:59Z");
      g_autofree char *code = g_strdup_printf ("%06u", 100 + i);
      g_autofree char *body = g_strdup_printf (
        "<GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>ASIAX</AccessKeyId>"
        "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration>"
        "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>", stamp);

      fake_http_add (f->http, 200, body, 0);
      session = get_session_token (f, code, &error);
      if (cases[i].accepted)
        {
          g_assert_no_error (error);
          g_assert_nonnull (session);
        }
      else
        {
          g_assert_null (session);
          g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_RESPONSE);
        }
    }
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AmtAwsCallerIdentity) identity = NULL;

  g_cancellable_cancel (cancellable);
  amt_aws_client_get_caller_identity_async (f->client, f->alice, cancellable, store_result_cb, f);
  g_main_loop_run (f->loop);
  identity = amt_aws_client_get_caller_identity_finish (f->client, f->result, &error);

  g_assert_null (identity);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->http->sent->len, ==, 0);
}

static void
test_invalid_endpoint (void)
{
  const char * const env[] = { "AWS_ENDPOINT_URL=ftp://nope", NULL };
  g_autoptr(AmtAwsClient) client = amt_aws_client_new_full (NULL, NULL, NULL, NULL, env);
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtAwsEndpoint) endpoint = amt_aws_client_dup_endpoint (client, AMT_AWS_SERVICE_STS, &error);

  g_assert_null (endpoint);
  g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_ENDPOINT);
}

static void
test_role_session_name (void)
{
  struct {
    const char *user;
    const char *expected;
  } cases[] = {
    { "alice", "aws-mfa-tray-alice" },
    { "j.doe@corp", "aws-mfa-tray-j.doe@corp" },
    { "a b/c", "aws-mfa-tray-a-b-c" },
    { "jürgen", "aws-mfa-tray-j-rgen" },
    { "0123456789012345678901234567890123456789012345678901234567890123456789",
      "aws-mfa-tray-012345678901234567890123456789012345678901234567890" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = amt_aws_default_role_session_name (cases[i].user);

      g_assert_cmpstr (name, ==, cases[i].expected);
      g_assert_cmpuint (strlen (name), <=, 64);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, region) \
  g_test_add (path, Fixture, region, fixture_set_up, func, fixture_tear_down)

  ADD ("/aws-client/get-session-token", test_get_session_token, NULL);
  ADD ("/aws-client/regional-assume-role", test_regional_assume_role, "eu-west-1");
  ADD ("/aws-client/retries", test_retries, NULL);
  ADD ("/aws-client/retries-bounded", test_retries_bounded, NULL);
  ADD ("/aws-client/no-retry-with-code", test_no_retry_with_code, NULL);
  ADD ("/aws-client/code-never-sent-twice", test_code_never_sent_twice, NULL);
  ADD ("/aws-client/clock-skew-resign", test_clock_skew_resign, NULL);
  ADD ("/aws-client/clock-skew-error", test_clock_skew_error, NULL);
  ADD ("/aws-client/list-mfa-devices", test_list_mfa_devices, NULL);
  ADD ("/aws-client/bad-answers", test_bad_answers, NULL);
  ADD ("/aws-client/expiration-too-late", test_expiration_too_late, NULL);
  ADD ("/aws-client/cancelled", test_cancelled, NULL);
  g_test_add_func ("/aws-client/invalid-endpoint", test_invalid_endpoint);
  g_test_add_func ("/aws-client/role-session-name", test_role_session_name);

  return g_test_run ();
}
