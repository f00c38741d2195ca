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

#include "amt-discovery.h"
#include "amt-failure-state.h"
#include "amt-file-keys.h"
#include "amt-key-move.h"
#include "amt-keyring-keys.h"
#include "amt-sandbox.h"
#include "amt-sessions-private.h"

#define RELOAD_DELAY_MS         250
#define MINUTE_USEC             (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
/* How long a code sent for a device is refused here; a TOTP code lives ~90 s at most. */
#define SENT_CODE_MEMORY_USEC   (10 * MINUTE_USEC)


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

  GHashTable    *clients;        /* "region\nendpoint\nca" → AmtAwsClient */
  GHashTable    *sent_codes;     /* "serial\ncode" → gint64 wall time */
  GHashTable    *login_errors;   /* profile name → AmtFailure, as amt-failure-state.c keeps them */
  GHashTable    *known_states;   /* profile name → AmtSessionState + 1 */
  GPtrArray     *active_logins;  /* AmtLogin, not owned: each removes itself */

  gboolean       watching;
  GPtrArray     *monitors;       /* GFileMonitor */
  GPtrArray     *watched_paths;  /* what each monitor watches */
  GSettings     *settings;
};

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

/* Formatting */

/**
 * amt_format_profile_names:
 * @profiles: (element-type AmtProfile): one MFA device's profiles, say
 * @max_named: how many to name before "and N more"
 *
 * Returns: (transfer full): "dev, prod, admin and 26 more", or all of them when they are no
 *   more than @max_named: what a menu entry or a notification can hold
 */
char *
amt_format_profile_names (GPtrArray *profiles,
                          guint      max_named)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint named = MIN (profiles->len, max_named);

  for (guint i = 0; i < named; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, amt_profile_get_name (g_ptr_array_index (profiles, i)));
    }

  if (profiles->len > named)
    /* Translators: profiles named in a menu or a notification, "dev, prod, admin and 26 more" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more", "%s and %u more",
                                         profiles->len - named),
                            names->str, profiles->len - named);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/**
 * amt_format_duration:
 * @seconds: a duration
 *
 * Returns: (transfer full): "3 h 12 min", "12 h", "8 min", "less than a minute"
 */
char *
amt_format_duration (gint64 seconds)
{
  gint64 minutes = seconds / 60;
  gint64 hours = minutes / 60;

  minutes %= 60;
  if (hours > 0 && minutes > 0)
    /* Translators: hours and minutes, "3 h 12 min" */
    return g_strdup_printf (_("%d h %d min"), (int) hours, (int) minutes);
  if (hours > 0)
    /* Translators: hours, "12 h" */
    return g_strdup_printf (_("%d h"), (int) MIN (hours, G_MAXINT));
  if (minutes > 0)
    /* Translators: minutes, "8 min" */
    return g_strdup_printf (_("%d min"), (int) minutes);
  return g_strdup (_("less than a minute"));
}

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
  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_pointer (&self->watched_paths, g_ptr_array_unref);
  g_clear_object (&self->profiles);
  g_clear_object (&self->candidates);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->clients, g_hash_table_unref);

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
  g_hash_table_unref (self->sent_codes);
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
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->sent_codes = g_hash_table_new_full (g_str_hash, g_str_equal,
                                            (GDestroyNotify) amt_secret_free, g_free);
  self->login_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) amt_failure_free);
  self->known_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->active_logins = g_ptr_array_new ();
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched_paths = g_ptr_array_new_with_free_func (g_free);
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
  AmtSessions *self;

  g_return_val_if_fail (AMT_IS_CLOCK (clock), NULL);

  self = g_object_new (AMT_TYPE_SESSIONS, NULL);
  self->clock = g_object_ref (clock);
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
file_changed_cb (AmtSessions       *self,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 GFileMonitor      *monitor)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;

  /* A write is several events (and `aws configure set` several writes): one re-read. */
  schedule_reload (self, RELOAD_DELAY_MS);
}

/* Watches the file when its folder exists, else the nearest folder that does, so that a
 * missing ~/.aws costs nothing (GLib would poll a missing path every few seconds). */
static char *
path_to_watch (const char *path,
               gboolean   *is_file)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      *is_file = TRUE;
      return g_strdup (path);
    }

  *is_file = FALSE;
  while (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      char *parent = g_path_get_dirname (dir);

      if (g_strcmp0 (parent, dir) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (dir);
      dir = parent;
    }

  return g_steal_pointer (&dir);
}

