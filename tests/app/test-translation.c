/* test-translation.c: the MFA dialog in German, in-process under Xvfb
 *
 * The catalogue is the one the build tree compiles from po/de.po
 * (<build>/po/de/LC_MESSAGES/aws-mfa-tray.mo), bound with bindtextdomain() to the directory
 * meson passes as AMT_TEST_LOCALE_DIR, under the de_DE.UTF-8 locale (Debian: locales-all, in
 * ./run's test packages). Every string the dialog should show is read from that catalogue with
 * dgettext(), and must differ from its English msgid: with an empty or missing de.po, or a
 * dialog that does not translate, the test fails instead of comparing English with English.
 * The sentences the C code builds (durations, lists of profiles, printf formats with reordered
 * arguments) are put together from the catalogue's pieces in the same way.
 *
 * No code is submitted, so no AWS stand-in is needed: the dialog is built over an aws-mfa
 * style profile in the test's own HOME (tests/isolate), as in test-mfa-dialog.c.
 *
 * With AMT_SCREENSHOT_DIR set, the dialog is photographed (ImageMagick's import) into
 * dialog-de.png there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/gdkx.h>
#endif

#include "amt-mfa-dialog.h"

#define LOCALE        "de_DE.UTF-8"
#define ALICE_KEY_ID  "AKIAALICE0EXAMPLE001"
#define ALICE_SECRET  "ocihcQIAk0Ud6KDXGz9WvuS1hRfF+0I0EXAMPLEK"
#define ALICE_MFA     "arn:aws:iam::111111111111:mfa/alice"
#define ADMIN_ROLE    "arn:aws:iam::222222222222:role/Admin"
#define DEPLOY_ROLE   "arn:aws:iam::222222222222:role/Deploy"

typedef struct {
  gboolean long_role;   /* a [profile deploy] that asks for 2 h: a second code */
  gboolean can_snooze;
} Setup;

typedef struct {
  AmtSessions  *sessions;
  AmtLogin     *login;
  AmtMfaDialog *dialog;   /* weak: NULL once it is finalized */
} Fixture;

/* The catalogue */

static const char *german (const char *msgid) G_GNUC_FORMAT (1);

/* The German of @msgid, which must be translated. */
static const char *
german (const char *msgid)
{
  const char *msgstr = dgettext (GETTEXT_PACKAGE, msgid);

  if (g_strcmp0 (msgstr, msgid) == 0)
    g_error ("“%s” is not translated in %s/de/LC_MESSAGES/%s.mo: is po/de.po complete and "
             "compiled?", msgid, AMT_TEST_LOCALE_DIR, GETTEXT_PACKAGE);
  return msgstr;
}

/* The snooze button's label for the default 5 minutes, in German. */
static char *
german_snooze (void)
{
  const char *msgstr = dngettext (GETTEXT_PACKAGE, "S_nooze %u min", "S_nooze %u min", 5);

  if (g_strcmp0 (msgstr, "S_nooze %u min") == 0)
    g_error ("“S_nooze %%u min” is not translated in %s", AMT_TEST_LOCALE_DIR);
  /* The msgstr is checked by msgfmt --check to take the same %u. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (msgstr, 5u);
#pragma GCC diagnostic pop
}

/* What amt_format_duration() says for whole hours, in German. */
static char *
german_hours (int hours)
{
  return g_strdup_printf (german ("%d h"), hours);
}

/* A profile and its duration, "dev (12 Std.)" (the format is the same in German). */
static char *
german_profile_duration (const char *name,
                         int         hours)
{
  g_autofree char *duration = german_hours (hours);

  return g_strdup_printf (dgettext (GETTEXT_PACKAGE, "%s (%s)"), name, duration);
}

/* The keyval of the letter after the underscore of @label. */
static guint
mnemonic_keyval (const char *label)
{
  const char *underscore = strchr (label, '_');

  g_assert_nonnull (underscore);
  return gdk_keyval_to_lower (gdk_unicode_to_keyval (g_utf8_get_char (underscore + 1)));
}

/* The dialog's widgets, by their ids in amt-mfa-dialog.ui */

typedef struct {
  const char *id;
  GtkWidget  *found;
} FindData;

static void
find_widget_cb (GtkWidget *widget,
                gpointer   data)
{
  FindData *find = data;
  const char *id;

  if (find->found != NULL)
    return;

  id = gtk_buildable_get_name (GTK_BUILDABLE (widget));
  if (id != NULL && g_str_equal (id, find->id))
    {
      find->found = widget;
      return;
    }

  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_widget_cb, find);
}

