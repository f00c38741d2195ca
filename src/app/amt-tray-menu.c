/* amt-tray-menu.c: the tray's menu, built from the sessions model
 *
 * What the tray shows is rebuilt whole whenever the model changes (amt-application.c
 * coalesces the changes into one idle): the profiles with their states, what one code
 * refreshes, the consoles that can be opened, and the application's items.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-tray-menu"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-format.h"
#include "amt-tray-menu.h"

/* A menu line longer than this gets "and N more". */
#define MAX_NAMES_IN_MENU 3
/* Past this many profiles the tray menu shows one submenu per MFA device, so that it stays
 * within a laptop's screen (30 lines of a tray menu are taller than 768 px). */
#define MAX_PROFILE_LINES_IN_MENU 10

/* Menu labels are read with mnemonics: a profile's own "_" must stay a "_". */
static char *
escape_mnemonic (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

/* "dev, prod, admin and 2 more", as a menu label */
static char *
group_label (GPtrArray *group)
{
  g_autofree char *names = amt_format_profile_names (group, MAX_NAMES_IN_MENU);

  return escape_mnemonic (names);
}

/* "Log In to dev, admin and 2 more…": what one code refreshes. */
static char *
login_label (GPtrArray *group)
{
  g_autofree char *names = group_label (group);

  /* Translators: a tray menu entry; %s lists the profiles one code refreshes */
  return g_strdup_printf (_("Log In to %s…"), names);
}

/* "prod — 3 h 12 min left": activating it logs the profile in (or, for a profile that
 * cannot be refreshed, opens the window that says why). */
static GMenuItem *
profile_line_new (AmtSessions *sessions,
                  AmtProfile  *profile)
{
  g_autofree char *state = amt_sessions_describe_profile (sessions, profile);
  g_autofree char *name = escape_mnemonic (amt_profile_get_name (profile));
  g_autofree char *line = NULL;
  GMenuItem *item;

  /* Translators: a tray menu line, "<profile name> — <state>", e.g. "prod — 3 h 12 min left" */
  line = g_strdup_printf (_("%s — %s"), name, state);
  item = g_menu_item_new (line, NULL);
  if (amt_profile_get_config (profile)->problem != NULL)
    g_menu_item_set_action_and_target_value (item, "app.open-window", NULL);
  else
    g_menu_item_set_action_and_target (item, "app.login", "s", amt_profile_get_name (profile));

  return item;
}

static GMenuItem *
login_item_new (AmtProfile *profile,
                const char *label,
                gboolean    secondary)
{
  GMenuItem *item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target (item, "app.login", "s", amt_profile_get_name (profile));
  /* A middle click on the icon logs in the device whose session ends first. */
  if (secondary)
    g_menu_item_set_attribute (item, "x-amt-secondary", "b", TRUE);
  return item;
}

/* The profile of @group whose session ends first. */
static AmtProfile *
group_first_to_end (AmtSessions *sessions,
                    GPtrArray   *group)
{
  AmtProfile *first = NULL;
  gint64 first_left = G_MAXINT64;

  for (guint i = 0; i < group->len; i++)
    {
      AmtProfile *profile = g_ptr_array_index (group, i);
      gint64 left = amt_sessions_get_seconds_left (sessions, profile);

      if (first == NULL || left < first_left)
        {
          first = profile;
          first_left = left;
        }
    }
  return first;
}

/* "All 28 Profiles…": what a menu cut short leaves to the window. */
static GMenuItem *
show_all_item_new (guint n_profiles)
{
  g_autofree char *label = NULL;

  /* Translators: the last entry of a tray menu cut short; it opens the window */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "All %u Profiles…", "All %u Profiles…",
                                        n_profiles),
                           n_profiles);
  return g_menu_item_new (label, "app.open-window");
}