static void
amt_sessions_setup_monitors (AmtSessions *self)
{
  g_autofree char *config_path = NULL;
  g_autofree char *credentials_path = NULL;
  g_autofree char *failures_path = amt_failure_state_dup_path ();
  const char *paths[3];
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) wanted_is_file = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean same;

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

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      gboolean is_file = FALSE;
      char *watch = path_to_watch (paths[i], &is_file);

      if (g_ptr_array_find_with_equal_func (wanted, watch, g_str_equal, NULL))
        {
          g_free (watch);
          continue;
        }
      g_ptr_array_add (wanted, watch);
      g_array_append_val (wanted_is_file, is_file);
    }

  same = wanted->len == self->watched_paths->len;
  for (guint i = 0; same && i < wanted->len; i++)
    same = g_str_equal (g_ptr_array_index (wanted, i), g_ptr_array_index (self->watched_paths, i));
  if (same)
    return;

  g_ptr_array_set_size (self->monitors, 0);
  g_ptr_array_set_size (self->watched_paths, 0);

  for (guint i = 0; i < wanted->len; i++)
    {
      const char *watch = g_ptr_array_index (wanted, i);
      g_autoptr(GFile) file = g_file_new_for_path (watch);
      g_autoptr(GError) error = NULL;
      GFileMonitor *monitor;

      if (g_array_index (wanted_is_file, gboolean, i))
        monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      else
        monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);

      if (monitor == NULL)
        {
          g_debug ("Cannot watch %s: %s", watch, error->message);
          continue;
        }

      g_signal_connect_object (monitor, "changed", G_CALLBACK (file_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->monitors, monitor);
      g_ptr_array_add (self->watched_paths, g_strdup (watch));
    }
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

/* Returns: (nullable): when the session written to @target ends, or NULL for no session */
static GDateTime *
read_session_expiration (AmtSessions *self,
                         const char  *target)
{
  AmtAwsConfig *config = self->aws_config;
  const char *expiration;

  if (config == NULL || target == NULL ||
      !amt_aws_config_is_in_credentials_file (config, target, AMT_AWS_KEY_ACCESS_KEY_ID) ||
      !amt_aws_config_is_in_credentials_file (config, target, AMT_AWS_KEY_SECRET_ACCESS_KEY) ||
      !amt_aws_config_is_in_credentials_file (config, target, AMT_AWS_KEY_SESSION_TOKEN) ||
      !amt_aws_config_is_in_credentials_file (config, target, AMT_AWS_KEY_EXPIRATION))
    return NULL;

  expiration = amt_aws_config_get (config, target, AMT_AWS_KEY_EXPIRATION);
  return amt_credentials_parse_expiration (expiration);
}

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
  GDateTime *expiration;
  gint64 now_minute;
  gint64 end_minute;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), 0);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), 0);

  expiration = amt_profile_get_expiration (profile);
  if (expiration == NULL)
    return 0;

  now_minute = amt_clock_get_now (self->clock) / MINUTE_USEC;
  end_minute = g_date_time_to_unix (expiration) / 60;
  return MAX (0, end_minute - now_minute) * 60;
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
  g_autoptr(GDateTime) expiration = read_session_expiration (self, config->target);
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
  *error_out = NULL;

  if (config->problem != NULL)
    {
      *error_out = config->problem;
      return AMT_SESSION_STATE_ERROR;
    }
  if (login_error != NULL)
    {
      *error_out = login_error->message;
      return AMT_SESSION_STATE_ERROR;
    }
  if (end == 0)
    return AMT_SESSION_STATE_NEVER_LOGGED_IN;
  if (end <= now)
    return AMT_SESSION_STATE_EXPIRED;
  if (end - now <= (gint64) self->lead_time * G_USEC_PER_SEC)
    return AMT_SESSION_STATE_EXPIRING;
  return AMT_SESSION_STATE_VALID;
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
  guint n_items = g_list_model_get_n_items (model);
  gint64 now = amt_clock_get_now (self->clock);
  gint64 next = G_MAXINT64;
  gboolean live = FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (model, i);
      GDateTime *expiration = amt_profile_get_expiration (profile);
      gint64 end;
      gint64 warn;

      if (expiration == NULL)
        continue;

      end = g_date_time_to_unix (expiration) * G_USEC_PER_SEC;
      warn = end - (gint64) self->lead_time * G_USEC_PER_SEC;
      if (now < warn)
        next = MIN (next, warn);
      if (now < end)
        {
          next = MIN (next, end);
          live = TRUE;
        }
    }

  if (live)
    next = MIN (next, (now / MINUTE_USEC + 1) * MINUTE_USEC);

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
  login = _amt_login_new (self, serial, group);
  g_ptr_array_add (self->active_logins, login);

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

