/* amt-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-profile"

#include "config.h"

#include "amt-core-enums.h"
#include "amt-profile.h"

struct _AmtProfile
{
  GObject          parent_instance;

  char            *name;
  AmtSessionState  state;
  GDateTime       *expiration;
};

G_DEFINE_FINAL_TYPE (AmtProfile, amt_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATE,
  PROP_EXPIRATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
amt_profile_finalize (GObject *object)
{
  AmtProfile *self = (AmtProfile *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->expiration, g_date_time_unref);

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

const char *
amt_profile_get_name (AmtProfile *self)
{
  g_return_val_if_fail (AMT_IS_PROFILE (self), NULL);

  return self->name;
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
