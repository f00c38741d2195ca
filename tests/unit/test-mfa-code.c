/* test-mfa-code.c: the one rule for an MFA code (amt-mfa-code.c), which the dialog, the login
 * and the command line share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "amt-login.h"
#include "amt-mfa-code.h"

static void
test_separators_left_out (void)
{
  /* As authenticator apps copy a code, and as people type it. */
  const char *codes[] = {
    "123456", " 123 456 ", "123-456\n", "123\u00a0456", "123\u2009456", "123\u2013456",
    "123\u2212456", "\t123456\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      char digits[AMT_MFA_CODE_LENGTH + 1];

      g_assert_cmpint (amt_mfa_code_normalize (codes[i], -1, digits), ==, 6);
      g_assert_cmpstr (digits, ==, "123456");
    }
}

static void
test_partial_code (void)
{
  char digits[AMT_MFA_CODE_LENGTH + 1];

  g_assert_cmpint (amt_mfa_code_normalize ("", -1, digits), ==, 0);
  g_assert_cmpstr (digits, ==, "");
  g_assert_cmpint (amt_mfa_code_normalize ("12 3", -1, digits), ==, 3);
  g_assert_cmpstr (digits, ==, "123");
  /* Only the bytes given. */
  g_assert_cmpint (amt_mfa_code_normalize ("123456", 2, digits), ==, 2);
  g_assert_cmpstr (digits, ==, "12");
}

static void
test_anything_else_refused (void)
{
  /* Letters, a seventh digit, digits of other scripts (AWS takes ASCII only), a dot, bad UTF-8. */
  const char *texts[] = {
    "12345a", "1234567", "\u0661\u0662\u0663\u0664\u0665\u0666", "\uff11\uff12\uff13\uff14\uff15\uff16",
    "123.456", "123\xff" "456", "123_456",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      char digits[AMT_MFA_CODE_LENGTH + 1];

      g_assert_cmpint (amt_mfa_code_normalize (texts[i], -1, digits), ==, -1);
      g_assert_cmpstr (digits, ==, "");
    }
}

/* The login's check is that rule, six digits exactly, and says so. */
static void
test_login_check (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digits = NULL;

  g_assert_true (amt_login_check_code ("123\u00a0456", &digits, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (digits, ==, "123456");
  g_assert_false (amt_login_check_code ("12 34", NULL, &error));
  g_assert_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_MALFORMED_CODE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mfa-code/separators-left-out", test_separators_left_out);
  g_test_add_func ("/mfa-code/partial-code", test_partial_code);
  g_test_add_func ("/mfa-code/anything-else-refused", test_anything_else_refused);
  g_test_add_func ("/mfa-code/login-check", test_login_check);

  return g_test_run ();
}
