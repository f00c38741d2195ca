/* test-aws-config.c: the profile view over ~/.aws/config and ~/.aws/credentials
 *
 * Runs with a throw-away HOME (tests/isolate).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "amt-aws-config.h"
#include "amt-ini.h"

static char *
write_home_file (const char *name,
                 const char *contents)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), ".aws", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
remove_home_files (void)
{
  g_autofree char *config = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  g_autofree char *credentials = g_build_filename (g_get_home_dir (), ".aws", "credentials", NULL);

  g_unlink (config);
  g_unlink (credentials);
  g_unsetenv ("AWS_CONFIG_FILE");
  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
}

static void
test_aws_config_paths (void)
{
  const char *home = g_get_home_dir ();
  g_autofree char *default_config = g_build_filename (home, ".aws", "config", NULL);
  g_autofree char *default_credentials = g_build_filename (home, ".aws", "credentials", NULL);
  g_autofree char *expected = NULL;
  char *path;

  remove_home_files ();
  path = amt_aws_config_dup_config_path ();
  g_assert_cmpstr (path, ==, default_config);
  g_free (path);
  path = amt_aws_config_dup_credentials_path ();
  g_assert_cmpstr (path, ==, default_credentials);
  g_free (path);

  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds", TRUE);
  g_setenv ("AWS_CONFIG_FILE", "${HOME}/cfg/$AMT_TEST_UNSET_VARIABLE", TRUE);
  g_unsetenv ("AMT_TEST_UNSET_VARIABLE");
  path = amt_aws_config_dup_credentials_path ();
  expected = g_build_filename (home, "elsewhere", "creds", NULL);
  g_assert_cmpstr (path, ==, expected);
  g_free (path);
  path = amt_aws_config_dup_config_path ();
  g_free (expected);
  expected = g_strconcat (home, "/cfg/$AMT_TEST_UNSET_VARIABLE", NULL);
  g_assert_cmpstr (path, ==, expected);
  g_free (path);

  /* An empty variable counts as unset. */
  g_setenv ("AWS_CONFIG_FILE", "", TRUE);
  path = amt_aws_config_dup_config_path ();
  g_assert_cmpstr (path, ==, default_config);
  g_free (path);

  path = amt_aws_config_expand_path ("~");
  g_assert_cmpstr (path, ==, home);
  g_free (path);
  path = amt_aws_config_expand_path ("~amt-no-such-user/x");
  g_assert_cmpstr (path, ==, "~amt-no-such-user/x");
  g_free (path);
  path = amt_aws_config_expand_path ("~root/x");
  g_assert_true (g_str_has_suffix (path, "/x") && path[0] == '/');
  g_free (path);
  path = amt_aws_config_expand_path ("/abs/${}/$/x");
  g_assert_cmpstr (path, ==, "/abs/${}/$/x");
  g_free (path);

  path = amt_aws_config_dup_display_path (default_credentials);
  g_assert_cmpstr (path, ==, "~/.aws/credentials");
  g_free (path);
  path = amt_aws_config_dup_display_path ("/etc/aws/credentials");
  g_assert_cmpstr (path, ==, "/etc/aws/credentials");
  g_free (path);

  remove_home_files ();
}

