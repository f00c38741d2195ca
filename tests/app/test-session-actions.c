/* test-session-actions.c: Copy as Environment Variables and the row menu's session items, in
 * process under Xvfb (src/app/amt-session-actions.c)
 *
 * The clipboard gets the `env` text of the profile's session; after the (shortened) delay it
 * is cleared only if it still holds that text. The row menu of a role profile opens the
 * console; a GetSessionToken profile's console line is there, with its reason, and no action.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "amt-console.h"
#include "amt-profile-row.h"
#include "amt-session-actions.h"
#include "amt-session-env.h"
#include "amt-test-gtk.h"

#define SESSION_TOKEN "IQoJb3JpZ2luX2VjE+it's/a=token"

/* dev (GetSessionToken) and admin (a role) with sessions two hours from their end. */
static AmtSessions *
load_logged_in_sessions (void)
{
  g_autofree char *credentials_path = amt_test_write_alice_files (FALSE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  g_autofree char *expiration = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *old = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  AmtSessions *sessions;

  g_file_get_contents (credentials_path, &old, NULL, &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("%s\n[dev]\naws_access_key_id = ASIADEVSESSION000001\n"
                          "aws_secret_access_key = dev-secret\n"
                          "aws_session_token = " SESSION_TOKEN "\nexpiration = %s\n"
                          "\n[admin-mfa]\naws_access_key_id = ASIAADMINSESSION0001\n"
                          "aws_secret_access_key = admin-secret\n"
                          "aws_session_token = admin-token\nexpiration = %s\n",
                          old, expiration, expiration);
  g_file_set_contents (credentials_path, text, -1, &error);
  g_assert_no_error (error);

  sessions = amt_sessions_new ();
  g_assert_true (amt_sessions_load (sessions, &error));
  g_assert_no_error (error);
  return sessions;
}

typedef struct {
  gboolean checked;
  gboolean cleared;
} Checked;

static void
clipboard_checked_cb (AmtSessionActions *actions,
                      gboolean           cleared,
                      Checked           *checked)
{
  checked->checked = TRUE;
  checked->cleared = cleared;
}

static gboolean
is_checked (gpointer data)
{
  return ((Checked *) data)->checked;
}

static char *
expected_text (AmtSessions *sessions,
               const char  *name)
{
  AmtProfile *profile = amt_sessions_lookup_profile (sessions, name);
  g_autoptr(AmtCredentials) session = amt_session_env_read_session (sessions, profile);
  char **variables;
  char *text;

  g_assert_nonnull (session);
  variables = amt_session_env_build (session, amt_profile_get_config (profile)->region);
  text = amt_session_env_format ((const char * const *) variables, AMT_SESSION_ENV_FORMAT_SH);
  amt_session_env_free (variables);
  return text;
}

static void
test_copy_and_clear (void)
{
  g_autoptr(AmtSessions) sessions = load_logged_in_sessions ();
  g_autoptr(AmtSessionActions) actions = amt_session_actions_new (NULL, sessions);
  GtkClipboard *clipboard = gtk_clipboard_get (GDK_SELECTION_CLIPBOARD);
  g_autofree char *expected = expected_text (sessions, "dev");
  g_autofree char *copied = NULL;
  g_autofree char *after = NULL;
  Checked checked = { FALSE, FALSE };

  g_object_set (actions, "clipboard-seconds", 1, NULL);
  g_signal_connect (actions, "clipboard-checked", G_CALLBACK (clipboard_checked_cb), &checked);

  amt_session_actions_copy_environment (actions, "dev");
  copied = gtk_clipboard_wait_for_text (clipboard);
  g_assert_cmpstr (copied, ==, expected);
  g_assert_nonnull (strstr (copied, "export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjE+it'\\''s/a=token'\n"));
  g_assert_nonnull (strstr (copied, "export AWS_REGION='us-east-1'\n"));

  /* Unchanged: cleared. */
  amt_test_spin_until (is_checked, &checked, "the clipboard check");
  g_assert_true (checked.cleared);
  after = gtk_clipboard_wait_for_text (clipboard);
  g_assert_true (after == NULL || *after == '\0');
  g_clear_pointer (&after, g_free);

  /* Changed since: left alone. */
  checked.checked = FALSE;
  amt_session_actions_copy_environment (actions, "admin");
  gtk_clipboard_set_text (clipboard, "the user's own text", -1);
  amt_test_spin_until (is_checked, &checked, "the clipboard check");
  g_assert_false (checked.cleared);
  after = gtk_clipboard_wait_for_text (clipboard);
  g_assert_cmpstr (after, ==, "the user's own text");
}

static void
g_list_prepend_cb (GtkWidget *widget,
                   GList    **list)
{
  *list = g_list_prepend (*list, widget);
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

/* Depth-first, the internal children too: the first widget that matches. */
static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  GtkWidget *found = NULL;
  GList *stack = g_list_prepend (NULL, root);

  while (stack != NULL && found == NULL)
    {
      GtkWidget *widget = stack->data;

      stack = g_list_delete_link (stack, stack);
      if (match (widget, data))
        found = widget;
      else if (GTK_IS_CONTAINER (widget))
        {
          g_autoptr(GList) children = NULL;

          gtk_container_forall (GTK_CONTAINER (widget), (GtkCallback) (void (*) (void)) g_list_prepend_cb, &children);
          for (GList *l = children; l != NULL; l = l->next)
            stack = g_list_prepend (stack, l->data);
        }
    }
  g_list_free (stack);
  return found;
}

static gboolean
is_menu_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget);
}

