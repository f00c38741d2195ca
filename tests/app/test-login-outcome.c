/* test-login-outcome.c: what the window says before and after a login, from any process
 *
 * The applet in-process with a fake tray, under Xvfb, over real AWS files in the test's HOME:
 *
 *  - a half-done login of another process (the command line): the sections it wrote show with
 *    their expiry, the profile it could not refresh shows why, read from the failures file
 *    (amt-failure-state.c), at start and when that file changes while the applet runs;
 *  - a problem known before a code is sent (amt-target-check.c: a session that would go to
 *    [DEFAULT]) shows in the profile's row, its Log In button is off, asking to log it in says
 *    the problem instead of opening the code dialog, and its device's dialog leaves it out;
 *    a credentials file that becomes a FIFO while the code dialog is open is said there, and
 *    its Log In waits until the file is a regular one again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "amt-application.h"
#include "amt-failure-state.h"
#include "amt-fake-tray.h"
#include "amt-mfa-dialog.h"
#include "amt-profile-row.h"
#include "amt-test-gtk.h"

#define ALICE_MFA "arn:aws:iam::111111111111:mfa/alice"

/* What the command line recorded when partner's role refused the external id. */
#define PARTNER_FAILURE "partner was not refreshed: AWS refused to let dev assume " \
                        "arn:aws:iam::333333333333:role/Partner (AccessDenied)."
#define ADMIN_FAILURE "admin was not refreshed: the network is unreachable; check the connection and log in again."

static char *credentials_path;
static char *credentials_text;
static GDateTime *dev_end;
static GDateTime *admin_end;

static char *
iso8601 (GDateTime *when)
{
  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

/* alice's files as a login of the command line left them: dev and admin written, partner
 * not; ops would write [DEFAULT], which AWS tools cannot read back as a profile. */
static void
write_files (void)
{
  g_autofree char *aws_dir = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autofree char *config_path = g_build_filename (aws_dir, "config", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *dev_until = NULL;
  g_autofree char *admin_until = NULL;
  g_autoptr(GError) error = NULL;

  /* Whole seconds, as the file keeps them. */
  dev_end = g_date_time_new_from_unix_utc (g_date_time_to_unix (now) + 3 * 3600);
  admin_end = g_date_time_new_from_unix_utc (g_date_time_to_unix (now) + 3600);
  dev_until = iso8601 (dev_end);
  admin_until = iso8601 (admin_end);

  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);
  g_file_set_contents (config_path,
                       "[profile dev]\n"
                       "region = eu-west-1\n"
                       "\n"
                       "[profile admin]\n"
                       "role_arn = arn:aws:iam::222222222222:role/Admin\n"
                       "source_profile = dev\n"
                       "mfa_serial = " ALICE_MFA "\n"
                       "\n"
                       "[profile partner]\n"
                       "role_arn = arn:aws:iam::333333333333:role/Partner\n"
                       "source_profile = dev\n"
                       "mfa_serial = " ALICE_MFA "\n"
                       "\n"
                       "[profile ops]\n"
                       "role_arn = arn:aws:iam::222222222222:role/Ops\n"
                       "source_profile = dev\n"
                       "mfa_serial = " ALICE_MFA "\n"
                       "mfa_tray_target = DEFAULT\n",
                       -1, &error);
  g_assert_no_error (error);

  credentials_path = g_build_filename (aws_dir, "credentials", NULL);
  credentials_text = g_strdup_printf ("[dev-long-term]\n"
                                 "aws_access_key_id = AKIAALICEEXAMPLE0001\n"
                                 "aws_secret_access_key = alice/long/term/secret/0000000000000000\n"
                                 "aws_mfa_device = " ALICE_MFA "\n"
                                 "\n"
                                 "[dev]\n"
                                 "aws_access_key_id = ASIADEVSESSION000001\n"
                                 "aws_secret_access_key = dev/session/secret/00000000000000000000\n"
                                 "aws_session_token = dev-token\n"
                                 "expiration = %s\n"
                                 "\n"
                                 "[admin-mfa]\n"
                                 "aws_access_key_id = ASIAADMINSESSION0001\n"
                                 "aws_secret_access_key = admin/session/secret/0000000000000000\n"
                                 "aws_session_token = admin-token\n"
                                 "expiration = %s\n",
                                 dev_until, admin_until);
  g_file_set_contents (credentials_path, credentials_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (credentials_path, 0600), ==, 0);
}

static void
collect_texts (GtkWidget *widget,
               gpointer   data)
{
  GString *texts = data;

  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (texts, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_texts, texts);
}

typedef struct {
  const char *name;
  GtkWidget  *row;
} RowSearch;

static void
find_row_cb (GtkWidget *widget,
             gpointer   data)
{
  RowSearch *search = data;

  if (search->row != NULL)
    return;
  if (AMT_IS_PROFILE_ROW (widget))
    {
      g_autoptr(GString) texts = g_string_new ("\n");

      collect_texts (widget, texts);
      if (strstr (texts->str, search->name) != NULL)
        search->row = widget;
    }
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_row_cb, data);
}

