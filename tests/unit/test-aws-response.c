/* test-aws-response.c: parsing AWS answers (XML and JSON) and mapping errors to
 * AMT_AWS_ERROR codes and sentences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-aws-response.h"

static AmtAwsNode *
parse (const char *body,
       const char *content_type)
{
  g_autoptr(GError) error = NULL;
  AmtAwsNode *root = amt_aws_response_parse (body, strlen (body), content_type, &error);

  g_assert_no_error (error);
  g_assert_nonnull (root);
  return root;
}

static void
test_xml_credentials (void)
{
  const char *body =
    "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <GetSessionTokenResult>\n"
    "    <Credentials>\n"
    "      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n"
    "      <SecretAccessKey>se/cr+et</SecretAccessKey>\n"
    "      <SessionToken>IQoJb3&amp;Jp</SessionToken>\n"
    "      <Expiration>2026-11-24T04:29:20Z</Expiration>\n"
    "    </Credentials>\n"
    "  </GetSessionTokenResult>\n"
    "  <ResponseMetadata><RequestId>abc</RequestId></ResponseMetadata>\n"
    "</GetSessionTokenResponse>\n";
  g_autoptr(AmtAwsNode) root = parse (body, "text/xml");
  AmtAwsNode *credentials = amt_aws_node_lookup (root, "GetSessionTokenResponse/GetSessionTokenResult/Credentials");
  AmtAwsErrorInfo info;

  g_assert_nonnull (credentials);
  g_assert_cmpstr (amt_aws_node_lookup_text (credentials, "AccessKeyId"), ==, "ASIAEXAMPLE");
  g_assert_cmpstr (amt_aws_node_lookup_text (credentials, "SecretAccessKey"), ==, "se/cr+et");
  g_assert_cmpstr (amt_aws_node_lookup_text (credentials, "SessionToken"), ==, "IQoJb3&Jp");
  g_assert_false (amt_aws_response_get_error (root, 200, &info));
}

static void
test_json_credentials (void)
{
  const char *body =
    "{\"GetSessionTokenResponse\":{\"GetSessionTokenResult\":{\"Credentials\":"
    "{\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\","
    "\"Expiration\":1.76400036E9}},\"ResponseMetadata\":{\"RequestId\":\"abc\"}}}";
  g_autoptr(AmtAwsNode) root = parse (body, "application/json");
  const char *expiration = amt_aws_node_lookup_text (root, "GetSessionTokenResponse/GetSessionTokenResult/Credentials/Expiration");
  g_autoptr(GDateTime) when = amt_aws_parse_timestamp (expiration);

  g_assert_cmpstr (expiration, ==, "1764000360");
  g_assert_cmpint (g_date_time_to_unix (when), ==, 1764000360);
}

/* String values are decoded by amt-json-wipe.c, not json-glib: every escape JSON has, names
 * with escapes and a ":" inside a value, arrays of strings; a broken escape is no answer. */
static void
test_json_strings (void)
{
  const char *body =
    "{\"Resp\\u006fnse\" : {\"Text\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00:{}\",\n"
    "  \"List\": [\"one\", \"two\"], \"Colon\" :\"x\" , \"Empty\":\"\"}}";
  const char *broken[] = {
    "{\"a\":\"\\x\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00x\"}", "{\"a\":\"\\u12\"}",
    "{\"a\":\"tab\there\"}", "{\"a\":\"unterminated}", "{\"a\":\"\\u0000\"}",
  };
  g_autoptr(AmtAwsNode) root = parse (body, "application/json");
  g_autoptr(GPtrArray) members = amt_aws_node_lookup_all (root, "Response/List/member");

  g_assert_cmpstr (amt_aws_node_lookup_text (root, "Response/Text"), ==,
                   "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80:{}");
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_cmpstr (amt_aws_node_get_text (g_ptr_array_index (members, 0)), ==, "one");
  g_assert_cmpstr (amt_aws_node_get_text (g_ptr_array_index (members, 1)), ==, "two");
  g_assert_cmpstr (amt_aws_node_lookup_text (root, "Response/Colon"), ==, "x");
  g_assert_cmpstr (amt_aws_node_lookup_text (root, "Response/Empty"), ==, "");

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtAwsNode) none = amt_aws_response_parse (broken[i], strlen (broken[i]), NULL, &error);

      g_test_message ("%s", broken[i]);
      g_assert_null (none);
      g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_RESPONSE);
    }
}

/* Numbers no integer holds (found by fuzz-response): written as they are, never converted, and
 * no timestamp. */