static void
test_aws_config_profiles (void)
{
  g_autofree char *config_path = NULL;
  g_autofree char *credentials_path = NULL;
  g_autoptr(AmtAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  remove_home_files ();
  config_path = write_home_file ("config",
    "[default]\n"
    "region = us-east-1\n"
    "[profile dev]\n"
    "region = eu-west-1\n"
    "output = json\n"
    "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
    "[profile \"with space\"]\n"
    "region = sa-east-1\n"
    "[profilex odd]\n"
    "region = quirk\n"
    "[profile a b]\n"
    "region = ignored\n"
    "[profile 'open]\n"
    "region = ignored\n"
    "[notaprofile]\n"
    "region = ignored\n"
    "[sso-session corp]\n"
    "sso_start_url = https://corp.example/start\n"
    "[services local]\n"
    "sts =\n"
    "  endpoint_url = http://localhost:4566\n"
    "[profile later]\n"
    "region = first\n"
    "[profile  later]\n"
    "region = second\n");
  credentials_path = write_home_file ("credentials",
    "[dev]\n"
    "REGION = ap-south-1\n"
    "aws_access_key_id = AKIADEV\n"
    "aws_secret_access_key = devsecret\n"
    "[profile dev]\n"
    "aws_access_key_id = AKIALITERAL\n"
    "[only-credentials]\n"
    "aws_access_key_id = AKIAONLY\n");

  config = amt_aws_config_load (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (amt_aws_config_get_config_path (config), ==, config_path);
  g_assert_cmpstr (amt_aws_config_get_credentials_path (config), ==, credentials_path);

  names = amt_aws_config_get_profile_names (config);
  g_assert_cmpstrv (names, ((const char * const[]) {
    "default", "dev", "with space", "odd", "later", "profile dev", "only-credentials", NULL }));

  /* The credentials file wins, key by key. */
  g_assert_cmpstr (amt_aws_config_get (config, "dev", "region"), ==, "ap-south-1");
  g_assert_cmpstr (amt_aws_config_get (config, "dev", "OUTPUT"), ==, "json");
  g_assert_true (amt_aws_config_is_in_credentials_file (config, "dev", "region"));
  g_assert_false (amt_aws_config_is_in_credentials_file (config, "dev", "output"));
  g_assert_cmpstr (amt_aws_config_get (config, "with space", "region"), ==, "sa-east-1");
  g_assert_cmpstr (amt_aws_config_get (config, "odd", "region"), ==, "quirk");
  g_assert_cmpstr (amt_aws_config_get (config, "later", "region"), ==, "second");
  g_assert_cmpstr (amt_aws_config_get (config, "profile dev", "aws_access_key_id"), ==, "AKIALITERAL");
  g_assert_false (amt_aws_config_has_profile (config, "notaprofile"));
  g_assert_false (amt_aws_config_has_profile (config, "local"));
  g_assert_null (amt_aws_config_get (config, "nobody", "region"));
  g_assert_cmpstr (amt_aws_config_get_sso_session (config, "corp", "sso_start_url"), ==,
                   "https://corp.example/start");
  g_assert_cmpstr (amt_aws_config_get_mfa_serial (config, "dev"), ==,
                   "arn:aws:iam::123456789012:mfa/alice");

  remove_home_files ();
}

static void
test_aws_config_sources (void)
{
  g_autoptr(AmtAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *key = NULL;

  remove_home_files ();
  g_free (write_home_file ("config",
    "[profile role]\n"
    "role_arn = arn:aws:iam::123456789012:role/Admin\n"
    "source_profile = keys\n"
    "[profile web]\n"
    "role_arn = arn:aws:iam::123456789012:role/Web\n"
    "web_identity_token_file = /tmp/token\n"
    "[profile sso]\n"
    "sso_session = corp\n"
    "[profile process]\n"
    "credential_process = /bin/true\n"
    "[profile config-keys]\n"
    "aws_access_key_id = AKIACONFIG\n"
    "aws_secret_access_key = x\n"
    "[profile empty]\n"
    "region = eu-west-1\n"));
  g_free (write_home_file ("credentials",
    "[keys]\n"
    "aws_access_key_id = AKIAKEYS\n"
    "aws_secret_access_key = x\n"
    "[process]\n"
    "aws_access_key_id = AKIASHADOWS\n"
    "aws_secret_access_key = x\n"));

  config = amt_aws_config_load (&error);
  g_assert_no_error (error);

  g_assert_cmpint (amt_aws_config_get_credential_source (config, "role"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_ASSUME_ROLE);
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "web"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_WEB_IDENTITY);
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "sso"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_SSO);
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "keys"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS);
  /* The shared credentials file comes before credential_process in botocore's chain. */
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "process"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS);
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "config-keys"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS);
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "empty"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_NONE);
  g_assert_cmpint (amt_aws_config_get_credential_source (config, "missing"), ==,
                   AMT_AWS_CREDENTIAL_SOURCE_NONE);

  g_assert_true (amt_aws_config_resolves_elsewhere (config, "role", &key));
  g_assert_cmpstr (key, ==, "role_arn");
  g_assert_true (amt_aws_config_resolves_elsewhere (config, "web", &key));
  g_assert_cmpstr (key, ==, "role_arn");
  g_assert_true (amt_aws_config_resolves_elsewhere (config, "sso", &key));
  g_assert_cmpstr (key, ==, "sso_session");
  g_assert_true (amt_aws_config_resolves_elsewhere (config, "process", &key));
  g_assert_cmpstr (key, ==, "credential_process");
  g_assert_false (amt_aws_config_resolves_elsewhere (config, "keys", &key));
  g_assert_null (key);
  g_assert_false (amt_aws_config_resolves_elsewhere (config, "empty", NULL));
  g_assert_false (amt_aws_config_resolves_elsewhere (config, "new-profile", NULL));

  remove_home_files ();
}

