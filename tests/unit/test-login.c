/* test-login.c: the login state machine over a fake transport and a fake clock
 *
 * The profiles come from real AWS files (discovery, as the sessions model reads them), the
 * sessions are written by the real credential store, and the calls go through the real client
 * and signer to amt-fake-http.c, which answers from a script and records every request. The
 * login is made with its services only; no sessions model is involved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "amt-discovery.h"
#include "amt-fake-clock.h"
#include "amt-fake-http.h"
#include "amt-login.h"

#define SERIAL       "arn:aws:iam::111111111111:mfa/alice"
#define ALICE_KEY    "AKIAALICE0EXAMPLE001"
#define ALICE_SECRET "ocihcQIAk0Ud6KDXGz9WvuS1hRfF+0I0EXAMPLEK"
/* 2026-11-23T18:00:00Z */
#define T0 (G_GINT64_CONSTANT (1795456800) * G_USEC_PER_SEC)
#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

/* Each answer carries its own keys, so that the file tells which call wrote which section. */
#define CREDENTIALS_XML(action, key, expiration) \
  "<" action "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" action "Result>" \
  "<Credentials><AccessKeyId>" key "</AccessKeyId><SecretAccessKey>secret-" key "</SecretAccessKey>" \
  "<SessionToken>token-" key "</SessionToken><Expiration>" expiration "</Expiration></Credentials>" \
  "<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/Admin/s</Arn></AssumedRoleUser>" \
  "</" action "Result></" action "Response>"

#define ERROR_XML(code, message) \
  "<ErrorResponse><Error><Type>Sender</Type><Code>" code "</Code><Message>" message "</Message>" \
  "</Error><RequestId>rid</RequestId></ErrorResponse>"

#define SESSION_ANSWER CREDENTIALS_XML ("GetSessionToken", "ASIASESSION", "2026-11-24T06:00:00Z")
#define ADMIN_ANSWER   CREDENTIALS_XML ("AssumeRole", "ASIAADMIN", "2026-11-23T19:00:00Z")
#define OPS_ANSWER     CREDENTIALS_XML ("AssumeRole", "ASIAOPS", "2026-11-23T20:00:00Z")

/* The aws-mfa convention for alice, a role assumed with her MFA session (an hour), and one
 * that asks for two hours and so needs a code of its own. */
#define CREDENTIALS_FILE \
  "[dev-long-term]\n" \
  "aws_access_key_id = " ALICE_KEY "\n" \
  "aws_secret_access_key = " ALICE_SECRET "\n" \
  "aws_mfa_device = " SERIAL "\n"

#define ADMIN_CONFIG \
  "[profile admin]\n" \
  "role_arn = arn:aws:iam::222222222222:role/Admin\n" \
  "source_profile = dev\n" \
  "mfa_serial = " SERIAL "\n"

#define OPS_CONFIG \
  "[profile ops]\n" \
  "role_arn = arn:aws:iam::111111111111:role/Ops\n" \
  "source_profile = dev\n" \
  "mfa_serial = " SERIAL "\n" \
  "duration_seconds = 7200\n"

typedef struct {
  char             *dir;
  char             *config;
  char             *credentials;
  AmtFakeClock     *clock;
  FakeHttp         *http;
  AmtLoginServices  services;
  AmtLogin         *login;
  GPtrArray        *refreshed;   /* names, in the order the login reported them */
  GPtrArray        *failed;      /* names */
  guint             n_written;
  guint             n_finished;
  GAsyncResult     *result;
} Fixture;

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char * const no_environment[] = { NULL };
  g_autoptr(AmtCodeLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("amt-login-XXXXXX", &error);
  g_assert_no_error (error);
  f->config = g_build_filename (f->dir, "config", NULL);
  f->credentials = g_build_filename (f->dir, "credentials", NULL);
  g_setenv ("AWS_CONFIG_FILE", f->config, TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", f->credentials, TRUE);
  write_file (f->credentials, CREDENTIALS_FILE);

  f->clock = amt_fake_clock_new (T0);
  f->http = g_object_new (FAKE_TYPE_HTTP, NULL);
  ledger = amt_code_ledger_new (AMT_CLOCK (f->clock));
  f->services.clients = amt_client_pool_new (AMT_HTTP_TRANSPORT (f->http), no_environment, ledger);
  f->services.store = amt_cred_store_new (f->credentials);
  f->services.session_duration = 43200;
  f->services.role_duration = 3600;
  f->refreshed = g_ptr_array_new_with_free_func (g_free);
  f->failed = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_clear_object (&f->result);
  g_clear_object (&f->login);
  g_clear_pointer (&f->services.files, amt_aws_config_unref);
  g_clear_object (&f->services.store);
  g_clear_object (&f->services.clients);
  g_clear_object (&f->http);
  g_clear_object (&f->clock);
  g_ptr_array_unref (f->refreshed);
  g_ptr_array_unref (f->failed);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->config);
  g_free (f->credentials);
  g_free (f->dir);
  g_unsetenv ("AWS_CONFIG_FILE");
  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
}