/* For the logins (amt-sessions-private.h) */

AmtAwsClient *
_amt_sessions_get_client (AmtSessions *self,
                          AmtProfile  *profile)
{
  const AmtProfileConfig *config = amt_profile_get_config (profile);
  g_autofree char *key = g_strdup_printf ("%s\n%s\n%s",
                                          config->region ? config->region : "",
                                          config->endpoint_url ? config->endpoint_url : "",
                                          config->ca_bundle ? config->ca_bundle : "");
  AmtAwsClient *client = g_hash_table_lookup (self->clients, key);

  if (client == NULL)
    {
      client = amt_aws_client_new (config->region, config->endpoint_url, config->ca_bundle);
      g_hash_table_insert (self->clients, g_steal_pointer (&key), client);
    }

  return client;
}

AmtCredStore *
_amt_sessions_get_cred_store (AmtSessions *self)
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

/* Where @profile's long-term keys are kept: the keyring when its key holder says so
 * (mfa_tray_keys), the AWS files otherwise; @holder is the profile that holds them. */
AmtKeySource *
_amt_sessions_dup_key_source (AmtSessions  *self,
                              AmtProfile   *profile,
                              char        **holder,
                              GError      **error)
{
  const char *source = amt_profile_get_config (profile)->source_profile;

  if (self->aws_config == NULL || source == NULL)
    {
      g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE,
                   _("The profile %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                   source != NULL ? source : amt_profile_get_name (profile));
      return NULL;
    }

  *holder = g_strdup (source);
  if (amt_aws_config_keys_in_keyring (self->aws_config, source))
    return g_object_ref (get_keyring (self));

  return AMT_KEY_SOURCE (amt_file_keys_new (self->aws_config));
}

static void
forget_old_codes (AmtSessions *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = amt_clock_get_now (self->clock);

  g_hash_table_iter_init (&iter, self->sent_codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now - *(gint64 *) value > SENT_CODE_MEMORY_USEC)
      g_hash_table_iter_remove (&iter);
}

gboolean
_amt_sessions_code_was_sent (AmtSessions *self,
                             const char  *serial,
                             const char  *code)
{
  g_autofree char *key = g_strconcat (serial, "\n", code, NULL);
  gboolean sent;

  forget_old_codes (self);
  sent = g_hash_table_contains (self->sent_codes, key);
  amt_secret_free (g_steal_pointer (&key));
  return sent;
}

void
_amt_sessions_remember_code (AmtSessions *self,
                             const char  *serial,
                             const char  *code)
{
  gint64 *when = g_new (gint64, 1);

  *when = amt_clock_get_now (self->clock);
  g_hash_table_replace (self->sent_codes, g_strconcat (serial, "\n", code, NULL), when);
}

void
_amt_sessions_profile_refreshed (AmtSessions *self,
                                 AmtProfile  *profile,
                                 GDateTime   *expiration)
{
  g_hash_table_remove (self->login_errors, amt_profile_get_name (profile));
  if (self->cred_store != NULL)
    amt_failure_state_forget (amt_cred_store_get_path (self->cred_store), amt_profile_get_name (profile));

  /* Shown at once; the files say the same once the login re-reads them
   * (_amt_sessions_reload_written). */
  amt_profile_set_error (profile, NULL);
  amt_profile_set_expiration (profile, expiration);
}

/* The writes of a login's step are done: one re-read for them all, before the login says it
 * has finished, so that the states are those of the files by then. */
void
_amt_sessions_reload_written (AmtSessions *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  amt_sessions_load (self, NULL);
}

void
_amt_sessions_profile_failed (AmtSessions *self,
                              AmtProfile  *profile,
                              const char  *message)
{
  GDateTime *expiration = amt_profile_get_expiration (profile);
  AmtFailure *error = amt_failure_new (message, expiration != NULL ? g_date_time_to_unix (expiration) * G_USEC_PER_SEC : 0);

  /* Kept on disk too: `status` in another process, and the applet started again, tell it. */
  if (self->cred_store != NULL)
    amt_failure_state_record (amt_cred_store_get_path (self->cred_store), amt_profile_get_name (profile), error);
  g_hash_table_replace (self->login_errors, g_strdup (amt_profile_get_name (profile)), error);
  amt_sessions_update_states (self);
}

void
_amt_sessions_login_finished (AmtSessions *self,
                              AmtLogin    *login)
{
  g_ptr_array_remove (self->active_logins, login);
}

/* MFA devices and profiles made in the window */

typedef struct {
  AmtAwsClient      *client;
  AmtAwsCredentials *long_term;
} FindDevicesData;

static void caller_identity_done_cb (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data);

static void
find_devices_data_free (FindDevicesData *data)
{
  g_clear_object (&data->client);
  g_clear_pointer (&data->long_term, amt_aws_credentials_free);
  g_free (data);
}

static void
list_mfa_devices_done_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GStrv serials;

  serials = amt_aws_client_list_mfa_devices_finish (AMT_AWS_CLIENT (source), result, &error);
  if (serials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (serials[0] == NULL)
    {
      g_strfreev (serials);
      g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_MFA_DEVICE,
                               _("This IAM user has no MFA device: assign one in the AWS console (IAM → Users → Security credentials), then try again."));
      return;
    }

  g_task_return_pointer (task, serials, (GDestroyNotify) g_strfreev);
}

