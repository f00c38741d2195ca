/* test-mfa-dialog.c: the MFA dialog in-process under Xvfb, against the stand-in AWS server
 *
 * Real parts throughout: the stand-in (tests/aws-stand-in) checks every signature with
 * botocore and every code as TOTP; the sessions model reads ~/.aws of the test's own HOME and
 * writes its credentials file; the dialog is driven with key events sent through the X server
 * and with the clipboard, and its widgets are found by their ids in amt-mfa-dialog.ui.
 *
 * One stand-in serves every case: it is started, and AWS_ENDPOINT_URL and AWS_CA_BUNDLE set,
 * before the sessions model starts any worker (setenv is not thread-safe; only GLib's own
 * worker, which watches the child, runs then); each case forgets the codes used before it
 * through the stand-in's control API, and sets the faults it wants.
 *
 * With AMT_SCREENSHOT_DIR set (tests/app/meson.build), the dialog is photographed empty, with
 * an error and busy, into dialog.png, dialog-error.png and dialog-busy.png there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <curl/curl.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "amt-error-color.h"
#include "amt-mfa-dialog.h"
#include "amt-test-gtk.h"

#define ALICE_MFA     "arn:aws:iam::111111111111:mfa/alice"
/* tests/aws-stand-in/accounts.json: alice's device (a fake, public, test-only seed) */
#define ALICE_SEED    "OEB3K7OKRNAP4SJHWKRM6REH22QQUZMU"
#define TOTP_STEP     30

#define NO_RESPONSE   G_MININT

/* What a test case starts from. */
typedef struct {
  gboolean    long_role;    /* a [profile deploy] that asks for 2 h: a second code */
  gboolean    can_snooze;
  const char *faults;       /* for the stand-in's control API */
  guint       n_more_roles; /* roles of alice's device besides admin */
  guint       dev_minutes;  /* a session of dev with this many minutes (and 30 s) left */
  gboolean    dark;         /* Adwaita's dark variant */
} Setup;

typedef struct {
  char         *credentials_path;
  AmtSessions  *sessions;
  AmtLogin     *login;
  AmtMfaDialog *dialog;     /* weak: NULL once it is finalized */
  int           response;
  guint         n_responses;
} Fixture;

/* TOTP (RFC 6238: HMAC-SHA1 over the 30 s step, six digits), as the stand-in checks it */

static gsize
base32_decode (const char *text,
               guint8     *out,
               gsize       out_size)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  guint32 buffer = 0;
  int bits = 0;
  gsize n = 0;

  for (const char *p = text; *p != '\0' && *p != '='; p++)
    {
      const char *at = strchr (alphabet, g_ascii_toupper (*p));

      g_assert_nonnull (at);
      buffer = (buffer << 5) | (guint32) (at - alphabet);
      bits += 5;
      if (bits >= 8)
        {
          g_assert_cmpuint (n, <, out_size);
          out[n++] = (guint8) (buffer >> (bits - 8));
          bits -= 8;
        }
    }

  return n;
}

static char *
totp_code (gint64 unix_time,
           int    steps)
{
  guint8 key[64];
  gsize key_length = base32_decode (ALICE_SEED, key, sizeof key);
  guint64 counter = (guint64) (unix_time / TOTP_STEP + steps);
  guint8 message[8];
  guint8 digest[20];
  guint32 value;
  guint offset;

  for (int i = 7; i >= 0; i--)
    {
      message[i] = (guint8) (counter & 0xff);
      counter >>= 8;
    }

  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA1, key, key_length, message, sizeof message, digest), ==, 0);
  offset = digest[19] & 0x0f;
  value = ((guint32) (digest[offset] & 0x7f) << 24) | ((guint32) digest[offset + 1] << 16) |
          ((guint32) digest[offset + 2] << 8) | digest[offset + 3];

  return g_strdup_printf ("%06u", value % 1000000);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The code alice's device shows now (+ @steps × 30 s); the stand-in runs on this clock. */
static char *
current_code (int steps)
{
  return totp_code (now_seconds (), steps);
}

/* A well-formed code that none of the steps the server could accept gives. */
static char *
invalid_code (void)
{
  static const char *candidates[] = { "000000", "123456", "999999", "314159", "271828" };
  gint64 now = now_seconds ();

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      gboolean taken = FALSE;

      for (int step = -3; step <= 3 && !taken; step++)
        {
          g_autofree char *code = totp_code (now, step);

          taken = g_str_equal (code, candidates[i]);
        }
      if (!taken)
        return g_strdup (candidates[i]);
    }

  g_assert_not_reached ();
}

/* Leaves at least @margin seconds in the current step, so that the codes computed now stay
 * the ones the server takes. */
static void
wait_for_step_margin (int margin)
{
  gint64 now = g_get_real_time ();
  gint64 left = TOTP_STEP * G_USEC_PER_SEC - now % (TOTP_STEP * G_USEC_PER_SEC);

  if (left < margin * G_USEC_PER_SEC)
    g_usleep (left + G_USEC_PER_SEC / 20);
}

/* The stand-in server and the test's HOME */

