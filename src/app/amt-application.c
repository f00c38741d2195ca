/* amt-application.c
 *
 * The applet lives in the tray: the application holds itself for as long as it runs, and the
 * window comes and goes. The tray follows the sessions model through one coalesced idle; the
 * model changes only when a state or a displayed minute does, so nothing runs while idle.
 *
 * Actions (app.*): login(s) opens the code dialog of a profile's device; remind-login(s) is the
 * same, opened by a reminder (with Snooze, and only once per deadline); login-first logs in
 * the profile that expires first (the tray's middle click); refresh-all logs in every device
 * in turn; open-window, add-profile, preferences, quit. open-console(s) and copy-environment(s)
 * are amt-session-actions.c's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-application"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-about.h"
#include "amt-application.h"
#include "amt-autostart.h"
#include "amt-background-status.h"
#include "amt-message-dialog.h"
#include "amt-mfa-dialog.h"
#include "amt-preferences-dialog.h"
#include "amt-reminders.h"
#include "amt-sandbox.h"
#include "amt-service.h"
#include "amt-session-actions.h"
#include "amt-tray-indicator.h"
#include "amt-tray-menu.h"
#include "amt-tray-watch.h"
#include "amt-window.h"

struct _AmtApplication
{
  GtkApplication  parent_instance;

  AmtSessions    *sessions;
  AmtService     *service;
  AmtReminders   *reminders;
  AmtSessionActions *session_actions; /* app.open-console, app.copy-environment */
  GSettings      *settings;
  AmtTray        *tray;
  AmtTrayWatch   *tray_watch;        /* NULL with a tray given by a test */
  AmtBackgroundStatus *background_status; /* inside Flatpak only */
  GHashTable     *dialogs;           /* AmtLogin → AmtMfaDialog */
  GHashTable     *auto_opened;       /* "serial:expiry" of dialogs a reminder opened */
  GQueue          refresh_queue;     /* profile names still to log in, for refresh-all */
  guint           update_tray_id;
  gboolean        start_in_background;
};

G_DEFINE_FINAL_TYPE (AmtApplication, amt_application, GTK_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "background", 'b', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start in the tray without opening the window"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

static void open_login_dialog (AmtApplication *self,
                               const char     *name,
                               gboolean        by_reminder);

/* The tray */

/* A session expiring within the lead time, or expired: what the tray's NeedsAttention says
 * (a profile in error or never logged in is told by the icon, and is no deadline). */
static gboolean
any_session_ending (AmtApplication *self)
{
  GListModel *profiles = amt_sessions_get_profiles (self->sessions);
  guint n_profiles = g_list_model_get_n_items (profiles);

  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      AmtSessionState state = amt_profile_get_state (profile);

      if (state == AMT_SESSION_STATE_EXPIRING || state == AMT_SESSION_STATE_EXPIRED)
        return TRUE;
    }
  return FALSE;
}

static void
amt_application_update_tray (gpointer user_data)
{
  AmtApplication *self = user_data;
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *title = NULL;
  AmtSessionState worst = AMT_SESSION_STATE_VALID;
  AmtProfile *first;
  gboolean have_profiles;

  self->update_tray_id = 0;

  have_profiles = amt_sessions_get_worst_state (self->sessions, &worst);
  first = amt_sessions_get_first_to_expire (self->sessions);
  if (have_profiles && first != NULL)
    {
      g_autofree char *state = amt_sessions_describe_profile (self->sessions, first);

      /* Translators: the tray icon's title and tooltip, naming the session that ends first:
       * "MFA Tray for AWS: prod — 42 min left" */
      title = g_strdup_printf (_("MFA Tray for AWS: %s — %s"), amt_profile_get_name (first), state);
    }
  else if (have_profiles)
    /* Translators: the tray icon's title, with the state of the worst session */
    title = g_strdup_printf (_("MFA Tray for AWS: %s"), amt_session_state_to_label (worst));
  else
    title = g_strdup (_("MFA Tray for AWS: no MFA profiles"));

  menu = amt_tray_menu_build (self->sessions);
  amt_tray_set_status (self->tray, amt_tray_icon_name_for (have_profiles, worst), title);
  amt_tray_set_needs_attention (self->tray, any_session_ending (self));
  amt_tray_set_menu (self->tray, menu);
}