static gboolean
is_model_button_labelled (GtkWidget     *widget,
                          gconstpointer  label)
{
  g_autofree char *text = NULL;

  if (!GTK_IS_MODEL_BUTTON (widget))
    return FALSE;
  g_object_get (widget, "text", &text, NULL);
  return g_strcmp0 (text, label) == 0;
}

static GMenuModel *
row_menu (GtkWidget *row)
{
  GtkWidget *button = find_widget (row, is_menu_button, NULL);

  g_assert_nonnull (button);
  return gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
}

static void
assert_item (GMenuModel *section,
             gint        index,
             const char *label,
             const char *action,
             const char *target)
{
  g_autofree char *item_label = NULL;
  g_autofree char *item_action = NULL;
  g_autofree char *item_target = NULL;

  g_assert_true (g_menu_model_get_item_attribute (section, index, G_MENU_ATTRIBUTE_LABEL, "s", &item_label));
  g_assert_cmpstr (item_label, ==, label);
  g_menu_model_get_item_attribute (section, index, G_MENU_ATTRIBUTE_ACTION, "s", &item_action);
  g_assert_cmpstr (item_action, ==, action);
  g_menu_model_get_item_attribute (section, index, G_MENU_ATTRIBUTE_TARGET, "s", &item_target);
  g_assert_cmpstr (item_target, ==, target);
}

static void
test_row_menu (void)
{
  g_autoptr(AmtSessions) sessions = load_logged_in_sessions ();
  GtkWidget *admin_row = amt_profile_row_new (sessions, amt_sessions_lookup_profile (sessions, "admin"));
  GtkWidget *dev_row = amt_profile_row_new (sessions, amt_sessions_lookup_profile (sessions, "dev"));
  GMenuModel *section;

  g_object_ref_sink (admin_row);
  g_object_ref_sink (dev_row);

  section = g_menu_model_get_item_link (row_menu (admin_row), 0, G_MENU_LINK_SECTION);
  assert_item (section, 0, "Open _Console", "app.open-console", "admin");
  assert_item (section, 1, "Copy as Environment _Variables", "app.copy-environment", "admin");
  g_object_unref (section);

  /* A disabled action: GTK shows the line insensitive, with its reason in the words. */
  section = g_menu_model_get_item_link (row_menu (dev_row), 0, G_MENU_LINK_SECTION);
  assert_item (section, 0, "Open Console (only role sessions can sign in)", "app.open-console-unavailable", "dev");
  assert_item (section, 1, "Copy as Environment _Variables", "app.copy-environment", "dev");
  g_object_unref (section);

  g_object_unref (admin_row);
  g_object_unref (dev_row);
}