static void
test_json_huge_numbers (void)
{
  const char *body = "{\"R\":{\"Inf\":10e28500,\"Big\":1e300,\"Neg\":-9.3e18,\"Whole\":4.0}}";
  g_autoptr(AmtAwsNode) root = parse (body, "application/json");
  const char *inf = amt_aws_node_lookup_text (root, "R/Inf");
  g_autoptr(GDateTime) when = amt_aws_parse_timestamp (inf);

  g_assert_nonnull (inf);
  g_assert_null (when);
  g_assert_nonnull (strstr (amt_aws_node_lookup_text (root, "R/Big"), "e+300"));
  g_assert_nonnull (strstr (amt_aws_node_lookup_text (root, "R/Neg"), "e+18"));
  g_assert_cmpstr (amt_aws_node_lookup_text (root, "R/Whole"), ==, "4");
}

static void
test_lists (void)
{
  const char *xml =
    "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices>"
    "<member><SerialNumber>a</SerialNumber></member>"
    "<member><SerialNumber>b</SerialNumber></member>"
    "</MFADevices><IsTruncated>true</IsTruncated><Marker>m1</Marker></ListMFADevicesResult>"
    "</ListMFADevicesResponse>";
  const char *json =
    "{\"ListMFADevicesResponse\":{\"ListMFADevicesResult\":{\"MFADevices\":["
    "{\"SerialNumber\":\"a\",\"EnableDate\":1.7E9},{\"SerialNumber\":\"b\"}],"
    "\"IsTruncated\":true,\"Marker\":\"m1\",\"Absent\":null}}}";
  const char *bodies[] = { xml, json };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(AmtAwsNode) root = parse (bodies[i], NULL);
      AmtAwsNode *result = amt_aws_node_lookup (root, "ListMFADevicesResponse/ListMFADevicesResult");
      g_autoptr(GPtrArray) serials = amt_aws_node_lookup_all (result, "MFADevices/member/SerialNumber");

      g_assert_cmpuint (serials->len, ==, 2);
      g_assert_cmpstr (amt_aws_node_get_text (g_ptr_array_index (serials, 0)), ==, "a");
      g_assert_cmpstr (amt_aws_node_get_text (g_ptr_array_index (serials, 1)), ==, "b");
      g_assert_cmpstr (amt_aws_node_lookup_text (result, "IsTruncated"), ==, "true");
      g_assert_cmpstr (amt_aws_node_lookup_text (result, "Marker"), ==, "m1");
      g_assert_null (amt_aws_node_lookup (result, "Absent"));
    }
}

static void
test_error_bodies (void)
{
  const char *xml =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
    "    <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>\n"
    "  </Error>\n  <RequestId>rid-1</RequestId>\n</ErrorResponse>\n";
  const char *json =
    "{\"Error\":{\"Code\":\"AccessDenied\",\"Message\":\"MultiFactorAuthentication failed with "
    "invalid MFA one time pass code. \",\"Type\":\"Sender\"},\"RequestId\":\"rid-1\"}";
  const char *bodies[] = { xml, json };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(AmtAwsNode) root = parse (bodies[i], NULL);
      g_autoptr(GError) error = NULL;
      AmtAwsErrorInfo info;

      g_assert_true (amt_aws_response_get_error (root, 403, &info));
      g_assert_cmpuint (info.http_status, ==, 403);
      g_assert_cmpstr (info.type, ==, "Sender");
      g_assert_cmpstr (info.code, ==, "AccessDenied");
      g_assert_cmpstr (info.request_id, ==, "rid-1");

      error = amt_aws_error_new_from_info (&info);
      g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_MFA_CODE);
      g_assert_cmpstr (error->message, ==,
                       "The MFA code was not accepted. Check the device and type the current "
                       "code; if you just used this code, wait for the next one.");
    }
}

static void
test_unreadable (void)
{
  const char *bodies[] = {
    "", "   ", "<html><body>Proxy error", "{\"truncated\": ", "[1, 2]", "<a>\xff\xfe</a>",
    "<Response><Credentials><AccessKeyId>ASIA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtAwsNode) root = amt_aws_response_parse (bodies[i], strlen (bodies[i]), NULL, &error);

      g_assert_null (root);
      g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_RESPONSE);
    }
}

