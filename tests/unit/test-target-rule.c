/* test-target-rule.c: which section a session goes to, what moves there, and its region
 *
 * Runs with a throw-away HOME (tests/isolate). The rule is checked against what the four
 * clients do in tests/compat; here each case of the rule, one by one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "amt-aws-config.h"
#include "amt-cred-store.h"
#include "amt-discovery.h"
#include "amt-target-rule.h"

static AmtAwsConfig *
load_files (const char *config_text,
            const char *credentials_text)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *credentials = g_build_filename (dir, "credentials", NULL);
  g_autoptr(GError) error = NULL;
  AmtAwsConfig *files;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (config, config_text, -1, NULL));
  g_assert_true (g_file_set_contents (credentials, credentials_text, -1, NULL));
  files = amt_aws_config_load_files (config, credentials, &error);
  g_assert_no_error (error);
  return files;
}

static const char rule_config[] =
  "[default]\n"
  "region = us-west-2\n"
  "\n"
  "[profile dev]\n"
  "region = eu-west-1\n"
  "\n"
  "[profile session]\n"
  "source_profile = base\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
  "\n"
  "[profile role]\n"
  "role_arn = arn:aws:iam::222222222222:role/Admin\n"
  "source_profile = dev\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/alice\n"
  "\n"
  "[profile named]\n"
  "source_profile = base\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
  "mfa_tray_target = elsewhere\n"
  "\n"
  "[profile ec2]\n"
  "credential_source = Ec2InstanceMetadata\n"
  "\n"
  "[profile process]\n"
  "credential_process = /bin/true\n"
  "\n"
  "[profile sso]\n"
  "sso_session = corp\n"
  "\n"
  "[profile own]\n"
  "region = ap-south-1\n";

static const char rule_credentials[] =
  "[dev-long-term]\n"
  "aws_access_key_id = AKIAALICE0EXAMPLE001\n"
  "aws_secret_access_key = alice-secret\n"
  "\n"
  "[base]\n"
  "aws_access_key_id = AKIABOB00EXAMPLE0001\n"
  "aws_secret_access_key = bob-secret\n"
  "region = ca-central-1\n"
  "\n"
  "[own]\n"
  "aws_access_key_id = AKIACAROL0EXAMPLE001\n"
  "aws_secret_access_key = carol-secret\n"
  "\n"
  "[session]\n"
  "aws_access_key_id = ASIAOLD\n"
  "aws_secret_access_key = old-secret\n"
  "aws_session_token = old-token\n"
  "expiration = 2026-11-23T18:04:05Z\n";

static void
test_target_rule_pick (void)
{
  g_autoptr(AmtAwsConfig) files = load_files (rule_config, rule_credentials);
  struct { const char *profile; const char *target; } cases[] = {
    { "dev", "dev" },                /* aws-mfa: [dev] is plain keys for every client */
    { "session", "session-mfa" },    /* source_profile without role_arn: Go SDK refuses */
    { "role", "role-mfa" },          /* role_arn: every client assumes the role itself */
    { "named", "elsewhere" },        /* mfa_tray_target wins */
    { "ec2", "ec2-mfa" },            /* credential_source */
    { "process", "process-mfa" },
    { "sso", "sso-mfa" },
    { "own", "own-mfa" },            /* its long-term keys stay */
    { "new", "new" },                /* a profile that is not there yet */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *target = amt_target_rule_pick (files, cases[i].profile);

      g_assert_cmpstr (target, ==, cases[i].target);
    }
}

static void
test_target_rule_old_session (void)
{
  g_autoptr(AmtAwsConfig) files = load_files (rule_config, rule_credentials);
  g_autofree char *moved = amt_target_rule_find_old_session (files, "session", "session-mfa");
  g_autofree char *role = amt_target_rule_find_old_session (files, "role", "role-mfa");
  g_autofree char *named = amt_target_rule_find_old_session (files, "named", "elsewhere");
  g_autofree char *same = amt_target_rule_find_old_session (files, "dev", "dev");

  /* [session] holds what the old rule wrote there: it moves to [session-mfa]. */
  g_assert_cmpstr (moved, ==, "session");
  /* Roles always went to NAME-mfa; mfa_tray_target was the user's choice; [dev] stays. */
  g_assert_null (role);
  g_assert_null (named);
  g_assert_null (same);
}

static void
test_target_rule_old_session_needs_a_session (void)
{
  /* Long-term keys next to source_profile are the user's, not a session of ours. */
  g_autoptr(AmtAwsConfig) files = load_files (rule_config,
                                              "[session]\n"
                                              "aws_access_key_id = AKIAKEYS\n"
                                              "aws_secret_access_key = keys\n");
  g_autofree char *moved = amt_target_rule_find_old_session (files, "session", "session-mfa");

  g_assert_null (moved);
}

