/* test-application.c: the applet in-process, with a fake tray, under Xvfb
 *
 * The application starts, opens the "Sessions" window in its empty state, and keeps the tray's
 * icon, title and menu in step with the sessions model through one coalesced update.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "amt-application.h"
#include "amt-fake-tray.h"
#include "amt-preferences-dialog.h"
#include "amt-profile-dialog.h"
#include "amt-test-gtk.h"

static gboolean
has_window (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

typedef struct
{
  AmtFakeTray *tray;
  guint        n_menu_sets;
} MenuWait;

static gboolean
menu_set_again (gpointer data)
{
  MenuWait *wait = data;

  return amt_fake_tray_get_n_menu_sets (wait->tray) > wait->n_menu_sets;
}

static void
find_stack_cb (GtkWidget *widget,
               gpointer   data)
{
  GtkStack **stack = data;

  if (*stack == NULL && GTK_IS_STACK (widget))
    *stack = GTK_STACK (widget);
  else if (*stack == NULL && GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_stack_cb, data);
}

static GtkStack *
window_get_stack (GtkWindow *window)
{
  GtkStack *stack = NULL;

  find_stack_cb (gtk_bin_get_child (GTK_BIN (window)), &stack);
  g_assert_true (GTK_IS_STACK (stack));
  return stack;
}

static void
collect_label_texts (GtkWidget *widget,
                     gpointer   data)
{
  GString *texts = data;

  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (texts, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    g_string_append_printf (texts, "%s\n", gtk_button_get_label (GTK_BUTTON (widget)));

  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_label_texts, texts);
}

static char *
visible_page_texts (GtkStack *stack)
{
  GString *texts = g_string_new (NULL);

  collect_label_texts (gtk_stack_get_visible_child (stack), texts);
  return g_string_free (texts, FALSE);
}

static gboolean
has_about_dialog (gpointer data)
{
  for (GList *l = gtk_application_get_windows (data); l != NULL; l = l->next)
    if (GTK_IS_ABOUT_DIALOG (l->data) && gtk_widget_get_mapped (l->data))
      return TRUE;
  return FALSE;
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *wanted)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *action = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (section != NULL && menu_has_action (section, wanted))
        return TRUE;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action) &&
          g_str_equal (action, wanted))
        return TRUE;
    }
  return FALSE;
}

static void
find_menu_button (GtkWidget *widget,
                  gpointer   data)
{
  GtkWidget **found = data;

  if (GTK_IS_MENU_BUTTON (widget) && *found == NULL)
    *found = widget;
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_menu_button, data);
}

/* About: reachable from the window's menu (and the tray's: see the menu above), with the
 * version, the website, the issue tracker, the licence and the credits. */