static void
refreshed_cb (AmtLogin   *login,
              AmtProfile *profile,
              GDateTime  *expiration,
              Fixture    *f)
{
  g_assert_nonnull (expiration);
  g_ptr_array_add (f->refreshed, g_strdup (amt_profile_get_name (profile)));
}

static void
failed_cb (AmtLogin   *login,
           AmtProfile *profile,
           const char *message,
           Fixture    *f)
{
  g_assert_nonnull (message);
  g_ptr_array_add (f->failed, g_strdup (amt_profile_get_name (profile)));
}

static void
written_cb (AmtLogin *login,
            Fixture  *f)
{
  f->n_written++;
}

static void
finished_cb (AmtLogin *login,
             Fixture  *f)
{
  f->n_finished++;
}

/* Reads the files as they are now and makes a login of every profile of SERIAL in them. */
static AmtLogin *
make_login (Fixture    *f,
            const char *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  AmtLogin *login;

  write_file (f->config, config);
  g_clear_pointer (&f->services.files, amt_aws_config_unref);
  f->services.files = amt_aws_config_load (&error);
  g_assert_no_error (error);
  profiles = amt_discover_profiles (f->services.files);
  for (guint i = 0; i < profiles->len; i++)
    g_assert_cmpstr (amt_profile_get_mfa_serial (g_ptr_array_index (profiles, i)), ==, SERIAL);

  login = amt_login_new (&f->services, SERIAL, profiles);
  g_signal_connect (login, "profile-refreshed", G_CALLBACK (refreshed_cb), f);
  g_signal_connect (login, "profile-failed", G_CALLBACK (failed_cb), f);
  g_signal_connect (login, "step-written", G_CALLBACK (written_cb), f);
  g_signal_connect (login, "finished", G_CALLBACK (finished_cb), f);
  return login;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  g_set_object (&f->result, result);
}