static void
amt_application_schedule_update_tray (AmtApplication *self)
{
  if (self->update_tray_id == 0)
    self->update_tray_id = g_idle_add_once (amt_application_update_tray, self);
}

/* Windows and dialogs */

static AmtWindow *
ensure_window (AmtApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (AMT_IS_WINDOW (l->data))
      return l->data;

  return amt_window_new (GTK_APPLICATION (self), self->sessions);
}

static void
present_window (AmtApplication *self)
{
  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

static void refresh_next (AmtApplication *self);

static void
dialog_response_cb (AmtMfaDialog   *dialog,
                    int             response,
                    AmtApplication *self)
{
  AmtLogin *login = amt_mfa_dialog_get_login (dialog);
  GPtrArray *items = amt_login_get_items (login);

  if (response == AMT_MFA_DIALOG_RESPONSE_SNOOZE && items->len > 0)
    amt_reminders_snooze (self->reminders, ((AmtLoginItem *) g_ptr_array_index (items, 0))->profile);

  /* A login left open by Snooze or Close is over: its codes are asked for again next time. */
  if (!amt_login_is_finished (login))
    amt_login_cancel (login);

  g_hash_table_remove (self->dialogs, login);
  gtk_widget_destroy (GTK_WIDGET (dialog));

  if (response == GTK_RESPONSE_OK || response == GTK_RESPONSE_CLOSE)
    refresh_next (self);
  else
    g_queue_clear_full (&self->refresh_queue, g_free);
}

static void
show_dialog (AmtApplication *self,
             AmtLogin       *login,
             gboolean        can_snooze,
             gboolean        take_focus)
{
  AmtMfaDialog *dialog = g_hash_table_lookup (self->dialogs, login);
  GtkWindow *parent = NULL;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  if (dialog == NULL)
    {
      for (GList *l = windows; l != NULL; l = l->next)
        if (AMT_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
          parent = l->data;

      dialog = amt_mfa_dialog_new (parent, self->sessions, login, can_snooze);
      gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
      g_hash_table_insert (self->dialogs, g_object_ref (login), dialog);
      g_signal_connect_object (dialog, "response", G_CALLBACK (dialog_response_cb),
                               self, 0);
    }

  if (take_focus)
    gtk_window_present (GTK_WINDOW (dialog));
  else
    gtk_widget_show (GTK_WIDGET (dialog));
}

static gboolean
login_requested_cb (AmtApplication *self,
                    AmtLogin       *login,
                    AmtSessions    *sessions)
{
  /* The command line asked, so the user is at the keyboard: the dialog takes the focus. */
  show_dialog (self, login, FALSE, TRUE);
  return TRUE;
}

static void
open_login_dialog (AmtApplication *self,
                   const char     *name,
                   gboolean        by_reminder)
{
  g_autoptr(AmtLogin) login = NULL;
  g_autoptr(GError) error = NULL;
  AmtProfile *profile;

  profile = amt_sessions_lookup_profile (self->sessions, name);
  login = amt_sessions_create_login (self->sessions, name, &error);
  if (login == NULL)
    {
      /* No device yet: the window finds it (one click) and then logs in. */
      if (g_error_matches (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_MFA_DEVICE) && profile != NULL)
        {
          AmtWindow *window = ensure_window (self);

          gtk_window_present (GTK_WINDOW (window));
          amt_window_find_mfa_device (window, profile);
          return;
        }
      if (!by_reminder)
        amt_message_dialog_show_error_in_app (GTK_APPLICATION (self), _("Cannot log in"),
                                              error->message);
      return;
    }

  if (by_reminder)
    {
      g_autofree char *key = NULL;
      GDateTime *expiration = profile != NULL ? amt_profile_get_expiration (profile) : NULL;

      /* The focus is taken once per deadline; later reminders only show the dialog. */
      key = g_strdup_printf ("%s:%" G_GINT64_FORMAT, amt_login_get_mfa_serial (login),
                             expiration != NULL ? g_date_time_to_unix (expiration) : 0);
      show_dialog (self, login, TRUE, !g_hash_table_contains (self->auto_opened, key));
      g_hash_table_add (self->auto_opened, g_steal_pointer (&key));
      return;
    }

  show_dialog (self, login, FALSE, TRUE);
}

/* refresh-all: one device after another, each dialog when the previous one is done. */
static void
refresh_next (AmtApplication *self)
{
  g_autofree char *name = g_queue_pop_head (&self->refresh_queue);

  if (name != NULL)
    open_login_dialog (self, name, FALSE);
}

/* Actions */

static void
open_window_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  present_window (AMT_APPLICATION (user_data));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
login_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  open_login_dialog (AMT_APPLICATION (user_data), g_variant_get_string (parameter, NULL), FALSE);
}

static void
remind_login_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  open_login_dialog (AMT_APPLICATION (user_data), g_variant_get_string (parameter, NULL), TRUE);
}