/* A test that fails aborts: the server must not outlive it (and hold meson's pipes). */
static void
die_with_parent_cb (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static struct {
  GSubprocess *process;
  char        *state_dir;
  char        *url;
  char        *ca_bundle;
} stand_in;

static void
start_stand_in (void)
{
  const char *tests_dir = g_getenv ("AMT_TESTS_DIR");
  const char *tmp = g_getenv ("AMT_TEST_TMPDIR");
  g_autofree char *script = NULL;
  g_autofree char *port_file = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  JsonObject *port;

  if (tests_dir == NULL)
    g_error ("AMT_TESTS_DIR is not set: run this test through meson");
  script = g_build_filename (tests_dir, "aws-stand-in", "standin_server.py", NULL);
  stand_in.state_dir = g_build_filename (tmp != NULL ? tmp : g_get_tmp_dir (), "standin-XXXXXX", NULL);
  if (g_mkdtemp (stand_in.state_dir) == NULL)
    g_error ("Cannot make %s: %s", stand_in.state_dir, g_strerror (errno));
  port_file = g_build_filename (stand_in.state_dir, "port.json", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_unsetenv (launcher, "AWS_ENDPOINT_URL");
  g_subprocess_launcher_unsetenv (launcher, "AWS_CA_BUNDLE");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_cb, NULL, NULL);
  stand_in.process = g_subprocess_launcher_spawn (launcher, &error,
                                                  "/usr/bin/python3", script,
                                                  "--state-dir", stand_in.state_dir,
                                                  "--port-file", port_file,
                                                  "--quiet",
                                                  NULL);
  if (stand_in.process == NULL)
    g_error ("Cannot start the stand-in AWS server: %s", error->message);

  while (!g_file_test (port_file, G_FILE_TEST_EXISTS))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The stand-in AWS server did not start (no %s)", port_file);
      g_usleep (G_USEC_PER_SEC / 20);
    }

  if (!g_file_get_contents (port_file, &contents, NULL, &error) ||
      !json_parser_load_from_data (parser, contents, -1, &error))
    g_error ("Cannot read %s: %s", port_file, error->message);
  port = json_node_get_object (json_parser_get_root (parser));
  stand_in.url = g_strdup (json_object_get_string_member (port, "url"));
  stand_in.ca_bundle = g_strdup (json_object_get_string_member (port, "ca_bundle"));

  g_setenv ("AWS_ENDPOINT_URL", stand_in.url, TRUE);
  g_setenv ("AWS_CA_BUNDLE", stand_in.ca_bundle, TRUE);
}

static int
stop_stand_in (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  int status;

  g_subprocess_send_signal (stand_in.process, SIGTERM);
  if (!g_subprocess_wait (stand_in.process, NULL, &error))
    g_error ("The stand-in AWS server: %s", error->message);
  status = g_subprocess_get_if_exited (stand_in.process) ? g_subprocess_get_exit_status (stand_in.process) : 1;
  g_clear_object (&stand_in.process);

  dir = g_dir_open (stand_in.state_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (stand_in.state_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (stand_in.state_dir);
  g_clear_pointer (&stand_in.state_dir, g_free);
  g_clear_pointer (&stand_in.url, g_free);
  g_clear_pointer (&stand_in.ca_bundle, g_free);

  return status;
}

static size_t
discard_body_cb (char   *data,
                 size_t  size,
                 size_t  n,
                 void   *user_data)
{
  return size * n;
}

/* A request to the stand-in's control API (tests/aws-stand-in/README.md). */
static void
stand_in_control (const char *method,
                  const char *path,
                  const char *body)
{
  g_autofree char *url = g_strdup_printf ("%s/_stand_in/%s", stand_in.url, path);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURL *curl = curl_easy_init ();
  long status = 0;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, stand_in.ca_bundle);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard_body_cb);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);

  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  g_assert_cmpint (status, ==, 200);

  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
}

static char *
read_credentials (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (fixture->credentials_path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Whether the credentials file has [@section] with a session written into it. */
static gboolean
has_session (Fixture    *fixture,
             const char *section)
{
  g_autofree char *contents = read_credentials (fixture);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expiration = NULL;

  g_key_file_load_from_data (file, contents, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  if (!g_key_file_has_group (file, section))
    return FALSE;

  key_id = g_key_file_get_string (file, section, "aws_access_key_id", NULL);
  token = g_key_file_get_string (file, section, "aws_session_token", NULL);
  expiration = g_key_file_get_string (file, section, "expiration", NULL);
  g_assert_nonnull (key_id);
  g_assert_true (g_str_has_prefix (key_id, "ASIA"));
  g_assert_nonnull (token);
  g_assert_nonnull (expiration);
  g_assert_true (g_str_has_suffix (expiration, "Z"));
  return TRUE;
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

static gboolean
widget_is_shown (Fixture    *fixture,
                 const char *id)
{
  return amt_test_widget_is_shown (GTK_WIDGET (fixture->dialog), id);
}

static GtkEntry *
code_entry (Fixture *fixture)
{
  return GTK_ENTRY (find_widget (fixture, "code_entry"));
}

static const char *
code_text (Fixture *fixture)
{
  return gtk_entry_get_text (code_entry (fixture));
}

static const char *
status_page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find_widget (fixture, "status_stack")));
}

/* Driving it */

static void
send_key (Fixture *fixture,
          guint    keyval)
{
  GdkWindow *window = gtk_widget_get_window (GTK_WIDGET (fixture->dialog));

  /* Through the X server to the toplevel, which gives it to the focus widget (as
   * gtk_test_widget_send_key() does, without the list it leaks at every call). */
  g_assert_true (gdk_test_simulate_key (window, -1, -1, keyval, 0, GDK_KEY_PRESS));
  g_assert_true (gdk_test_simulate_key (window, -1, -1, keyval, 0, GDK_KEY_RELEASE));
}

static gboolean
code_has_expected_length (gpointer data)
{
  Fixture *fixture = data;

  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (fixture->dialog), "test-expected-length")) ==
         gtk_entry_get_text_length (code_entry (fixture));
}