/* The popover as the keyboard opens it (Space on the row's menu button): the console line of a
 * GetSessionToken profile is shown, insensitive. */
static void
test_row_popover (void)
{
  g_autoptr(AmtSessions) sessions = load_logged_in_sessions ();
  g_autoptr(AmtSessionActions) actions = amt_session_actions_new (NULL, sessions);
  g_autoptr(GSimpleActionGroup) app_group = g_simple_action_group_new ();
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *dev_row = amt_profile_row_new (sessions, amt_sessions_lookup_profile (sessions, "dev"));
  GtkWidget *button = find_widget (dev_row, is_menu_button, NULL);
  GtkWidget *console_item;
  GtkWidget *copy_item;
  GtkPopover *popover;

  gtk_container_add (GTK_CONTAINER (list), dev_row);
  gtk_container_add (GTK_CONTAINER (window), list);
  amt_session_actions_add_to (actions, G_ACTION_MAP (app_group));
  gtk_widget_insert_action_group (window, "app", G_ACTION_GROUP (app_group));
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 260);
  gtk_widget_show_all (window);
  amt_test_spin_for (200);

  gtk_widget_grab_focus (button);
  g_assert_true (gtk_widget_activate (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_nonnull (popover);
  amt_test_spin_for (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));

  console_item = find_widget (GTK_WIDGET (popover), is_model_button_labelled,
                              "Open Console (only role sessions can sign in)");
  /* GtkModelButton's text is the label without its mnemonic mark. */
  copy_item = find_widget (GTK_WIDGET (popover), is_model_button_labelled,
                           "Copy as Environment Variables");
  g_assert_nonnull (console_item);
  g_assert_nonnull (copy_item);
  g_assert_true (gtk_widget_is_sensitive (copy_item));
  g_assert_true (gtk_widget_get_visible (console_item));
  g_assert_false (gtk_widget_is_sensitive (console_item));
  amt_test_screenshot (window, "row-menu-session.png");

  gtk_widget_destroy (window);
}

/* A console the profile cannot have is said before any code is asked for: in the one error
 * dialog of the applet (amt-message-dialog.c), the reason as its second line, not modal. */
static void
test_console_refused (void)
{
  g_autoptr(AmtSessions) sessions = load_logged_in_sessions ();
  g_autoptr(AmtSessionActions) actions = amt_session_actions_new (NULL, sessions);
  g_autofree char *reason = amt_console_dup_unavailable_reason (amt_sessions_lookup_profile (sessions, "dev"));
  g_autolist(GtkWidget) toplevels = NULL;
  GtkWidget *dialog = NULL;
  g_autofree char *primary = NULL;
  g_autofree char *secondary = NULL;

  g_assert_nonnull (reason);
  amt_session_actions_open_console (actions, "dev");

  toplevels = gtk_window_list_toplevels ();
  g_list_foreach (toplevels, (GFunc) (void (*) (void)) g_object_ref, NULL);
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  g_object_get (dialog, "text", &primary, "secondary-text", &secondary, NULL);
  g_assert_cmpstr (primary, ==, "Cannot open the AWS Console");
  g_assert_cmpstr (secondary, ==, reason);
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));

  /* Close destroys it. */
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CLOSE);
  g_assert_false (gtk_widget_get_visible (dialog));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session-actions/copy-and-clear", test_copy_and_clear);
  g_test_add_func ("/session-actions/row-menu", test_row_menu);
  g_test_add_func ("/session-actions/row-popover", test_row_popover);
  g_test_add_func ("/session-actions/console-refused", test_console_refused);

  return g_test_run ();
}