static void
assert_about_dialog (GtkApplication *app,
                     GtkWindow      *window)
{
  GtkWidget *menu_button = NULL;
  GtkAboutDialog *about = NULL;
  const char * const *authors;

  /* The header bar's (profile rows have menu buttons of their own). */
  find_menu_button (gtk_window_get_titlebar (window), &menu_button);
  g_assert_nonnull (menu_button);
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)), "app.about"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  amt_test_spin_until (has_about_dialog, app, "the About dialog");
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (GTK_IS_ABOUT_DIALOG (l->data))
      about = l->data;

  g_assert_cmpstr (gtk_about_dialog_get_program_name (about), ==, "MFA Tray for AWS");
  g_assert_cmpstr (gtk_about_dialog_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (gtk_about_dialog_get_website (about), ==, "https://github.com/awsmfatray/AwsMfaTray");
  g_assert_cmpint (gtk_about_dialog_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  authors = gtk_about_dialog_get_authors (about);
  g_assert_true (authors != NULL && authors[0] != NULL);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == window);
  amt_test_assert_unique_mnemonics (GTK_WIDGET (about));
  amt_test_screenshot (GTK_WIDGET (about), "about.png");

  /* A second request presents the same dialog. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  {
    guint n_about = 0;

    for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
      n_about += GTK_IS_ABOUT_DIALOG (l->data);
    g_assert_cmpuint (n_about, ==, 1);
  }
  gtk_widget_destroy (GTK_WIDGET (about));
}

typedef struct {
  GtkApplication *app;
  GType           type;
} DialogWait;

static GtkWidget *
find_window_of_type (GtkApplication *app,
                     GType           type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  /* Not only the application's: the profile form is the window's dialog. */
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_window_of_type (gpointer data)
{
  DialogWait *wait = data;

  return find_window_of_type (wait->app, wait->type) != NULL;
}

/* Every dialog's access keys are its own: Preferences, the profile form, the window. */
static void
assert_dialogs_mnemonics (GtkApplication *app,
                          GtkWindow      *window)
{
  const struct { const char *action; GType type; } dialogs[] = {
    { "preferences", AMT_TYPE_PREFERENCES_DIALOG },
    { "add-profile", AMT_TYPE_PROFILE_DIALOG },
  };

  amt_test_assert_unique_mnemonics (GTK_WIDGET (window));
  for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
    {
      DialogWait wait = { app, dialogs[i].type };
      GtkWidget *dialog;

      g_action_group_activate_action (G_ACTION_GROUP (app), dialogs[i].action, NULL);
      amt_test_spin_until (has_window_of_type, &wait, dialogs[i].action);
      dialog = find_window_of_type (app, dialogs[i].type);
      amt_test_assert_unique_mnemonics (dialog);
      gtk_widget_destroy (dialog);
    }
}

/* Past ten profiles, a submenu per MFA device keeps the menu within a screen: Log In first
 * in each, at most ten lines of profiles, the rest in the window. */
static void
assert_many_profiles_menu (AmtFakeTray *tray,
                           AmtSessions *sessions,
                           MenuWait    *wait)
{
  g_autofree char *menu = NULL;

  wait->n_menu_sets = amt_fake_tray_get_n_menu_sets (tray);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("team_%02u", i);
      g_autoptr(AmtProfile) profile = amt_profile_new (name);

      amt_profile_set_state (profile, AMT_SESSION_STATE_NEVER_LOGGED_IN);
      amt_sessions_add_profile (sessions, profile);
    }
  amt_test_spin_until (menu_set_again, wait, "the tray menu of 15 profiles");
  amt_test_drain_main_context ();

  menu = amt_fake_tray_dump_menu (tray);
  g_test_message ("%s", menu);
  /* These profiles have no MFA device: each is a group of its own, so 15 submenus, cut at 10. */
  g_assert_nonnull (strstr (menu, "team__00 — not logged in >\n"
                                  "  _Log In… [app.login('team_00')]\n"
                                  "  --\n"
                                  "  team__00 — not logged in [app.login('team_00')]\n"));
  g_assert_nonnull (strstr (menu, "All 15 Profiles… [app.open-window]\n"));
  g_assert_null (strstr (menu, "team__09 — not logged in >"));

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("team_%02u", i);

      g_assert_true (amt_sessions_remove_profile (sessions, name));
    }
}

static void
give_device (AmtProfile *profile,
             const char *mfa_serial,
             const char *source_profile)
{
  AmtProfileConfig config = { 0, };

  config.kind = AMT_PROFILE_KIND_SESSION;
  config.target = g_strdup (amt_profile_get_name (profile));
  config.source_profile = g_strdup (source_profile);
  config.mfa_serial = g_strdup (mfa_serial);
  config.region = g_strdup ("eu-west-1");
  amt_profile_set_config (profile, &config);
}