/* Types @digits one key at a time, waiting for each to arrive. */
static void
type_digits (Fixture    *fixture,
             const char *digits)
{
  for (const char *p = digits; *p != '\0'; p++)
    {
      guint length = gtk_entry_get_text_length (code_entry (fixture));

      send_key (fixture, GDK_KEY_0 + (*p - '0'));
      g_object_set_data (G_OBJECT (fixture->dialog), "test-expected-length", GUINT_TO_POINTER (length + 1));
      amt_test_spin_until (code_has_expected_length, fixture, "a typed digit");
    }
}

static gboolean
code_is_empty (gpointer data)
{
  Fixture *fixture = data;

  return gtk_entry_get_text_length (code_entry (fixture)) == 0;
}

/* Pastes @text from the CLIPBOARD selection, as Ctrl+V does. */
static void
paste (Fixture    *fixture,
       const char *text)
{
  GtkWidget *entry = GTK_WIDGET (code_entry (fixture));

  gtk_clipboard_set_text (gtk_widget_get_clipboard (entry, GDK_SELECTION_CLIPBOARD), text, -1);
  g_signal_emit_by_name (entry, "paste-clipboard");
  amt_test_spin_until (code_has_expected_length, fixture, "the pasted code");
}

/* AWS has answered the code, and the dialog shows it (or went away: the caller checks). */
static gboolean
is_idle (gpointer data)
{
  Fixture *fixture = data;

  if (fixture->dialog == NULL)
    return TRUE;

  return !amt_login_is_busy (fixture->login) && !g_str_equal (status_page (fixture), "busy");
}

static gboolean
shows_error (gpointer data)
{
  Fixture *fixture = data;

  return g_str_equal (status_page (fixture), "error");
}

static gboolean
has_responded (gpointer data)
{
  Fixture *fixture = data;

  return fixture->n_responses > 0;
}

static gboolean
is_gone (gpointer data)
{
  Fixture *fixture = data;

  return fixture->dialog == NULL;
}

static gboolean
is_mapped (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (GTK_WIDGET (fixture->dialog));
}

static void
dialog_response_cb (GtkDialog *dialog,
                    int        response,
                    Fixture   *fixture)
{
  fixture->response = response;
  fixture->n_responses++;
  /* What the application does. */
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Fixture */

static void
append_to_file (const char *path,
                const char *text)
{
  g_autofree char *contents = NULL;
  g_autofree char *joined = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  joined = g_strconcat (contents, "\n", text, NULL);
  g_file_set_contents (path, joined, -1, &error);
  g_assert_no_error (error);
}

/* More roles of alice's device (team-00…), and a session of dev that is about to end (the
 * 9 min shown are asserted against the clock's minute: see amt_sessions_get_seconds_left()). */
static void
add_roles_and_session (Fixture     *fixture,
                       const Setup *setup)
{
  g_autofree char *config_path = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  g_autoptr(GString) roles = g_string_new (NULL);

  for (guint i = 0; i < setup->n_more_roles; i++)
    g_string_append_printf (roles, "[profile team-%02u]\nrole_arn = arn:aws:iam::222222222222:role/Team%02u\n"
                            "source_profile = dev\nmfa_serial = " ALICE_MFA "\n\n", i, i);
  if (roles->len > 0)
    append_to_file (config_path, roles->str);

  if (setup->dev_minutes > 0)
    {
      g_autoptr(GDateTime) end = NULL;
      g_autofree char *iso = NULL;
      g_autofree char *section = NULL;

      /* Times left are shown on the clock's minutes: far enough from a minute's end that the
       * dialog is shown within the same one. */
      while (now_seconds () % 60 > 50)
        amt_test_spin_for (200);
      end = g_date_time_new_from_unix_utc ((now_seconds () / 60 + setup->dev_minutes) * 60 + 30);
      iso = g_date_time_format_iso8601 (end);
      section = g_strdup_printf ("[dev]\naws_access_key_id = ASIADEVEXAMPLE000001\n"
                                 "aws_secret_access_key = s\naws_session_token = t\n"
                                 "expiration = %s\n", iso);

      append_to_file (fixture->credentials_path, section);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const Setup *setup = data;
  g_autoptr(GError) error = NULL;

  fixture->response = NO_RESPONSE;
  g_object_set (gtk_settings_get_default (), "gtk-theme-name", "Adwaita",
                "gtk-application-prefer-dark-theme", setup->dark, NULL);
  /* Every code is new again, and only this case's faults apply. */
  stand_in_control ("POST", "mfa/reset", "{}");
  stand_in_control ("DELETE", "faults", NULL);
  if (setup->faults != NULL)
    stand_in_control ("POST", "faults", setup->faults);
  fixture->credentials_path = amt_test_write_alice_files (setup->long_role);
  add_roles_and_session (fixture, setup);

  fixture->sessions = amt_sessions_new ();
  g_assert_true (amt_sessions_load (fixture->sessions, &error));
  g_assert_no_error (error);
  fixture->login = amt_sessions_create_login (fixture->sessions, "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (amt_login_get_items (fixture->login)->len, ==,
                    (setup->long_role ? 3 : 2) + setup->n_more_roles);

  fixture->dialog = amt_mfa_dialog_new (NULL, fixture->sessions, fixture->login, setup->can_snooze);
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *) &fixture->dialog);
  g_signal_connect (fixture->dialog, "response", G_CALLBACK (dialog_response_cb), fixture);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  amt_test_spin_until (is_mapped, fixture, "the dialog to be mapped");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (fixture->dialog));
  /* The dialog is finalized once a submit in flight has come back. */
  amt_test_spin_until (is_gone, fixture, "the dialog to be finalized");

  g_assert_true (amt_login_is_finished (fixture->login));
  g_clear_object (&fixture->login);
  g_clear_object (&fixture->sessions);
  g_clear_pointer (&fixture->credentials_path, g_free);
}

