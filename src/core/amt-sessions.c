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
#include "amt-sessions.h"

#define RELOAD_DELAY_MS         250
#define MINUTE_USEC             (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)


struct _AmtSessions
{
  GObject        parent_instance;

  AmtClock      *clock;
  GListStore    *profiles;
  GListStore    *candidates;  /* of AmtProfile: long-term keys, no MFA device yet */
  AmtAwsConfig  *aws_config;
  AmtCredStore  *cred_store;
  AmtKeySource  *keyring;      /* made when a profile's keys are first looked up there */
  char          *load_error;

  guint          lead_time;
  guint          session_duration;
  guint          role_duration;

  guint          deadline_id;
  gulong         resumed_id;
  guint          reload_id;

  AmtClientPool *clients;        /* with the ledger of codes sent, on our clock */
  GHashTable    *login_errors;   /* profile name → AmtFailure, as amt-failure-state.c keeps them */
  GHashTable    *known_states;   /* profile name → AmtSessionState + 1 */
  GPtrArray     *active_logins;  /* AmtLogin, not owned: each removes itself */

  gboolean       watching;
  AmtFileWatch  *watch;
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (AmtSessions, amt_sessions, G_TYPE_OBJECT)

static AmtLogin *start_login (AmtSessions *self,
                              const char  *serial,
                              GPtrArray   *group);

enum {
  PROP_0,
  PROP_LEAD_TIME,
  PROP_SESSION_DURATION,
  PROP_ROLE_DURATION,
  PROP_LOAD_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  EXPIRY_NEAR,
  EXPIRED,
  LOGIN_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void amt_sessions_schedule_deadline (AmtSessions *self);
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
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * AmtSessions::expiry-near:
   * @profile: the profile whose session is within the lead time of its expiry
   */
  signals[EXPIRY_NEAR] =
    g_signal_new ("expiry-near",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, AMT_TYPE_PROFILE);

  /**
   * AmtSessions::expired:
   * @profile: the profile whose live session just ended
   */
  signals[EXPIRED] =
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
  signals[LOGIN_REQUESTED] =
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
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
profile_notify_cb (AmtSessions *self,
                   GParamSpec  *pspec,
                   AmtProfile  *profile)
{
  g_signal_emit (self, signals[CHANGED], 0);
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
      g_signal_emit (self, signals[CHANGED], 0);
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
  g_signal_emit (self, signals[CHANGED], 0);

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
  g_signal_emit (self, signals[CHANGED], 0);
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
  g_signal_emit (self, signals[CHANGED], 0);

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
    g_signal_emit (self, signals[CHANGED], 0);
  for (guint i = 0; i < near->len; i++)
    g_signal_emit (self, signals[EXPIRY_NEAR], 0, g_ptr_array_index (near, i));
  for (guint i = 0; i < expired->len; i++)
    g_signal_emit (self, signals[EXPIRED], 0, g_ptr_array_index (expired, i));
}

static void
deadline_cb (gpointer user_data)
{
  AmtSessions *self = user_data;

  self->deadline_id = 0;
  amt_sessions_update_states (self);
  /* At least the minutes shown as left have changed. */
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
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

/* Logins */

/**
 * amt_sessions_get_active_login:
 *
 * Returns: (transfer none) (nullable): the login under way for @profile's device
 */
AmtLogin *
amt_sessions_get_active_login (AmtSessions *self,
                               AmtProfile  *profile)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);

  for (guint i = 0; i < self->active_logins->len; i++)
    {
      AmtLogin *login = g_ptr_array_index (self->active_logins, i);
      GPtrArray *items = amt_login_get_items (login);

      for (guint j = 0; j < items->len; j++)
        if (((AmtLoginItem *) g_ptr_array_index (items, j))->profile == profile)
          return login;
    }

