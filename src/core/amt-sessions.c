/* amt-sessions.c
 *
 * The model between the files, the worker and the UI (DESIGN.md "Architecture"): the managed
 * profiles discovered in the AWS files, the state of each one's session, and the logins that
 * refresh them.
 *
 * State comes from the credentials file alone (each session written carries its `expiration`),
 * so that it survives a restart and follows other tools' edits: the files are watched, and
 * re-read (coalesced) when they change.
 *
 * Time: one timer, to the next moment a state changes (the lead time before an expiry, the
 * expiry) or, while a session is live, the next wall-clock minute, when every displayed "time
 * left" changes together (minutes are counted on the clock's minutes for that reason). With no
 * live session nothing wakes us. The clock emits "resumed" after a sleep, since GLib's timers
 * do not count suspended time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sessions"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-device-finder.h"
#include "amt-discovery.h"
#include "amt-failure-state.h"
#include "amt-file-watch.h"
#include "amt-profile-editor.h"
#include "amt-file-keys.h"
#include "amt-key-move.h"
#include "amt-keyring-keys.h"
#include "amt-sandbox.h"
#include "amt-sessions-private.h"

#define RELOAD_DELAY_MS         250

G_DEFINE_FINAL_TYPE (AmtSessions, amt_sessions, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LEAD_TIME,
  PROP_SESSION_DURATION,
  PROP_ROLE_DURATION,
  PROP_LOAD_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint amt_sessions_signals[AMT_SESSIONS_N_SIGNALS];

static void amt_sessions_setup_monitors    (AmtSessions *self);

/* GObject */

static void
amt_sessions_dispose (GObject *object)
{
  AmtSessions *self = (AmtSessions *)object;

  if (self->clock != NULL)
    {
      amt_clock_unschedule (self->clock, self->deadline_id);
      self->deadline_id = 0;
      g_clear_signal_handler (&self->resumed_id, self->clock);
    }
  g_clear_handle_id (&self->reload_id, g_source_remove);

  /* A login left running refers to us; it ends with us. */
  while (self->active_logins != NULL && self->active_logins->len > 0)
    amt_login_cancel (g_ptr_array_index (self->active_logins, 0));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->watch);
  g_clear_object (&self->profiles);
  g_clear_object (&self->candidates);
  g_clear_object (&self->clock);
  g_clear_object (&self->clients);

  G_OBJECT_CLASS (amt_sessions_parent_class)->dispose (object);
}

static void
amt_sessions_finalize (GObject *object)
{
  AmtSessions *self = (AmtSessions *)object;

  g_clear_pointer (&self->aws_config, amt_aws_config_unref);
  g_clear_object (&self->cred_store);
  g_clear_object (&self->keyring);
  g_free (self->load_error);
  g_hash_table_unref (self->login_errors);
  g_hash_table_unref (self->known_states);
  g_ptr_array_unref (self->active_logins);

  G_OBJECT_CLASS (amt_sessions_parent_class)->finalize (object);
}