static GtkWidget *
find_widget (Fixture    *fixture,
             const char *id)
{
  FindData find = { id, NULL };

  g_assert_nonnull (fixture->dialog);
  gtk_container_forall (GTK_CONTAINER (fixture->dialog), find_widget_cb, &find);
  if (find.found == NULL)
    g_error ("No widget “%s” in the dialog", id);
  return find.found;
}

static const char *
label_text (Fixture    *fixture,
            const char *id)
{
  return gtk_label_get_text (GTK_LABEL (find_widget (fixture, id)));
}

static const char *
button_label (Fixture    *fixture,
              const char *id)
{
  return gtk_button_get_label (GTK_BUTTON (find_widget (fixture, id)));
}

/* The keyval that activates the button @id: its label's mnemonic. */
static guint
button_keyval (Fixture    *fixture,
               const char *id)
{
  GtkWidget *child = gtk_bin_get_child (GTK_BIN (find_widget (fixture, id)));

  g_assert_true (GTK_IS_LABEL (child));
  return gtk_label_get_mnemonic_keyval (GTK_LABEL (child));
}

static gboolean
widget_is_shown (Fixture    *fixture,
                 const char *id)
{
  GtkWidget *widget = find_widget (fixture, id);

  return gtk_widget_is_visible (widget) && gtk_widget_get_mapped (widget);
}

/* The profiles grid, one "name duration [status]" line per row. */
static char *
profiles_text (Fixture *fixture)
{
  GtkGrid *grid = GTK_GRID (find_widget (fixture, "profiles_grid"));
  GString *text = g_string_new (NULL);

  for (int row = 0; gtk_grid_get_child_at (grid, 0, row) != NULL; row++)
    {
      for (int column = 0; column < 3; column++)
        {
          GtkWidget *cell = gtk_grid_get_child_at (grid, column, row);

          if (cell != NULL)
            g_string_append_printf (text, "%s%s", column > 0 ? " " : "", gtk_label_get_text (GTK_LABEL (cell)));
        }
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

/* Whether no label of the dialog is cut short: longer German words must not push the header
 * bar's title (or anything else) into an ellipsis. The device's ARN may be elided, by design. */
static void
assert_nothing_ellipsized_cb (GtkWidget *widget,
                              gpointer   data)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_buildable_get_name (GTK_BUILDABLE (widget)), "device_label") != 0 &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_error ("The label “%s” is cut short (%d pixels wide)",
             gtk_label_get_text (GTK_LABEL (widget)), gtk_widget_get_allocated_width (widget));

  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), assert_nothing_ellipsized_cb, NULL);
}

static void
assert_nothing_ellipsized (Fixture *fixture)
{
  gtk_container_forall (GTK_CONTAINER (fixture->dialog), assert_nothing_ellipsized_cb, NULL);
}

/* Main loop */

typedef gboolean (*Condition) (Fixture *fixture);

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until @condition holds; fails the test after 20 s. */
static void
spin_until (Fixture    *fixture,
            Condition   condition,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint wake_up_id = g_timeout_add (20, wake_up_cb, NULL);

  while (!condition (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake_up_id);
}

static gboolean
stop_spinning_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, stop_spinning_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
is_mapped (Fixture *fixture)
{
  return gtk_widget_get_mapped (GTK_WIDGET (fixture->dialog));
}

static gboolean
is_gone (Fixture *fixture)
{
  return fixture->dialog == NULL;
}

static gboolean
shows_error (Fixture *fixture)
{
  return g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (find_widget (fixture, "status_stack"))),
                      "error");
}

