/* amt-sessions.c
 *
 * The model between the files, the worker and the UI: the list of managed profiles, and one
 * "changed" signal that fires when a profile is added, removed, or changes state, so that the
 * tray and the window can schedule a single update.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sessions"

#include "config.h"

#include "amt-sessions.h"

struct _AmtSessions
{
  GObject     parent_instance;

  GListStore *profiles;
};

G_DEFINE_FINAL_TYPE (AmtSessions, amt_sessions, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
amt_sessions_profile_notify_cb (AmtSessions *self,
                                GParamSpec  *pspec,
                                AmtProfile  *profile)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
amt_sessions_dispose (GObject *object)
{
  AmtSessions *self = (AmtSessions *)object;

  if (self->profiles != NULL)
    {
      guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(AmtProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

          g_signal_handlers_disconnect_by_data (profile, self);
        }
    }

  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (amt_sessions_parent_class)->dispose (object);
}

static void
amt_sessions_class_init (AmtSessionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_sessions_dispose;

  /**
   * AmtSessions::changed:
   *
   * A profile was added or removed, or the state or expiry of one changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
amt_sessions_init (AmtSessions *self)
{
  self->profiles = g_list_store_new (AMT_TYPE_PROFILE);
}

AmtSessions *
amt_sessions_new (void)
{
  return g_object_new (AMT_TYPE_SESSIONS, NULL);
}

/**
 * amt_sessions_get_profiles:
 *
 * Returns: (transfer none): a #GListModel of #AmtProfile, in the order they were added
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
                           guint       *position)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (g_strcmp0 (amt_profile_get_name (profile), name) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

void
amt_sessions_add_profile (AmtSessions *self,
                          AmtProfile  *profile)
{
  guint position;

  g_return_if_fail (AMT_IS_SESSIONS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));
  g_return_if_fail (!amt_sessions_find_profile (self, amt_profile_get_name (profile), &position));

  g_signal_connect_object (profile, "notify::state",
                           G_CALLBACK (amt_sessions_profile_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (profile, "notify::expiration",
                           G_CALLBACK (amt_sessions_profile_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_list_store_append (self->profiles, profile);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
amt_sessions_remove_profile (AmtSessions *self,
                             const char  *name)
{
  g_autoptr(AmtProfile) profile = NULL;
  guint position;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!amt_sessions_find_profile (self, name, &position))
    return FALSE;

  profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), position);
  g_signal_handlers_disconnect_by_data (profile, self);
  g_list_store_remove (self->profiles, position);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * amt_sessions_lookup_profile:
 *
 * Returns: (transfer none) (nullable): the profile called @name
 */
AmtProfile *
amt_sessions_lookup_profile (AmtSessions *self,
                             const char  *name)
{
  g_autoptr(AmtProfile) profile = NULL;
  guint position;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!amt_sessions_find_profile (self, name, &position))
    return NULL;

  /* The store keeps its own reference for as long as the profile is listed. */
  profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), position);
  return profile;
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
  guint n_items;
  AmtSessionState worst = AMT_SESSION_STATE_VALID;

  g_return_val_if_fail (AMT_IS_SESSIONS (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));
  if (n_items == 0)
    return FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      worst = amt_session_state_worse (worst, amt_profile_get_state (profile));
    }

  *state = worst;
  return TRUE;
}
