/* amt-sessions-states.c
 *
 * The states of the sessions and the one deadline timer of AmtSessions (amt-sessions.c
 * says how time is kept): computed from the files as last read, the recorded failures and the
 * clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sessions"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-failure-state.h"
#include "amt-format.h"
#include "amt-sessions-private.h"

/**
 * amt_sessions_get_worst_state:
 * @state: (out): the worst state of all profiles
 *
 * Returns: %FALSE when there is no managed profile, and @state is then unset
 */
gboolean
amt_sessions_get_worst_state (AmtSessions     *self,
                              AmtSessionState *state)
{
  GListModel *model;
  guint n_items;
  AmtSessionState worst = AMT_SESSION_STATE_VALID;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  model = G_LIST_MODEL (self->profiles);
  n_items = g_list_model_get_n_items (model);
  if (n_items == 0)
    return FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);

      worst = amt_session_state_worse (worst, amt_profile_get_state (profile));
    }

  *state = worst;
  return TRUE;
}

/**
 * amt_sessions_get_group:
 * @profile: a managed profile
 *
 * Returns: (transfer container) (element-type AmtProfile): the profiles one login of
 *   @profile's MFA device refreshes, @profile among them, in the order of the files; profiles
 *   that cannot be refreshed as configured are left out (but @profile is kept)
 */
GPtrArray *
amt_sessions_get_group (AmtSessions *self,
                        AmtProfile  *profile)
{
  GPtrArray *group = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;
  const char *serial;
  guint n_items;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), group);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), group);

  serial = amt_profile_get_mfa_serial (profile);
  if (serial == NULL)
    {
      g_ptr_array_add (group, g_object_ref (profile));
      return group;
    }

  model = G_LIST_MODEL (self->profiles);
  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) other = g_list_model_get_item (model, i);

      if (other != profile &&
          (g_strcmp0 (amt_profile_get_mfa_serial (other), serial) != 0 ||
           amt_profile_get_config (other)->problem != NULL))
        continue;

      g_ptr_array_add (group, g_steal_pointer (&other));
    }

  return group;
}

/**
 * amt_sessions_get_first_to_expire:
 *
 * Returns: (transfer none) (nullable): the refreshable profile whose session ends first (one
 *   never logged in, or expired, counts as ending now)
 */
AmtProfile *
amt_sessions_get_first_to_expire (AmtSessions *self)
{
  GListModel *model;
  AmtProfile *first = NULL;
  gint64 first_end = G_MAXINT64;
  guint n_items;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  model = G_LIST_MODEL (self->profiles);
  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);
      GDateTime *expiration = amt_profile_get_expiration (profile);
      gint64 end = expiration != NULL ? g_date_time_to_unix (expiration) : G_MININT64;

      if (amt_profile_get_config (profile)->problem != NULL)
        continue;
      if (first == NULL || end < first_end)
        {
          first = profile;
          first_end = end;
        }
    }

  return first;
}

/* States */

/**
 * amt_sessions_get_seconds_left:
 *
 * Returns: the time left of @profile's session as shown: counted on the clock's minutes, so
 *   that every profile's display changes at the same moment (0 when none is left)
 */
gint64
amt_sessions_get_seconds_left (AmtSessions *self,
                               AmtProfile  *profile)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), 0);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), 0);

  return amt_session_state_seconds_left (amt_profile_get_expiration (profile),
                                         amt_clock_get_now (self->clock));
}

/**
 * amt_sessions_describe_profile:
 *
 * Returns: (transfer full): the state of @profile for a menu line or a row: "3 h 12 min
 *   left", "expired", "not logged in", "error", "error, 42 min left"
 */
char *
amt_sessions_describe_profile (AmtSessions *self,
                               AmtProfile  *profile)
{
  AmtSessionState state;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);

  state = amt_profile_get_state (profile);
  if (state == AMT_SESSION_STATE_VALID || state == AMT_SESSION_STATE_EXPIRING)
    {
      g_autofree char *left = amt_format_duration (amt_sessions_get_seconds_left (self, profile));

      /* Translators: the time left of a session, "3 h 12 min left" */
      return g_strdup_printf (_("%s left"), left);
    }

  /* A failed refresh leaves the session it had: until it ends, tools still work with it. */
  if (state == AMT_SESSION_STATE_ERROR && amt_sessions_get_seconds_left (self, profile) > 0)
    {
      g_autofree char *left = amt_format_duration (amt_sessions_get_seconds_left (self, profile));

      /* Translators: a profile whose last refresh failed, and the time its session has left:
       * "error, 42 min left" */
      return g_strdup_printf (_("%s, %s left"), amt_session_state_to_label (state), left);
    }

  return g_strdup (amt_session_state_to_label (state));
}