static void
test_aws_config_defaults_section (void)
{
  g_autoptr(AmtAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  remove_home_files ();
  /* configparser's [DEFAULT] is inherited by every section of its own file. */
  g_free (write_home_file ("credentials",
    "[DEFAULT]\n"
    "role_arn = arn:aws:iam::123456789012:role/Surprise\n"
    "[dev]\n"
    "aws_access_key_id = AKIA\n"));
  config = amt_aws_config_load (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (amt_aws_config_get (config, "dev", "role_arn"), ==,
                   "arn:aws:iam::123456789012:role/Surprise");
  g_assert_true (amt_aws_config_resolves_elsewhere (config, "dev", NULL));
  g_assert_false (amt_aws_config_has_profile (config, "DEFAULT"));

  remove_home_files ();
}

static void
test_aws_config_long_term (void)
{
  g_autoptr(AmtAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = amt_aws_config_dup_long_term_name ("dev");

  g_assert_cmpstr (name, ==, "dev-long-term");

  remove_home_files ();
  g_free (write_home_file ("credentials",
    "[dev-long-term]\n"
    "aws_access_key_id = AKIALONG\n"
    "aws_secret_access_key = long\n"
    "aws_mfa_device = arn:aws:iam::123456789012:mfa/bob\n"
    "[dev]\n"
    "aws_access_key_id = ASIASESSION\n"
    "expiration = 2026-11-23 18:04:05\n"
    "[other-long-term]\n"
    "aws_access_key_id = AKIAOTHER\n"
    "mfa_serial = arn:aws:iam::123456789012:mfa/carol\n"));
  config = amt_aws_config_load (&error);
  g_assert_no_error (error);

  g_assert_true (amt_aws_config_has_long_term (config, "dev"));
  g_assert_true (amt_aws_config_has_long_term (config, "other"));
  g_assert_false (amt_aws_config_has_long_term (config, "dev-long-term"));
  g_assert_cmpstr (amt_aws_config_get_mfa_serial (config, "dev"), ==,
                   "arn:aws:iam::123456789012:mfa/bob");
  g_assert_cmpstr (amt_aws_config_get_mfa_serial (config, "other"), ==,
                   "arn:aws:iam::123456789012:mfa/carol");
  g_assert_null (amt_aws_config_get_mfa_serial (config, "nobody"));

  remove_home_files ();
}

static void
test_aws_config_errors (void)
{
  g_autoptr(AmtAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  remove_home_files ();

  /* No files at all: no profiles, no error (as botocore). */
  config = amt_aws_config_load (&error);
  g_assert_no_error (error);
  g_clear_pointer (&config, amt_aws_config_unref);

  g_free (write_home_file ("credentials", "[dev]\nk = 1\n\n[dev]\nk = 2\n"));
  config = amt_aws_config_load (&error);
  g_assert_null (config);
  g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_DUPLICATE_SECTION);
  g_assert_cmpstr (error->message, ==,
                   "~/.aws/credentials, line 4: the section [dev] appears twice (first on line 1); "
                   "remove one of them.");
  g_clear_error (&error);
  remove_home_files ();

  /* A directory where the file should be is skipped, as botocore skips it. */
  dir = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  config = amt_aws_config_load (&error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aws-config/paths", test_aws_config_paths);
  g_test_add_func ("/aws-config/profiles", test_aws_config_profiles);
  g_test_add_func ("/aws-config/credential-sources", test_aws_config_sources);
  g_test_add_func ("/aws-config/defaults-section", test_aws_config_defaults_section);
  g_test_add_func ("/aws-config/long-term", test_aws_config_long_term);
  g_test_add_func ("/aws-config/errors", test_aws_config_errors);

  return g_test_run ();
}
