/* test-sessions.c: the sessions model and its "changed" signal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "amt-sessions.h"

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
test_sessions_empty (void)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();
  AmtSessionState state = AMT_SESSION_STATE_VALID;

  g_assert_cmpuint (g_list_model_get_n_items (amt_sessions_get_profiles (sessions)), ==, 0);
  g_assert_false (amt_sessions_get_worst_state (sessions, &state));
  g_assert_null (amt_sessions_lookup_profile (sessions, "default"));
  g_assert_false (amt_sessions_remove_profile (sessions, "default"));
}

static void
test_sessions_worst_state (void)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();
  g_autoptr(AmtProfile) dev = amt_profile_new ("dev");
  g_autoptr(AmtProfile) prod = amt_profile_new ("prod");
  AmtSessionState state;

  /* A profile starts out never logged in. */
  g_assert_cmpint (amt_profile_get_state (dev), ==, AMT_SESSION_STATE_NEVER_LOGGED_IN);

  amt_profile_set_state (dev, AMT_SESSION_STATE_VALID);
  amt_sessions_add_profile (sessions, dev);
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_VALID);

  amt_profile_set_state (prod, AMT_SESSION_STATE_EXPIRING);
  amt_sessions_add_profile (sessions, prod);
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_EXPIRING);

  amt_profile_set_state (dev, AMT_SESSION_STATE_EXPIRED);
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_EXPIRED);

  amt_profile_set_state (prod, AMT_SESSION_STATE_ERROR);
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_ERROR);

  g_assert_true (amt_sessions_remove_profile (sessions, "prod"));
  g_assert_true (amt_sessions_get_worst_state (sessions, &state));
  g_assert_cmpint (state, ==, AMT_SESSION_STATE_EXPIRED);
  g_assert_true (amt_sessions_lookup_profile (sessions, "dev") == dev);
  g_assert_null (amt_sessions_lookup_profile (sessions, "prod"));
}

static void
test_sessions_changed_signal (void)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();
  g_autoptr(AmtProfile) dev = amt_profile_new ("dev");
  g_autoptr(GDateTime) expiry = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  g_autoptr(GDateTime) same_expiry = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  guint changed = 0;

  g_signal_connect (sessions, "changed", G_CALLBACK (count_cb), &changed);

  amt_sessions_add_profile (sessions, dev);
  g_assert_cmpuint (changed, ==, 1);

  amt_profile_set_state (dev, AMT_SESSION_STATE_VALID);
  g_assert_cmpuint (changed, ==, 2);
  /* Setting the same value again is not a change. */
  amt_profile_set_state (dev, AMT_SESSION_STATE_VALID);
  g_assert_cmpuint (changed, ==, 2);

  amt_profile_set_expiration (dev, expiry);
  g_assert_cmpuint (changed, ==, 3);
  amt_profile_set_expiration (dev, same_expiry);
  g_assert_cmpuint (changed, ==, 3);
  amt_profile_set_expiration (dev, NULL);
  g_assert_cmpuint (changed, ==, 4);

  g_assert_true (amt_sessions_remove_profile (sessions, "dev"));
  g_assert_cmpuint (changed, ==, 5);

  /* A removed profile no longer reaches the model. */
  amt_profile_set_state (dev, AMT_SESSION_STATE_EXPIRED);
  g_assert_cmpuint (changed, ==, 5);
}

static void
test_session_state_names (void)
{
  g_assert_cmpstr (amt_session_state_to_string (AMT_SESSION_STATE_VALID), ==, "valid");
  g_assert_cmpstr (amt_session_state_to_string (AMT_SESSION_STATE_EXPIRING), ==, "expiring");
  g_assert_cmpstr (amt_session_state_to_string (AMT_SESSION_STATE_NEVER_LOGGED_IN), ==, "never-logged-in");
  g_assert_cmpstr (amt_session_state_to_string (AMT_SESSION_STATE_EXPIRED), ==, "expired");
  g_assert_cmpstr (amt_session_state_to_string (AMT_SESSION_STATE_ERROR), ==, "error");
  g_assert_cmpint (amt_session_state_worse (AMT_SESSION_STATE_VALID, AMT_SESSION_STATE_ERROR), ==,
                   AMT_SESSION_STATE_ERROR);
  g_assert_cmpint (amt_session_state_worse (AMT_SESSION_STATE_EXPIRED, AMT_SESSION_STATE_EXPIRING), ==,
                   AMT_SESSION_STATE_EXPIRED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sessions/empty", test_sessions_empty);
  g_test_add_func ("/sessions/worst-state", test_sessions_worst_state);
  g_test_add_func ("/sessions/changed-signal", test_sessions_changed_signal);
  g_test_add_func ("/session-state/names", test_session_state_names);

  return g_test_run ();
}