static AmtSessionState
compute_state (AmtSessions  *self,
               AmtProfile   *profile,
               gint64        now,
               GDateTime   **expiration_out,
               const char  **error_out)
{
  const AmtProfileConfig *config = amt_profile_get_config (profile);
  g_autoptr(GDateTime) expiration = amt_session_state_read_expiration (self->aws_config, config->target);
  AmtFailure *login_error = g_hash_table_lookup (self->login_errors, amt_profile_get_name (profile));
  gint64 end = expiration != NULL ? g_date_time_to_unix (expiration) * G_USEC_PER_SEC : 0;

  /* Someone else refreshed it since our refresh failed: the failure is history. */
  if (login_error != NULL && end > login_error->expiration && end > now)
    {
      if (self->cred_store != NULL)
        amt_failure_state_forget (amt_cred_store_get_path (self->cred_store),
                                  amt_profile_get_name (profile));
      g_hash_table_remove (self->login_errors, amt_profile_get_name (profile));
      login_error = NULL;
    }

  *expiration_out = g_steal_pointer (&expiration);
  *error_out = config->problem != NULL ? config->problem
               : login_error != NULL ? login_error->message : NULL;
  return amt_session_state_compute (*error_out != NULL, end, now, self->lead_time);
}

/**
 * amt_sessions_update_states:
 *
 * Recomputes every profile's state from the files as last read and the clock, emits
 * AmtSessions::expiry-near and AmtSessions::expired for the transitions, and re-arms the
 * one deadline timer.
 */
void
amt_sessions_update_states (AmtSessions *self)
{
  GListModel *model;
  g_autoptr(GPtrArray) near = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) known = NULL;
  gboolean changed = FALSE;
  gint64 now;
  guint n_items;

  g_return_if_fail (AMT_IS_SESSIONS (self));

  now = amt_clock_get_now (self->clock);
  model = G_LIST_MODEL (self->profiles);
  n_items = g_list_model_get_n_items (model);
  known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);
      g_autoptr(GDateTime) expiration = NULL;
      const char *name = amt_profile_get_name (profile);
      const char *error = NULL;
      gpointer before;
      AmtSessionState state;

      state = compute_state (self, profile, now, &expiration, &error);

      changed |= amt_profile_get_state (profile) != state;
      amt_profile_set_expiration (profile, expiration);
      amt_profile_set_error (profile, error);
      amt_profile_set_state (profile, state);

      before = g_hash_table_lookup (self->known_states, name);
      if (state == AMT_SESSION_STATE_EXPIRING &&
          (before == NULL || GPOINTER_TO_UINT (before) - 1 != AMT_SESSION_STATE_EXPIRING))
        g_ptr_array_add (near, g_object_ref (profile));
      /* Only a session that ended while we watched is news; one dead for days is not. */
      if (state == AMT_SESSION_STATE_EXPIRED && before != NULL &&
          (GPOINTER_TO_UINT (before) - 1 == AMT_SESSION_STATE_VALID ||
           GPOINTER_TO_UINT (before) - 1 == AMT_SESSION_STATE_EXPIRING))
        g_ptr_array_add (expired, g_object_ref (profile));

      g_hash_table_insert (known, g_strdup (name), GUINT_TO_POINTER (state + 1));
    }

  g_hash_table_unref (self->known_states);
  self->known_states = g_steal_pointer (&known);

  amt_sessions_schedule_deadline (self);

  if (changed)
    g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);
  for (guint i = 0; i < near->len; i++)
    g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_EXPIRY_NEAR], 0, g_ptr_array_index (near, i));
  for (guint i = 0; i < expired->len; i++)
    g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_EXPIRED], 0, g_ptr_array_index (expired, i));
}

static void
deadline_cb (gpointer user_data)
{
  AmtSessions *self = user_data;

  self->deadline_id = 0;
  amt_sessions_update_states (self);
  /* At least the minutes shown as left have changed. */
  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);
}

void
amt_sessions_schedule_deadline (AmtSessions *self)
{
  GListModel *model = G_LIST_MODEL (self->profiles);
  g_autoptr(GPtrArray) expirations = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  gint64 next;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);

      if (amt_profile_get_expiration (profile) != NULL)
        g_ptr_array_add (expirations, g_date_time_ref (amt_profile_get_expiration (profile)));
    }
  next = amt_session_state_next_deadline (expirations, amt_clock_get_now (self->clock),
                                          self->lead_time);

  amt_clock_unschedule (self->clock, self->deadline_id);
  self->deadline_id = 0;
  if (next != G_MAXINT64)
    self->deadline_id = amt_clock_schedule (self->clock, next, deadline_cb, self);
}