static void
test_timestamps (void)
{
  struct {
    const char *text;
    gint64      unix_time;
  } cases[] = {
    { "2026-11-24T04:29:20Z", 1795494560 },
    { "2026-11-24T04:29:20.123Z", 1795494560 },
    { "2026-11-24T05:29:20+01:00", 1795494560 },
    { "2026-11-24 04:29:20", 1795494560 },
    { "1795494560", 1795494560 },
    { "1.79549456E9", 1795494560 },
    { "1795494560.0", 1795494560 },
  };
  const char *bad[] = { "", "tomorrow", "2026-13-01T00:00:00Z", "1e300", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = amt_aws_parse_timestamp (cases[i].text);

      g_assert_nonnull (when);
      g_assert_cmpint (g_date_time_to_unix (when), ==, cases[i].unix_time);
      g_assert_cmpint (g_date_time_get_utc_offset (when), ==, 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (amt_aws_parse_timestamp (bad[i]));
}

typedef struct {
  guint        status;
  const char  *code;
  const char  *message;
  AmtAwsError  expected;
  gint64       max_duration;
} ClassifyCase;

/* The messages are AWS's (and the stand-in's; tests/aws-stand-in/README.md). */
static const ClassifyCase classify_cases[] = {
  { 403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    AMT_AWS_ERROR_INVALID_MFA_CODE, 0 },
  { 403, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code",
    AMT_AWS_ERROR_MFA_CODE_REUSED, 0 },
  { 403, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.  Please "
    "verify your MFA serial number is valid and associated with this user.",
    AMT_AWS_ERROR_WRONG_MFA_SERIAL, 0 },
  { 403, "AccessDenied", "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: "
    "sts:AssumeRole on resource: arn:aws:iam::222222222222:role/Admin",
    AMT_AWS_ERROR_ACCESS_DENIED, 0 },
  { 403, "AccessDenied", "Cannot call GetSessionToken with session credentials",
    AMT_AWS_ERROR_ACCESS_DENIED, 0 },
  { 400, "ExpiredToken", "The security token included in the request is expired",
    AMT_AWS_ERROR_EXPIRED_TOKEN, 0 },
  { 403, "InvalidClientTokenId", "The security token included in the request is invalid.",
    AMT_AWS_ERROR_INVALID_CLIENT_TOKEN, 0 },
  { 400, "Throttling", "Rate exceeded", AMT_AWS_ERROR_THROTTLED, 0 },
  { 400, "ValidationError", "1 validation error detected: Value '129601' at 'durationSeconds' "
    "failed to satisfy constraint: Member must have value less than or equal to 129600",
    AMT_AWS_ERROR_DURATION_TOO_LONG, 129600 },
  { 400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for "
    "roles assuming other roles.", AMT_AWS_ERROR_DURATION_TOO_LONG, 3600 },
  { 400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set "
    "for this role.", AMT_AWS_ERROR_DURATION_TOO_LONG, 0 },
  { 400, "ValidationError", "1 validation error detected: Value 'x' at 'roleArn' failed to "
    "satisfy constraint: Member must have length greater than or equal to 20",
    AMT_AWS_ERROR_INVALID_PARAMETER, 0 },
  { 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
    "signature you provided. Check your AWS Secret Access Key and signing method. Consult the "
    "service documentation for details.", AMT_AWS_ERROR_SIGNATURE, 0 },
  { 403, "SignatureDoesNotMatch", "Signature expired: 20261123T160405Z is now earlier than "
    "20261123T161410Z (20261123T162910Z - 15 min.)", AMT_AWS_ERROR_CLOCK_SKEW, 0 },
  { 403, "SignatureDoesNotMatch", "Signature not yet current: 20261123T170405Z is still later "
    "than 20261123T164410Z (20261123T162910Z + 15 min.)", AMT_AWS_ERROR_CLOCK_SKEW, 0 },
  { 400, "RequestExpired", "Request has expired.", AMT_AWS_ERROR_CLOCK_SKEW, 0 },
  { 403, "RequestTimeTooSkewed", NULL, AMT_AWS_ERROR_CLOCK_SKEW, 0 },
  { 500, "InternalFailure", "The request processing has failed because of an unknown error, "
    "exception or failure.", AMT_AWS_ERROR_SERVER, 0 },
  { 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.",
    AMT_AWS_ERROR_SERVER, 0 },
  { 502, NULL, NULL, AMT_AWS_ERROR_SERVER, 0 },
  { 404, "NoSuchEntity", "The user with name mallory cannot be found.", AMT_AWS_ERROR_FAILED, 0 },
  { 400, "IncompleteSignature", "Date must be in ISO-8601 'basic format'.",
    AMT_AWS_ERROR_SIGNATURE, 0 },
};

static void
test_classify (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (classify_cases); i++)
    {
      const ClassifyCase *c = &classify_cases[i];
      AmtAwsErrorInfo info = { c->status, NULL, c->code, c->message, NULL };
      g_autoptr(GError) error = amt_aws_error_new_from_info (&info);
      gint64 max_duration = -1;

      g_test_message ("%s: %s", c->code, c->message);
      g_assert_cmpint (amt_aws_error_classify (&info, &max_duration), ==, c->expected);
      g_assert_cmpint (max_duration, ==, c->max_duration);
      g_assert_error (error, AMT_AWS_ERROR, (gint) c->expected);
      g_assert_cmpstr (error->message, !=, "");
    }
}

static void
test_sentences (void)
{
  g_autoptr(GError) skew = amt_aws_error_new_clock_skew (-3600);
  g_autofree char *one_minute = amt_aws_error_describe (AMT_AWS_ERROR_CLOCK_SKEW, 70);
  g_autofree char *duration = amt_aws_error_describe (AMT_AWS_ERROR_DURATION_TOO_LONG, 129600);
  g_autofree char *reused = amt_aws_error_describe (AMT_AWS_ERROR_MFA_CODE_REUSED, 0);
  AmtAwsErrorInfo unknown = { 400, NULL, "Weird", "Something odd.", NULL };
  g_autoptr(GError) failed = amt_aws_error_new_from_info (&unknown);

  g_assert_cmpstr (skew->message, ==,
                   "Your computer's clock is off by 60 minutes. Set it right (enable automatic "
                   "time) and try again.");
  g_assert_cmpstr (one_minute, ==,
                   "Your computer's clock is off by 1 minute. Set it right (enable automatic "
                   "time) and try again.");
  g_assert_cmpstr (duration, ==,
                   "The requested session is longer than allowed (at most 36 hours). Choose a "
                   "shorter duration.");
  g_assert_cmpstr (reused, ==, "This code was already used. Wait for the next code and try again.");
  g_assert_true (g_str_has_suffix (failed->message, "(Weird: Something odd.)"));

  /* A server's text reaches a terminal as text: no escape sequence, no line break, no
   * direction override, and not without end. */
  {
    g_autofree char *long_message = g_strnfill (5000, 'x');
    AmtAwsErrorInfo hostile = { 400, NULL, "Odd\033]0;title\007", "Bad\033[2J\r\nnext\xe2\x80\xae\xff", NULL };
    AmtAwsErrorInfo endless = { 400, NULL, "Odd", long_message, NULL };
    g_autoptr(GError) shown = amt_aws_error_new_from_info (&hostile);
    g_autoptr(GError) cut = amt_aws_error_new_from_info (&endless);

    g_assert_true (g_utf8_validate (shown->message, -1, NULL));
    for (const char *p = shown->message; *p != '\0'; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        g_assert_false (g_unichar_iscntrl (c));
        g_assert_cmpuint (c, !=, 0x202E);
      }
    g_assert_true (g_str_has_suffix (shown->message, "(Odd ]0;title : Bad [2J  next \xef\xbf\xbd)"));
    g_assert_cmpuint (strlen (cut->message), <, 1000);
  }

  for (AmtAwsError code = AMT_AWS_ERROR_FAILED; code <= AMT_AWS_ERROR_INVALID_ENDPOINT; code++)
    {
      g_autofree char *sentence = amt_aws_error_describe (code, 0);

      g_assert_cmpstr (amt_aws_error_to_string (code), !=, "unknown");
      g_assert_true (g_str_has_suffix (sentence, "."));
      g_assert_cmpuint (strlen (sentence), >, 30);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aws-response/xml-credentials", test_xml_credentials);
  g_test_add_func ("/aws-response/json-credentials", test_json_credentials);
  g_test_add_func ("/aws-response/json-strings", test_json_strings);
  g_test_add_func ("/aws-response/json-huge-numbers", test_json_huge_numbers);
  g_test_add_func ("/aws-response/lists", test_lists);
  g_test_add_func ("/aws-response/error-bodies", test_error_bodies);
  g_test_add_func ("/aws-response/unreadable", test_unreadable);
  g_test_add_func ("/aws-response/timestamps", test_timestamps);
  g_test_add_func ("/aws-error/classify", test_classify);
  g_test_add_func ("/aws-error/sentences", test_sentences);

  return g_test_run ();
}
