/* test-sigv4.c: AWS Signature Version 4 against the AWS SigV4 test suite
 *
 * The vectors are the published ones of the AWS test suite
 * (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html, cases
 * get-vanilla, get-vanilla-query-order-key-case, post-vanilla, post-x-www-form-urlencoded,
 * post-sts-header-before, post-sts-header-after): credentials AKIDEXAMPLE /
 * wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service "service".
 * botocore's signer agrees with every one of them; tests/sts/test_sigv4_random.py checks
 * random requests against botocore.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-secret.h"
#include "amt-sigv4.h"

#define SUITE_KEY_ID  "AKIDEXAMPLE"
#define SUITE_SECRET  "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_SCOPE   "20150830/us-east-1/service/aws4_request"
#define SUITE_CREDENTIAL "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" SUITE_SCOPE ", "
#define EMPTY_SHA256  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SUITE_TOKEN \
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static GDateTime *
suite_time (void)
{
  return g_date_time_new_utc (2015, 8, 30, 12, 36, 0);
}

static AmtSigV4Request *
suite_request (const char *method)
{
  AmtSigV4Request *request = amt_sigv4_request_new (method, "/");

  amt_sigv4_request_add_header (request, "Host", "example.amazonaws.com");
  return request;
}

static void
sign_suite (AmtSigV4Request *request,
            const char      *token)
{
  g_autoptr(AmtCredentials) credentials = amt_credentials_new (SUITE_KEY_ID, SUITE_SECRET, token, NULL);
  g_autoptr(GDateTime) when = suite_time ();

  amt_sigv4_sign (request, credentials, "us-east-1", "service", when);
}

static void
check_string_to_sign (AmtSigV4Request *request,
                      const char      *expected_canonical,
                      const char      *expected_string_to_sign)
{
  g_autofree char *canonical = amt_sigv4_canonical_request (request, NULL);
  g_autofree char *string_to_sign = amt_sigv4_string_to_sign ("20150830T123600Z", SUITE_SCOPE,
                                                              canonical);

  if (expected_canonical != NULL)
    g_assert_cmpstr (canonical, ==, expected_canonical);
  g_assert_cmpstr (string_to_sign, ==, expected_string_to_sign);
}

static void
test_get_vanilla (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("GET");

  sign_suite (request, NULL);

  g_assert_cmpstr (amt_sigv4_request_get_header (request, "X-Amz-Date"), ==, "20150830T123600Z");
  g_assert_null (amt_sigv4_request_get_header (request, "X-Amz-Security-Token"));
  check_string_to_sign (request,
                        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                        "host;x-amz-date\n" EMPTY_SHA256,
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n" SUITE_SCOPE "\n"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=host;x-amz-date, "
                   "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void
test_get_vanilla_query_order_key_case (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("GET");
  g_autofree char *path = NULL;

  amt_sigv4_request_add_query (request, "Param2", "value2");
  amt_sigv4_request_add_query (request, "Param1", "value1");
  sign_suite (request, NULL);

  path = amt_sigv4_request_dup_path_and_query (request);
  g_assert_cmpstr (path, ==, "/?Param1=value1&Param2=value2");
  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=host;x-amz-date, "
                   "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

static void
test_post_vanilla (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("POST");

  sign_suite (request, NULL);

  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=host;x-amz-date, "
                   "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

static void
test_post_x_www_form_urlencoded (void)
{
  g_autoptr(AmtSigV4Request) request = amt_sigv4_request_new ("POST", "/");

  amt_sigv4_request_add_header (request, "Content-Type", "application/x-www-form-urlencoded");
  amt_sigv4_request_add_header (request, "Host", "example.amazonaws.com");
  amt_sigv4_request_set_body (request, "Param1=value1", strlen ("Param1=value1"));
  sign_suite (request, NULL);

  check_string_to_sign (request,
                        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
                        "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                        "content-type;host;x-amz-date\n"
                        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n" SUITE_SCOPE "\n"
                        "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=content-type;host;x-amz-date, "
                   "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

/* post-sts-token/post-sts-header-before: the token is a signed header. */
static void
test_post_sts_header_before (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("POST");

  sign_suite (request, SUITE_TOKEN);

  g_assert_cmpstr (amt_sigv4_request_get_header (request, "X-Amz-Security-Token"), ==, SUITE_TOKEN);
  check_string_to_sign (request,
                        "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
                        "x-amz-security-token:" SUITE_TOKEN "\n\n"
                        "host;x-amz-date;x-amz-security-token\n" EMPTY_SHA256,
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n" SUITE_SCOPE "\n"
                        "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6");
  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                   "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
}

/* post-sts-token/post-sts-header-after: the token added after signing leaves the signature
 * that of post-vanilla. We always sign it (as botocore does); this checks the canonical form
 * leaves out what is not there. */