  return NULL;
}

/**
 * amt_sessions_create_login:
 * @profile: a managed profile's name (or its target's)
 *
 * Returns: (transfer full): the login of @profile's MFA device, refreshing every profile that
 *   shares it; the one under way if there is one
 */
AmtLogin *
amt_sessions_create_login (AmtSessions  *self,
                           const char   *name,
                           GError      **error)
{
  g_autoptr(GPtrArray) group = NULL;
  AmtProfile *profile;
  AmtLogin *login;
  const char *serial;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  profile = amt_sessions_lookup_profile (self, name);
  if (profile == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no MFA profile called “%s”: “aws-mfa-tray status” lists them."), name);
      return NULL;
    }

  if (amt_profile_get_config (profile)->problem != NULL)
    {
      g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE,
                           amt_profile_get_config (profile)->problem);
      return NULL;
    }

  serial = amt_profile_get_mfa_serial (profile);
  if (serial == NULL)
    {
      g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_MFA_DEVICE,
                   _("No MFA device is set for %s: find it in the Sessions window, or set mfa_serial (or aws_mfa_device in [%s-long-term])."),
                   name, name);
      return NULL;
    }

  login = amt_sessions_get_active_login (self, profile);
  if (login != NULL)
    return g_object_ref (login);

  group = amt_sessions_get_group (self, profile);
  login = start_login (self, serial, group);

  return login;
}

static void
requested_login_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The outcome is on the login (amt_login_get_result()) and on the profiles. */
  if (!amt_login_run_mfa_process_finish (AMT_LOGIN (source), result, &error))
    {
      g_debug ("mfa_process login failed: %s", error->message);
      amt_login_cancel (AMT_LOGIN (source));
    }
}

/**
 * amt_sessions_request_login:
 * @name: a managed profile's name
 *
 * Starts a login that gets its codes by itself: from the profile's mfa_process, or from the
 * user through a handler of AmtSessions::login-requested (the applet's dialog). Wait for
 * AmtLogin::finished.
 *
 * Returns: (transfer full): the login, or %NULL when there is no way to get a code
 */
AmtLogin *
amt_sessions_request_login (AmtSessions  *self,
                            const char   *name,
                            GError      **error)
{
  g_autoptr(AmtLogin) login = NULL;
  gboolean handled = FALSE;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  login = amt_sessions_create_login (self, name, error);
  if (login == NULL)
    return NULL;

  if (amt_login_is_busy (login))
    return g_steal_pointer (&login);

  if (amt_login_get_has_mfa_process (login))
    {
      amt_login_run_mfa_process_async (login, NULL, requested_login_done_cb, NULL);
      return g_steal_pointer (&login);
    }

  g_signal_emit (self, signals[LOGIN_REQUESTED], 0, login, &handled);
  if (!handled)
    {
      g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                           _("Nothing here can ask for the MFA code: give it with --code-stdin, or set mfa_process."));
      amt_login_cancel (login);
      return NULL;
    }

  return g_steal_pointer (&login);
}

/* The logins' reports */

static AmtCredStore *
get_cred_store (AmtSessions *self)
{
  if (self->cred_store == NULL)
    {
      g_autofree char *path = amt_aws_config_dup_credentials_path ();

      self->cred_store = amt_cred_store_new (path);
    }

  return self->cred_store;
}

static AmtKeySource *
get_keyring (AmtSessions *self)
{
  if (self->keyring == NULL)
    self->keyring = AMT_KEY_SOURCE (amt_keyring_keys_new ());

  return self->keyring;
}

static void
login_profile_refreshed_cb (AmtLogin    *login,
                            AmtProfile  *profile,
                            GDateTime   *expiration,
                            AmtSessions *self)
{
  g_hash_table_remove (self->login_errors, amt_profile_get_name (profile));
  if (self->cred_store != NULL)
    amt_failure_state_forget (amt_cred_store_get_path (self->cred_store), amt_profile_get_name (profile));

  /* Shown at once; the files say the same once the login's step is written
   * (login_step_written_cb). */
  amt_profile_set_error (profile, NULL);
  amt_profile_set_expiration (profile, expiration);
}

