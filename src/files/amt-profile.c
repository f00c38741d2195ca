/* amt-profile.c
 *
 * A managed profile: its name (what the user types after --profile), its configuration as
 * discovered in the AWS files (amt-discovery.c), and the state of its session, which the
 * sessions model keeps up to date. The configuration is replaced as a whole when the files
 * change; the state properties notify, for the tray and the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-profile"

#include "config.h"

#include <string.h>

#include "amt-files-enums.h"
#include "amt-profile.h"

struct _AmtProfile
{
  GObject           parent_instance;

  char             *name;
  AmtProfileConfig  config;
  AmtSessionState   state;
  GDateTime        *expiration;
  char             *error;
};

G_DEFINE_FINAL_TYPE (AmtProfile, amt_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATE,
  PROP_EXPIRATION,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
amt_profile_config_clear (AmtProfileConfig *config)
{
  g_clear_pointer (&config->target, g_free);
  g_clear_pointer (&config->target_region, g_free);
  g_clear_pointer (&config->moved_from, g_free);
  g_clear_pointer (&config->source_profile, g_free);
  g_clear_pointer (&config->mfa_serial, g_free);
  g_clear_pointer (&config->role_arn, g_free);
  g_clear_pointer (&config->external_id, g_free);
  g_clear_pointer (&config->role_session_name, g_free);
  g_clear_pointer (&config->region, g_free);
  g_clear_pointer (&config->endpoint_url, g_free);
  g_clear_pointer (&config->ca_bundle, g_free);
  g_clear_pointer (&config->mfa_process, g_free);
  g_clear_pointer (&config->problem, g_free);
  config->duration_seconds = 0;
  config->kind = AMT_PROFILE_KIND_SESSION;
}

gboolean
amt_profile_config_equal (const AmtProfileConfig *a,
                          const AmtProfileConfig *b)
{
  return a->kind == b->kind &&
         a->duration_seconds == b->duration_seconds &&
         g_strcmp0 (a->target, b->target) == 0 &&
         g_strcmp0 (a->target_region, b->target_region) == 0 &&
         g_strcmp0 (a->moved_from, b->moved_from) == 0 &&
         g_strcmp0 (a->source_profile, b->source_profile) == 0 &&
         g_strcmp0 (a->mfa_serial, b->mfa_serial) == 0 &&
         g_strcmp0 (a->role_arn, b->role_arn) == 0 &&
         g_strcmp0 (a->external_id, b->external_id) == 0 &&
         g_strcmp0 (a->role_session_name, b->role_session_name) == 0 &&
         g_strcmp0 (a->region, b->region) == 0 &&
         g_strcmp0 (a->endpoint_url, b->endpoint_url) == 0 &&
         g_strcmp0 (a->ca_bundle, b->ca_bundle) == 0 &&
         g_strcmp0 (a->mfa_process, b->mfa_process) == 0 &&
         g_strcmp0 (a->problem, b->problem) == 0;
}

static void
amt_profile_finalize (GObject *object)
{
  AmtProfile *self = (AmtProfile *)object;

  g_clear_pointer (&self->name, g_free);
  amt_profile_config_clear (&self->config);
  g_clear_pointer (&self->expiration, g_date_time_unref);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (amt_profile_parent_class)->finalize (object);
}

static void
amt_profile_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AmtProfile *self = AMT_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_EXPIRATION:
      g_value_set_boxed (value, self->expiration);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_profile_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AmtProfile *self = AMT_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_STATE:
      amt_profile_set_state (self, g_value_get_enum (value));
      break;

    case PROP_EXPIRATION:
      amt_profile_set_expiration (self, g_value_get_boxed (value));
      break;

    case PROP_ERROR:
      amt_profile_set_error (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_profile_class_init (AmtProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amt_profile_finalize;
  object_class->get_property = amt_profile_get_property;
  object_class->set_property = amt_profile_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       AMT_TYPE_SESSION_STATE,
                       AMT_SESSION_STATE_NEVER_LOGGED_IN,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_EXPIRATION] =
    g_param_spec_boxed ("expiration", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AmtProfile:error:
   *
   * Why the profile is in the error state: a sentence for the user, or %NULL.
   */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amt_profile_init (AmtProfile *self)
{
  self->state = AMT_SESSION_STATE_NEVER_LOGGED_IN;
}

AmtProfile *
amt_profile_new (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (AMT_TYPE_PROFILE,
                       "name", name,
                       NULL);
}

/**
 * amt_profile_new_with_config:
 * @config: (transfer full): the configuration; its contents are taken and @config is cleared
 */
AmtProfile *
amt_profile_new_with_config (const char       *name,
                             AmtProfileConfig *config)
{
  AmtProfile *self = amt_profile_new (name);

  amt_profile_set_config (self, config);
  return self;
}

const char *
amt_profile_get_name (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return self->name;
}

const AmtProfileConfig *
amt_profile_get_config (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return &self->config;
}

/**
 * amt_profile_set_config:
 * @config: (transfer full): its contents are taken, and @config is left cleared
 */
void
amt_profile_set_config (AmtProfile       *self,
                        AmtProfileConfig *config)
{
  g_return_if_fail (AMT_IS_PROFILE (self));
  g_return_if_fail (config != NULL);

  amt_profile_config_clear (&self->config);
  self->config = *config;
  memset (config, 0, sizeof *config);
}

/**
 * amt_profile_set_duration_seconds:
 * @seconds: a duration already checked against the profile's kind; 0 for the default
 *
 * Sets the duration of the next login, as `login --duration` asks for one login.
 */
void
amt_profile_set_duration_seconds (AmtProfile *self,
                                  guint       seconds)
{
  g_return_if_fail (AMT_IS_PROFILE (self));

  self->config.duration_seconds = seconds;
}

AmtProfileKind
amt_profile_get_kind (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), AMT_PROFILE_KIND_SESSION);

  return self->config.kind;
}

/* Returns: (nullable): the credentials section this profile's session is written to */
const char *
amt_profile_get_target (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return self->config.target;
}

const char *
amt_profile_get_mfa_serial (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return self->config.mfa_serial;
}

AmtSessionState
amt_profile_get_state (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), AMT_SESSION_STATE_ERROR);

  return self->state;
}

void
amt_profile_set_state (AmtProfile      *self,
                       AmtSessionState  state)
{
  g_return_if_fail (AMT_IS_PROFILE (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Returns: (nullable) (transfer none): when the session ends, or %NULL if there is none */
GDateTime *
amt_profile_get_expiration (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return self->expiration;
}

void
amt_profile_set_expiration (AmtProfile *self,
                            GDateTime  *expiration)
{
  g_return_if_fail (AMT_IS_PROFILE (self));

  if (self->expiration == expiration ||
      (self->expiration != NULL && expiration != NULL &&
       g_date_time_equal (self->expiration, expiration)))
    return;

  g_clear_pointer (&self->expiration, g_date_time_unref);
  if (expiration != NULL)
    self->expiration = g_date_time_ref (expiration);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRATION]);
}

/* Returns: (nullable): why the profile is in the error state */
const char *
amt_profile_get_error (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return self->error;
}

void
amt_profile_set_error (AmtProfile *self,
                       const char *error)
{
  g_return_if_fail (AMT_IS_PROFILE (self));

  if (g_strcmp0 (self->error, error) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}