static void
activate_cb (GApplication *app,
             AmtFakeTray  *tray)
{
  AmtSessions *sessions = amt_application_get_sessions (AMT_APPLICATION (app));
  GtkIconTheme *icon_theme = gtk_icon_theme_get_default ();
  g_autoptr(AmtProfile) dev = amt_profile_new ("dev");
  g_autoptr(AmtProfile) prod = amt_profile_new ("prod");
  g_autoptr(AmtProfile) ci = amt_profile_new ("ci");
  g_autofree char *menu = NULL;
  g_autofree char *texts = NULL;
  MenuWait wait = { tray, 0 };
  GtkWindow *window;
  GtkStack *stack;

  /* As users have them (the window's screenshot shows these): an IAM user's device each. */
  give_device (dev, "arn:aws:iam::111111111111:mfa/alice", "dev-long-term");
  give_device (prod, "arn:aws:iam::222222222222:mfa/alice", "prod-long-term");
  give_device (ci, "arn:aws:iam::333333333333:mfa/ci-bot", "ci-long-term");

  /* The window opens in its empty state. */
  amt_test_spin_until (has_window, app, "the window to be mapped");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_cmpstr (gtk_window_get_title (window), ==, "Sessions");
  stack = window_get_stack (window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  texts = visible_page_texts (stack);
  g_assert_nonnull (strstr (texts, "No MFA Profiles Found\n"));
  g_assert_nonnull (strstr (texts, "_Add Profile…\n"));
  g_clear_pointer (&texts, g_free);

  /* The tray tells the same. */
  g_assert_cmpstr (amt_fake_tray_get_icon_name (tray), ==, APP_ID "-symbolic");
  g_assert_cmpstr (amt_fake_tray_get_title (tray), ==, "MFA Tray for AWS: no MFA profiles");
  menu = amt_fake_tray_dump_menu (tray);
  g_assert_cmpstr (menu, ==,
                   "No MFA profiles found [-]\n"
                   "_Add Profile… [app.add-profile]\n"
                   "--\n"
                   "_Open Window [app.open-window]\n"
                   "_Preferences [app.preferences]\n"
                   "_About MFA Tray for AWS [app.about]\n"
                   "--\n"
                   "_Quit [app.quit]\n");
  g_clear_pointer (&menu, g_free);

  /* Three changes in a row reach the tray as one update. */
  amt_test_drain_main_context ();
  wait.n_menu_sets = amt_fake_tray_get_n_menu_sets (tray);
  {
    g_autoptr(GDateTime) dev_end = NULL;
    g_autoptr(GDateTime) prod_end = NULL;
    gint64 now_minute;

    /* Far enough from the end of a minute that the menu is built in the same one. */
    while (g_get_real_time () / G_USEC_PER_SEC % 60 > 50)
      amt_test_spin_for (200);

    /* On the clock's minutes, as shown: 3 h 12 min and 8 min left. */
    now_minute = g_get_real_time () / (60 * G_USEC_PER_SEC);
    dev_end = g_date_time_new_from_unix_utc ((now_minute + 192) * 60 + 30);
    prod_end = g_date_time_new_from_unix_utc ((now_minute + 8) * 60 + 30);
    amt_profile_set_expiration (dev, dev_end);
    amt_profile_set_expiration (prod, prod_end);
  }
  amt_profile_set_state (dev, AMT_SESSION_STATE_VALID);
  amt_profile_set_state (prod, AMT_SESSION_STATE_EXPIRING);
  amt_sessions_add_profile (sessions, dev);
  amt_sessions_add_profile (sessions, prod);
  amt_sessions_add_profile (sessions, ci);
  amt_test_spin_until (menu_set_again, &wait, "the tray menu to be updated");
  amt_test_drain_main_context ();
  g_assert_cmpuint (amt_fake_tray_get_n_menu_sets (tray), ==, wait.n_menu_sets + 1);

  /* The worst state wins: "ci" was never logged in. */
  g_assert_cmpstr (amt_fake_tray_get_icon_name (tray), ==, APP_ID "-expired");
  /* The title names the session that ends first; one never logged in ends now. */
  g_assert_cmpstr (amt_fake_tray_get_title (tray), ==, "MFA Tray for AWS: ci — not logged in");
  /* "prod" expires within the lead time: the item asks for attention. */
  g_assert_true (amt_fake_tray_get_needs_attention (tray));
  menu = amt_fake_tray_dump_menu (tray);
  /* A profile line logs that profile in; a "_" of a name is not a mnemonic. */
  g_assert_cmpstr (menu, ==,
                   "dev — 3 h 12 min left [app.login('dev')]\n"
                   "prod — 8 min left [app.login('prod')]\n"
                   "ci — not logged in [app.login('ci')]\n"
                   "--\n"
                   "Log In to dev… [app.login('dev')]\n"
                   "Log In to prod… [app.login('prod')]\n"
                   "Log In to ci… [app.login('ci')] (middle click)\n"
                   "--\n"
                   "_Open Window [app.open-window]\n"
                   "_Preferences [app.preferences]\n"
                   "_About MFA Tray for AWS [app.about]\n"
                   "--\n"
                   "_Quit [app.quit]\n");
  g_clear_pointer (&menu, g_free);

  /* The window lists the profiles. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "profiles");
  texts = visible_page_texts (stack);
  g_assert_nonnull (strstr (texts, "3 h 12 min left\ndev\n"));
  g_assert_nonnull (strstr (texts, "8 min left\nprod\n"));
  g_assert_nonnull (strstr (texts, "not logged in\nci\n"));
  g_clear_pointer (&texts, g_free);
  amt_test_screenshot (GTK_WIDGET (window), "window.png");

  /* Every state has its icon, and the theme finds each one. */
  wait.n_menu_sets = amt_fake_tray_get_n_menu_sets (tray);
  amt_profile_set_state (ci, AMT_SESSION_STATE_VALID);
  amt_test_spin_until (menu_set_again, &wait, "the tray to follow a state change");
  g_assert_cmpstr (amt_fake_tray_get_icon_name (tray), ==, APP_ID "-expiring");
  texts = visible_page_texts (stack);
  g_assert_null (strstr (texts, "not logged in"));
  g_clear_pointer (&texts, g_free);

  wait.n_menu_sets = amt_fake_tray_get_n_menu_sets (tray);
  amt_profile_set_state (prod, AMT_SESSION_STATE_ERROR);
  amt_test_spin_until (menu_set_again, &wait, "the tray to show an error");
  g_assert_cmpstr (amt_fake_tray_get_icon_name (tray), ==, APP_ID "-error");
  /* A failed refresh hides not the session it left: the tray and the row still count it down. */
  menu = amt_fake_tray_dump_menu (tray);
  g_assert_nonnull (strstr (menu, "prod — error, 8 min left [app.login('prod')]\n"));
  g_clear_pointer (&menu, g_free);
  texts = visible_page_texts (stack);
  g_assert_nonnull (strstr (texts, "error, 8 min left\nprod\n"));
  g_clear_pointer (&texts, g_free);

  wait.n_menu_sets = amt_fake_tray_get_n_menu_sets (tray);
  amt_profile_set_state (prod, AMT_SESSION_STATE_VALID);
  amt_test_spin_until (menu_set_again, &wait, "the tray to show all valid");
  g_assert_cmpstr (amt_fake_tray_get_icon_name (tray), ==, APP_ID "-valid");
  g_assert_false (amt_fake_tray_get_needs_attention (tray));

  for (AmtSessionState state = AMT_SESSION_STATE_VALID; state <= AMT_SESSION_STATE_ERROR; state++)
    {
      const char *icon_name = amt_tray_icon_name_for (TRUE, state);
      g_autofree char *symbolic = g_strconcat (icon_name, "-symbolic", NULL);

      g_assert_true (gtk_icon_theme_has_icon (icon_theme, icon_name));
      g_assert_true (gtk_icon_theme_has_icon (icon_theme, symbolic));
    }
  g_assert_true (gtk_icon_theme_has_icon (icon_theme, amt_tray_icon_name_for (FALSE, 0)));
  g_assert_true (gtk_icon_theme_has_icon (icon_theme, APP_ID));

  assert_about_dialog (GTK_APPLICATION (app), window);
  assert_dialogs_mnemonics (GTK_APPLICATION (app), window);
  assert_many_profiles_menu (tray, sessions, &wait);

  /* Removing every profile brings the empty state back. */
  g_assert_true (amt_sessions_remove_profile (sessions, "dev"));
  g_assert_true (amt_sessions_remove_profile (sessions, "prod"));
  g_assert_true (amt_sessions_remove_profile (sessions, "ci"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_application_window_and_tray (void)
{
  g_autoptr(AmtApplication) app = amt_application_new ();
  g_autoptr(AmtFakeTray) tray = amt_fake_tray_new ();
  int status;

  amt_application_set_tray (app, AMT_TRAY (tray));
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), tray);

  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL)
    g_error ("No DISPLAY: the gui suite runs under Xvfb, which ./run test starts");

  g_test_add_func ("/application/window-and-tray", test_application_window_and_tray);

  return g_test_run ();
}