static void
test_post_sts_header_after (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("POST");

  sign_suite (request, NULL);
  amt_sigv4_request_add_header (request, "X-Amz-Security-Token", SUITE_TOKEN);

  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=host;x-amz-date, "
                   "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

/* Signing twice (a re-sign after clock skew) replaces the date and Authorization headers. */
static void
test_resign (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("GET");
  g_autoptr(AmtCredentials) credentials = amt_credentials_new (SUITE_KEY_ID, SUITE_SECRET, NULL, NULL);
  g_autoptr(GDateTime) later = g_date_time_new_utc (2015, 8, 30, 13, 36, 0);
  guint authorizations = 0;

  amt_sigv4_sign (request, credentials, "us-east-1", "service", later);
  sign_suite (request, NULL);

  for (guint i = 0; i < amt_sigv4_request_get_n_headers (request); i++)
    {
      const char *name;

      amt_sigv4_request_get_header_at (request, i, &name, NULL);
      if (g_ascii_strcasecmp (name, "Authorization") == 0)
        authorizations++;
    }
  g_assert_cmpuint (authorizations, ==, 1);
  g_assert_cmpuint (amt_sigv4_request_get_n_headers (request), ==, 3);
  g_assert_cmpstr (amt_sigv4_request_get_header (request, "Authorization"), ==,
                   SUITE_CREDENTIAL "SignedHeaders=host;x-amz-date, "
                   "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

/* The derived key of AWS's documented IAM example. */
static void
test_signing_key (void)
{
  guint8 key[32];
  g_autoptr(GString) hex = g_string_new (NULL);

  amt_sigv4_signing_key (SUITE_SECRET, "20150830", "us-east-1", "iam", key);
  for (guint i = 0; i < sizeof key; i++)
    g_string_append_printf (hex, "%02x", key[i]);

  g_assert_cmpstr (hex->str, ==, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

static void
test_header_canonical_values (void)
{
  g_autoptr(AmtSigV4Request) request = suite_request ("GET");
  g_autofree char *canonical = NULL;
  g_autofree char *signed_headers = NULL;

  amt_sigv4_request_add_header (request, "My-Header1", "  one   two\t three  ");
  amt_sigv4_request_add_header (request, "my-header1", "b");
  amt_sigv4_request_add_header (request, "User-Agent", "not signed");
  amt_sigv4_request_add_header (request, "X-Amz-Date", "20150830T123600Z");

  canonical = amt_sigv4_canonical_request (request, &signed_headers);
  g_assert_cmpstr (signed_headers, ==, "host;my-header1;x-amz-date");
  g_assert_cmpstr (canonical, ==,
                   "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:one two three,b\n"
                   "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" EMPTY_SHA256);
}

static void
test_encoding (void)
{
  const char * const pairs[] = {
    "Action", "AssumeRole",
    "RoleSessionName", "a b+c/d=é~",
    "Empty", "",
    NULL,
  };
  g_autofree char *encoded = amt_sigv4_uri_encode ("a b/c~-_.%", FALSE);
  g_autofree char *path = amt_sigv4_uri_encode ("/a b/c", TRUE);
  g_autofree char *form = amt_sigv4_form_encode (pairs);
  g_autoptr(AmtSigV4Request) request = amt_sigv4_request_new ("GET", "/");
  g_autofree char *query = NULL;

  g_assert_cmpstr (encoded, ==, "a%20b%2Fc~-_.%25");
  g_assert_cmpstr (path, ==, "/a%20b/c");
  g_assert_cmpstr (form, ==, "Action=AssumeRole&RoleSessionName=a%20b%2Bc%2Fd%3D%C3%A9~&Empty=");

  amt_sigv4_request_add_query (request, "b", "2");
  amt_sigv4_request_add_query (request, "a", "z");
  amt_sigv4_request_add_query (request, "a", "y");
  amt_sigv4_request_add_query (request, "A", "x");
  query = amt_sigv4_canonical_query (request);
  g_assert_cmpstr (query, ==, "A=x&a=y&a=z&b=2");
}

static void
test_credentials (void)
{
  g_autoptr(AmtCredentials) long_term = amt_credentials_new ("AKIA", "secret", "", NULL);
  g_autoptr(AmtCredentials) session = amt_credentials_new ("ASIA", "secret", "token", NULL);
  g_autoptr(AmtCredentials) copy = amt_credentials_copy (session);
  char buffer[] = "secret";

  g_assert_null (long_term->session_token);
  g_assert_cmpstr (copy->session_token, ==, "token");
  g_assert_cmpstr (copy->secret_access_key, ==, "secret");

  amt_secret_wipe (buffer, strlen (buffer));
  for (guint i = 0; i < strlen ("secret"); i++)
    g_assert_cmpint (buffer[i], ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sigv4/suite/get-vanilla", test_get_vanilla);
  g_test_add_func ("/sigv4/suite/get-vanilla-query-order-key-case", test_get_vanilla_query_order_key_case);
  g_test_add_func ("/sigv4/suite/post-vanilla", test_post_vanilla);
  g_test_add_func ("/sigv4/suite/post-x-www-form-urlencoded", test_post_x_www_form_urlencoded);
  g_test_add_func ("/sigv4/suite/post-sts-header-before", test_post_sts_header_before);
  g_test_add_func ("/sigv4/suite/post-sts-header-after", test_post_sts_header_after);
  g_test_add_func ("/sigv4/resign", test_resign);
  g_test_add_func ("/sigv4/signing-key", test_signing_key);
  g_test_add_func ("/sigv4/header-values", test_header_canonical_values);
  g_test_add_func ("/sigv4/encoding", test_encoding);
  g_test_add_func ("/sigv4/credentials", test_credentials);

  return g_test_run ();
}
