/* amt-session-actions.c
 *
 * app.open-console(s) and app.copy-environment(s): what the tray menu and the window's row
 * menu offer to do with a profile's session (and app.open-console-unavailable(s), always
 * disabled, for the line that says why a session cannot open the console).
 *
 * Both need a session with more than the lead time left. When there is none, they ask for the
 * code first (app.login, the same dialog as everywhere) and go on once the model shows the new
 * session, if that happens within a few minutes; a dialog closed without a code leaves nothing
 * waiting for long.
 *
 * The console's sign-in URL carries a token that signs anyone in: it goes to the browser
 * through gtk_show_uri_on_window (the OpenURI portal inside Flatpak) and nowhere else. The
 * variables copied to the clipboard are taken off it after a minute, only if the clipboard
 * still holds them (the user may have copied something else since).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-session-actions"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-console.h"
#include "amt-message-dialog.h"
#include "amt-secret.h"
#include "amt-session-actions.h"
#include "amt-session-env.h"

/* How long a request waits for the login it started; a code dialog left open longer than this
 * does not open a console out of the blue. */
#define PENDING_USEC (5 * 60 * G_USEC_PER_SEC)

typedef enum {
  PENDING_CONSOLE,
  PENDING_COPY,
} PendingKind;

typedef struct {
  PendingKind kind;
  gint64      deadline;   /* monotonic */
} Pending;

struct _AmtSessionActions
{
  GObject        parent_instance;

  GApplication  *application;   /* weak: it owns us */
  AmtSessions   *sessions;
  GCancellable  *cancellable;
  GHashTable    *pending;       /* profile name → Pending */

  char          *copied;        /* what we put on the clipboard: wiped */
  guint          clear_clipboard_id;
  guint          clipboard_seconds;
};

G_DEFINE_FINAL_TYPE (AmtSessionActions, amt_session_actions, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIPBOARD_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CLIPBOARD_CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (AmtSessionActions *self,
            const char        *primary,
            const char        *secondary)
{
  amt_message_dialog_show_error_in_app (GTK_APPLICATION (self->application), primary, secondary);
}

/* The session, or NULL after asking for the code; @kind runs again once the session is there. */
static AmtCredentials *
live_session_or_ask (AmtSessionActions *self,
                     AmtProfile        *profile,
                     PendingKind        kind)
{
  AmtCredentials *session = amt_session_env_read_session (self->sessions, profile);
  Pending *pending;

  if (session != NULL)
    return session;

  if (self->application == NULL)
    return NULL;

  pending = g_new0 (Pending, 1);
  pending->kind = kind;
  pending->deadline = g_get_monotonic_time () + PENDING_USEC;
  g_hash_table_replace (self->pending, g_strdup (amt_profile_get_name (profile)), pending);
  g_action_group_activate_action (G_ACTION_GROUP (self->application), "login",
                                  g_variant_new_string (amt_profile_get_name (profile)));
  return NULL;
}

/* Open Console */

static void
sign_in_url_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AmtSessionActions) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent = NULL;
  char *url;

  url = amt_console_sign_in_url_finish (result, &error);
  if (url == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Cannot open the AWS Console"), error->message);
      return;
    }

  if (self->application != NULL)
    parent = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  if (!gtk_show_uri_on_window (parent, url, GDK_CURRENT_TIME, &error))
    {
      g_autofree char *sentence = g_strdup_printf (_("No web browser could be opened: %s"), error->message);

      show_error (self, _("Cannot open the AWS Console"), sentence);
    }
  amt_secret_free (url);
}

void
amt_session_actions_open_console (AmtSessionActions *self,
                                  const char        *name)
{
  g_autoptr(AmtCredentials) session = NULL;
  g_autofree char *reason = NULL;
  const AmtProfileConfig *config;
  AmtProfile *profile;

  g_return_if_fail (AMT_IS_SESSION_ACTIONS (self));

  profile = amt_sessions_lookup_profile (self->sessions, name);
  if (profile == NULL)
    return;

  /* Known before a code is asked for. */
  reason = amt_console_dup_unavailable_reason (profile);
  if (reason != NULL)
    {
      show_error (self, _("Cannot open the AWS Console"), reason);
      return;
    }

  session = live_session_or_ask (self, profile, PENDING_CONSOLE);
  if (session == NULL)
    return;

  config = amt_profile_get_config (profile);
  amt_console_sign_in_url_async (NULL, session, config->role_arn, config->region,
                                 config->ca_bundle, NULL, self->cancellable,
                                 sign_in_url_cb, g_object_ref (self));
}