/* The tests */

static const Setup plain_setup = { FALSE, FALSE, NULL, 0, 0, FALSE };
static const Setup dark_setup = { FALSE, FALSE, NULL, 0, 0, TRUE };
static const Setup snooze_setup = { FALSE, TRUE, NULL, 0, 0, FALSE };
static const Setup long_role_setup = { TRUE, FALSE, NULL, 0, 0, FALSE };
/* Opened by a reminder: dev has 9 min left. */
static const Setup reminder_setup = { FALSE, TRUE, NULL, 0, 9, FALSE };
/* 30 profiles of one device: dev, admin and 28 more roles. */
static const Setup thirty_setup = { FALSE, FALSE, NULL, 28, 0, FALSE };
/* The stand-in answers GetSessionToken after 3 s: the dialog stays busy long enough to look at. */
static const Setup slow_setup = { FALSE, FALSE, "{\"kind\": \"delay\", \"seconds\": 3, \"action\": \"GetSessionToken\"}", 0, 0, FALSE };

/* It says what the code refreshes, for how long, with which device; the entry has the focus. */
static void
test_shows_login (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *profiles = amt_test_profiles_text (GTK_WIDGET (fixture->dialog));
  g_autofree char *now = amt_test_profiles_now_text (GTK_WIDGET (fixture->dialog));
  GtkWidget *entry = GTK_WIDGET (code_entry (fixture));
  GtkWidget *code_label = find_widget (fixture, "code_label");
  AtkObject *accessible = gtk_widget_get_accessible (entry);
  GtkHeaderBar *header_bar = GTK_HEADER_BAR (find_widget (fixture, "header_bar"));

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, "Log In to AWS");
  g_assert_cmpstr (gtk_header_bar_get_title (header_bar), ==, "Log In to AWS");
  g_assert_null (gtk_header_bar_get_subtitle (header_bar));
  g_assert_cmpstr (profiles, ==, "dev 12 h\nadmin 1 h\n");
  /* The time left now and the new session's length, each under its heading. */
  g_assert_cmpstr (now, ==, "Now|New session\ndev|not logged in\nadmin|not logged in\n");
  /* Opened by the user: no reason to give. */
  g_assert_cmpstr (label_text (fixture, "purpose_label"), ==, "Enter the code that your MFA device shows now.");
  g_assert_cmpstr (label_text (fixture, "device_label"), ==, ALICE_MFA);
  g_assert_false (widget_is_shown (fixture, "note_label"));

  /* Keyboard: the entry has the focus, Alt+C reaches it, Enter logs in. */
  g_assert_true (gtk_widget_is_focus (entry));
  g_assert_true (gtk_label_get_mnemonic_widget (GTK_LABEL (code_label)) == entry);
  /* Alt+D: Alt+C is Cancel's. */
  g_assert_cmpuint (gtk_label_get_mnemonic_keyval (GTK_LABEL (code_label)), ==, GDK_KEY_d);
  amt_test_assert_unique_mnemonics (GTK_WIDGET (fixture->dialog));
  g_assert_true (gtk_entry_get_activates_default (GTK_ENTRY (entry)));
  g_assert_true (gtk_widget_has_default (find_widget (fixture, "login_button")));
  g_assert_cmpint (gtk_entry_get_max_length (GTK_ENTRY (entry)), ==, 6);
  g_assert_cmpint (gtk_entry_get_input_purpose (GTK_ENTRY (entry)), ==, GTK_INPUT_PURPOSE_PIN);

  /* Accessible: a name, and what the code is for. */
  g_assert_cmpstr (atk_object_get_name (accessible), ==, "MFA code");
  g_assert_cmpstr (atk_object_get_description (accessible), ==, "This code refreshes dev (12 h) and admin (1 h).");

  g_assert_true (widget_is_shown (fixture, "cancel_button"));
  g_assert_true (widget_is_shown (fixture, "login_button"));
  g_assert_false (widget_is_shown (fixture, "snooze_button"));
  g_assert_false (widget_is_shown (fixture, "skip_button"));
  g_assert_false (widget_is_shown (fixture, "close_button"));
  g_assert_cmpstr (status_page (fixture), ==, "hint");

  amt_test_screenshot (GTK_WIDGET (fixture->dialog), "dialog.png");

  /* Escape cancels the login. */
  send_key (fixture, GDK_KEY_Escape);
  amt_test_spin_until (has_responded, fixture, "the dialog's response");
  g_assert_cmpint (fixture->response, ==, GTK_RESPONSE_CANCEL);
  g_assert_true (amt_login_is_finished (fixture->login));
}

