/* test-sessions.c: discovery of managed profiles, session states, deadlines, logins' plans
 *
 * Time is an AmtFakeClock: no test waits for the real clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "amt-discovery.h"
#include "amt-fake-clock.h"
#include "amt-sessions.h"

/* 2026-11-23T18:00:00Z, a whole minute */
#define T0 (G_GINT64_CONSTANT (1795456800) * G_USEC_PER_SEC)
#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define HOUR (60 * MINUTE)

typedef struct {
  char         *dir;
  char         *config;
  char         *credentials;
  AmtFakeClock *clock;
  AmtSessions  *sessions;
  guint         n_changed;
  GPtrArray    *near;      /* names */
  GPtrArray    *expired;   /* names */
} Fixture;

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
iso_at (gint64 when)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* A [name] section holding a session that ends at @end. */
static char *
session_section (const char *name,
                 gint64      end)
{
  g_autofree char *expiration = iso_at (end);

  return g_strdup_printf ("[%s]\n"
                          "aws_access_key_id = ASIAEXAMPLE%s\n"
                          "aws_secret_access_key = secret\n"
                          "aws_session_token = token\n"
                          "expiration = %s\n\n",
                          name, "0000000001", expiration);
}

static void
changed_cb (AmtSessions *sessions,
            Fixture     *fixture)
{
  fixture->n_changed++;
}

static void
expiry_near_cb (AmtSessions *sessions,
                AmtProfile  *profile,
                Fixture     *fixture)
{
  g_ptr_array_add (fixture->near, g_strdup (amt_profile_get_name (profile)));
}

