/* test-credentials.c: the one credentials type (src/base/amt-credentials.c)
 *
 * Long-term keys, STS sessions and the credentials file's sections are one boxed type: what
 * its constructor makes of a token and an expiration, what a copy keeps, and the expiration
 * as the credentials file writes it. Its wiping is test-wipe's part.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "amt-credentials.h"

static void
test_long_term_has_no_token (void)
{
  g_autoptr(AmtCredentials) none = amt_credentials_new ("AKIAEXAMPLE", "secret", NULL, NULL);
  g_autoptr(AmtCredentials) empty = amt_credentials_new ("AKIAEXAMPLE", "secret", "", NULL);

  g_assert_cmpstr (none->access_key_id, ==, "AKIAEXAMPLE");
  g_assert_cmpstr (none->secret_access_key, ==, "secret");
  g_assert_null (none->session_token);
  g_assert_null (none->expiration);
  g_assert_null (none->assumed_role_arn);
  /* "aws_session_token =" in a file is no token (botocore signs without one). */
  g_assert_null (empty->session_token);
}

/* A time in another zone is kept as the same instant in UTC, the zone of the file. */
static void
test_expiration_in_utc (void)
{
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("+02:00");
  g_autoptr(GDateTime) local = g_date_time_new (berlin, 2026, 11, 23, 20, 4, 5);
  g_autoptr(AmtCredentials) session = amt_credentials_new ("ASIAEXAMPLE", "secret", "token", local);
  g_autofree char *text = NULL;

  g_assert_nonnull (session->expiration);
  g_assert_cmpint (g_date_time_get_utc_offset (session->expiration), ==, 0);
  g_assert_true (g_date_time_equal (session->expiration, local));
  text = amt_credentials_format_expiration (session->expiration);
  g_assert_cmpstr (text, ==, "2026-11-23T18:04:05Z");
}

static void
test_copy_keeps_everything (void)
{
  g_autoptr(GDateTime) expiration = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  g_autoptr(AmtCredentials) session = amt_credentials_new ("ASIAEXAMPLE", "secret", "token", expiration);
  g_autoptr(AmtCredentials) copy = NULL;
  AmtCredentials *boxed;

  session->assumed_role_arn = g_strdup ("arn:aws:sts::111111111111:assumed-role/admin/amt");
  copy = amt_credentials_copy (session);

  g_assert_true (copy != session);
  g_assert_true (copy->secret_access_key != session->secret_access_key);
  g_assert_cmpstr (copy->access_key_id, ==, "ASIAEXAMPLE");
  g_assert_cmpstr (copy->secret_access_key, ==, "secret");
  g_assert_cmpstr (copy->session_token, ==, "token");
  g_assert_true (g_date_time_equal (copy->expiration, expiration));
  g_assert_cmpstr (copy->assumed_role_arn, ==, "arn:aws:sts::111111111111:assumed-role/admin/amt");

  /* As a boxed type, for GTask results and GValues. */
  boxed = g_boxed_copy (AMT_TYPE_CREDENTIALS, session);
  g_assert_cmpstr (boxed->session_token, ==, "token");
  g_assert_cmpstr (boxed->assumed_role_arn, ==, session->assumed_role_arn);
  g_boxed_free (AMT_TYPE_CREDENTIALS, boxed);
}

static void
test_parse_expiration (void)
{
  /* The file's own form, aws-mfa's (a space, no zone: UTC), and one with an offset. */
  static const struct {
    const char *text;
    const char *utc;
  } cases[] = {
    { "2026-11-23T18:04:05Z", "2026-11-23T18:04:05Z" },
    { "2026-11-23 18:04:05", "2026-11-23T18:04:05Z" },
    { "2026-11-23T20:04:05+02:00", "2026-11-23T18:04:05Z" },
  };
  static const char * const invalid[] = { "", "tomorrow", "2026-13-01T00:00:00Z", "1795955360" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) parsed = amt_credentials_parse_expiration (cases[i].text);
      g_autofree char *text = NULL;

      g_assert_nonnull (parsed);
      g_assert_cmpint (g_date_time_get_utc_offset (parsed), ==, 0);
      text = amt_credentials_format_expiration (parsed);
      g_assert_cmpstr (text, ==, cases[i].utc);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GDateTime) parsed = amt_credentials_parse_expiration (invalid[i]);

      g_assert_null (parsed);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/credentials/long-term-has-no-token", test_long_term_has_no_token);
  g_test_add_func ("/credentials/expiration-in-utc", test_expiration_in_utc);
  g_test_add_func ("/credentials/copy-keeps-everything", test_copy_keeps_everything);
  g_test_add_func ("/credentials/parse-expiration", test_parse_expiration);
  return g_test_run ();
}