static void
login_first_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AmtApplication *self = AMT_APPLICATION (user_data);
  AmtProfile *first = amt_sessions_get_first_to_expire (self->sessions);

  if (first != NULL)
    open_login_dialog (self, amt_profile_get_name (first), FALSE);
  else
    present_window (self);
}

static void
refresh_all_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AmtApplication *self = AMT_APPLICATION (user_data);
  GListModel *profiles = amt_sessions_get_profiles (self->sessions);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint n_items = g_list_model_get_n_items (profiles);

  g_queue_clear_full (&self->refresh_queue, g_free);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      g_autoptr(GPtrArray) group = NULL;

      if (amt_profile_get_config (profile)->problem != NULL ||
          g_hash_table_contains (seen, profile))
        continue;

      group = amt_sessions_get_group (self->sessions, profile);
      for (guint j = 0; j < group->len; j++)
        g_hash_table_add (seen, g_ptr_array_index (group, j));
      g_queue_push_tail (&self->refresh_queue, g_strdup (amt_profile_get_name (profile)));
    }

  refresh_next (self);
}

static void
add_profile_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AmtApplication *self = AMT_APPLICATION (user_data);
  AmtWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  amt_window_add_profile (window);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AmtApplication *self = AMT_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (AMT_IS_PREFERENCES_DIALOG (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  gtk_window_present (GTK_WINDOW (amt_preferences_dialog_new (GTK_APPLICATION (self), parent,
                                                              self->settings)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  AmtApplication *self = AMT_APPLICATION (user_data);

  amt_about_show (GTK_APPLICATION (self), gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "open-window", open_window_action },
  { "quit", quit_action },
  { "login", login_action, "s" },
  { "remind-login", remind_login_action, "s" },
  { "login-first", login_first_action },
  { "refresh-all", refresh_all_action },
  { "add-profile", add_profile_action },
  { "preferences", preferences_action },
};

static void
start_at_login_changed_cb (AmtApplication *self,
                           const char     *key,
                           GSettings      *settings)
{
  g_autoptr(GError) error = NULL;

  if (!amt_autostart_apply (g_settings_get_boolean (settings, key), &error))
    amt_message_dialog_show_error_in_app (GTK_APPLICATION (self),
                                          _("Could not change the start at login"),
                                          error->message);
}

static void
sessions_changed_cb (AmtApplication *self,
                     AmtSessions    *sessions)
{
  amt_application_schedule_update_tray (self);
}

static gboolean
window_is_shown (AmtApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (AMT_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return TRUE;
  return FALSE;
}

static gboolean
tray_is_missing (AmtApplication *self)
{
  return self->tray_watch != NULL && amt_tray_watch_get_known (self->tray_watch) &&
         !amt_tray_watch_get_available (self->tray_watch);
}

/* Stock GNOME shows no tray: with no icon and no window, the applet would be invisible. */
static void
tray_availability_cb (AmtApplication *self)
{
  if (!amt_tray_watch_get_known (self->tray_watch))
    return;

  if (amt_tray_watch_get_available (self->tray_watch))
    amt_reminders_tray_appeared (self->reminders);
  else if (!window_is_shown (self))
    amt_reminders_tell_no_tray (self->reminders);
}

static void
window_removed_cb (AmtApplication *self,
                   GtkWindow      *window)
{
  /* reminders is NULL once the application shuts down: Quit closes windows, and says nothing. */
  if (AMT_IS_WINDOW (window) && self->reminders != NULL && tray_is_missing (self))
    amt_reminders_tell_keeps_running (self->reminders);
}

/* GApplication */

static int
amt_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  AmtApplication *self = AMT_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_contains (options, "background"))
    {
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr (_("Could not start: %s\n"), error->message);
          return EXIT_FAILURE;
        }

      /* Already running: a start at login has nothing more to do. */
      if (g_application_get_is_remote (app))
        return EXIT_SUCCESS;

      self->start_in_background = TRUE;
    }

  return -1;
}

static void
amt_application_startup (GApplication *app)
{
  AmtApplication *self = AMT_APPLICATION (app);

  G_APPLICATION_CLASS (amt_application_parent_class)->startup (app);

  /* The tray keeps the applet alive when no window is open. */
  g_application_hold (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  self->session_actions = amt_session_actions_new (app, self->sessions);
  amt_session_actions_add_to (self->session_actions, G_ACTION_MAP (self));
  {
    /* Also reachable over D-Bus (org.gtk.Actions), as the preference is from the window. */
    g_autoptr(GAction) start_at_login = g_settings_create_action (self->settings, "start-at-login");

    g_action_map_add_action (G_ACTION_MAP (self), start_at_login);
  }

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.refresh-all",
                                         (const char *[]) { "<Control>r", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.close",
                                         (const char *[]) { "<Control>w", NULL });

  self->reminders = amt_reminders_new (app, self->sessions, self->settings);

  if (self->tray == NULL)
    {
      GDBusConnection *connection = g_application_get_dbus_connection (app);

      self->tray = amt_tray_indicator_new (G_ACTION_GROUP (self));
      if (connection != NULL)
        {
          self->tray_watch = amt_tray_watch_new (connection);
          g_signal_connect_object (self->tray_watch, "notify",
                                   G_CALLBACK (tray_availability_cb),
                                   self, G_CONNECT_SWAPPED);
        }
    }
  g_signal_connect (self, "window-removed", G_CALLBACK (window_removed_cb), NULL);
  if (amt_sandbox_is_flatpak () && g_application_get_dbus_connection (app) != NULL)
    self->background_status = amt_background_status_new (g_application_get_dbus_connection (app),
                                                          self->sessions);
  g_signal_connect_object (self->sessions, "changed",
                           G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::start-at-login",
                           G_CALLBACK (start_at_login_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sessions, "login-requested",
                           G_CALLBACK (login_requested_cb),
                           self, G_CONNECT_SWAPPED);

  /* A file that cannot be read is shown (load-error); the applet runs on regardless. */
  amt_sessions_bind_settings (self->sessions, self->settings);
  amt_sessions_load (self->sessions, NULL);
  amt_sessions_watch_files (self->sessions);
  amt_application_update_tray (self);
}

static void
amt_application_activate (GApplication *app)
{
  AmtApplication *self = AMT_APPLICATION (app);

  if (self->start_in_background)
    {
      self->start_in_background = FALSE;
      return;
    }

  present_window (self);
}

static gboolean
amt_application_dbus_register (GApplication     *app,
                               GDBusConnection  *connection,
                               const char       *object_path,
                               GError          **error)
{
  AmtApplication *self = AMT_APPLICATION (app);

  if (!G_APPLICATION_CLASS (amt_application_parent_class)->dbus_register (app, connection,
                                                                          object_path, error))
    return FALSE;

  self->service = amt_service_new (connection, object_path, self->sessions, error);
  return self->service != NULL;
}

static void
amt_application_dbus_unregister (GApplication    *app,
                                 GDBusConnection *connection,
                                 const char      *object_path)
{
  AmtApplication *self = AMT_APPLICATION (app);

  g_clear_object (&self->service);

  G_APPLICATION_CLASS (amt_application_parent_class)->dbus_unregister (app, connection, object_path);
}

static void
amt_application_shutdown (GApplication *app)
{
  AmtApplication *self = AMT_APPLICATION (app);

  g_clear_handle_id (&self->update_tray_id, g_source_remove);
  g_hash_table_remove_all (self->dialogs);
  if (self->reminders != NULL)
    amt_reminders_withdraw_all (self->reminders);
  g_clear_object (&self->tray_watch);
  g_clear_object (&self->background_status);
  g_clear_object (&self->reminders);
  g_clear_object (&self->session_actions);
  g_clear_object (&self->tray);

  G_APPLICATION_CLASS (amt_application_parent_class)->shutdown (app);
}

static void
amt_application_dispose (GObject *object)
{
  AmtApplication *self = (AmtApplication *)object;

  g_clear_handle_id (&self->update_tray_id, g_source_remove);
  g_clear_pointer (&self->dialogs, g_hash_table_unref);
  g_clear_pointer (&self->auto_opened, g_hash_table_unref);
  g_queue_clear_full (&self->refresh_queue, g_free);
  g_clear_object (&self->tray_watch);
  g_clear_object (&self->background_status);
  g_clear_object (&self->reminders);
  g_clear_object (&self->session_actions);
  g_clear_object (&self->tray);
  g_clear_object (&self->service);
  g_clear_object (&self->sessions);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (amt_application_parent_class)->dispose (object);
}

static void
amt_application_class_init (AmtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = amt_application_dispose;

  app_class->handle_local_options = amt_application_handle_local_options;
  app_class->startup = amt_application_startup;
  app_class->activate = amt_application_activate;
  app_class->shutdown = amt_application_shutdown;
  app_class->dbus_register = amt_application_dbus_register;
  app_class->dbus_unregister = amt_application_dbus_unregister;
}

static void
amt_application_init (AmtApplication *self)
{
  g_autoptr(AmtClock) clock = amt_system_clock_new (TRUE);

  self->sessions = amt_sessions_new_with_clock (clock);
  self->settings = g_settings_new (APP_ID);
  /* The dialog is destroyed by its response handler, or at shutdown (the table owns the
   * last reference to a dialog only between its creation and its destruction). */
  self->dialogs = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->auto_opened = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->refresh_queue);
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
}

AmtApplication *
amt_application_new (void)
{
  return g_object_new (AMT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/**
 * amt_application_set_tray:
 * @tray: the tray to use instead of the AppIndicator one (tests use a fake)
 *
 * Must be called before the application starts up.
 */
void
amt_application_set_tray (AmtApplication *self,
                          AmtTray        *tray)
{
  g_return_if_fail (AMT_IS_APPLICATION (self));
  g_return_if_fail (AMT_IS_TRAY (tray));
  g_return_if_fail (self->tray == NULL);

  self->tray = g_object_ref (tray);
}

AmtSessions *
amt_application_get_sessions (AmtApplication *self)
{
  g_return_val_if_fail (AMT_IS_APPLICATION (self), NULL);

  return self->sessions;
}