static void
expired_cb (AmtSessions *sessions,
            AmtProfile  *profile,
            Fixture     *fixture)
{
  g_ptr_array_add (fixture->expired, g_strdup (amt_profile_get_name (profile)));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("amt-sessions-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->config = g_build_filename (fixture->dir, "config", NULL);
  fixture->credentials = g_build_filename (fixture->dir, "credentials", NULL);
  g_setenv ("AWS_CONFIG_FILE", fixture->config, TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", fixture->credentials, TRUE);

  fixture->clock = amt_fake_clock_new (T0);
  fixture->sessions = amt_sessions_new_with_clock (AMT_CLOCK (fixture->clock));
  fixture->near = g_ptr_array_new_with_free_func (g_free);
  fixture->expired = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->sessions, "changed", G_CALLBACK (changed_cb), fixture);
  g_signal_connect (fixture->sessions, "expiry-near", G_CALLBACK (expiry_near_cb), fixture);
  g_signal_connect (fixture->sessions, "expired", G_CALLBACK (expired_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->sessions);
  g_clear_object (&fixture->clock);
  g_unlink (fixture->config);
  g_unlink (fixture->credentials);
  g_rmdir (fixture->dir);
  g_free (fixture->config);
  g_free (fixture->credentials);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->near);
  g_ptr_array_unref (fixture->expired);
  g_unsetenv ("AWS_CONFIG_FILE");
  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
}

static void
load (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (amt_sessions_load (fixture->sessions, &error));
  g_assert_no_error (error);
}

static AmtProfile *
lookup (Fixture    *fixture,
        const char *name)
{
  AmtProfile *profile = amt_sessions_lookup_profile (fixture->sessions, name);

  g_assert_nonnull (profile);
  return profile;
}

static const char credentials_alice[] =
  "[dev-long-term]\n"
  "aws_access_key_id = AKIAALICE0EXAMPLE001\n"
  "aws_secret_access_key = alice-secret\n"
  "aws_mfa_device = arn:aws:iam::111111111111:mfa/alice\n"
  "\n"
  "[base]\n"
  "aws_access_key_id = AKIABOB00EXAMPLE0001\n"
  "aws_secret_access_key = bob-secret\n"
  "\n"
  "[work]\n"
  "aws_access_key_id = AKIACAROL0EXAMPLE001\n"
  "aws_secret_access_key = carol-secret\n";

static const char config_many[] =
  "[profile dev]\n"
  "region = eu-west-1\n"
  "\n"
  "[profile staging]\n"
  "source_profile = base\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
  "duration_seconds = 7200\n"
  "\n"
  "[profile admin]\n"
  "role_arn = arn:aws:iam::222222222222:role/Admin\n"
  "source_profile = dev\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/alice\n"
  "\n"
  "[profile deploy]\n"
  "role_arn = arn:aws:iam::222222222222:role/Deploy\n"
  "source_profile = dev\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/alice\n"
  "duration_seconds = 14400\n"
  "mfa_tray_target = deploy-session\n"
  "\n"
  "[profile readonly]\n"
  "role_arn = arn:aws:iam::222222222222:role/ReadOnly\n"
  "source_profile = dev\n"
  "\n"
  "[profile work]\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/carol\n"
  "\n"
  "[profile quiet]\n"
  "source_profile = base\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
  "mfa_tray_ignore = true\n";

static void
test_discovery_conventions (Fixture       *fixture,
                            gconstpointer  data)
{
  const AmtProfileConfig *config;
  GListModel *profiles;

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials_alice);
  load (fixture);

  profiles = amt_sessions_get_profiles (fixture->sessions);
  /* dev (aws-mfa), staging (session), admin, deploy (roles), work (keys + mfa_serial);
   * readonly has no MFA device and quiet is ignored. */
  g_assert_cmpuint (g_list_model_get_n_items (profiles), ==, 5);
  g_assert_null (amt_sessions_lookup_profile (fixture->sessions, "readonly"));
  g_assert_null (amt_sessions_lookup_profile (fixture->sessions, "quiet"));
  g_assert_null (amt_sessions_lookup_profile (fixture->sessions, "dev-long-term"));

  config = amt_profile_get_config (lookup (fixture, "dev"));
  g_assert_cmpint (config->kind, ==, AMT_PROFILE_KIND_SESSION);
  g_assert_cmpstr (config->target, ==, "dev");
  g_assert_cmpstr (config->source_profile, ==, "dev-long-term");
  g_assert_cmpstr (config->mfa_serial, ==, "arn:aws:iam::111111111111:mfa/alice");
  g_assert_cmpstr (config->region, ==, "eu-west-1");
  g_assert_cmpstr (config->target_region, ==, "eu-west-1");
  g_assert_null (config->problem);

  config = amt_profile_get_config (lookup (fixture, "staging"));
  g_assert_cmpint (config->kind, ==, AMT_PROFILE_KIND_SESSION);
  /* The Go SDK (Terraform) refuses [staging], which has source_profile without role_arn. */
  g_assert_cmpstr (config->target, ==, "staging-mfa");
  g_assert_cmpstr (config->source_profile, ==, "base");
  /* Neither staging, its source nor [default] has a region. */
  g_assert_null (config->target_region);
  g_assert_cmpuint (config->duration_seconds, ==, 7200);

  config = amt_profile_get_config (lookup (fixture, "admin"));
  g_assert_cmpint (config->kind, ==, AMT_PROFILE_KIND_ROLE);
  /* AWS tools resolve [admin] through role_arn: the session goes next to it. */
  g_assert_cmpstr (config->target, ==, "admin-mfa");
  /* The role's source is the aws-mfa session profile: its long-term keys sign. */
  g_assert_cmpstr (config->source_profile, ==, "dev-long-term");
  g_assert_cmpstr (config->role_arn, ==, "arn:aws:iam::222222222222:role/Admin");
  /* The region of the source travels to the written profile. */
  g_assert_cmpstr (config->target_region, ==, "eu-west-1");

  config = amt_profile_get_config (lookup (fixture, "deploy"));
  g_assert_cmpstr (config->target, ==, "deploy-session");
  g_assert_cmpuint (config->duration_seconds, ==, 14400);

  config = amt_profile_get_config (lookup (fixture, "work"));
  /* [work] holds long-term keys, which must stay. */
  g_assert_cmpstr (config->target, ==, "work-mfa");
  g_assert_cmpstr (config->source_profile, ==, "work");

  /* Looked up by the section written, too. */
  g_assert_true (amt_sessions_lookup_profile (fixture->sessions, "admin-mfa") == lookup (fixture, "admin"));

  /* Long-term keys and no device: listed to be used with MFA once the device is found.
   * readonly is a role with a source; base's keys are used with MFA by staging already,
   * dev-long-term belongs to dev, and quiet is ignored. */
  profiles = amt_sessions_get_candidates (fixture->sessions);
  g_assert_cmpuint (g_list_model_get_n_items (profiles), ==, 1);
  config = amt_profile_get_config (amt_sessions_lookup_candidate (fixture->sessions, "readonly"));
  g_assert_cmpint (config->kind, ==, AMT_PROFILE_KIND_ROLE);
  g_assert_cmpstr (config->target, ==, "readonly-mfa");
  g_assert_cmpstr (config->source_profile, ==, "dev-long-term");
  g_assert_null (config->mfa_serial);
  g_assert_null (amt_sessions_lookup_candidate (fixture->sessions, "base"));
  g_assert_null (amt_sessions_lookup_candidate (fixture->sessions, "quiet"));
  g_assert_null (amt_sessions_lookup_candidate (fixture->sessions, "dev"));
}