/* The row whose name label reads @name. */
static GtkWidget *
find_row (GtkWindow  *window,
          const char *name)
{
  g_autofree char *line = g_strdup_printf ("\n%s\n", name);
  RowSearch search = { line, NULL };

  find_row_cb (GTK_WIDGET (window), &search);
  return search.row;
}

/* Every visible label of @name's row, one a line, each after a line break. */
static char *
row_text (GtkWindow  *window,
          const char *name)
{
  GtkWidget *row = find_row (window, name);
  GString *texts = g_string_new ("\n");

  g_assert_nonnull (row);
  collect_texts (row, texts);
  return g_string_free (texts, FALSE);
}

static void
find_login_button_cb (GtkWidget *widget,
                      gpointer   data)
{
  GtkWidget **found = data;

  if (*found == NULL && GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget))
    *found = widget;
  else if (*found == NULL && GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_login_button_cb, data);
}

static gboolean
row_login_button_sensitive (GtkWindow  *window,
                            const char *name)
{
  GtkWidget *button = NULL;

  find_login_button_cb (find_row (window, name), &button);
  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button) && gtk_widget_is_sensitive (button);
}

static gboolean
has_window (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static GtkWidget *
find_toplevel_of_type (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_toplevel_of_type (gpointer data)
{
  return find_toplevel_of_type (GPOINTER_TO_SIZE (data)) != NULL;
}

typedef struct {
  GtkWindow  *window;
  const char *name;
  const char *wanted;
} RowWait;

static gboolean
row_says (gpointer data)
{
  RowWait *wait = data;
  g_autofree char *text = row_text (wait->window, wait->name);

  return strstr (text, wait->wanted) != NULL;
}

static gboolean
login_button_off (gpointer dialog)
{
  return !gtk_widget_get_sensitive (amt_test_find_widget (dialog, "login_button"));
}

static gboolean
login_button_on (gpointer dialog)
{
  return !login_button_off (dialog);
}

static char *
until_text (GDateTime *end)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (end);
  g_autofree char *when = g_date_time_format (local, "%b %-d, %H:%M");

  return g_strdup_printf ("until %s", when);
}

static void
activate_cb (GApplication *app,
             AmtFakeTray  *tray)
{
  g_autofree char *dev = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *partner = NULL;
  g_autofree char *ops = NULL;
  g_autofree char *dev_until = until_text (dev_end);
  g_autofree char *admin_until = until_text (admin_end);
  GtkWidget *dialog;
  GtkWindow *window;

  amt_test_spin_until (has_window, app, "the window to be mapped");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  amt_test_drain_main_context ();

  /* The sections the login wrote, each with its expiry, and no error. */
  dev = row_text (window, "dev");
  g_test_message ("dev's row:\n%s", dev);
  g_assert_nonnull (strstr (dev, "writes [dev]"));
  g_assert_nonnull (strstr (dev, dev_until));
  g_assert_null (strstr (dev, "error"));
  admin = row_text (window, "admin");
  g_test_message ("admin's row:\n%s", admin);
  g_assert_nonnull (strstr (admin, "writes [admin-mfa]"));
  g_assert_nonnull (strstr (admin, admin_until));
  g_assert_null (strstr (admin, "not refreshed"));

  /* The one it did not write, and why, from the failures file of the other process. */
  partner = row_text (window, "partner");
  g_test_message ("partner's row:\n%s", partner);
  g_assert_nonnull (strstr (partner, "\n" PARTNER_FAILURE "\n"));
  g_assert_nonnull (strstr (partner, "error"));
  g_assert_true (row_login_button_sensitive (window, "partner"));
  {
    GtkWidget *button = NULL;

    find_login_button_cb (find_row (window, "partner"), &button);
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.login");
  }

  /* Known before a code: the row says it, and nothing asks for a code for it. */
  ops = row_text (window, "ops");
  g_test_message ("ops's row:\n%s", ops);
  g_assert_nonnull (strstr (ops, "The session of ops cannot go to the section [DEFAULT]"));
  g_assert_false (row_login_button_sensitive (window, "ops"));
  amt_test_screenshot (GTK_WIDGET (window), "login-outcome.png");

  g_action_group_activate_action (G_ACTION_GROUP (app), "login", g_variant_new_string ("ops"));
  amt_test_spin_until (has_toplevel_of_type, GSIZE_TO_POINTER (GTK_TYPE_MESSAGE_DIALOG),
                       "the sentence that ops cannot be logged in");
  g_assert_null (find_toplevel_of_type (AMT_TYPE_MFA_DIALOG));
  dialog = find_toplevel_of_type (GTK_TYPE_MESSAGE_DIALOG);
  {
    g_autoptr(GString) texts = g_string_new (NULL);

    collect_texts (dialog, texts);
    g_test_message ("the message:\n%s", texts->str);
    g_assert_nonnull (strstr (texts->str, "Cannot log in\n"));
    g_assert_nonnull (strstr (texts->str, "The session of ops cannot go to the section [DEFAULT]"));
  }
  gtk_widget_destroy (dialog);

  /* The device's dialog asks one code for the others, not for ops. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "login", g_variant_new_string ("dev"));
  amt_test_spin_until (has_toplevel_of_type, GSIZE_TO_POINTER (AMT_TYPE_MFA_DIALOG), "the MFA dialog");
  dialog = find_toplevel_of_type (AMT_TYPE_MFA_DIALOG);
  {
    g_autofree char *profiles = amt_test_profiles_text (dialog);

    g_test_message ("the dialog's profiles:\n%s", profiles);
    g_assert_nonnull (strstr (profiles, "dev "));
    g_assert_nonnull (strstr (profiles, "partner "));
    g_assert_null (strstr (profiles, "ops"));
  }

  /* The credentials file becomes a FIFO while the dialog is open: it says so before a code is
   * typed, and Log In waits; a regular file again, and Log In is back. */
  g_assert_true (gtk_widget_get_sensitive (amt_test_find_widget (dialog, "login_button")));
  {
    g_autofree char *fifo = g_strconcat (credentials_path, ".fifo", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_cmpint (g_rename (fifo, credentials_path), ==, 0);
    amt_test_spin_until (login_button_off, dialog, "the dialog to refuse the FIFO");
    g_test_message ("the dialog says: %s", amt_test_label_text (dialog, "error_label"));
    g_assert_nonnull (strstr (amt_test_label_text (dialog, "error_label"), "it is not a regular file"));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (amt_test_find_widget (dialog, "status_stack"))), ==, "error");
    amt_test_screenshot (dialog, "login-outcome-dialog-fifo.png");

    g_assert_cmpint (g_unlink (credentials_path), ==, 0);
    g_file_set_contents (credentials_path, credentials_text, -1, &error);
    g_assert_no_error (error);
    amt_test_spin_until (login_button_on, dialog, "the dialog to take a code again");
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (amt_test_find_widget (dialog, "status_stack"))), !=, "error");
  }
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  amt_test_drain_main_context ();

  /* A failure recorded by another process while the applet runs reaches the row: nothing in
   * this process is told but through the file. */
  {
    g_autoptr(AmtFailure) failure = amt_failure_new (ADMIN_FAILURE, g_date_time_to_unix (admin_end) * G_USEC_PER_SEC);
    RowWait wait = { window, "admin", "\n" ADMIN_FAILURE "\n" };

    amt_failure_state_record (credentials_path, "admin", failure);
    amt_test_spin_until (row_says, &wait, "admin's row to tell the other process's failure");
    g_clear_pointer (&admin, g_free);
    admin = row_text (window, "admin");
    g_test_message ("admin's row:\n%s", admin);
    /* The session it left still counts down. */
    g_assert_nonnull (strstr (admin, admin_until));
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_login_outcome (void)
{
  g_autoptr(AmtApplication) app = NULL;
  g_autoptr(AmtFakeTray) tray = amt_fake_tray_new ();
  g_autoptr(AmtFailure) failure = amt_failure_new (PARTNER_FAILURE, 0);
  int status;

  write_files ();
  /* As the command line records it (amt-sessions.c), before the applet starts. */
  amt_failure_state_record (credentials_path, "partner", failure);

  app = amt_application_new ();
  amt_application_set_tray (app, AMT_TRAY (tray));
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), tray);

  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);

  g_clear_pointer (&credentials_path, g_free);
  g_clear_pointer (&credentials_text, g_free);
  g_clear_pointer (&dev_end, g_date_time_unref);
  g_clear_pointer (&admin_end, g_date_time_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL)
    g_error ("No DISPLAY: the gui suite runs under Xvfb, which ./run test starts");

  g_test_add_func ("/login-outcome/window-and-dialog", test_login_outcome);

  return g_test_run ();
}