/* Digits only: typed letters and separators are refused, and so is a paste that is not a
 * code; Enter with fewer than six digits says what a code is and sends nothing. */
static void
test_refuses_non_digits (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkEditable *editable = GTK_EDITABLE (code_entry (fixture));
  g_autofree char *before = read_credentials (fixture);
  g_autofree char *after = NULL;
  int position;

  send_key (fixture, GDK_KEY_a);
  send_key (fixture, GDK_KEY_Z);
  send_key (fixture, GDK_KEY_space);
  send_key (fixture, GDK_KEY_minus);
  type_digits (fixture, "1");
  /* The keys arrive in order: the four before the digit were refused. */
  g_assert_cmpstr (code_text (fixture), ==, "1");
  send_key (fixture, GDK_KEY_x);
  type_digits (fixture, "2");
  g_assert_cmpstr (code_text (fixture), ==, "12");

  /* What a paste inserts, at once: not six digits once spaces and dashes are gone. */
  position = 2;
  gtk_editable_insert_text (editable, "34 56", -1, &position);
  g_assert_cmpstr (code_text (fixture), ==, "12");
  gtk_editable_insert_text (editable, "12a456", -1, &position);
  g_assert_cmpstr (code_text (fixture), ==, "12");
  gtk_editable_insert_text (editable, "1234567", -1, &position);
  g_assert_cmpstr (code_text (fixture), ==, "12");

  /* Enter with two digits (the default button, clicked 250 ms later as GtkButton does):
   * the reason, the digits kept, nothing sent. */
  send_key (fixture, GDK_KEY_Return);
  amt_test_spin_until (shows_error, fixture, "the error");
  type_digits (fixture, "3");
  g_assert_cmpstr (label_text (fixture, "error_label"), ==, "An MFA code is six digits: type the code your device shows now.");
  g_assert_cmpstr (code_text (fixture), ==, "123");
  g_assert_false (amt_login_is_busy (fixture->login));

  after = read_credentials (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (fixture->n_responses, ==, 0);
}

/* A wrong code, pasted the way authenticator apps copy it: normalized and sent at once; AWS's
 * refusal in plain words, nothing written, the dialog open with an empty entry. */
static void
test_wrong_code (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *code = invalid_code ();
  g_autofree char *pasted = g_strdup_printf ("%.3s %.3s", code, code + 3);
  g_autofree char *before = read_credentials (fixture);
  g_autofree char *after = NULL;
  GtkWidget *entry = GTK_WIDGET (code_entry (fixture));

  g_object_set_data (G_OBJECT (fixture->dialog), "test-expected-length", GUINT_TO_POINTER (6));
  paste (fixture, pasted);
  g_assert_cmpstr (code_text (fixture), ==, code);
  /* The full code went to AWS by itself. */
  g_assert_true (amt_login_is_busy (fixture->login));
  g_assert_cmpstr (status_page (fixture), ==, "busy");
  g_assert_false (gtk_widget_is_sensitive (entry));

  amt_test_spin_until (is_idle, fixture, "AWS's answer");
  g_assert_cmpstr (status_page (fixture), ==, "error");
  g_assert_true (widget_is_shown (fixture, "error_label"));
  g_assert_cmpstr (label_text (fixture, "error_label"), ==,
                   "The MFA code was not accepted. Check the device and type the current code; "
                   "if you just used this code, wait for the next one.");
  g_assert_cmpstr (atk_object_get_description (gtk_widget_get_accessible (entry)), ==,
                   label_text (fixture, "error_label"));
  /* Read out by screen readers when it shows, while the focus stays in the entry. */
  g_assert_cmpint (atk_object_get_role (gtk_widget_get_accessible (find_widget (fixture, "error_box"))), ==,
                   ATK_ROLE_ALERT);
  g_assert_cmpstr (code_text (fixture), ==, "");
  g_assert_true (gtk_widget_is_sensitive (entry));
  g_assert_true (gtk_widget_is_focus (entry));
  g_assert_cmpint (fixture->n_responses, ==, 0);
  g_assert_nonnull (fixture->dialog);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->dialog)));
  g_assert_false (amt_login_is_finished (fixture->login));

  after = read_credentials (fixture);
  g_assert_cmpstr (after, ==, before);

  amt_test_screenshot (GTK_WIDGET (fixture->dialog), "dialog-error.png");

  /* Snooze is not offered here; Cancel ends the login, nothing written. */
  g_assert_false (widget_is_shown (fixture, "snooze_button"));
  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "cancel_button")));
  g_assert_cmpint (fixture->response, ==, GTK_RESPONSE_CANCEL);
  g_assert_true (amt_login_is_finished (fixture->login));
}

/* A valid code typed digit by digit: the sixth logs in, the spinner turns, and the dialog
 * responds OK once the credentials are written. */