/* Copy as Environment Variables */

static void
clear_copied (AmtSessionActions *self)
{
  g_clear_pointer (&self->copied, amt_secret_free);
  g_clear_handle_id (&self->clear_clipboard_id, g_source_remove);
}

static void
clipboard_text_cb (GtkClipboard *clipboard,
                   const char   *text,
                   gpointer      user_data)
{
  g_autoptr(AmtSessionActions) self = user_data;
  gboolean unchanged = text != NULL && self->copied != NULL && g_str_equal (text, self->copied);

  if (unchanged)
    {
      /* Ours again with nothing in it, then no one's: a clipboard manager that kept a copy
       * of the variables is told the selection is now empty. */
      gtk_clipboard_set_text (clipboard, "", 0);
      gtk_clipboard_clear (clipboard);
    }
  g_clear_pointer (&self->copied, amt_secret_free);
  g_debug ("Clipboard checked after %u s: %s", self->clipboard_seconds,
           unchanged ? "cleared" : "changed since, left alone");
  g_signal_emit (self, signals[CLIPBOARD_CHECKED], 0, unchanged);
}

static gboolean
clear_clipboard_cb (gpointer user_data)
{
  AmtSessionActions *self = user_data;
  GtkClipboard *clipboard = gtk_clipboard_get (GDK_SELECTION_CLIPBOARD);

  self->clear_clipboard_id = 0;
  gtk_clipboard_request_text (clipboard, clipboard_text_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

void
amt_session_actions_copy_environment (AmtSessionActions *self,
                                      const char        *name)
{
  g_autoptr(AmtCredentials) session = NULL;
  GtkClipboard *clipboard = gtk_clipboard_get (GDK_SELECTION_CLIPBOARD);
  AmtProfile *profile;
  char **variables;

  g_return_if_fail (AMT_IS_SESSION_ACTIONS (self));

  profile = amt_sessions_lookup_profile (self->sessions, name);
  if (profile == NULL)
    return;

  session = live_session_or_ask (self, profile, PENDING_COPY);
  if (session == NULL)
    return;

  clear_copied (self);
  variables = amt_session_env_build (session, amt_profile_get_config (profile)->region);
  self->copied = amt_session_env_format ((const char * const *) variables, AMT_SESSION_ENV_FORMAT_SH);
  amt_session_env_free (variables);

  gtk_clipboard_set_text (clipboard, self->copied, -1);
  self->clear_clipboard_id = g_timeout_add_seconds (self->clipboard_seconds,
                                                         clear_clipboard_cb, self);
}

/* After a login */

static void
sessions_changed_cb (AmtSessionActions *self)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  g_autoptr(GPtrArray) ready = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Pending *pending = value;
      AmtProfile *profile = amt_sessions_lookup_profile (self->sessions, key);
      g_autoptr(AmtCredentials) session = NULL;

      if (profile == NULL || now > pending->deadline)
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }

      session = amt_session_env_read_session (self->sessions, profile);
      if (session != NULL)
        g_ptr_array_add (ready, g_strdup_printf ("%c%s", pending->kind == PENDING_CONSOLE ? 'c' : 'e',
                                                 (const char *) key));
    }

  for (guint i = 0; i < ready->len; i++)
    {
      const char *entry = g_ptr_array_index (ready, i);

      g_hash_table_remove (self->pending, entry + 1);
      if (entry[0] == 'c')
        amt_session_actions_open_console (self, entry + 1);
      else
        amt_session_actions_copy_environment (self, entry + 1);
    }
}

/* Actions */

static void
open_console_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  amt_session_actions_open_console (user_data, g_variant_get_string (parameter, NULL));
}

static void
copy_environment_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  amt_session_actions_copy_environment (user_data, g_variant_get_string (parameter, NULL));
}