/* The writes of a login's step are done: one re-read for them all, before the login says it
 * has finished, so that the states are those of the files by then. */
static void
login_step_written_cb (AmtLogin    *login,
                       AmtSessions *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  amt_sessions_load (self, NULL);
}

static void
login_profile_failed_cb (AmtLogin    *login,
                         AmtProfile  *profile,
                         const char  *message,
                         AmtSessions *self)
{
  GDateTime *expiration = amt_profile_get_expiration (profile);
  AmtFailure *error = amt_failure_new (message, expiration != NULL ? g_date_time_to_unix (expiration) * G_USEC_PER_SEC : 0);

  /* Kept on disk too: `status` in another process, and the applet started again, tell it. */
  if (self->cred_store != NULL)
    amt_failure_state_record (amt_cred_store_get_path (self->cred_store), amt_profile_get_name (profile), error);
  g_hash_table_replace (self->login_errors, g_strdup (amt_profile_get_name (profile)), error);
  amt_sessions_update_states (self);
}

/* A login is active until it finishes, or until its last reference goes. */
static void
login_gone_cb (gpointer  data,
               GObject  *where_the_login_was)
{
  AmtSessions *self = data;

  g_ptr_array_remove (self->active_logins, where_the_login_was);
}

static void
login_finished_cb (AmtLogin    *login,
                   AmtSessions *self)
{
  if (g_ptr_array_remove (self->active_logins, login))
    g_object_weak_unref (G_OBJECT (login), login_gone_cb, self);
}

static AmtLogin *
start_login (AmtSessions *self,
             const char  *serial,
             GPtrArray   *group)
{
  AmtLoginServices services = {
    .clients = self->clients,
    .store = get_cred_store (self),
    .files = self->aws_config,
    .keyring = get_keyring (self),
    .session_duration = self->session_duration,
    .role_duration = self->role_duration,
  };
  AmtLogin *login = amt_login_new (&services, serial, group);

  g_signal_connect_object (login, "profile-refreshed", G_CALLBACK (login_profile_refreshed_cb), self, 0);
  g_signal_connect_object (login, "step-written", G_CALLBACK (login_step_written_cb), self, 0);
  g_signal_connect_object (login, "profile-failed", G_CALLBACK (login_profile_failed_cb), self, 0);
  g_signal_connect_object (login, "finished", G_CALLBACK (login_finished_cb), self, 0);
  g_object_weak_ref (G_OBJECT (login), login_gone_cb, self);
  g_ptr_array_add (self->active_logins, login);

  return login;
}

/* MFA devices and profiles made in the window */

static void
found_devices_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GStrv serials = amt_find_mfa_devices_finish (result, &error);

  if (serials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, serials, (GDestroyNotify) g_strfreev);
}

/**
 * amt_sessions_find_mfa_devices_async:
 * @profile: a profile with long-term keys
 *
 * Asks AWS which MFA devices the IAM user of @profile's keys has (amt-device-finder.c), with
 * the files and the clients of this model.
 */
void
amt_sessions_find_mfa_devices_async (AmtSessions         *self,
                                     AmtProfile          *profile,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_find_mfa_devices_async);
  amt_find_mfa_devices_async (self->clients, self->aws_config, get_keyring (self), profile,
                              cancellable, found_devices_cb, g_steal_pointer (&task));
}

/**
 * amt_sessions_find_mfa_devices_finish:
 *
 * Returns: (transfer full): the serial numbers (ARNs) of the devices, at least one
 */