static void
test_target_rule_region (void)
{
  g_autoptr(AmtAwsConfig) files = load_files (rule_config, rule_credentials);
  g_autofree char *own = amt_target_rule_pick_region (files, "own", "own");
  g_autofree char *from_source = amt_target_rule_pick_region (files, "session", "base");
  g_autofree char *from_aws_mfa = amt_target_rule_pick_region (files, "role", "dev-long-term");
  g_autofree char *from_default = amt_target_rule_pick_region (files, "ec2", NULL);
  g_autoptr(AmtAwsConfig) no_default = load_files ("[profile x]\nsource_profile = y\n",
                                                   "[y]\naws_access_key_id = A\naws_secret_access_key = B\n");
  g_autofree char *none = amt_target_rule_pick_region (no_default, "x", "y");

  g_assert_cmpstr (own, ==, "ap-south-1");            /* the profile's own */
  g_assert_cmpstr (from_source, ==, "ca-central-1");  /* its source's */
  g_assert_cmpstr (from_aws_mfa, ==, "eu-west-1");    /* [profile dev] of dev-long-term */
  g_assert_cmpstr (from_default, ==, "us-west-2");    /* [default]'s */
  g_assert_null (none);
}

/* The region goes into [profile TARGET] of the config file; a value there is the user's. */
static void
test_target_rule_region_written_once (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "region", NULL);
  g_autofree char *path = g_build_filename (dir, "config", NULL);
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *pair[] = { "region", "eu-west-1" };
  const char *other[] = { "region", "us-east-2" };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "# mine\n[profile dev]\nregion: eu-west-1\n", -1, NULL));
  store = amt_cred_store_new (path);

  g_assert_true (amt_cred_store_add_values (store, "profile dev-mfa", pair, 1, &error));
  g_assert_no_error (error);
  g_assert_true (amt_cred_store_add_values (store, "profile dev-mfa", other, 1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "# mine\n[profile dev]\nregion: eu-west-1\n"
                   "\n[profile dev-mfa]\nregion = eu-west-1\n");
}

/* A session of the old rule moves in one edit; the user's keys in that section stay. */
static void
test_target_rule_move_session (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "move", NULL);
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GDateTime) expiration = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path,
                                      "[base]\r\nx = 1\r\n"
                                      "[staging]\r\n"
                                      "aws_access_key_id: ASIAOLD\r\n"
                                      "aws_secret_access_key: old\r\n"
                                      "aws_session_token: old-token\r\n"
                                      "expiration: 2026-11-22T18:04:05Z\r\n"
                                      "[session]\r\n"
                                      "aws_access_key_id = ASIAOLD\r\n"
                                      "aws_secret_access_key = old\r\n"
                                      "aws_session_token = old-token\r\n"
                                      "expiration = 2026-11-22T18:04:05Z\r\n"
                                      "output = json", -1, NULL));
  store = amt_cred_store_new (path);
  credentials = amt_credentials_new ("ASIANEW", "new", "new-token", expiration);

  g_assert_true (amt_cred_store_move_session (store, "staging", "staging-mfa", credentials, &error));
  g_assert_no_error (error);
  g_assert_true (amt_cred_store_move_session (store, "session", "session-mfa", credentials, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "[base]\r\nx = 1\r\n"
                   "[session]\r\n"
                   "output = json\r\n"
                   "\r\n[staging-mfa]\r\n"
                   "aws_access_key_id = ASIANEW\r\n"
                   "aws_secret_access_key = new\r\n"
                   "aws_session_token = new-token\r\n"
                   "expiration = 2026-11-23T18:04:05Z\r\n"
                   "\r\n[session-mfa]\r\n"
                   "aws_access_key_id = ASIANEW\r\n"
                   "aws_secret_access_key = new\r\n"
                   "aws_session_token = new-token\r\n"
                   "expiration = 2026-11-23T18:04:05Z\r\n");
}

static void
test_target_rule_duration (void)
{
  guint seconds = 0;

  g_assert_true (amt_discover_parse_duration (" 3600 ", AMT_ROLE_DURATION_MAX, &seconds));
  g_assert_cmpuint (seconds, ==, 3600);
  g_assert_true (amt_discover_parse_duration ("129600", AMT_SESSION_DURATION_MAX, &seconds));
  g_assert_false (amt_discover_parse_duration ("129600", AMT_ROLE_DURATION_MAX, &seconds));
  g_assert_false (amt_discover_parse_duration ("899", AMT_SESSION_DURATION_MAX, &seconds));
  g_assert_false (amt_discover_parse_duration ("1h", AMT_SESSION_DURATION_MAX, &seconds));
  g_assert_false (amt_discover_parse_duration ("", AMT_SESSION_DURATION_MAX, &seconds));
  g_assert_false (amt_discover_parse_duration ("-3600", AMT_SESSION_DURATION_MAX, &seconds));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/target-rule/pick", test_target_rule_pick);
  g_test_add_func ("/target-rule/old-session", test_target_rule_old_session);
  g_test_add_func ("/target-rule/old-session-needs-a-session", test_target_rule_old_session_needs_a_session);
  g_test_add_func ("/target-rule/region", test_target_rule_region);
  g_test_add_func ("/target-rule/region-written-once", test_target_rule_region_written_once);
  g_test_add_func ("/target-rule/move-session", test_target_rule_move_session);
  g_test_add_func ("/target-rule/duration", test_target_rule_duration);

  return g_test_run ();
}