static void
test_discovery_problems (Fixture       *fixture,
                         gconstpointer  data)
{
  write_file (fixture->config,
              "[profile lost]\n"
              "source_profile = nowhere\n"
              "mfa_serial = arn:aws:iam::111111111111:mfa/alice\n"
              "\n"
              "[profile keys]\n"
              "source_profile = base\n"
              "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
              "mfa_tray_target = stash\n"
              "\n"
              "[profile long]\n"
              "source_profile = base\n"
              "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
              "duration_seconds = 200000\n"
              "\n"
              "[profile twin]\n"
              "source_profile = base\n"
              "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
              "mfa_tray_target = long-mfa\n"
              "\n"
              "[profile sso]\n"
              "sso_session = corp\n"
              "\n"
              "[profile via-sso]\n"
              "source_profile = base\n"
              "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
              "mfa_tray_target = sso\n");
  write_file (fixture->credentials,
              "[base]\n"
              "aws_access_key_id = AKIABOB00EXAMPLE0001\n"
              "aws_secret_access_key = bob-secret\n"
              "\n"
              "[stash]\n"
              "aws_access_key_id = AKIAKEEPTHESE0000001\n"
              "aws_secret_access_key = keep-me\n");
  load (fixture);

  g_assert_nonnull (strstr (amt_profile_get_config (lookup (fixture, "lost"))->problem, "nowhere"));
  /* Never written over somebody's long-term keys. */
  g_assert_nonnull (strstr (amt_profile_get_config (lookup (fixture, "keys"))->problem, "long-term keys"));
  g_assert_nonnull (strstr (amt_profile_get_config (lookup (fixture, "long"))->problem, "129600"));
  g_assert_nonnull (strstr (amt_profile_get_config (lookup (fixture, "twin"))->problem, "both write"));
  g_assert_nonnull (strstr (amt_profile_get_config (lookup (fixture, "via-sso"))->problem, "sso_session"));

  for (guint i = 0; i < 5; i++)
    {
      const char *names[] = { "lost", "keys", "long", "twin", "via-sso" };
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtLogin) login = NULL;

      g_assert_cmpint (amt_profile_get_state (lookup (fixture, names[i])), ==, AMT_SESSION_STATE_ERROR);
      g_assert_nonnull (amt_profile_get_error (lookup (fixture, names[i])));
      login = amt_sessions_create_login (fixture->sessions, names[i], &error);
      g_assert_null (login);
      g_assert_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE);
    }
}