static gboolean
submit (Fixture     *f,
        AmtLogin    *login,
        const char  *code,
        GError     **error)
{
  g_clear_object (&f->result);
  amt_login_submit_code_async (login, code, NULL, store_result_cb, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return amt_login_submit_code_finish (login, f->result, error);
}

static gboolean
run_mfa_process (Fixture   *f,
                 AmtLogin  *login,
                 GError   **error)
{
  g_clear_object (&f->result);
  amt_login_run_mfa_process_async (login, NULL, store_result_cb, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return amt_login_run_mfa_process_finish (login, f->result, error);
}

static gboolean
body_has (Sent       *sent,
          const char *parameter)
{
  g_auto(GStrv) pairs = g_strsplit (sent->body, "&", -1);

  return g_strv_contains ((const char * const *) pairs, parameter);
}

static gboolean
body_names (Sent       *sent,
            const char *name)
{
  g_autofree char *prefix = g_strconcat (name, "=", NULL);
  g_auto(GStrv) pairs = g_strsplit (sent->body, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    if (g_str_has_prefix (pairs[i], prefix))
      return TRUE;
  return FALSE;
}

/* The keys the credentials file holds in @section, or NULL. */
static char *
written_key (Fixture    *f,
             const char *section)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_key_file_load_from_file (file, f->credentials, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  key = g_key_file_get_string (file, section, "aws_access_key_id", NULL);
  return key != NULL ? g_strstrip (g_steal_pointer (&key)) : NULL;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
assert_names (GPtrArray  *names,
              const char *expected)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", (char *) g_ptr_array_index (names, i));
  g_assert_cmpstr (joined->str, ==, expected);
}

/* One code: GetSessionToken with it, then the role assumed with that MFA session, no code. */
static void
test_one_code_for_session_and_chained_role (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dev = NULL;
  g_autofree char *admin = NULL;
  Sent *sent;

  f->login = make_login (f, ADMIN_CONFIG);
  g_assert_cmpuint (amt_login_get_n_codes (f->login), ==, 1);

  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  fake_http_add (f->http, 200, ADMIN_ANSWER, 0);
  g_assert_true (submit (f, f->login, "123 456", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 2);
  sent = fake_http_sent (f->http, 0);
  g_assert_true (body_has (sent, "Action=GetSessionToken"));
  g_assert_true (body_has (sent, "TokenCode=123456"));
  g_assert_true (body_has (sent, "DurationSeconds=43200"));
  g_assert_nonnull (strstr (sent->authorization, "Credential=" ALICE_KEY "/"));
  sent = fake_http_sent (f->http, 1);
  g_assert_true (body_has (sent, "Action=AssumeRole"));
  g_assert_false (body_names (sent, "TokenCode"));
  g_assert_false (body_names (sent, "SerialNumber"));
  g_assert_cmpstr (sent->token, ==, "token-ASIASESSION");
  g_assert_nonnull (strstr (sent->authorization, "Credential=ASIASESSION/"));

  g_assert_true (amt_login_is_finished (f->login));
  g_assert_true (amt_login_get_result (f->login, &error));
  g_assert_no_error (error);
  g_ptr_array_sort (f->refreshed, compare_names);
  assert_names (f->refreshed, "admin dev");
  assert_names (f->failed, "");
  g_assert_cmpuint (f->n_written, ==, 1);
  g_assert_cmpuint (f->n_finished, ==, 1);

  dev = written_key (f, "dev");
  admin = written_key (f, "admin-mfa");
  g_assert_cmpstr (dev, ==, "ASIASESSION");
  g_assert_cmpstr (admin, ==, "ASIAADMIN");
}

/* A role that asks for more than AWS gives a chained session gets the next code, sent with the
 * long-term keys; the code already sent is refused before the network. */
static void
test_long_role_takes_next_code (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ops = NULL;
  Sent *sent;

  f->login = make_login (f, OPS_CONFIG);
  g_assert_cmpuint (amt_login_get_n_codes (f->login), ==, 2);

  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  g_assert_true (submit (f, f->login, "111111", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 1);
  g_assert_cmpuint (amt_login_get_code_index (f->login), ==, 1);
  g_assert_false (amt_login_is_finished (f->login));
  assert_names (f->refreshed, "dev");
  g_assert_cmpuint (f->n_written, ==, 1);

  /* The same code again: refused here, nothing sent, the login still waits for code 2. */
  g_assert_false (submit (f, f->login, "111111", &error));
  g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_MFA_CODE_REUSED);
  g_clear_error (&error);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 1);
  g_assert_cmpuint (amt_login_get_code_index (f->login), ==, 1);

  fake_http_add (f->http, 200, OPS_ANSWER, 0);
  g_assert_true (submit (f, f->login, "222222", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 2);
  sent = fake_http_sent (f->http, 1);
  g_assert_true (body_has (sent, "Action=AssumeRole"));
  g_assert_true (body_has (sent, "TokenCode=222222"));
  g_assert_true (body_has (sent, "DurationSeconds=7200"));
  g_assert_null (sent->token);
  g_assert_nonnull (strstr (sent->authorization, "Credential=" ALICE_KEY "/"));

  g_assert_true (amt_login_get_result (f->login, &error));
  g_assert_no_error (error);
  assert_names (f->refreshed, "dev ops");
  g_assert_cmpuint (f->n_written, ==, 2);
  g_assert_cmpuint (f->n_finished, ==, 1);
  ops = written_key (f, "ops-mfa");
  g_assert_cmpstr (ops, ==, "ASIAOPS");
}

/* The ledger is shared by logins and kept on the clock: a code sent by one login is never sent
 * by the next while AWS could still remember it; once it is long gone, it may come round. */
static void
test_reused_code_never_sent (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtLogin) second = NULL;
  g_autoptr(AmtLogin) third = NULL;

  f->login = make_login (f, "");
  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  g_assert_true (submit (f, f->login, "424242", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 1);

  amt_fake_clock_advance (f->clock, 9 * MINUTE);
  second = make_login (f, "");
  g_assert_false (submit (f, second, "424242", &error));
  g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_MFA_CODE_REUSED);
  g_clear_error (&error);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 1);
  g_assert_false (amt_login_is_finished (second));

  amt_fake_clock_advance (f->clock, 2 * MINUTE);
  third = make_login (f, "");
  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  submit (f, third, "424242", &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 2);
}

/* The session is written; the role is refused: the login says which, the role is reported
 * failed, and what was written stays. */
static void
test_partial_failure (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dev = NULL;
  g_autofree char *admin = NULL;

  f->login = make_login (f, ADMIN_CONFIG);
  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  fake_http_add (f->http, 403, ERROR_XML ("AccessDenied", "not authorized to perform sts:AssumeRole"), 0);
  g_assert_true (submit (f, f->login, "123456", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 2);
  g_assert_true (amt_login_is_finished (f->login));
  g_assert_false (amt_login_get_result (f->login, &error));
  g_assert_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_PARTIAL);
  g_assert_nonnull (strstr (error->message, "admin"));
  assert_names (f->refreshed, "dev");
  assert_names (f->failed, "admin");
  g_assert_cmpuint (f->n_finished, ==, 1);

  dev = written_key (f, "dev");
  admin = written_key (f, "admin-mfa");
  g_assert_cmpstr (dev, ==, "ASIASESSION");
  g_assert_null (admin);
}

/* Cancelled after the first code: the second call is never made, the session stays written,
 * the role is not refreshed (and is no failure to remember: nobody tried it), and the login
 * takes no more codes. */
static void
test_cancel_between_steps (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dev = NULL;
  g_autofree char *ops = NULL;

  f->login = make_login (f, OPS_CONFIG);
  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  g_assert_true (submit (f, f->login, "111111", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_finished, ==, 0);

  amt_login_cancel (f->login);
  g_assert_true (amt_login_is_finished (f->login));
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_false (amt_login_get_result (f->login, &error));
  g_assert_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_PARTIAL);
  g_clear_error (&error);
  assert_names (f->refreshed, "dev");
  assert_names (f->failed, "");

  g_assert_false (submit (f, f->login, "222222", &error));
  g_assert_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_FINISHED);
  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 1);

  dev = written_key (f, "dev");
  ops = written_key (f, "ops-mfa");
  g_assert_cmpstr (dev, ==, "ASIASESSION");
  g_assert_null (ops);
}