/* Many profiles: one submenu per MFA device, its "Log In…" first, then its profiles; the
 * device whose session ends first also gets its "Log In to …" at the top level. No menu
 * holds more than MAX_PROFILE_LINES_IN_MENU lines of profiles: the window shows the rest. */
static void
append_device_submenus (AmtSessions *sessions,
                        GMenu       *profiles_section,
                        GMenu       *login_section)
{
  GListModel *profiles = amt_sessions_get_profiles (sessions);
  guint n_profiles = g_list_model_get_n_items (profiles);
  AmtProfile *first = amt_sessions_get_first_to_expire (sessions);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GMenu) unmanaged = g_menu_new ();
  guint n_submenus = 0;
  gboolean cut_short = FALSE;

  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      g_autoptr(GPtrArray) group = NULL;
      g_autoptr(GMenu) device_menu = NULL;
      g_autoptr(GMenu) lines = NULL;
      g_autoptr(GMenuItem) login = NULL;
      g_autofree char *label = NULL;
      g_autofree char *state = NULL;
      g_autofree char *submenu_label = NULL;
      gboolean holds_first;

      if (g_hash_table_contains (seen, profile))
        continue;

      if (amt_profile_get_config (profile)->problem != NULL)
        {
          g_autoptr(GMenuItem) line = profile_line_new (sessions, profile);

          if (g_menu_model_get_n_items (G_MENU_MODEL (unmanaged)) < MAX_PROFILE_LINES_IN_MENU)
            g_menu_append_item (unmanaged, line);
          else
            cut_short = TRUE;
          continue;
        }

      group = amt_sessions_get_group (sessions, profile);
      for (guint j = 0; j < group->len; j++)
        g_hash_table_add (seen, g_ptr_array_index (group, j));
      holds_first = first != NULL && g_ptr_array_find (group, first, NULL);

      device_menu = g_menu_new ();
      lines = g_menu_new ();
      login = login_item_new (profile, _("_Log In…"), FALSE);
      g_menu_append_item (device_menu, login);
      for (guint j = 0; j < MIN (group->len, MAX_PROFILE_LINES_IN_MENU); j++)
        {
          g_autoptr(GMenuItem) line = profile_line_new (sessions, g_ptr_array_index (group, j));

          g_menu_append_item (lines, line);
        }
      if (group->len > MAX_PROFILE_LINES_IN_MENU)
        {
          g_autoptr(GMenuItem) all = show_all_item_new (group->len);

          g_menu_append_item (lines, all);
        }
      g_menu_append_section (device_menu, NULL, G_MENU_MODEL (lines));

      label = group_label (group);
      state = amt_sessions_describe_profile (sessions, group_first_to_end (sessions, group));
      /* Translators: a tray submenu, "<profiles> — <state of the one that ends first>" */
      submenu_label = g_strdup_printf (_("%s — %s"), label, state);
      if (n_submenus++ < MAX_PROFILE_LINES_IN_MENU)
        g_menu_append_submenu (profiles_section, submenu_label, G_MENU_MODEL (device_menu));
      else
        cut_short = TRUE;

      if (holds_first)
        {
          g_autofree char *first_label = login_label (group);
          g_autoptr(GMenuItem) first_login = login_item_new (profile, first_label, TRUE);

          g_menu_append_item (login_section, first_login);
        }
    }

  if (g_menu_model_get_n_items (G_MENU_MODEL (unmanaged)) > 0)
    g_menu_append_submenu (profiles_section, _("Profiles That Cannot Be Refreshed"),
                           G_MENU_MODEL (unmanaged));
  if (cut_short)
    {
      g_autoptr(GMenuItem) all = show_all_item_new (n_profiles);

      g_menu_append_item (profiles_section, all);
    }
}

/* "Open Console for admin": one line per role profile (a session from GetSessionToken cannot
 * sign in to the console; the window's row menu says so). */