static void
test_states (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *dev = session_section ("dev", T0 + 3 * HOUR + 12 * MINUTE);
  g_autofree char *admin = session_section ("admin-mfa", T0 + 9 * MINUTE);
  g_autofree char *work = session_section ("work-mfa", T0 - HOUR);
  g_autofree char *credentials = g_strconcat (credentials_alice, "\n", dev, admin, work, NULL);
  g_autofree char *left = NULL;
  AmtSessionState worst;

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials);
  load (fixture);

  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_VALID);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "admin")), ==, AMT_SESSION_STATE_EXPIRING);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "work")), ==, AMT_SESSION_STATE_EXPIRED);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "staging")), ==, AMT_SESSION_STATE_NEVER_LOGGED_IN);
  g_assert_true (amt_sessions_get_worst_state (fixture->sessions, &worst));
  g_assert_cmpint (worst, ==, AMT_SESSION_STATE_EXPIRED);

  left = amt_sessions_describe_profile (fixture->sessions, lookup (fixture, "dev"));
  g_assert_cmpstr (left, ==, "3 h 12 min left");
  g_assert_cmpint (amt_sessions_get_seconds_left (fixture->sessions, lookup (fixture, "admin")), ==, 9 * 60);

  /* Near expiry is news at start; a session that died before we looked is not. */
  g_assert_cmpuint (fixture->near->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->near, 0), ==, "admin");
  g_assert_cmpuint (fixture->expired->len, ==, 0);

  /* The first to expire is the one never logged in (staging), then work, already over. */
  g_assert_cmpstr (amt_profile_get_name (amt_sessions_get_first_to_expire (fixture->sessions)), ==, "staging");
}

static void
test_deadlines (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *dev = session_section ("dev", T0 + 30 * MINUTE + 30 * G_USEC_PER_SEC);
  g_autofree char *credentials = g_strconcat (credentials_alice, "\n", dev, NULL);
  guint fired;

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials);
  load (fixture);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_VALID);

  /* While a session is live, one wake-up a minute, on the clock's minute. */
  g_assert_cmpint (amt_fake_clock_get_next_due (fixture->clock), ==, T0 + MINUTE);
  fired = amt_fake_clock_get_n_fired (fixture->clock);
  amt_fake_clock_advance (fixture->clock, 10 * MINUTE);
  g_assert_cmpuint (amt_fake_clock_get_n_fired (fixture->clock) - fired, ==, 10);
  g_assert_cmpuint (amt_fake_clock_get_n_pending (fixture->clock), ==, 1);
  g_assert_cmpint (amt_sessions_get_seconds_left (fixture->sessions, lookup (fixture, "dev")), ==, 20 * 60);
  g_assert_cmpuint (fixture->near->len, ==, 0);

  /* The lead time (10 min) before 18:30:30 falls between minutes: a timer of its own. */
  amt_fake_clock_advance (fixture->clock, 10 * MINUTE + 29 * G_USEC_PER_SEC);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_VALID);
  amt_fake_clock_advance (fixture->clock, 1 * G_USEC_PER_SEC);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_EXPIRING);
  g_assert_cmpuint (fixture->near->len, ==, 1);

  amt_fake_clock_advance (fixture->clock, 10 * MINUTE);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_EXPIRED);
  g_assert_cmpuint (fixture->expired->len, ==, 1);
  g_assert_cmpuint (fixture->near->len, ==, 1);

  /* Nothing live: nothing left to wake for. */
  g_assert_cmpuint (amt_fake_clock_get_n_pending (fixture->clock), ==, 0);
  fired = amt_fake_clock_get_n_fired (fixture->clock);
  amt_fake_clock_advance (fixture->clock, 24 * HOUR);
  g_assert_cmpuint (amt_fake_clock_get_n_fired (fixture->clock), ==, fired);
}

static void
test_deadlines_after_sleep (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *dev = session_section ("dev", T0 + 2 * HOUR);
  g_autofree char *credentials = g_strconcat (credentials_alice, "\n", dev, NULL);

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials);
  load (fixture);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_VALID);

  /* A night's sleep: no timer fires during it, the wake-up recomputes. */
  amt_fake_clock_sleep (fixture->clock, 8 * HOUR);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_EXPIRED);
  g_assert_cmpuint (fixture->expired->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->expired, 0), ==, "dev");
  g_assert_cmpuint (amt_fake_clock_get_n_pending (fixture->clock), ==, 0);
}