static void
test_valid_code (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *code = NULL;
  GtkWidget *entry = GTK_WIDGET (code_entry (fixture));
  GtkSpinner *spinner = GTK_SPINNER (find_widget (fixture, "spinner"));
  gboolean active = FALSE;

  wait_for_step_margin (8);
  code = current_code (0);

  type_digits (fixture, "1");
  send_key (fixture, GDK_KEY_BackSpace);
  amt_test_spin_until (code_is_empty, fixture, "the backspace");

  g_assert_false (widget_is_shown (fixture, "skip_button"));
  type_digits (fixture, (char[]) { code[0], code[1], code[2], code[3], code[4], '\0' });
  g_assert_false (amt_login_is_busy (fixture->login));
  g_assert_cmpstr (status_page (fixture), ==, "hint");

  type_digits (fixture, code + 5);
  g_assert_true (amt_login_is_busy (fixture->login));
  g_assert_cmpstr (status_page (fixture), ==, "busy");
  g_assert_true (widget_is_shown (fixture, "spinner"));
  g_object_get (spinner, "active", &active, NULL);
  g_assert_true (active);
  g_assert_cmpstr (label_text (fixture, "busy_label"), ==, "Checking the code…");
  g_assert_false (gtk_widget_is_sensitive (entry));
  g_assert_false (gtk_widget_is_sensitive (find_widget (fixture, "login_button")));
  g_assert_true (gtk_widget_is_sensitive (find_widget (fixture, "cancel_button")));
  g_assert_false (has_session (fixture, "dev"));

  amt_test_spin_until (has_responded, fixture, "the dialog's response");
  g_assert_cmpint (fixture->response, ==, GTK_RESPONSE_OK);
  g_assert_true (has_session (fixture, "dev"));
  g_assert_true (has_session (fixture, "admin-mfa"));
  g_assert_true (amt_login_get_result (fixture->login, NULL));
  g_assert_cmpint (amt_profile_get_state (amt_sessions_lookup_profile (fixture->sessions, "dev")), ==,
                   AMT_SESSION_STATE_VALID);
  g_assert_cmpint (amt_profile_get_state (amt_sessions_lookup_profile (fixture->sessions, "admin")), ==,
                   AMT_SESSION_STATE_VALID);
}

/* A role that asks for 2 h: marked with the reason, then asked for with a second code. */
static void
test_second_code (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *profiles = amt_test_profiles_text (GTK_WIDGET (fixture->dialog));
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  GtkHeaderBar *header_bar = GTK_HEADER_BAR (find_widget (fixture, "header_bar"));
  GtkWidget *entry = GTK_WIDGET (code_entry (fixture));

  g_assert_cmpstr (profiles, ==, "dev 12 h\nadmin 1 h\ndeploy 2 h Needs a second code\n");
  g_assert_true (widget_is_shown (fixture, "note_label"));
  g_assert_nonnull (strstr (label_text (fixture, "note_label"), "deploy asks for 2 h"));
  g_assert_nonnull (strstr (label_text (fixture, "note_label"), "AWS caps a role assumed with another session at 1 h"));
  g_assert_cmpstr (gtk_header_bar_get_subtitle (header_bar), ==, "Code 1 of 2");
  g_assert_false (widget_is_shown (fixture, "skip_button"));

  wait_for_step_margin (8);
  first = current_code (0);
  second = current_code (1);

  type_digits (fixture, first);
  amt_test_spin_until (is_idle, fixture, "the first code's answer");
  g_assert_cmpint (fixture->n_responses, ==, 0);
  g_assert_true (has_session (fixture, "dev"));
  g_assert_true (has_session (fixture, "admin-mfa"));
  g_assert_false (has_session (fixture, "deploy-mfa"));

  /* The next code, and why. */
  g_clear_pointer (&profiles, g_free);
  profiles = amt_test_profiles_text (GTK_WIDGET (fixture->dialog));
  g_assert_cmpstr (profiles, ==, "dev 12 h Refreshed\nadmin 1 h Refreshed\ndeploy 2 h\n");
  g_assert_cmpstr (gtk_header_bar_get_subtitle (header_bar), ==, "Code 2 of 2");
  g_assert_nonnull (strstr (label_text (fixture, "purpose_label"), "deploy asks for 2 h"));
  g_assert_false (widget_is_shown (fixture, "note_label"));
  g_assert_true (widget_is_shown (fixture, "skip_button"));
  g_assert_cmpstr (code_text (fixture), ==, "");
  g_assert_true (gtk_widget_is_focus (entry));
  g_assert_cmpstr (status_page (fixture), ==, "hint");

  /* The same code again is refused before the network. */
  type_digits (fixture, first);
  amt_test_spin_until (is_idle, fixture, "the reused code's refusal");
  g_assert_cmpstr (label_text (fixture, "error_label"), ==, "This code was already used. Wait for the next code and try again.");
  g_assert_cmpstr (code_text (fixture), ==, "");

  type_digits (fixture, second);
  amt_test_spin_until (has_responded, fixture, "the dialog's response");
  g_assert_cmpint (fixture->response, ==, GTK_RESPONSE_OK);
  g_assert_true (has_session (fixture, "deploy-mfa"));
  g_assert_cmpint (amt_profile_get_state (amt_sessions_lookup_profile (fixture->sessions, "deploy")), ==,
                   AMT_SESSION_STATE_VALID);
}