static void
caller_identity_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDevicesData *data = g_task_get_task_data (task);
  g_autoptr(AmtAwsCallerIdentity) identity = NULL;
  const char *user;
  GError *error = NULL;

  identity = amt_aws_client_get_caller_identity_finish (AMT_AWS_CLIENT (source), result, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* arn:aws:iam::111111111111:user/path/NAME */
  user = identity->arn != NULL ? strstr (identity->arn, ":user/") : NULL;
  if (user == NULL)
    {
      g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_MFA_DEVICE,
                               _("These keys are not an IAM user’s (%s): only an IAM user’s devices can be looked up; set mfa_serial by hand."),
                               identity->arn != NULL ? identity->arn : "?");
      return;
    }
  user = strrchr (user, '/') + 1;

  amt_aws_client_list_mfa_devices_async (data->client, data->long_term, user, 0,
                                         g_task_get_cancellable (task),
                                         list_mfa_devices_done_cb, g_object_ref (task));
}

static void
long_term_found_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDevicesData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->long_term = amt_key_source_lookup_finish (AMT_KEY_SOURCE (source), result, &error);
  if (data->long_term == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  amt_aws_client_get_caller_identity_async (data->client, data->long_term,
                                            g_task_get_cancellable (task),
                                            caller_identity_done_cb, g_object_ref (task));
}

/**
 * amt_sessions_find_mfa_devices_async:
 * @profile: a profile with long-term keys
 *
 * Asks AWS which MFA devices the IAM user of @profile's keys has: GetCallerIdentity, then
 * ListMFADevices.
 */
