/* test-console.c: the console sign-in's hosts and destinations (amt-console.c), and the
 * session's environment variables and their quoting (amt-session-env.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-console.h"
#include "amt-secret.h"
#include "amt-session-env.h"

typedef struct {
  const char *role_arn;
  const char *region;
  const char *federation_url;
  const char *destination;
} PartitionCase;

static const PartitionCase partition_cases[] = {
  { "arn:aws:iam::222222222222:role/Admin", "eu-west-1",
    "https://signin.aws.amazon.com/federation",
    "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1" },
  { "arn:aws:iam::222222222222:role/team/Ops", NULL,
    "https://signin.aws.amazon.com/federation",
    "https://console.aws.amazon.com/console/home" },
  { "arn:aws-us-gov:iam::222222222222:role/Admin", "us-gov-west-1",
    "https://signin.amazonaws-us-gov.com/federation",
    "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1" },
  { "arn:aws-cn:iam::222222222222:role/Admin", "cn-north-1",
    "https://signin.amazonaws.cn/federation",
    "https://console.amazonaws.cn/console/home?region=cn-north-1" },
  /* A region that cannot be part of a host name is left out, not sent along. */
  { "arn:aws:iam::222222222222:role/Admin", "eu-west-1.evil.example/x?",
    "https://signin.aws.amazon.com/federation",
    "https://console.aws.amazon.com/console/home" },
};

static void
test_partitions (void)
{
  const char * const no_environ[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (partition_cases); i++)
    {
      const PartitionCase *c = &partition_cases[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *federation = amt_console_dup_federation_url (c->role_arn, no_environ, &error);
      g_autofree char *destination = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (federation, ==, c->federation_url);
      destination = amt_console_dup_destination (c->role_arn, c->region, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (destination, ==, c->destination);
    }
}

static void
test_endpoint_override (void)
{
  const char *arn = "arn:aws-cn:iam::222222222222:role/Admin";
  const char * const with_slash[] = { "AWS_ENDPOINT_URL_SIGNIN=https://127.0.0.1:8443/", NULL };
  const char * const general_only[] = { "AWS_ENDPOINT_URL=https://127.0.0.1:8443", NULL };
  const char * const not_a_url[] = { "AWS_ENDPOINT_URL_SIGNIN=signin.example", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = amt_console_dup_federation_url (arn, with_slash, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://127.0.0.1:8443/federation");
  g_clear_pointer (&url, g_free);

  /* Only the sign-in's own variable: AWS_ENDPOINT_URL points at STS stand-ins (LocalStack). */
  url = amt_console_dup_federation_url (arn, general_only, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://signin.amazonaws.cn/federation");
  g_clear_pointer (&url, g_free);

  url = amt_console_dup_federation_url (arn, not_a_url, &error);
  g_assert_error (error, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_INVALID_ENDPOINT);
  g_assert_null (url);
}

static void
test_unknown_partition (void)
{
  const char * const no_environ[] = { NULL };
  const char *arns[] = { "arn:aws-iso:iam::1:role/A", "not an arn", "", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (arns); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = amt_console_dup_federation_url (arns[i], no_environ, &error);

      g_assert_error (error, AMT_CONSOLE_ERROR, AMT_CONSOLE_ERROR_UNKNOWN_PARTITION);
      g_assert_null (url);
    }
}

static void
test_unavailable_reason (void)
{
  AmtProfileConfig session_config = { .kind = AMT_PROFILE_KIND_SESSION };
  AmtProfileConfig role_config = { .kind = AMT_PROFILE_KIND_ROLE,
                                   .role_arn = g_strdup ("arn:aws:iam::222222222222:role/Admin") };
  g_autoptr(AmtProfile) session = amt_profile_new_with_config ("dev", &session_config);
  g_autoptr(AmtProfile) role = amt_profile_new_with_config ("admin", &role_config);
  g_autofree char *reason = amt_console_dup_unavailable_reason (session);

  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "dev"));
  g_assert_null (amt_console_dup_unavailable_reason (role));
}

static void
test_env_quoting (void)
{
  g_autoptr(GDateTime) expiration = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  g_autoptr(AmtCredentials) session = amt_credentials_new ("ASIAEXAMPLE", "se'cr\\et$x", "to/k+en=",
                                                           expiration);
  char **variables = amt_session_env_build (session, NULL);
  char *sh = amt_session_env_format ((const char * const *) variables, AMT_SESSION_ENV_FORMAT_SH);
  char *fish = amt_session_env_format ((const char * const *) variables, AMT_SESSION_ENV_FORMAT_FISH);

  /* No region: no AWS_REGION at all, rather than an empty one. */
  g_assert_cmpstr (sh, ==,
                   "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n"
                   "export AWS_SECRET_ACCESS_KEY='se'\\''cr\\et$x'\n"
                   "export AWS_SESSION_TOKEN='to/k+en='\n"
                   "export AWS_CREDENTIAL_EXPIRATION='2026-11-23T18:04:05Z'\n");
  g_assert_cmpstr (fish, ==,
                   "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE'\n"
                   "set -gx AWS_SECRET_ACCESS_KEY 'se\\'cr\\\\et$x'\n"
                   "set -gx AWS_SESSION_TOKEN 'to/k+en='\n"
                   "set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-23T18:04:05Z'\n");
  amt_secret_free (sh);
  amt_secret_free (fish);
  amt_session_env_free (variables);
}

static void
test_env_apply (void)
{
  g_autoptr(AmtCredentials) session = amt_credentials_new ("ASIANEW", "secret", "token", NULL);
  const char * const parent[] = { "PATH=/bin", "AWS_PROFILE=prod", "AWS_DEFAULT_PROFILE=prod",
                                  "AWS_ACCESS_KEY_ID=AKIAOLD", "AWS_ACCESS_KEY_ID_X=kept",
                                  "AWS_CA_BUNDLE=/ca.pem", NULL };
  char **variables = amt_session_env_build (session, "eu-west-1");
  char **envp = amt_session_env_apply (parent, (const char * const *) variables);

  g_assert_cmpstr (g_environ_getenv (envp, "PATH"), ==, "/bin");
  g_assert_cmpstr (g_environ_getenv (envp, "AWS_CA_BUNDLE"), ==, "/ca.pem");
  g_assert_cmpstr (g_environ_getenv (envp, "AWS_ACCESS_KEY_ID_X"), ==, "kept");
  g_assert_null (g_environ_getenv (envp, "AWS_PROFILE"));
  g_assert_null (g_environ_getenv (envp, "AWS_DEFAULT_PROFILE"));
  g_assert_cmpstr (g_environ_getenv (envp, "AWS_ACCESS_KEY_ID"), ==, "ASIANEW");
  g_assert_cmpstr (g_environ_getenv (envp, "AWS_REGION"), ==, "eu-west-1");
  g_assert_cmpuint (g_strv_length (envp), ==, 3 + 5);   /* kept, then the session's */
  amt_session_env_free (envp);
  amt_session_env_free (variables);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/console/partitions", test_partitions);
  g_test_add_func ("/console/endpoint-override", test_endpoint_override);
  g_test_add_func ("/console/unknown-partition", test_unknown_partition);
  g_test_add_func ("/console/unavailable-reason", test_unavailable_reason);
  g_test_add_func ("/session-env/quoting", test_env_quoting);
  g_test_add_func ("/session-env/apply", test_env_apply);

  return g_test_run ();
}