/* Skipping the second code ends the login short: what was refreshed, and Close. */
static void
test_skip_second_code (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *first = NULL;

  wait_for_step_margin (8);
  first = current_code (0);
  type_digits (fixture, first);
  amt_test_spin_until (is_idle, fixture, "the first code's answer");

  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "skip_button")));
  g_assert_true (amt_login_is_finished (fixture->login));
  g_assert_cmpint (fixture->n_responses, ==, 0);
  g_assert_cmpstr (label_text (fixture, "purpose_label"), ==, "dev and admin were refreshed. deploy was not refreshed.");
  g_assert_false (widget_is_shown (fixture, "code_entry"));
  g_assert_false (widget_is_shown (fixture, "login_button"));
  g_assert_false (widget_is_shown (fixture, "cancel_button"));
  g_assert_true (widget_is_shown (fixture, "close_button"));
  g_assert_true (gtk_widget_is_focus (find_widget (fixture, "close_button")));

  send_key (fixture, GDK_KEY_Return);
  amt_test_spin_until (has_responded, fixture, "the dialog's response");
  g_assert_cmpint (fixture->response, ==, GTK_RESPONSE_CLOSE);
  g_assert_true (has_session (fixture, "dev"));
  g_assert_false (has_session (fixture, "deploy-mfa"));
}

/* Cancel while AWS is checking the code: the dialog goes at once and the login ends. */
static void
test_cancel_while_busy (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *before = read_credentials (fixture);
  g_autofree char *after = NULL;

  wait_for_step_margin (8);
  code = current_code (0);
  type_digits (fixture, code);
  g_assert_true (amt_login_is_busy (fixture->login));
  amt_test_screenshot (GTK_WIDGET (fixture->dialog), "dialog-busy.png");
  g_assert_true (amt_login_is_busy (fixture->login));

  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "cancel_button")));
  g_assert_cmpint (fixture->response, ==, GTK_RESPONSE_CANCEL);
  g_assert_true (amt_login_is_finished (fixture->login));
  amt_test_spin_until (is_gone, fixture, "the dialog to be finalized");

  after = read_credentials (fixture);
  g_assert_cmpstr (after, ==, before);
}

/* Snooze: its own response, and the login ends (the application asks again later). */
static void
test_snooze (Fixture       *fixture,
             gconstpointer  data)
{
  g_assert_true (widget_is_shown (fixture, "snooze_button"));
  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "snooze_button")));
  g_assert_cmpint (fixture->response, ==, AMT_MFA_DIALOG_RESPONSE_SNOOZE);
  g_assert_true (amt_login_is_finished (fixture->login));
}

/* Opened by a reminder, it says why: the session that ends, and when; the profile's row has
 * the time left now beside the new session's length. */
static void
test_says_why (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *now = amt_test_profiles_now_text (GTK_WIDGET (fixture->dialog));

  g_assert_cmpstr (label_text (fixture, "purpose_label"), ==,
                   "dev expires in 9 min. Enter the code that your MFA device shows now.");
  g_assert_cmpstr (now, ==, "Now|New session\ndev|9 min left\nadmin|not logged in\n");
  amt_test_screenshot (GTK_WIDGET (fixture->dialog), "dialog-reminder.png");
  amt_test_assert_unique_mnemonics (GTK_WIDGET (fixture->dialog));

  send_key (fixture, GDK_KEY_Escape);
  amt_test_spin_until (has_responded, fixture, "the dialog's response");
}

/* 30 profiles of one device: the list scrolls, and the dialog with its Code field fits a
 * 1366×768 screen at scale 1 (and so a 2560×1600 one at scale 2: 800 px high in its units).
 * 736 px: what a 768-px screen leaves under GNOME's top bar. */
static void
test_thirty_profiles_fit (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *dialog = GTK_WIDGET (fixture->dialog);
  GtkWidget *entry = GTK_WIDGET (code_entry (fixture));
  GdkRectangle workarea = { 0, 0, 1366, 736 };
  int entry_x = 0, entry_y = 0;
  int width, height;

  amt_test_drain_main_context ();
  /* The whole window as drawn: its header bar (a client-side title bar) included. */
  width = gdk_window_get_width (gtk_widget_get_window (dialog));
  height = gdk_window_get_height (gtk_widget_get_window (dialog));
  g_test_message ("the dialog of 30 profiles is %d×%d", width, height);
  g_assert_cmpint (height, <=, workarea.height);
  g_assert_cmpint (width, <=, workarea.width);

  g_assert_true (gtk_widget_translate_coordinates (entry, dialog, 0, 0, &entry_x, &entry_y));
  g_assert_cmpint (entry_y, >=, 0);
  g_assert_cmpint (entry_y + gtk_widget_get_allocated_height (entry), <=, height);
  g_assert_true (gtk_widget_is_focus (entry));

  /* Every profile is in the list, past the fold. */
  {
    g_autofree char *profiles = amt_test_profiles_text (dialog);
    g_auto(GStrv) lines = g_strsplit (profiles, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 30 + 1);
  }
  amt_test_screenshot (dialog, "dialog-thirty-profiles.png");

  send_key (fixture, GDK_KEY_Escape);
  amt_test_spin_until (has_responded, fixture, "the dialog's response");
}

/* The error text, as drawn: its colour against the dialog's background, at least 4.5:1 in
 * Adwaita and in Adwaita-dark (whose own error colour, #cc0000 on #353535, is 2.1:1).
 * Measured from the pixels: the background is the label's most common colour, the text its
 * colour farthest from it (the core of a glyph, past its anti-aliased edge). */