static void
amt_sessions_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AmtSessions *self = AMT_SESSIONS (object);

  switch (prop_id)
    {
    case PROP_LEAD_TIME:
      g_value_set_uint (value, self->lead_time);
      break;

    case PROP_SESSION_DURATION:
      g_value_set_uint (value, self->session_duration);
      break;

    case PROP_ROLE_DURATION:
      g_value_set_uint (value, self->role_duration);
      break;

    case PROP_LOAD_ERROR:
      g_value_set_string (value, self->load_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_sessions_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AmtSessions *self = AMT_SESSIONS (object);

  switch (prop_id)
    {
    case PROP_LEAD_TIME:
      amt_sessions_set_lead_time (self, g_value_get_uint (value));
      break;

    case PROP_SESSION_DURATION:
      amt_sessions_set_session_duration (self, g_value_get_uint (value));
      break;

    case PROP_ROLE_DURATION:
      amt_sessions_set_role_duration (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_sessions_class_init (AmtSessionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_sessions_dispose;
  object_class->finalize = amt_sessions_finalize;
  object_class->get_property = amt_sessions_get_property;
  object_class->set_property = amt_sessions_set_property;

  properties[PROP_LEAD_TIME] =
    g_param_spec_uint ("lead-time", NULL, NULL,
                       60, 24 * 3600, AMT_SESSIONS_DEFAULT_LEAD_TIME,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SESSION_DURATION] =
    g_param_spec_uint ("session-duration", NULL, NULL,
                       AMT_SESSION_DURATION_MIN, AMT_SESSION_DURATION_MAX,
                       AMT_SESSIONS_DEFAULT_SESSION_DURATION,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROLE_DURATION] =
    g_param_spec_uint ("role-duration", NULL, NULL,
                       AMT_SESSION_DURATION_MIN, AMT_ROLE_DURATION_MAX,
                       AMT_SESSIONS_DEFAULT_ROLE_DURATION,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * AmtSessions:load-error:
   *
   * Why the AWS files could not be read, as a sentence for the user; the profiles then keep
   * what they were.
   */
  properties[PROP_LOAD_ERROR] =
    g_param_spec_string ("load-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmtSessions::changed:
   *
   * A profile was added or removed, its state changed, or the time shown as left did.
   */
  amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * AmtSessions::expiry-near:
   * @profile: the profile whose session is within the lead time of its expiry
   */
  amt_sessions_signals[AMT_SESSIONS_SIGNAL_EXPIRY_NEAR] =
    g_signal_new ("expiry-near",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, AMT_TYPE_PROFILE);

  /**
   * AmtSessions::expired:
   * @profile: the profile whose live session just ended
   */
  amt_sessions_signals[AMT_SESSIONS_SIGNAL_EXPIRED] =
    g_signal_new ("expired",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, AMT_TYPE_PROFILE);

  /**
   * AmtSessions::login-requested:
   * @login: a login that needs codes from the user
   *
   * Someone (the command line, over D-Bus) asked for a login. A handler that will ask the user
   * for the codes returns %TRUE.
   */
  amt_sessions_signals[AMT_SESSIONS_SIGNAL_LOGIN_REQUESTED] =
    g_signal_new ("login-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, AMT_TYPE_LOGIN);
}

static void
clock_resumed_cb (AmtSessions *self,
                  AmtClock    *clock)
{
  g_debug ("Woken from sleep: recomputing the states");
  amt_sessions_update_states (self);
  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);
}

static void
profile_notify_cb (AmtSessions *self,
                   GParamSpec  *pspec,
                   AmtProfile  *profile)
{
  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);
}

/* A profile's state, expiry or error changing is a change of the model, whoever made it. */
static void
profiles_changed_cb (AmtSessions *self,
                     guint        position,
                     guint        removed,
                     guint        added,
                     GListModel  *profiles)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);

      g_signal_connect_object (profile, "notify::state", G_CALLBACK (profile_notify_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (profile, "notify::expiration", G_CALLBACK (profile_notify_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (profile, "notify::error", G_CALLBACK (profile_notify_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

static void
amt_sessions_init (AmtSessions *self)
{
  self->profiles = g_list_store_new (AMT_TYPE_PROFILE);
  self->candidates = g_list_store_new (AMT_TYPE_PROFILE);
  g_signal_connect_object (self->profiles, "items-changed", G_CALLBACK (profiles_changed_cb),
                           self, G_CONNECT_SWAPPED);
  self->lead_time = AMT_SESSIONS_DEFAULT_LEAD_TIME;
  self->session_duration = AMT_SESSIONS_DEFAULT_SESSION_DURATION;
  self->role_duration = AMT_SESSIONS_DEFAULT_ROLE_DURATION;
  self->login_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) amt_failure_free);
  self->known_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->active_logins = g_ptr_array_new ();
}

AmtSessions *
amt_sessions_new (void)
{
  g_autoptr(AmtClock) clock = amt_system_clock_new (FALSE);

  return amt_sessions_new_with_clock (clock);
}

/**
 * amt_sessions_new_with_clock:
 * @clock: the clock deadlines are measured on (a fake one in tests)
 */
AmtSessions *
amt_sessions_new_with_clock (AmtClock *clock)
{
  g_autoptr(AmtCodeLedger) ledger = NULL;
  AmtSessions *self;

  g_return_val_if_fail (AMT_IS_CLOCK (clock), NULL);

  self = g_object_new (AMT_TYPE_SESSIONS, NULL);
  self->clock = g_object_ref (clock);
  ledger = amt_code_ledger_new (clock);
  self->clients = amt_client_pool_new (NULL, NULL, ledger);
  self->resumed_id = g_signal_connect_object (clock, "resumed",
                                              G_CALLBACK (clock_resumed_cb),
                                              self, G_CONNECT_SWAPPED);
  return self;
}

AmtClock *
amt_sessions_get_clock (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return self->clock;
}

/* Settings */

#define DEFINE_UINT_PROPERTY(name, field, prop)                                   \
guint                                                                             \
amt_sessions_get_##name (AmtSessions *self)                                       \
{                                                                                 \
  g_return_val_if_fail (AMT_IS_SESSIONS (self), 0);                               \
  return self->field;                                                             \
}                                                                                 \
                                                                                  \
void                                                                              \
amt_sessions_set_##name (AmtSessions *self,                                       \
                         guint        seconds)                                    \
{                                                                                 \
  GParamSpecUInt *pspec;                                                          \
                                                                                  \
  g_return_if_fail (AMT_IS_SESSIONS (self));                                      \
                                                                                  \
  pspec = G_PARAM_SPEC_UINT (properties[prop]);                                   \
  seconds = CLAMP (seconds, pspec->minimum, pspec->maximum);                      \
  if (self->field == seconds)                                                     \
    return;                                                                       \
  self->field = seconds;                                                          \
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                   \
  if (prop == PROP_LEAD_TIME)                                                     \
    amt_sessions_update_states (self);                                            \
}

DEFINE_UINT_PROPERTY (lead_time, lead_time, PROP_LEAD_TIME)
DEFINE_UINT_PROPERTY (session_duration, session_duration, PROP_SESSION_DURATION)
DEFINE_UINT_PROPERTY (role_duration, role_duration, PROP_ROLE_DURATION)

static void
settings_changed_cb (AmtSessions *self,
                     const char  *key,
                     GSettings   *settings)
{
  if (g_str_equal (key, "lead-time-minutes"))
    amt_sessions_set_lead_time (self, g_settings_get_uint (settings, key) * 60);
  else if (g_str_equal (key, "session-duration-seconds"))
    amt_sessions_set_session_duration (self, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "role-duration-seconds"))
    amt_sessions_set_role_duration (self, g_settings_get_uint (settings, key));
}

/**
 * amt_sessions_bind_settings:
 * @settings: the application's settings (lead-time-minutes, session-duration-seconds,
 *   role-duration-seconds)
 */
void
amt_sessions_bind_settings (AmtSessions *self,
                            GSettings   *settings)
{
  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb),
                           self, G_CONNECT_SWAPPED);
  settings_changed_cb (self, "lead-time-minutes", settings);
  settings_changed_cb (self, "session-duration-seconds", settings);
  settings_changed_cb (self, "role-duration-seconds", settings);
}

/* Reading the files */

/**
 * amt_sessions_get_load_error:
 *
 * Returns: (nullable): why the AWS files could not be read the last time
 */
const char *
amt_sessions_get_load_error (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return self->load_error;
}

/**
 * amt_sessions_get_aws_config:
 *
 * Returns: (transfer none) (nullable): the AWS files as last read
 */
AmtAwsConfig *
amt_sessions_get_aws_config (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return self->aws_config;
}

static void
set_load_error (AmtSessions *self,
                const char  *message)
{
  if (g_strcmp0 (self->load_error, message) == 0)
    return;

  g_free (self->load_error);
  self->load_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOAD_ERROR]);
}

static void
replace_profiles (AmtSessions *self,
                  GPtrArray   *discovered)
{
  GListModel *model = G_LIST_MODEL (self->profiles);
  g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_items = g_list_model_get_n_items (model);
  gboolean same = n_items == discovered->len;

  for (guint i = 0; i < discovered->len; i++)
    {
      AmtProfile *found = g_ptr_array_index (discovered, i);
      AmtProfile *current = amt_sessions_lookup_profile (self, amt_profile_get_name (found));

      /* A profile whose configuration did not change stays the same object, so that rows and
       * logins holding it carry on. */
      if (current != NULL &&
          amt_profile_config_equal (amt_profile_get_config (current), amt_profile_get_config (found)))
        g_ptr_array_add (next, g_object_ref (current));
      else
        g_ptr_array_add (next, g_object_ref (found));

      if (same)
        {
          g_autoptr(AmtProfile) at = g_list_model_get_item (model, i);

          same = at == g_ptr_array_index (next, i);
        }
    }

  if (!same)
    g_list_store_splice (self->profiles, 0, n_items, next->pdata, next->len);
}

/* Failures that another process (a CLI login, or this one before a restart) recorded. The
 * file holds every failure this process records too, so what it says for a profile is the
 * newest; one only this process knows (a name the file cannot hold) stays. */
static void
merge_recorded_failures (AmtSessions *self)
{
  g_autoptr(GHashTable) recorded = amt_failure_state_load (amt_cred_store_get_path (self->cred_store));
  GHashTableIter iter;
  gpointer name, failure;

  g_hash_table_iter_init (&iter, recorded);
  while (g_hash_table_iter_next (&iter, &name, &failure))
    {
      /* Both are ours once stolen. */
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (self->login_errors, name, failure);
    }
}

/**
 * amt_sessions_load:
 *
 * (Re-)reads the AWS files ($AWS_CONFIG_FILE, $AWS_SHARED_CREDENTIALS_FILE, or ~/.aws), finds
 * the managed profiles and computes their states. When a file cannot be read, the profiles
 * keep what they were and AmtSessions:load-error says why.
 *
 * Returns: %FALSE when a file could not be read
 */
gboolean
amt_sessions_load (AmtSessions  *self,
                   GError      **error)
{
  g_autoptr(AmtAwsConfig) config = NULL;
  g_autoptr(GPtrArray) discovered = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  /* Inside Flatpak a file the sandbox hides would read as empty: "no profiles", no reason. */
  if (amt_sandbox_check_aws_files (&local_error))
    config = amt_aws_config_load (&local_error);
  if (config == NULL)
    {
      g_debug ("Could not read the AWS files: %s", local_error->message);
      set_load_error (self, local_error->message);
      g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (self->cred_store == NULL ||
      g_strcmp0 (amt_cred_store_get_path (self->cred_store),
                 amt_aws_config_get_credentials_path (config)) != 0)
    {
      g_clear_object (&self->cred_store);
      self->cred_store = amt_cred_store_new (amt_aws_config_get_credentials_path (config));
    }
  /* What the file holds whole, so that a write can tell when another program is rewriting it. */
  amt_cred_store_remember_contents (self->cred_store);
  merge_recorded_failures (self);

  g_clear_pointer (&self->aws_config, amt_aws_config_unref);
  self->aws_config = g_steal_pointer (&config);
  set_load_error (self, NULL);

  discovered = amt_discover_profiles (self->aws_config);
  candidates = amt_discover_candidates (self->aws_config, discovered);
  g_list_store_splice (self->candidates, 0, g_list_model_get_n_items (G_LIST_MODEL (self->candidates)),
                       candidates->pdata, candidates->len);
  replace_profiles (self, discovered);
  amt_sessions_update_states (self);
  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);

  if (self->watching)
    amt_sessions_setup_monitors (self);

  return TRUE;
}

static void
reload_cb (gpointer user_data)
{
  AmtSessions *self = user_data;

  self->reload_id = 0;
  amt_sessions_load (self, NULL);
}

static void
schedule_reload (AmtSessions *self,
                 guint        delay_ms)
{
  if (self->reload_id != 0)
    return;

  self->reload_id = g_timeout_add_once (delay_ms, reload_cb, self);
}

static void
files_changed_cb (AmtSessions *self)
{
  /* A write is several events (and `aws configure set` several writes): one re-read. */
  schedule_reload (self, RELOAD_DELAY_MS);
}

static void
amt_sessions_setup_monitors (AmtSessions *self)
{
  g_autofree char *config_path = NULL;
  g_autofree char *credentials_path = NULL;
  g_autofree char *failures_path = amt_failure_state_dup_path ();
  const char *paths[4];

  if (self->aws_config != NULL)
    {
      config_path = g_strdup (amt_aws_config_get_config_path (self->aws_config));
      credentials_path = g_strdup (amt_aws_config_get_credentials_path (self->aws_config));
    }
  else
    {
      config_path = amt_aws_config_dup_config_path ();
      credentials_path = amt_aws_config_dup_credentials_path ();
    }
  paths[0] = config_path;
  paths[1] = credentials_path;
  /* A login of another process (the command line) that failed may have left the AWS files
   * as they were: its failure reaches the window through this file. */
  paths[2] = failures_path;
  paths[3] = NULL;

  if (self->watch == NULL)
    {
      self->watch = amt_file_watch_new ();
      g_signal_connect_object (self->watch, "changed", G_CALLBACK (files_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  amt_file_watch_set_paths (self->watch, paths);
}

/**
 * amt_sessions_watch_files:
 *
 * From now on, the AWS files are re-read when they change on disk (by us, or by any other
 * tool), and the states follow.
 */
void
amt_sessions_watch_files (AmtSessions *self)
{
  g_return_if_fail (AMT_IS_SESSIONS (self));

  self->watching = TRUE;
  amt_sessions_setup_monitors (self);
}

/* Profiles */

/**
 * amt_sessions_get_profiles:
 *
 * Returns: (transfer none): a #GListModel of #AmtProfile, in the order of the files
 */
GListModel *
amt_sessions_get_profiles (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return G_LIST_MODEL (self->profiles);
}

static gboolean
amt_sessions_find_profile (AmtSessions *self,
                           const char  *name,
                           gboolean     or_target,
                           guint       *position)
{
  GListModel *model = G_LIST_MODEL (self->profiles);
  guint n_items = g_list_model_get_n_items (model);

  for (guint pass = 0; pass < (or_target ? 2 : 1); pass++)
    for (guint i = 0; i < n_items; i++)
      {
        g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);
        const char *candidate = pass == 0 ? amt_profile_get_name (profile)
                                          : amt_profile_get_target (profile);

        if (g_strcmp0 (candidate, name) == 0)
          {
            *position = i;
            return TRUE;
          }
      }

  return FALSE;
}

/**
 * amt_sessions_add_profile:
 *
 * Adds a profile by hand, outside the files (tests, and the applet before the files are read).
 */
void
amt_sessions_add_profile (AmtSessions *self,
                          AmtProfile  *profile)
{
  guint position;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));
  g_return_if_fail (!amt_sessions_find_profile (self, amt_profile_get_name (profile), FALSE, &position));

  g_list_store_append (self->profiles, profile);
  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);
}

gboolean
amt_sessions_remove_profile (AmtSessions *self,
                             const char  *name)
{
  guint position;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!amt_sessions_find_profile (self, name, FALSE, &position))
    return FALSE;

  g_list_store_remove (self->profiles, position);
  g_signal_emit (self, amt_sessions_signals[AMT_SESSIONS_SIGNAL_CHANGED], 0);

  return TRUE;
}