void
amt_sessions_find_mfa_devices_async (AmtSessions         *self,
                                     AmtProfile          *profile,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AmtKeySource) keys = NULL;
  g_autofree char *holder = NULL;
  FindDevicesData *data;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_sessions_find_mfa_devices_async);

  data = g_new0 (FindDevicesData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) find_devices_data_free);
  keys = _amt_sessions_dup_key_source (self, profile, &holder, &error);
  if (keys == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->client = g_object_ref (_amt_sessions_get_client (self, profile));

  amt_key_source_lookup_async (keys, holder, cancellable, long_term_found_cb,
                               g_steal_pointer (&task));
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

/* The store for the file that holds @profile's key, the config file when neither does. */
static AmtCredStore *
store_for_key (AmtSessions  *self,
               const char   *profile,
               const char   *key,
               char        **section)
{
  if (self->aws_config != NULL &&
      (amt_aws_config_is_in_credentials_file (self->aws_config, profile, key) ||
       g_str_has_suffix (profile, AMT_AWS_LONG_TERM_SUFFIX)))
    {
      *section = g_strdup (profile);
      return g_object_ref (_amt_sessions_get_cred_store (self));
    }

  *section = amt_aws_config_dup_config_section (profile);
  if (self->aws_config != NULL)
    return amt_cred_store_new (amt_aws_config_get_config_path (self->aws_config));
  else
    {
      g_autofree char *path = amt_aws_config_dup_config_path ();

      return amt_cred_store_new (path);
    }
}

/* Sets (or, for a NULL @value, removes) one key of @profile, in the file that holds it. */
static gboolean
set_profile_value (AmtSessions  *self,
                   const char   *profile,
                   const char   *key,
                   const char   *value,
                   GError      **error)
{
  g_autoptr(AmtCredStore) store = NULL;
  g_autofree char *section = NULL;
  const char *pair[] = { key, value };

  store = store_for_key (self, profile, key, &section);
  return amt_cred_store_set_values (store, section, pair, 1, error);
}

/**
 * amt_sessions_save_mfa_device:
 * @serial: the device's serial number (ARN), as found by amt_sessions_find_mfa_devices_async()
 *
 * Writes the device where AWS tools and aws-mfa read it: aws_mfa_device in an aws-mfa
 * [NAME-long-term] section, mfa_serial in the profile otherwise.
 */
gboolean
amt_sessions_save_mfa_device (AmtSessions  *self,
                              AmtProfile   *profile,
                              const char   *serial,
                              GError      **error)
{
  const AmtProfileConfig *config;
  gboolean saved;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (serial != NULL, FALSE);

  config = amt_profile_get_config (profile);
  if (config->source_profile != NULL &&
      g_str_has_suffix (config->source_profile, AMT_AWS_LONG_TERM_SUFFIX))
    saved = set_profile_value (self, config->source_profile, AMT_AWS_KEY_AWS_MFA_DEVICE, serial, error);
  else
    saved = set_profile_value (self, amt_profile_get_name (profile), AMT_AWS_KEY_MFA_SERIAL, serial, error);
  if (!saved)
    return FALSE;

  amt_sessions_load (self, NULL);
  return TRUE;
}

static gboolean
is_valid_profile_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.@+", *p) == NULL)
      return FALSE;

  return TRUE;
}

/* What can be said of a new profile before anything is written. */
static gboolean
check_new_profile (AmtSessions  *self,
                   const char   *name,
                   const char   *access_key_id,
                   const char   *secret_access_key,
                   GError      **error)
{
  g_autofree char *long_term = NULL;

  if (!is_valid_profile_name (name))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A profile name is letters, digits and - _ . @ +, with no spaces."));
      return FALSE;
    }
  long_term = amt_aws_config_dup_long_term_name (name);
  if (self->aws_config != NULL &&
      (amt_aws_config_has_profile (self->aws_config, name) ||
       amt_aws_config_has_profile (self->aws_config, long_term)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("There is a profile called %s already: choose another name."), name);
      return FALSE;
    }
  if (access_key_id == NULL || !g_str_has_prefix (access_key_id, "AKIA") || strlen (access_key_id) < 16)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A long-term access key ID starts with AKIA: copy it from the IAM console or from your old credentials file."));
      return FALSE;
    }
  if (secret_access_key == NULL || strlen (secret_access_key) < 16 || strchr (secret_access_key, ' ') != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The secret access key is the 40 characters shown once when the key was made."));
      return FALSE;
    }

  return TRUE;
}

/**
 * amt_sessions_save_new_profile:
 * @name: the profile name people will use (AWS_PROFILE=@name)
 * @access_key_id: the IAM user's long-term access key id
 * @secret_access_key: its secret
 * @mfa_serial: (nullable): the MFA device, when known
 * @region: (nullable): the profile's region
 *
 * Saves a new profile the aws-mfa way, with standard keys: the long-term keys (and the device,
 * as aws_mfa_device) in [@name-long-term] of the credentials file, sessions to come in
 * [@name]; the region in [profile @name] of the config file.
 */