static void
test_error_contrast (Fixture       *fixture,
                     gconstpointer  data)
{
  const Setup *setup = data;
  GtkWidget *label = find_widget (fixture, "error_label");
  g_autoptr(GdkPixbuf) pixels = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_direct_hash, g_direct_equal);
  GtkAllocation allocation;
  guint background = 0, most = 0;
  double best = 1.0;
  GdkRGBA bg, text = { 0, 0, 0, 1 };
  int x = 0, y = 0;

  gtk_button_clicked (GTK_BUTTON (find_widget (fixture, "login_button")));
  amt_test_spin_until (shows_error, fixture, "the error");
  amt_test_screenshot (GTK_WIDGET (fixture->dialog), setup->dark ? "dialog-error-dark.png" : "dialog-error-light.png");
  amt_test_spin_for (300);

  gtk_widget_get_allocation (label, &allocation);
  g_assert_true (gtk_widget_translate_coordinates (label, GTK_WIDGET (fixture->dialog), 0, 0, &x, &y));
  pixels = gdk_pixbuf_get_from_window (gtk_widget_get_window (GTK_WIDGET (fixture->dialog)),
                                       x, y, allocation.width, allocation.height);
  g_assert_nonnull (pixels);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (pixels), >=, 3);

  for (int row = 0; row < gdk_pixbuf_get_height (pixels); row++)
    for (int column = 0; column < gdk_pixbuf_get_width (pixels); column++)
      {
        const guchar *p = gdk_pixbuf_read_pixels (pixels) + row * gdk_pixbuf_get_rowstride (pixels) +
                          column * gdk_pixbuf_get_n_channels (pixels);
        guint rgb = (p[0] << 16) | (p[1] << 8) | p[2];
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (rgb))) + 1;

        g_hash_table_insert (counts, GUINT_TO_POINTER (rgb), GUINT_TO_POINTER (n));
        if (n > most)
          {
            most = n;
            background = rgb;
          }
      }

  bg = (GdkRGBA) { (background >> 16) / 255.0, ((background >> 8) & 0xff) / 255.0, (background & 0xff) / 255.0, 1.0 };
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, counts);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        guint rgb = GPOINTER_TO_UINT (key);
        GdkRGBA c = { (rgb >> 16) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0, 1.0 };
        double ratio = amt_contrast_ratio (&c, &bg);

        if (ratio > best)
          {
            best = ratio;
            text = c;
          }
      }
  }

  g_test_message ("%s: error text #%02x%02x%02x on #%06x: %.2f:1", setup->dark ? "dark" : "light",
                  (guint) (text.red * 255 + 0.5), (guint) (text.green * 255 + 0.5),
                  (guint) (text.blue * 255 + 0.5), background, best);
  /* Red, still: the theme's error colour, not its text colour. */
  g_assert_cmpfloat (text.red, >, text.green + 0.15);
  g_assert_cmpfloat (best, >=, 4.5);

  send_key (fixture, GDK_KEY_Escape);
  amt_test_spin_until (has_responded, fixture, "the dialog's response");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);

  /* Before the sessions' threads: see the top of this file. */
  curl_global_init (CURL_GLOBAL_DEFAULT);
  start_stand_in ();

  g_test_add ("/mfa-dialog/shows-login", Fixture, &plain_setup,
              fixture_set_up, test_shows_login, fixture_tear_down);
  g_test_add ("/mfa-dialog/refuses-non-digits", Fixture, &plain_setup,
              fixture_set_up, test_refuses_non_digits, fixture_tear_down);
  g_test_add ("/mfa-dialog/wrong-code", Fixture, &plain_setup,
              fixture_set_up, test_wrong_code, fixture_tear_down);
  g_test_add ("/mfa-dialog/valid-code", Fixture, &plain_setup,
              fixture_set_up, test_valid_code, fixture_tear_down);
  g_test_add ("/mfa-dialog/second-code", Fixture, &long_role_setup,
              fixture_set_up, test_second_code, fixture_tear_down);
  g_test_add ("/mfa-dialog/skip-second-code", Fixture, &long_role_setup,
              fixture_set_up, test_skip_second_code, fixture_tear_down);
  g_test_add ("/mfa-dialog/cancel-while-busy", Fixture, &slow_setup,
              fixture_set_up, test_cancel_while_busy, fixture_tear_down);
  g_test_add ("/mfa-dialog/snooze", Fixture, &snooze_setup,
              fixture_set_up, test_snooze, fixture_tear_down);
  g_test_add ("/mfa-dialog/error-contrast/light", Fixture, &plain_setup,
              fixture_set_up, test_error_contrast, fixture_tear_down);
  g_test_add ("/mfa-dialog/error-contrast/dark", Fixture, &dark_setup,
              fixture_set_up, test_error_contrast, fixture_tear_down);
  g_test_add ("/mfa-dialog/says-why", Fixture, &reminder_setup,
              fixture_set_up, test_says_why, fixture_tear_down);
  g_test_add ("/mfa-dialog/thirty-profiles-fit", Fixture, &thirty_setup,
              fixture_set_up, test_thirty_profiles_fit, fixture_tear_down);

  status = g_test_run ();

  if (stop_stand_in () != 0)
    g_error ("The stand-in AWS server did not stop cleanly");
  curl_global_cleanup ();
  return status;
}