static void
test_lead_time_setting (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *dev = session_section ("dev", T0 + 20 * MINUTE);
  g_autofree char *credentials = g_strconcat (credentials_alice, "\n", dev, NULL);

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials);
  load (fixture);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_VALID);

  amt_sessions_set_lead_time (fixture->sessions, 30 * 60);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_EXPIRING);
  g_assert_cmpuint (fixture->near->len, ==, 1);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_file_changes (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *dev = session_section ("dev", T0 + 5 * HOUR);
  g_autofree char *credentials = g_strconcat (credentials_alice, "\n", dev, NULL);
  gboolean timed_out = FALSE;
  guint timeout_id;

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials_alice);
  load (fixture);
  amt_sessions_watch_files (fixture->sessions);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_NEVER_LOGGED_IN);

  /* Another tool writes a session: the state follows. */
  write_file (fixture->credentials, credentials);
  timeout_id = g_timeout_add_seconds (10, wait_timeout_cb, &timed_out);
  while (!timed_out && amt_profile_get_state (lookup (fixture, "dev")) != AMT_SESSION_STATE_VALID)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);

  /* A broken file keeps what we knew, and says why. */
  write_file (fixture->credentials, "[dev]\naws_access_key_id = A\naws_access_key_id = B\n");
  timeout_id = g_timeout_add_seconds (10, wait_timeout_cb, &timed_out);
  while (!timed_out && amt_sessions_get_load_error (fixture->sessions) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  g_assert_cmpint (amt_profile_get_state (lookup (fixture, "dev")), ==, AMT_SESSION_STATE_VALID);
}

static void
test_login_plan (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(AmtLogin) login = NULL;
  g_autoptr(AmtLogin) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *purpose = NULL;
  GPtrArray *items;

  write_file (fixture->config, config_many);
  write_file (fixture->credentials, credentials_alice);
  load (fixture);

  login = amt_sessions_create_login (fixture->sessions, "admin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (amt_login_get_mfa_serial (login), ==, "arn:aws:iam::111111111111:mfa/alice");

  /* One code for dev (12 h) and admin (chained, 1 h); deploy asks 4 h: a code of its own. */
  items = amt_login_get_items (login);
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpuint (amt_login_get_n_codes (login), ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (items, i);
      const char *name = amt_profile_get_name (item->profile);

      if (g_str_equal (name, "dev"))
        g_assert_true (item->code_index == 0 && item->duration == 12 * 3600 && !item->chained);
      else if (g_str_equal (name, "admin"))
        g_assert_true (item->code_index == 0 && item->duration == 3600 && item->chained);
      else if (g_str_equal (name, "deploy"))
        g_assert_true (item->code_index == 1 && item->duration == 4 * 3600 && !item->chained);
      else
        g_assert_not_reached ();
    }

  purpose = amt_login_dup_code_purpose (login);
  g_assert_cmpstr (purpose, ==, "This code refreshes dev (12 h) and admin (1 h).");

  /* One login per device at a time: asking again gives the same one. */
  again = amt_sessions_create_login (fixture->sessions, "dev", &error);
  g_assert_true (again == login);

  amt_login_skip_code (login);
  g_free (purpose);
  purpose = amt_login_dup_code_purpose (login);
  g_assert_nonnull (strstr (purpose, "deploy asks for 4 h"));

  amt_login_cancel (login);
  g_assert_true (amt_login_is_finished (login));
  g_assert_false (amt_login_get_result (login, &error));
  g_assert_nonnull (error);
}

static char *
read_file (const char *path)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_steal_pointer (&contents);
}

/* Profiles made, changed and removed in the window: standard keys, in the file that holds
 * them, and nothing else of the files touched. */