gboolean
amt_sessions_save_new_profile (AmtSessions  *self,
                               const char   *name,
                               const char   *access_key_id,
                               const char   *secret_access_key,
                               const char   *mfa_serial,
                               const char   *region,
                               GError      **error)
{
  g_autofree char *long_term = NULL;
  const char *pairs[6];
  guint n_pairs = 0;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);

  if (!check_new_profile (self, name, access_key_id, secret_access_key, error))
    return FALSE;
  long_term = amt_aws_config_dup_long_term_name (name);

  pairs[n_pairs * 2] = AMT_AWS_KEY_ACCESS_KEY_ID;
  pairs[n_pairs * 2 + 1] = access_key_id;
  n_pairs++;
  pairs[n_pairs * 2] = AMT_AWS_KEY_SECRET_ACCESS_KEY;
  pairs[n_pairs * 2 + 1] = secret_access_key;
  n_pairs++;
  if (mfa_serial != NULL && *mfa_serial != '\0')
    {
      pairs[n_pairs * 2] = AMT_AWS_KEY_AWS_MFA_DEVICE;
      pairs[n_pairs * 2 + 1] = mfa_serial;
      n_pairs++;
    }

  if (!amt_cred_store_set_values (_amt_sessions_get_cred_store (self), long_term, pairs, n_pairs, error))
    return FALSE;

  if (region != NULL && *region != '\0' &&
      !set_profile_value (self, name, AMT_AWS_KEY_REGION, region, error))
    return FALSE;

  amt_sessions_load (self, NULL);
  return TRUE;
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
new_keys_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtSessions *self = g_task_get_source_object (task);
  NewProfileData *data = g_task_get_task_data (task);
  g_autofree char *long_term = amt_aws_config_dup_long_term_name (data->name);
  g_autofree char *mark_section = amt_aws_config_dup_config_section (long_term);
  g_autoptr(AmtCredStore) config = NULL;
  const char *mark[] = { AMT_KEY_KEYS, AMT_KEYS_IN_KEYRING };
  const char *device[] = { AMT_AWS_KEY_AWS_MFA_DEVICE, data->mfa_serial };
  GError *error = NULL;
  gboolean saved;

  if (!amt_key_source_store_finish (AMT_KEY_SOURCE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The mark makes [NAME-long-term] a profile (in the config file) even with no device yet. */
  if (self->aws_config != NULL)
    config = amt_cred_store_new (amt_aws_config_get_config_path (self->aws_config));
  else
    {
      g_autofree char *path = amt_aws_config_dup_config_path ();

      config = amt_cred_store_new (path);
    }
  saved = amt_cred_store_set_values (config, mark_section, mark, 1, &error) &&
          (data->mfa_serial == NULL ||
           amt_cred_store_set_values (_amt_sessions_get_cred_store (self), long_term, device, 1, &error)) &&
          (data->region == NULL ||
           set_profile_value (self, data->name, AMT_AWS_KEY_REGION, data->region, &error));

  amt_sessions_load (self, NULL);
  if (saved)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * amt_sessions_save_new_profile_in_keyring_async:
 *
 * As amt_sessions_save_new_profile(), with the long-term keys in the keyring instead of the
 * file: stored there first, then [profile NAME-long-term] is marked (mfa_tray_keys) in the
 * config file, the device goes to [NAME-long-term] of the credentials file, the region to
 * [profile NAME]. No key reaches the disk.
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

  if (!check_new_profile (self, name, access_key_id, secret_access_key, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (NewProfileData, 1);
  data->name = g_strdup (name);
  data->mfa_serial = mfa_serial != NULL && *mfa_serial != '\0' ? g_strdup (mfa_serial) : NULL;
  data->region = region != NULL && *region != '\0' ? g_strdup (region) : NULL;
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

/**
 * amt_sessions_update_profile:
 * @access_key_id: (nullable): new long-term keys (with @secret_access_key), or %NULL to keep
 * @mfa_serial: (nullable): the MFA device, or %NULL to keep it
 * @region: (nullable): the region, "" to remove it, or %NULL to keep it
 *
 * Changes a profile where its values live: the keys in its long-term source section, the
 * device as amt_sessions_save_mfa_device() does, the region in its config section.
 */
gboolean
amt_sessions_update_profile (AmtSessions  *self,
                             AmtProfile   *profile,
                             const char   *access_key_id,
                             const char   *secret_access_key,
                             const char   *mfa_serial,
                             const char   *region,
                             GError      **error)
{
  const AmtProfileConfig *config;
  g_autofree char *source = NULL;
  g_autofree char *name = NULL;
  g_autofree char *old_serial = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), FALSE);

  /* Each write re-reads the files, which may replace @profile: keep what we need. */
  config = amt_profile_get_config (profile);
  source = g_strdup (config->source_profile);
  name = g_strdup (amt_profile_get_name (profile));
  old_serial = g_strdup (config->mfa_serial);

  if (access_key_id != NULL)
    {
      g_autoptr(AmtCredStore) store = NULL;
      g_autofree char *section = NULL;
      const char *pairs[4];

      if (source == NULL || !g_str_has_prefix (access_key_id, "AKIA") ||
          secret_access_key == NULL || strlen (secret_access_key) < 16)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A long-term access key ID starts with AKIA, and its secret is the 40 characters shown once when the key was made."));
          return FALSE;
        }

      pairs[0] = AMT_AWS_KEY_ACCESS_KEY_ID;
      pairs[1] = access_key_id;
      pairs[2] = AMT_AWS_KEY_SECRET_ACCESS_KEY;
      pairs[3] = secret_access_key;
      store = store_for_key (self, source, AMT_AWS_KEY_ACCESS_KEY_ID, &section);
      if (!amt_cred_store_set_values (store, section, pairs, 2, error))
        return FALSE;
    }

  if (mfa_serial != NULL && g_strcmp0 (mfa_serial, old_serial) != 0)
    {
      AmtProfile *current = amt_sessions_lookup_profile (self, name);

      if (current == NULL || !amt_sessions_save_mfa_device (self, current, mfa_serial, error))
        return FALSE;
    }

  if (region != NULL &&
      !set_profile_value (self, name, AMT_AWS_KEY_REGION, *region != '\0' ? region : NULL, error))
    return FALSE;

  amt_sessions_load (self, NULL);
  return TRUE;
}

/**
 * amt_sessions_forget_profile:
 *
 * Stops managing @profile. A profile kept the aws-mfa way loses its long-term section in the
 * credentials file; any other gets mfa_tray_ignore in its own section. The session keys we
 * wrote are removed (the rest of their section stays).
 */
gboolean
amt_sessions_forget_profile (AmtSessions  *self,
                             AmtProfile   *profile,
                             GError      **error)
{
  const AmtProfileConfig *config;
  AmtCredStore *credentials;
  g_autofree char *long_term = NULL;
  g_autoptr(GDateTime) session = NULL;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), FALSE);

  config = amt_profile_get_config (profile);
  credentials = _amt_sessions_get_cred_store (self);
  long_term = amt_aws_config_dup_long_term_name (amt_profile_get_name (profile));

  if (g_strcmp0 (config->source_profile, long_term) == 0)
    {
      if (!amt_cred_store_remove_section (credentials, long_term, error))
        return FALSE;

      /* Keys kept in the keyring: the mark goes (else [NAME-long-term] stays a profile), and
       * the keyring's item after it, on its own time (the keyring may ask to be unlocked). */
      if (self->aws_config != NULL && amt_aws_config_keys_in_keyring (self->aws_config, long_term))
        {
          g_autoptr(AmtCredStore) config_store = amt_cred_store_new (amt_aws_config_get_config_path (self->aws_config));
          g_autofree char *section = amt_aws_config_dup_config_section (long_term);
          const char *mark[] = { AMT_KEY_KEYS, NULL };

          if (!amt_cred_store_remove_keys (config_store, section, mark, error))
            return FALSE;
          amt_key_source_delete_async (get_keyring (self), long_term, NULL, NULL, NULL);
        }
    }
  else if (!set_profile_value (self, amt_profile_get_name (profile), AMT_KEY_IGNORE, "true", error))
    return FALSE;

  /* Only a session is ours to remove: its four keys, and nothing else of the section. */
  session = config->target != NULL ? read_session_expiration (self, config->target) : NULL;
  if (session != NULL)
    {
      const char *pairs[] = {
        AMT_AWS_KEY_ACCESS_KEY_ID, NULL, AMT_AWS_KEY_SECRET_ACCESS_KEY, NULL,
        AMT_AWS_KEY_SESSION_TOKEN, NULL, AMT_AWS_KEY_EXPIRATION, NULL,
      };

      if (!amt_cred_store_set_values (credentials, config->target, pairs, 4, error))
        return FALSE;
    }

  amt_sessions_load (self, NULL);
  return TRUE;
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
