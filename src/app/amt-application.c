/* amt-application.c
 *
 * The applet lives in the tray: the application holds itself for as long as it runs, and the
 * window comes and goes. The tray follows the sessions model through one coalesced idle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-application"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-application.h"
#include "amt-service.h"
#include "amt-tray-indicator.h"
#include "amt-window.h"

struct _AmtApplication
{
  GtkApplication  parent_instance;

  AmtSessions    *sessions;
  AmtService     *service;
  GSettings      *settings;
  AmtTray        *tray;
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

static GMenuModel *
amt_application_build_tray_menu (AmtApplication *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) profiles_section = g_menu_new ();
  g_autoptr(GMenu) app_section = g_menu_new ();
  g_autoptr(GMenu) quit_section = g_menu_new ();
  GListModel *profiles = amt_sessions_get_profiles (self->sessions);
  guint n_profiles = g_list_model_get_n_items (profiles);

  if (n_profiles == 0)
    {
      /* An item without an action is an insensitive line of information. */
      g_menu_append (profiles_section, _("No MFA profiles found"), NULL);
      g_menu_append (profiles_section, _("_Add Profile…"), "app.add-profile");
    }

  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      g_autofree char *line = NULL;

      /* Translators: a tray menu line, "<profile name> — <state>" */
      line = g_strdup_printf (_("%s — %s"),
                              amt_profile_get_name (profile),
                              amt_session_state_to_label (amt_profile_get_state (profile)));
      g_menu_append (profiles_section, line, NULL);
    }

  g_menu_append (app_section, _("_Open Window"), "app.open-window");
  g_menu_append (app_section, _("_Preferences"), "app.preferences");
  g_menu_append (quit_section, _("_Quit"), "app.quit");

  g_menu_append_section (menu, NULL, G_MENU_MODEL (profiles_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (app_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (quit_section));

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
amt_application_update_tray (gpointer user_data)
{
  AmtApplication *self = user_data;
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *title = NULL;
  AmtSessionState worst = AMT_SESSION_STATE_VALID;
  gboolean have_profiles;

  self->update_tray_id = 0;

  have_profiles = amt_sessions_get_worst_state (self->sessions, &worst);
  if (have_profiles)
    /* Translators: the tray icon's title, with the state of the worst session */
    title = g_strdup_printf (_("AWS MFA Tray: %s"), amt_session_state_to_label (worst));
  else
    title = g_strdup (_("AWS MFA Tray: no MFA profiles"));

  menu = amt_application_build_tray_menu (self);
  amt_tray_set_status (self->tray, amt_tray_icon_name_for (have_profiles, worst), title);
  amt_tray_set_menu (self->tray, menu);
}

static void
amt_application_schedule_update_tray (AmtApplication *self)
{
  if (self->update_tray_id == 0)
    self->update_tray_id = g_idle_add_once (amt_application_update_tray, self);
}

static void
present_window (AmtApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (amt_window_new (GTK_APPLICATION (self), self->sessions));

  gtk_window_present (window);
}

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

static const GActionEntry app_actions[] = {
  { "open-window", open_window_action },
  { "quit", quit_action },
  /* Enabled by the issues that bring the preferences and add-profile dialogs. */
  { "preferences", NULL },
  { "add-profile", NULL },
};

static void
sessions_changed_cb (AmtApplication *self,
                     AmtSessions    *sessions)
{
  amt_application_schedule_update_tray (self);
}

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
  GAction *action;

  G_APPLICATION_CLASS (amt_application_parent_class)->startup (app);

  /* The tray keeps the applet alive when no window is open. */
  g_application_hold (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "preferences");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "add-profile");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });

  if (self->tray == NULL)
    self->tray = amt_tray_indicator_new (G_ACTION_GROUP (self));

  /* A file that cannot be read is shown (load-error); the applet runs on regardless. */
  amt_sessions_bind_settings (self->sessions, self->settings);
  amt_sessions_load (self->sessions, NULL);
  amt_sessions_watch_files (self->sessions);

  g_signal_connect_object (self->sessions, "changed",
                           G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);
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
  g_clear_object (&self->tray);

  G_APPLICATION_CLASS (amt_application_parent_class)->shutdown (app);
}

static void
amt_application_dispose (GObject *object)
{
  AmtApplication *self = (AmtApplication *)object;

  g_clear_handle_id (&self->update_tray_id, g_source_remove);
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