/* For the README and the metainfo, when asked for */
static void
take_screenshot (Fixture    *fixture,
                 const char *name)
{
#ifdef GDK_WINDOWING_X11
  const char *dir = g_getenv ("AMT_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *xid = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (dir == NULL)
    return;

  /* As it looks with a window manager: focused (not in the backdrop), and drawn. */
  gdk_window_focus (gtk_widget_get_window (GTK_WIDGET (fixture->dialog)), GDK_CURRENT_TIME);
  spin_for (400);
  path = g_build_filename (dir, name, NULL);
  xid = g_strdup_printf ("0x%lx", (gulong) gdk_x11_window_get_xid (gtk_widget_get_window (GTK_WIDGET (fixture->dialog))));
  g_spawn_sync (NULL, (char *[]) { (char *) "import", (char *) "-window", xid, path, NULL }, NULL,
                G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("screenshot: %s", path);
#endif
}

/* Fixture */

/* alice's files, as in test-mfa-dialog.c: her long-term keys in [dev-long-term] (the aws-mfa
 * convention), a role assumed with the session of the same code, and optionally one that asks
 * for more than the hour AWS allows a chained role. */
static void
write_aws_files (const Setup *setup)
{
  g_autofree char *aws_dir = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autofree char *config_path = g_build_filename (aws_dir, "config", NULL);
  g_autofree char *credentials_path = g_build_filename (aws_dir, "credentials", NULL);
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);

  g_string_append (config,
                   "[profile dev]\n"
                   "region = us-east-1\n"
                   "\n"
                   "[profile admin]\n"
                   "role_arn = " ADMIN_ROLE "\n"
                   "source_profile = dev\n"
                   "mfa_serial = " ALICE_MFA "\n");
  if (setup->long_role)
    g_string_append (config,
                     "\n"
                     "[profile deploy]\n"
                     "role_arn = " DEPLOY_ROLE "\n"
                     "source_profile = dev\n"
                     "mfa_serial = " ALICE_MFA "\n"
                     "duration_seconds = 7200\n");
  g_file_set_contents (config_path, config->str, -1, &error);
  g_assert_no_error (error);

  g_file_set_contents (credentials_path,
                       "[dev-long-term]\n"
                       "aws_access_key_id = " ALICE_KEY_ID "\n"
                       "aws_secret_access_key = " ALICE_SECRET "\n"
                       "aws_mfa_device = " ALICE_MFA "\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (credentials_path, 0600), ==, 0);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const Setup *setup = data;
  g_autoptr(GError) error = NULL;

  write_aws_files (setup);

  fixture->sessions = amt_sessions_new ();
  g_assert_true (amt_sessions_load (fixture->sessions, &error));
  g_assert_no_error (error);
  fixture->login = amt_sessions_create_login (fixture->sessions, "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amt_login_get_items (fixture->login)->len, ==, setup->long_role ? 3 : 2);

  fixture->dialog = amt_mfa_dialog_new (NULL, fixture->sessions, fixture->login, setup->can_snooze);
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *) &fixture->dialog);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  spin_until (fixture, is_mapped, "the dialog to be mapped");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (fixture->dialog));
  spin_until (fixture, is_gone, "the dialog to be finalized");

  g_assert_true (amt_login_is_finished (fixture->login));
  g_clear_object (&fixture->login);
  g_clear_object (&fixture->sessions);
}

/* The tests */

static const Setup plain_setup = { FALSE, FALSE };
static const Setup snooze_setup = { FALSE, TRUE };
static const Setup long_role_setup = { TRUE, FALSE };