static GMenu *
build_console_section (AmtSessions *sessions)
{
  GMenu *section = g_menu_new ();
  GListModel *profiles = amt_sessions_get_profiles (sessions);
  guint n_profiles = g_list_model_get_n_items (profiles);

  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;

      if (amt_profile_get_kind (profile) != AMT_PROFILE_KIND_ROLE)
        continue;

      /* Translators: a tray menu item, "Open Console for admin" */
      label = g_strdup_printf (_("Open Console for %s"), amt_profile_get_name (profile));
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "app.open-console", "s", amt_profile_get_name (profile));
      g_menu_append_item (section, item);
    }

  return section;
}

/**
 * amt_tray_menu_build:
 * @sessions: the sessions model
 *
 * The tray's menu as it is now: a line per profile (or a submenu per MFA device past ten
 * profiles), "Log In…" per device, "Open Console" per role profile, then the application's
 * own items. Activating an item runs an app.* action (amt-application.c,
 * amt-session-actions.c).
 *
 * Returns: (transfer full): the menu
 */
GMenuModel *
amt_tray_menu_build (AmtSessions *sessions)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) profiles_section = g_menu_new ();
  g_autoptr(GMenu) login_section = g_menu_new ();
  g_autoptr(GMenu) app_section = g_menu_new ();
  g_autoptr(GMenu) quit_section = g_menu_new ();
  g_autoptr(GMenu) console_section = NULL;
  g_autoptr(GHashTable) groups_seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  GListModel *profiles = amt_sessions_get_profiles (sessions);
  guint n_profiles = g_list_model_get_n_items (profiles);
  AmtProfile *first = amt_sessions_get_first_to_expire (sessions);
  const char *load_error = amt_sessions_get_load_error (sessions);

  if (load_error != NULL)
    g_menu_append (profiles_section, _("The AWS files cannot be read: open the window for details"), NULL);

  if (n_profiles == 0)
    {
      /* An item without an action is an insensitive line of information. */
      g_menu_append (profiles_section, _("No MFA profiles found"), NULL);
      g_menu_append (profiles_section, _("_Add Profile…"), "app.add-profile");
    }

  if (n_profiles > MAX_PROFILE_LINES_IN_MENU)
    append_device_submenus (sessions, profiles_section, login_section);
  else
    for (guint i = 0; i < n_profiles; i++)
      {
        g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
        g_autoptr(GMenuItem) line = profile_line_new (sessions, profile);
        g_autoptr(GPtrArray) group = NULL;
        g_autoptr(GMenuItem) item = NULL;
        g_autofree char *label = NULL;
        gboolean seen = FALSE;

        g_menu_append_item (profiles_section, line);

        if (amt_profile_get_config (profile)->problem != NULL)
          continue;

        /* One entry per MFA device: the group starts at its first profile. */
        group = amt_sessions_get_group (sessions, profile);
        for (guint j = 0; j < group->len && !seen; j++)
          seen = g_hash_table_contains (groups_seen, g_ptr_array_index (group, j));
        for (guint j = 0; j < group->len; j++)
          g_hash_table_add (groups_seen, g_ptr_array_index (group, j));
        if (seen)
          continue;

        label = login_label (group);
        item = login_item_new (profile, label, first != NULL && g_ptr_array_find (group, first, NULL));
        g_menu_append_item (login_section, item);
      }

  console_section = build_console_section (sessions);
  g_menu_append (app_section, _("_Open Window"), "app.open-window");
  g_menu_append (app_section, _("_Preferences"), "app.preferences");
  g_menu_append (app_section, _("_About MFA Tray for AWS"), "app.about");
  g_menu_append (quit_section, _("_Quit"), "app.quit");

  g_menu_append_section (menu, NULL, G_MENU_MODEL (profiles_section));
  if (g_menu_model_get_n_items (G_MENU_MODEL (login_section)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (login_section));
  if (g_menu_model_get_n_items (G_MENU_MODEL (console_section)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (console_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (app_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (quit_section));

  return G_MENU_MODEL (g_steal_pointer (&menu));
}