static void
test_profile_editing (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *config = NULL;
  g_autofree char *session = session_section ("dev", T0 + HOUR);
  g_autofree char *start = g_strconcat ("# mine\n", credentials_alice, "\n", session, NULL);
  AmtProfile *profile;

  write_file (fixture->config, "# config comment\n[profile dev]\nregion = eu-west-1\n");
  write_file (fixture->credentials, start);
  load (fixture);

  /* A new profile, the aws-mfa way. */
  g_assert_true (amt_sessions_save_new_profile (fixture->sessions, "ci", "AKIACIEXAMPLE0000001",
                                                "ci-secret-0123456789abcdef", NULL, "us-west-2", &error));
  g_assert_no_error (error);
  credentials = read_file (fixture->credentials);
  g_assert_true (g_str_has_prefix (credentials, start));
  g_assert_nonnull (strstr (credentials, "\n[ci-long-term]\naws_access_key_id = AKIACIEXAMPLE0000001\n"
                                         "aws_secret_access_key = ci-secret-0123456789abcdef\n"));
  config = read_file (fixture->config);
  g_assert_cmpstr (config, ==, "# config comment\n[profile dev]\nregion = eu-west-1\n\n"
                               "[profile ci]\nregion = us-west-2\n");
  profile = lookup (fixture, "ci");
  g_assert_null (amt_profile_get_mfa_serial (profile));
  g_assert_cmpstr (amt_profile_get_config (profile)->region, ==, "us-west-2");

  /* Refused: a name taken, a name with a space, a key that is not long-term. */
  g_assert_false (amt_sessions_save_new_profile (fixture->sessions, "dev", "AKIADEVEXAMPLE000001",
                                                 "secret-0123456789abcdef", NULL, NULL, &error));
  g_assert_error (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_NAME_TAKEN);
  g_clear_error (&error);
  g_assert_false (amt_sessions_save_new_profile (fixture->sessions, "my dev", "AKIADEVEXAMPLE000001",
                                                 "secret-0123456789abcdef", NULL, NULL, &error));
  g_assert_error (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (amt_sessions_save_new_profile (fixture->sessions, "temp", "ASIATEMPEXAMPLE00001",
                                                 "secret-0123456789abcdef", NULL, NULL, &error));
  g_assert_error (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_INVALID_KEYS);
  g_clear_error (&error);

  /* The device found later, and a new region. */
  g_assert_true (amt_sessions_save_mfa_device (fixture->sessions, profile,
                                               "arn:aws:iam::111111111111:mfa/ci", &error));
  profile = lookup (fixture, "ci");
  g_assert_true (amt_sessions_update_profile (fixture->sessions, profile, NULL, NULL, NULL, "", &error));
  g_assert_no_error (error);
  profile = lookup (fixture, "ci");
  g_assert_cmpstr (amt_profile_get_mfa_serial (profile), ==, "arn:aws:iam::111111111111:mfa/ci");
  g_assert_null (amt_profile_get_config (profile)->region);
  g_free (credentials);
  credentials = read_file (fixture->credentials);
  g_assert_nonnull (strstr (credentials, "aws_mfa_device = arn:aws:iam::111111111111:mfa/ci\n"));

  /* Removing the aws-mfa profile dev: its long-term section and its session keys go, its
   * comment and every other profile stay. */
  g_assert_true (amt_sessions_forget_profile (fixture->sessions, lookup (fixture, "dev"), &error));
  g_assert_no_error (error);
  g_free (credentials);
  credentials = read_file (fixture->credentials);
  g_assert_true (g_str_has_prefix (credentials, "# mine\n"));
  g_assert_null (strstr (credentials, "[dev-long-term]"));
  g_assert_null (strstr (credentials, "ASIAEXAMPLE"));
  g_assert_nonnull (strstr (credentials, "[base]\naws_access_key_id = AKIABOB00EXAMPLE0001\n"));
  g_assert_nonnull (strstr (credentials, "[ci-long-term]"));
  g_assert_null (amt_sessions_lookup_profile (fixture->sessions, "dev"));

  /* Removing a profile defined in config marks it mfa_tray_ignore there. */
  write_file (fixture->config, "[profile staging]\nsource_profile = base\nmfa_serial = arn:aws:iam::111111111111:mfa/bob\n");
  load (fixture);
  g_assert_true (amt_sessions_forget_profile (fixture->sessions, lookup (fixture, "staging"), &error));
  g_free (config);
  config = read_file (fixture->config);
  g_assert_cmpstr (config, ==, "[profile staging]\nsource_profile = base\nmfa_serial = arn:aws:iam::111111111111:mfa/bob\n"
                               "mfa_tray_ignore = true\n");
  g_assert_null (amt_sessions_lookup_profile (fixture->sessions, "staging"));
}

static void
test_check_code (void)
{
  const char *good[] = { "123456", " 123 456 ", "123-456\n", "000000" };
  const char *bad[] = { "", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123456789012" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *digits = NULL;

      g_assert_true (amt_login_check_code (good[i], &digits, NULL));
      g_assert_cmpuint (strlen (digits), ==, 6);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (amt_login_check_code (bad[i], NULL, &error));
      g_assert_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_MALFORMED_CODE);
    }
}