/* The first code of a login: title, buttons, labels, hint, and the sentences built in C. */
static void
test_dialog_in_german (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkHeaderBar *header_bar = GTK_HEADER_BAR (find_widget (fixture, "header_bar"));
  GtkWidget *code_label = find_widget (fixture, "code_label");
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (find_widget (fixture, "code_entry")));
  g_autofree char *profiles = profiles_text (fixture);
  g_autofree char *dev = german_hours (12);
  g_autofree char *admin = german_hours (1);
  g_autofree char *expected_profiles = g_strdup_printf ("dev %s\nadmin %s\n", dev, admin);
  g_autofree char *dev_item = german_profile_duration ("dev", 12);
  g_autofree char *admin_item = german_profile_duration ("admin", 1);
  g_autofree char *list = g_strdup_printf (german ("%s and %s"), dev_item, admin_item);
  g_autofree char *purpose = g_strdup_printf (german ("This code refreshes %s."), list);
  g_autofree char *snooze = german_snooze ();
  const char *ids[] = { "cancel_button", "snooze_button", "login_button", "close_button", "skip_button" };
  guint keyvals[G_N_ELEMENTS (ids) + 1];

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, german ("Log In to AWS"));
  g_assert_cmpstr (gtk_header_bar_get_title (header_bar), ==, german ("Log In to AWS"));
  g_assert_cmpstr (button_label (fixture, "cancel_button"), ==, german ("_Cancel"));
  g_assert_cmpstr (button_label (fixture, "login_button"), ==, german ("_Log In"));
  g_assert_cmpstr (button_label (fixture, "snooze_button"), ==, snooze);
  g_assert_cmpstr (button_label (fixture, "close_button"), ==, german ("_Close"));
  g_assert_cmpstr (button_label (fixture, "skip_button"), ==, german ("_Skip"));

  g_assert_cmpstr (label_text (fixture, "purpose_label"), ==, german ("Enter the code that your MFA device shows now."));
  g_assert_cmpstr (label_text (fixture, "profiles_key_label"), ==, german ("Profiles"));
  g_assert_cmpstr (label_text (fixture, "device_key_label"), ==, german ("MFA device"));
  g_assert_cmpstr (label_text (fixture, "hint_label"), ==, german ("Six digits; the last one logs in."));
  g_assert_cmpstr (label_text (fixture, "busy_label"), ==, german ("Checking the code…"));
  g_assert_cmpstr (profiles, ==, expected_profiles);
  g_assert_cmpstr (label_text (fixture, "device_label"), ==, ALICE_MFA);

  /* "Code" is the same word in German: the label is what the catalogue says, with its key. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (code_label)), ==, dgettext (GETTEXT_PACKAGE, "_Code"));
  g_assert_cmpuint (gtk_label_get_mnemonic_keyval (GTK_LABEL (code_label)), ==,
                    mnemonic_keyval (dgettext (GETTEXT_PACKAGE, "_Code")));

  /* Every access key of the dialog is its own, the hidden buttons' too. */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    keyvals[i] = button_keyval (fixture, ids[i]);
  keyvals[G_N_ELEMENTS (ids)] = gtk_label_get_mnemonic_keyval (GTK_LABEL (code_label));
  for (guint i = 0; i < G_N_ELEMENTS (keyvals); i++)
    {
      g_assert_cmpuint (keyvals[i], !=, GDK_KEY_VoidSymbol);
      for (guint j = i + 1; j < G_N_ELEMENTS (keyvals); j++)
        if (keyvals[i] == keyvals[j])
          g_error ("Two access keys “%s” in the dialog: %s and %s", gdk_keyval_name (keyvals[i]),
                   i < G_N_ELEMENTS (ids) ? ids[i] : "code_label", j < G_N_ELEMENTS (ids) ? ids[j] : "code_label");
    }

  /* For screen readers. */
  g_assert_cmpstr (atk_object_get_name (accessible), ==, german ("MFA code"));
  g_assert_cmpstr (atk_object_get_description (accessible), ==, purpose);
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (find_widget (fixture, "spinner"))), ==,
                   german ("Checking the code"));

  assert_nothing_ellipsized (fixture);
  take_screenshot (fixture, "dialog-de.png");

  /* A code that is not six digits: the reason, from the core library's strings. */
  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "login_button")));
  spin_until (fixture, shows_error, "the error");
  g_assert_cmpstr (label_text (fixture, "error_label"), ==,
                   german ("An MFA code is six digits: type the code your device shows now."));
  assert_nothing_ellipsized (fixture);
}