GStrv
amt_sessions_find_mfa_devices_finish (AmtSessions   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Profiles made and changed in the window (amt-profile-editor.c) */

/* The files changed: the profiles follow at once. */
static gboolean
apply_edit (AmtSessions     *self,
            AmtProfileEdit  *edit,
            GError         **error)
{
  if (edit == NULL || !amt_profile_edit_apply (edit, error))
    return FALSE;

  amt_sessions_load (self, NULL);
  return TRUE;
}

/**
 * amt_sessions_save_mfa_device:
 * @serial: the device's serial number (ARN), as found by amt_sessions_find_mfa_devices_async()
 *
 * Writes the device where AWS tools and aws-mfa read it, here and now (the command line; the
 * window applies an amt_profile_edit_save_mfa_device() with amt_sessions_apply_edit_async()).
 */
gboolean
amt_sessions_save_mfa_device (AmtSessions  *self,
                              AmtProfile   *profile,
                              const char   *serial,
                              GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_save_mfa_device (self->aws_config, get_cred_store (self), profile, serial);
  return apply_edit (self, edit, error);
}

/* Here and now: see amt_profile_edit_save_new(). */
gboolean
amt_sessions_save_new_profile (AmtSessions  *self,
                               const char   *name,
                               const char   *access_key_id,
                               const char   *secret_access_key,
                               const char   *mfa_serial,
                               const char   *region,
                               GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_save_new (self->aws_config, get_cred_store (self), name, access_key_id,
                                    secret_access_key, mfa_serial, region, error);
  return apply_edit (self, edit, error);
}

typedef struct {
  char *name;
  char *mfa_serial;
  char *region;
} NewProfileData;

static void
new_profile_data_free (NewProfileData *data)
{
  g_free (data->name);
  g_free (data->mfa_serial);
  g_free (data->region);
  g_free (data);
}

static void
keyring_marks_written_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean saved = amt_profile_edit_apply_finish (result, &error);

  amt_sessions_load (self, NULL);
  if (saved)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
new_keys_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  NewProfileData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!amt_key_source_store_finish (AMT_KEY_SOURCE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  amt_profile_edit_apply_async (amt_profile_edit_mark_keys_in_keyring (self->aws_config,
                                                                       get_cred_store (self),
                                                                       data->name,
                                                                       data->mfa_serial,
                                                                       data->region),
                                NULL, keyring_marks_written_cb, g_steal_pointer (&task));
}

/**
 * amt_sessions_save_new_profile_in_keyring_async:
 *
 * As amt_sessions_save_new_profile(), with the long-term keys in the keyring instead of the
 * file: stored there first, then the files are marked on a worker
 * (amt_profile_edit_mark_keys_in_keyring()). No key reaches the disk.
 */
void
amt_sessions_save_new_profile_in_keyring_async (AmtSessions         *self,
                                                const char          *name,
                                                const char          *access_key_id,
                                                const char          *secret_access_key,
                                                const char          *mfa_serial,
                                                const char          *region,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AmtAwsCredentials) keys = NULL;
  g_autofree char *long_term = NULL;
  NewProfileData *data;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_save_new_profile_in_keyring_async);

  if (!amt_profile_edit_check_new (self->aws_config, name, access_key_id, secret_access_key, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (NewProfileData, 1);
  data->name = g_strdup (name);
  data->mfa_serial = g_strdup (mfa_serial);
  data->region = g_strdup (region);
  g_task_set_task_data (task, data, (GDestroyNotify) new_profile_data_free);

  long_term = amt_aws_config_dup_long_term_name (name);
  keys = amt_aws_credentials_new (access_key_id, secret_access_key, NULL);
  amt_key_source_store_async (get_keyring (self), long_term, keys, cancellable,
                              new_keys_stored_cb, g_steal_pointer (&task));
}

gboolean
amt_sessions_save_new_profile_in_keyring_finish (AmtSessions   *self,
                                                 GAsyncResult  *result,
                                                 GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Here and now: see amt_profile_edit_update(). */
gboolean
amt_sessions_update_profile (AmtSessions  *self,
                             AmtProfile   *profile,
                             const char   *access_key_id,
                             const char   *secret_access_key,
                             const char   *mfa_serial,
                             const char   *region,
                             GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_update (self->aws_config, get_cred_store (self), profile, access_key_id,
                                  secret_access_key, mfa_serial, region, error);
  return apply_edit (self, edit, error);
}

/* Here and now: see amt_profile_edit_forget(). */
gboolean
amt_sessions_forget_profile (AmtSessions  *self,
                             AmtProfile   *profile,
                             GError      **error)
{
  g_autoptr(AmtProfileEdit) edit = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  edit = amt_profile_edit_forget (self->aws_config, get_cred_store (self), get_keyring (self), profile);
  return apply_edit (self, edit, error);
}

/**
 * amt_sessions_get_cred_store:
 *
 * Returns: (transfer none): the store of the credentials file the profiles are read from
 */
AmtCredStore *
amt_sessions_get_cred_store (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return get_cred_store (self);
}

/**
 * amt_sessions_get_keyring:
 *
 * Returns: (transfer none): where the keys the files mark as in the keyring are
 */
AmtKeySource *
amt_sessions_get_keyring (AmtSessions *self)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);

  return get_keyring (self);
}

