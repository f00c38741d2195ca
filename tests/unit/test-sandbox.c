/* test-sandbox.c: the sentences for what the Flatpak sandbox hides (amt-sandbox.c)
 *
 * Both answers to "inside Flatpak?" are asked here; the real detection (/.flatpak-info) and
 * the sentences where users meet them are checked inside a real sandbox by
 * tests/flatpak/test_bundle.py (check "sandbox-limits").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "amt-sandbox.h"

static void
test_missing_command (void)
{
  g_autofree char *in_flatpak = amt_sandbox_explain_missing_command ("amt-no-such-program", TRUE);
  g_autofree char *on_host = amt_sandbox_explain_missing_command ("amt-no-such-program", FALSE);
  g_autofree char *by_path = amt_sandbox_explain_missing_command ("/nonexistent/ykman", FALSE);

  g_assert_cmpstr (in_flatpak, ==,
                   "The mfa_process command “amt-no-such-program” cannot be run: the Flatpak "
                   "sandbox cannot run programs installed on your computer, so remove mfa_process "
                   "and type the code in the dialog, or use MFA Tray for AWS installed without "
                   "Flatpak.");
  g_assert_cmpstr (on_host, ==,
                   "The mfa_process command “amt-no-such-program” was not found: install it, give "
                   "its full path in mfa_process, or remove mfa_process and type the code in the "
                   "dialog.");
  g_assert_nonnull (by_path);
  g_assert_nonnull (strstr (by_path, "“/nonexistent/ykman”"));
}

/* A program that is there is run, in or out of the sandbox: no sentence. */
static void
test_present_command (void)
{
  g_autofree char *sh = g_find_program_in_path ("sh");
  g_autofree char *directory = amt_sandbox_explain_missing_command ("/", FALSE);

  g_assert_nonnull (sh);
  g_assert_null (amt_sandbox_explain_missing_command ("sh", TRUE));
  g_assert_null (amt_sandbox_explain_missing_command ("sh", FALSE));
  g_assert_null (amt_sandbox_explain_missing_command (sh, TRUE));
  /* A directory is not a program. */
  g_assert_nonnull (directory);
}

static void
test_hidden_file (void)
{
  g_autofree char *outside = g_build_filename (g_get_home_dir (), "work", "aws-config", NULL);
  g_autofree char *inside = g_build_filename (g_get_home_dir (), ".aws", "other-config", NULL);
  g_autoptr(GError) error = NULL;

  /* Outside ~/.aws and not there: hidden by the sandbox, named with the reason. */
  g_assert_false (amt_sandbox_check_aws_file (outside, "AWS_CONFIG_FILE", TRUE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_cmpstr (error->message, ==,
                   "~/work/aws-config (set by AWS_CONFIG_FILE) cannot be read: the Flatpak sandbox "
                   "shows the app only ~/.aws of your files, so move the file into ~/.aws and point "
                   "AWS_CONFIG_FILE there, or use MFA Tray for AWS installed without Flatpak.");
  g_clear_error (&error);

  /* Outside the sandbox a missing file is botocore's empty file; under ~/.aws it is simply
   * not made yet. */
  g_assert_true (amt_sandbox_check_aws_file (outside, "AWS_CONFIG_FILE", FALSE, &error));
  g_assert_true (amt_sandbox_check_aws_file (inside, "AWS_CONFIG_FILE", TRUE, &error));
  g_assert_no_error (error);
}

/* A file outside ~/.aws that the sandbox does show (a user's own --filesystem override) is
 * read as usual. */
static void
test_visible_file (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "shown", NULL);
  g_autofree char *path = g_build_filename (dir, "config", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[default]\n", -1, &error));
  g_assert_true (amt_sandbox_check_aws_file (path, "AWS_CONFIG_FILE", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* This test runs outside Flatpak (tests/isolate): nothing is hidden, whatever the variables. */
static void
test_files_of_this_process (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (amt_sandbox_is_flatpak ());
  g_setenv ("AWS_CONFIG_FILE", "/nonexistent/config", TRUE);
  g_assert_true (amt_sandbox_check_aws_files (&error));
  g_assert_no_error (error);
  g_unsetenv ("AWS_CONFIG_FILE");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox/missing-command", test_missing_command);
  g_test_add_func ("/sandbox/present-command", test_present_command);
  g_test_add_func ("/sandbox/hidden-file", test_hidden_file);
  g_test_add_func ("/sandbox/visible-file", test_visible_file);
  g_test_add_func ("/sandbox/files-of-this-process", test_files_of_this_process);

  return g_test_run ();
}