/* Snooze: the button and its tooltip. */
static void
test_snooze_in_german (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *tooltip = NULL;
  g_autofree char *snooze = german_snooze ();
  g_autofree char *expected_tooltip = NULL;
  const char *format = dngettext (GETTEXT_PACKAGE, "Ask again in %u minute", "Ask again in %u minutes", 5);

  g_assert_cmpstr (format, !=, "Ask again in %u minutes");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  expected_tooltip = g_strdup_printf (format, 5u);
#pragma GCC diagnostic pop
  g_assert_true (widget_is_shown (fixture, "snooze_button"));
  g_assert_cmpstr (button_label (fixture, "snooze_button"), ==, snooze);
  tooltip = gtk_widget_get_tooltip_text (find_widget (fixture, "snooze_button"));
  g_assert_cmpstr (tooltip, ==, expected_tooltip);
  assert_nothing_ellipsized (fixture);
}

/* A role that asks for 2 h: the subtitle, the row's status and the note, with their numbers
 * and reordered arguments. */
static void
test_second_code_in_german (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkHeaderBar *header_bar = GTK_HEADER_BAR (find_widget (fixture, "header_bar"));
  g_autofree char *profiles = profiles_text (fixture);
  g_autofree char *dev = german_hours (12);
  g_autofree char *one = german_hours (1);
  g_autofree char *two = german_hours (2);
  g_autofree char *expected_profiles = g_strdup_printf ("dev %s\nadmin %s\ndeploy %s %s\n", dev, one, two,
                                                        german ("Needs a second code"));
  g_autofree char *subtitle = g_strdup_printf (german ("Code %1$u of %2$u"), 1u, 2u);
  g_autofree char *tooltip = gtk_widget_get_tooltip_text (find_widget (fixture, "skip_button"));
  g_autofree char *note = g_strdup_printf (german ("%1$s asks for %2$s, and AWS caps a role assumed with "
                                                   "another session at 1 h: it needs a code of its own, "
                                                   "after this one."),
                                           "deploy", two);

  g_assert_cmpstr (profiles, ==, expected_profiles);
  g_assert_cmpstr (gtk_header_bar_get_subtitle (header_bar), ==, subtitle);
  g_assert_true (widget_is_shown (fixture, "note_label"));
  g_assert_cmpstr (label_text (fixture, "note_label"), ==, note);
  g_assert_cmpstr (tooltip, ==, german ("Leave this profile as it is, without its code"));
  assert_nothing_ellipsized (fixture);
}

int
main (int   argc,
      char *argv[])
{
  /* Before any thread: the catalogue decides, not a LANGUAGE list of the caller's. */
  g_unsetenv ("LANGUAGE");

  gtk_test_init (&argc, &argv, NULL);

  /* After gtk_test_init(), which sets its own locale; what main.c does, with the build tree's
   * catalogue. */
  if (setlocale (LC_ALL, LOCALE) == NULL)
    g_error ("The %s locale is missing: install it (Debian: the locales-all package, which "
             "./run test installs) to test the German translation", LOCALE);
  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, AMT_TEST_LOCALE_DIR));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add ("/translation/dialog", Fixture, &plain_setup,
              fixture_set_up, test_dialog_in_german, fixture_tear_down);
  g_test_add ("/translation/snooze", Fixture, &snooze_setup,
              fixture_set_up, test_snooze_in_german, fixture_tear_down);
  g_test_add ("/translation/second-code", Fixture, &long_role_setup,
              fixture_set_up, test_second_code_in_german, fixture_tear_down);

  return g_test_run ();
}
