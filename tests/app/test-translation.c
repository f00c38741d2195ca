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
 * With AMT_SCREENSHOT_DIR set (tests/app/meson.build), the dialog is photographed into
 * dialog-de.png there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>
#include <gtk/gtk.h>

#include "amt-mfa-dialog.h"
#include "amt-test-gtk.h"

#define LOCALE        "de_DE.UTF-8"
#define ALICE_MFA     "arn:aws:iam::111111111111:mfa/alice"

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

static GtkWidget *
find_widget (Fixture    *fixture,
             const char *id)
{
  return amt_test_find_widget (GTK_WIDGET (fixture->dialog), id);
}

static const char *
label_text (Fixture    *fixture,
            const char *id)
{
  return amt_test_label_text (GTK_WIDGET (fixture->dialog), id);
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
  return amt_test_widget_is_shown (GTK_WIDGET (fixture->dialog), id);
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

static gboolean
is_mapped (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (GTK_WIDGET (fixture->dialog));
}

static gboolean
is_gone (gpointer data)
{
  Fixture *fixture = data;

  return fixture->dialog == NULL;
}

static gboolean
shows_error (gpointer data)
{
  Fixture *fixture = data;

  return g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (find_widget (fixture, "status_stack"))),
                      "error");
}

/* Fixture */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const Setup *setup = data;
  g_autoptr(GError) error = NULL;

  g_free (amt_test_write_alice_files (setup->long_role));

  fixture->sessions = amt_sessions_new ();
  g_assert_true (amt_sessions_load (fixture->sessions, &error));
  g_assert_no_error (error);
  fixture->login = amt_sessions_create_login (fixture->sessions, "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amt_login_get_items (fixture->login)->len, ==, setup->long_role ? 3 : 2);

  fixture->dialog = amt_mfa_dialog_new (NULL, fixture->sessions, fixture->login, setup->can_snooze);
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *) &fixture->dialog);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  amt_test_spin_until (is_mapped, fixture, "the dialog to be mapped");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (fixture->dialog));
  amt_test_spin_until (is_gone, fixture, "the dialog to be finalized");

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
  g_autofree char *profiles = amt_test_profiles_text (GTK_WIDGET (fixture->dialog));
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
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (code_label)), ==, dgettext (GETTEXT_PACKAGE, "Co_de"));
  g_assert_cmpuint (gtk_label_get_mnemonic_keyval (GTK_LABEL (code_label)), ==,
                    mnemonic_keyval (dgettext (GETTEXT_PACKAGE, "Co_de")));

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
  amt_test_screenshot (GTK_WIDGET (fixture->dialog), "dialog-de.png");

  /* A code that is not six digits: the reason, from the core library's strings. */
  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "login_button")));
  amt_test_spin_until (shows_error, fixture, "the error");
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
  g_autofree char *profiles = amt_test_profiles_text (GTK_WIDGET (fixture->dialog));
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