static const GActionEntry actions[] = {
  { "open-console", open_console_action, "s" },
  { "copy-environment", copy_environment_action, "s" },
  /* Always disabled: the console line of a session the console refuses. A menu line with no
   * action at all would look clickable in a popover, and one whose action is missing would
   * be hidden. */
  { "open-console-unavailable", NULL, "s" },
};

/**
 * amt_session_actions_add_to:
 *
 * Adds open-console(s) and copy-environment(s) to @map (the application).
 */
void
amt_session_actions_add_to (AmtSessionActions *self,
                            GActionMap        *map)
{
  g_return_if_fail (AMT_IS_SESSION_ACTIONS (self));

  g_action_map_add_action_entries (map, actions, G_N_ELEMENTS (actions), self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "open-console-unavailable")),
                               FALSE);
}

/**
 * amt_session_actions_append_menu_items:
 *
 * Appends "Open Console" and "Copy as Environment Variables" for @profile to @menu. A profile
 * whose session the console refuses gets the console line with the reason, insensitive:
 * visible, so the user learns why.
 */
void
amt_session_actions_append_menu_items (GMenu      *menu,
                                       AmtProfile *profile)
{
  const char *name = amt_profile_get_name (profile);
  g_autoptr(GMenuItem) console = NULL;
  g_autoptr(GMenuItem) copy = NULL;

  if (amt_profile_get_config (profile)->kind == AMT_PROFILE_KIND_ROLE)
    {
      console = g_menu_item_new (_("Open _Console"), NULL);
      g_menu_item_set_action_and_target (console, "app.open-console", "s", name);
    }
  else
    /* Translators: a disabled menu item; AWS signs in to the console only with role sessions */
    {
      console = g_menu_item_new (_("Open Console (only role sessions can sign in)"), NULL);
      g_menu_item_set_action_and_target (console, "app.open-console-unavailable", "s", name);
    }

  copy = g_menu_item_new (_("Copy as Environment _Variables"), NULL);
  g_menu_item_set_action_and_target (copy, "app.copy-environment", "s", name);

  g_menu_append_item (menu, console);
  g_menu_append_item (menu, copy);
}

/* The object */

static void
amt_session_actions_dispose (GObject *object)
{
  AmtSessionActions *self = AMT_SESSION_ACTIONS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_copied (self);
  g_clear_object (&self->sessions);
  g_clear_weak_pointer (&self->application);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (amt_session_actions_parent_class)->dispose (object);
}

static void
amt_session_actions_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AmtSessionActions *self = AMT_SESSION_ACTIONS (object);

  switch (prop_id)
    {
    case PROP_CLIPBOARD_SECONDS:
      g_value_set_uint (value, self->clipboard_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_session_actions_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AmtSessionActions *self = AMT_SESSION_ACTIONS (object);

  switch (prop_id)
    {
    case PROP_CLIPBOARD_SECONDS:
      self->clipboard_seconds = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_session_actions_class_init (AmtSessionActionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_session_actions_dispose;
  object_class->get_property = amt_session_actions_get_property;
  object_class->set_property = amt_session_actions_set_property;

  /**
   * AmtSessionActions:clipboard-seconds:
   *
   * How long copied variables stay on the clipboard (tests shorten it).
   */
  properties[PROP_CLIPBOARD_SECONDS] =
    g_param_spec_uint ("clipboard-seconds", NULL, NULL, 1, 3600,
                       AMT_SESSION_ACTIONS_CLIPBOARD_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmtSessionActions::clipboard-checked:
   * @cleared: whether the clipboard still held the variables and was cleared
   *
   * The clipboard was looked at, the given time after a copy.
   */
  signals[CLIPBOARD_CHECKED] =
    g_signal_new ("clipboard-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
amt_session_actions_init (AmtSessionActions *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * amt_session_actions_new:
 * @application: (nullable): the application, which runs app.login when a code is needed
 */
AmtSessionActions *
amt_session_actions_new (GApplication *application,
                         AmtSessions  *sessions)
{
  AmtSessionActions *self = g_object_new (AMT_TYPE_SESSION_ACTIONS, NULL);

  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);

  g_set_weak_pointer (&self->application, application);
  self->sessions = g_object_ref (sessions);
  g_signal_connect_object (sessions, "changed", G_CALLBACK (sessions_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}