/* mfa_process gives every code: the first for the session, a new one for the long role. */
static void
test_mfa_process (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (f->dir, "code.sh", NULL);
  g_autofree char *counter = g_build_filename (f->dir, "count", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *config = NULL;

  /* Prints 100001, then 100002, …: a device whose code has moved on by the second step. */
  script_text = g_strdup_printf ("n=$(cat '%s' 2>/dev/null || echo 0); n=$((n + 1))\n"
                                 "echo $n > '%s'\n"
                                 "printf '10000%%d\\n' $n\n", counter, counter);
  write_file (script, script_text);
  config = g_strdup_printf ("[profile dev]\nmfa_process = sh %s\n\n" OPS_CONFIG, script);

  f->login = make_login (f, config);
  g_assert_true (amt_login_get_has_mfa_process (f->login));
  fake_http_add (f->http, 200, SESSION_ANSWER, 0);
  fake_http_add (f->http, 200, OPS_ANSWER, 0);
  g_assert_true (run_mfa_process (f, f->login, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake_http_n_sent (f->http), ==, 2);
  g_assert_true (body_has (fake_http_sent (f->http, 0), "TokenCode=100001"));
  g_assert_true (body_has (fake_http_sent (f->http, 1), "TokenCode=100002"));
  g_assert_true (amt_login_get_result (f->login, &error));
  g_assert_no_error (error);
  assert_names (f->refreshed, "dev ops");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/login/one-code-session-and-chained-role", test_one_code_for_session_and_chained_role);
  ADD ("/login/long-role-takes-next-code", test_long_role_takes_next_code);
  ADD ("/login/reused-code-never-sent", test_reused_code_never_sent);
  ADD ("/login/partial-failure", test_partial_failure);
  ADD ("/login/cancel-between-steps", test_cancel_between_steps);
  ADD ("/login/mfa-process", test_mfa_process);
#undef ADD

  return g_test_run ();
}