/* A menu entry or a notification names at most a few profiles, then "and N more". */
static void
test_format_profile_names (void)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  const char *names[] = { "dev", "my_prod", "ops", "ci", "r&d" };
  const char *expected[] = { "", "dev", "dev, my_prod", "dev, my_prod, ops",
                             "dev, my_prod, ops and 1 more", "dev, my_prod, ops and 2 more" };

  for (guint n = 0; n <= G_N_ELEMENTS (names); n++)
    {
      g_autofree char *text = NULL;

      if (n > 0)
        g_ptr_array_add (profiles, amt_profile_new (names[n - 1]));
      text = amt_format_profile_names (profiles, 3);
      g_assert_cmpstr (text, ==, expected[n]);
    }
}

static void
test_format_duration (void)
{
  const struct { gint64 seconds; const char *text; } cases[] = {
    { 0, "less than a minute" }, { 59, "less than a minute" }, { 60, "1 min" },
    { 3599, "59 min" }, { 3600, "1 h" }, { 3 * 3600 + 12 * 60 + 59, "3 h 12 min" },
    { 36 * 3600, "36 h" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = amt_format_duration (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_sessions_model (void)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();
  g_autoptr(AmtProfile) dev = amt_profile_new ("dev");
  g_autoptr(AmtProfile) prod = amt_profile_new ("prod");
  AmtSessionState state = AMT_SESSION_STATE_VALID;

  g_assert_false (amt_sessions_get_worst_state (sessions, &state));
  g_assert_null (amt_sessions_lookup_profile (sessions, "dev"));

  amt_profile_set_state (dev, AMT_SESSION_STATE_VALID);
  amt_sessions_add_profile (sessions, dev);
  amt_profile_set_state (prod, AMT_SESSION_STATE_EXPIRING);
  amt_sessions_add_profile (sessions, prod);
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_EXPIRING);

  amt_profile_set_state (dev, AMT_SESSION_STATE_ERROR);
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_ERROR);

  g_assert_true (amt_sessions_remove_profile (sessions, "dev"));
  g_assert_false (amt_sessions_remove_profile (sessions, "dev"));
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_EXPIRING);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sessions/model", test_sessions_model);
  g_test_add_func ("/sessions/check-code", test_check_code);
  g_test_add_func ("/sessions/format-duration", test_format_duration);
  g_test_add_func ("/sessions/format-profile-names", test_format_profile_names);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sessions/discovery/conventions", test_discovery_conventions);
  ADD ("/sessions/discovery/problems", test_discovery_problems);
  ADD ("/sessions/states", test_states);
  ADD ("/sessions/deadlines/minutes-and-transitions", test_deadlines);
  ADD ("/sessions/deadlines/after-sleep", test_deadlines_after_sleep);
  ADD ("/sessions/deadlines/lead-time-setting", test_lead_time_setting);
  ADD ("/sessions/file-changes", test_file_changes);
  ADD ("/sessions/login-plan", test_login_plan);
  ADD ("/sessions/profile-editing", test_profile_editing);
#undef ADD

  return g_test_run ();
}