/**
 * amt_sessions_lookup_profile:
 * @name: a managed profile's name, or the name of the section its session is written to
 *
 * Returns: (transfer none) (nullable): the profile
 */
AmtProfile *
amt_sessions_lookup_profile (AmtSessions *self,
                             const char  *name)
{
  g_autoptr(AmtProfile) profile = NULL;
  guint position;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!amt_sessions_find_profile (self, name, TRUE, &position))
    return NULL;

  /* The store keeps its own reference for as long as the profile is listed. */
  profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), position);
  return profile;
}

/**
 * amt_sessions_get_candidates:
 *
 * Returns: (transfer none): a #GListModel of #AmtProfile: the profiles with long-term keys and
 *   no MFA device yet (amt_discover_candidates()), which amt_sessions_find_mfa_devices_async()
 *   and amt_sessions_save_mfa_device() turn into managed ones
 */
GListModel *
amt_sessions_get_candidates (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return G_LIST_MODEL (self->candidates);
}

/**
 * amt_sessions_lookup_candidate:
 * @name: a profile name
 *
 * Returns: (transfer none) (nullable): the candidate called @name
 */
AmtProfile *
amt_sessions_lookup_candidate (AmtSessions *self,
                               const char  *name)
{
  GListModel *model;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  model = G_LIST_MODEL (self->candidates);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);

      /* The store keeps its own reference for as long as the profile is listed. */
      if (g_str_equal (amt_profile_get_name (profile), name))
        return profile;
    }

  return NULL;
}