static void
edit_applied_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!amt_profile_edit_apply_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  amt_sessions_load (self, NULL);
  g_task_return_boolean (task, TRUE);
}

/**
 * amt_sessions_apply_edit_async:
 * @edit: (transfer full): writes planned from amt_sessions_get_aws_config() and
 *   amt_sessions_get_cred_store()
 *
 * Makes the writes on a worker thread (never synced on the main thread), then re-reads the
 * files, so that the profiles are the files' when it finishes.
 */
void
amt_sessions_apply_edit_async (AmtSessions         *self,
                               AmtProfileEdit      *edit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (edit != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_apply_edit_async);
  amt_profile_edit_apply_async (edit, cancellable, edit_applied_cb, g_steal_pointer (&task));
}

gboolean
amt_sessions_apply_edit_finish (AmtSessions   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Where long-term keys live */

/**
 * amt_sessions_get_key_place:
 * @profile: a managed profile
 *
 * Returns: where the long-term keys @profile logs in with are kept
 */
AmtKeyPlace
amt_sessions_get_key_place (AmtSessions *self,
                            AmtProfile  *profile)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), AMT_KEY_PLACE_FILE);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), AMT_KEY_PLACE_FILE);

  if (self->aws_config == NULL)
    return AMT_KEY_PLACE_FILE;

  return amt_key_place_of (self->aws_config, amt_profile_get_config (profile)->source_profile);
}

static void
keys_moved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean moved = amt_key_move_finish (result, &error);

  /* Whatever step it ended at, the files may have changed. */
  amt_sessions_load (self, NULL);
  if (moved)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * amt_sessions_move_keys_async:
 * @profile: a managed profile
 * @to: where its long-term keys go
 *
 * Moves the long-term keys @profile logs in with (its [NAME-long-term], its source_profile's,
 * or its own) into the keyring or back to the credentials file (amt-key-move.c), then re-reads
 * the files.
 */
void
amt_sessions_move_keys_async (AmtSessions         *self,
                              AmtProfile          *profile,
                              AmtKeyPlace          to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  AmtProfile *current;
  const char *holder;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_move_keys_async);

  /* The files as they are now: the move edits them. */
  name = g_strdup (amt_profile_get_name (profile));
  if (!amt_sessions_load (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  current = amt_sessions_lookup_profile (self, name);
  holder = current != NULL ? amt_profile_get_config (current)->source_profile : NULL;
  if (holder == NULL)
    {
      g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE,
                               _("The profile %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                               name);
      return;
    }

  amt_key_move_async (self->aws_config, holder, to, get_keyring (self), cancellable,
                      keys_moved_cb, g_steal_pointer (&task));
}

gboolean
amt_sessions_move_keys_finish (AmtSessions   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
