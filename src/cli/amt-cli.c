/* amt-cli.c
 *
 *   aws-mfa-tray status [--json]
 *   aws-mfa-tray login [--profile NAME] [--code-stdin] [--duration SECONDS]
 *   aws-mfa-tray credential-process --profile NAME
 *   aws-mfa-tray console --profile NAME [--print-url]
 *   aws-mfa-tray env --profile NAME [--format sh|fish|json]
 *   aws-mfa-tray exec --profile NAME [--] COMMAND [ARG...]
 *   aws-mfa-tray keys move-to-keyring|move-to-file --profile NAME   (amt-cli-keys.c)
 *
 * Exit status 0 on success; 1 with one line on standard error when something failed; 2 for a
 * command line that cannot be understood. Codes come, in this order, from standard input
 * (--code-stdin, one per line), the profile's mfa_process, the running applet's dialog (over
 * D-Bus, amt-service.c), or the terminal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "amt-cli.h"
#include "amt-cli-keys.h"
#include "amt-console.h"
#include "amt-cred-store.h"
#include "amt-device-finder.h"
#include "amt-discovery.h"
#include "amt-json-wipe.h"
#include "amt-service.h"
#include "amt-session-env.h"
#include "amt-sessions.h"
#include "amt-sigv4.h"

#define EXIT_USAGE 2

extern char **environ;

static const char * const commands[] = { "status", "login", "credential-process", "console", "env", "exec", "keys", "help" };

gboolean
amt_cli_is_command (const char *argument)
{
  if (argument == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argument, commands[i]))
      return TRUE;

  return FALSE;
}

void
amt_cli_print_usage (void)
{
  g_print ("%s", _("Usage:\n"
                   "  aws-mfa-tray [--background]                  Start the applet (again: open its window)\n"
                   "  aws-mfa-tray status [--json]                 List the MFA profiles and their sessions\n"
                   "  aws-mfa-tray login [--profile NAME] [--code-stdin] [--duration SECONDS]\n"
                   "                                               Refresh NAME ($AWS_PROFILE) and the profiles sharing its MFA device\n"
                   "  aws-mfa-tray credential-process --profile NAME\n"
                   "                                               Print NAME’s session for credential_process\n"
                   "  aws-mfa-tray console --profile NAME [--print-url]\n"
                   "                                               Open the AWS Console with NAME’s role session\n"
                   "  aws-mfa-tray env --profile NAME [--format sh|fish|json]\n"
                   "                                               Print NAME’s session as environment variables\n"
                   "  aws-mfa-tray exec --profile NAME -- COMMAND [ARG...]\n"
                   "                                               Run COMMAND with NAME’s session in its environment\n"
                   "  aws-mfa-tray keys move-to-keyring|move-to-file --profile NAME\n"
                   "                                               Keep NAME’s long-term keys in the keyring, or in the file\n"
                   "  aws-mfa-tray --version                       Show the version\n"
                   "\n"
                   "Codes come from standard input (--code-stdin, one per line), the profile’s\n"
                   "mfa_process, the running applet’s dialog, or the terminal.\n"));
}

static int
fail (const char *message)
{
  g_printerr ("aws-mfa-tray: %s\n", message);
  return EXIT_FAILURE;
}

/* What a command printed must have arrived: a closed standard output or a full disk is a
 * failure, not a silent success. */
static int
finish_output (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_autofree char *message = g_strdup_printf (_("Could not write the output: %s."),
                                                  g_strerror (errno));

      return fail (message);
    }
  return EXIT_SUCCESS;
}

static AmtSessions *
load_sessions (GError **error)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* The preferences hold the lead time and durations; without the schema, the defaults. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      amt_sessions_bind_settings (sessions, settings);
    }

  if (!amt_sessions_load (sessions, error))
    return NULL;

  return g_steal_pointer (&sessions);
}

static char *
format_local_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  return g_date_time_format (local, "%Y-%m-%d %H:%M %Z");
}

/* status */

static JsonNode *
profile_to_json (AmtSessions *sessions,
                 AmtProfile  *profile)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const AmtProfileConfig *config = amt_profile_get_config (profile);
  GDateTime *expiration = amt_profile_get_expiration (profile);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, amt_profile_get_name (profile));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, config->kind == AMT_PROFILE_KIND_ROLE ? "role" : "session");
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, amt_session_state_to_string (amt_profile_get_state (profile)));
  json_builder_set_member_name (builder, "expiration");
  if (expiration != NULL)
    {
      g_autofree char *text = amt_credentials_format_expiration (expiration);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "seconds_left");
  if (expiration != NULL)
    {
      g_autoptr(GDateTime) now = amt_clock_dup_now (amt_sessions_get_clock (sessions));

      json_builder_add_int_value (builder, MAX (0, g_date_time_difference (expiration, now) / G_USEC_PER_SEC));
    }
  else
    json_builder_add_null_value (builder);

#define ADD_STRING(member, value) \
  json_builder_set_member_name (builder, member); \
  if ((value) != NULL) json_builder_add_string_value (builder, value); \
  else json_builder_add_null_value (builder);

  ADD_STRING ("target", config->target);
  ADD_STRING ("source_profile", config->source_profile);
  ADD_STRING ("mfa_serial", config->mfa_serial);
  ADD_STRING ("role_arn", config->role_arn);
  /* What the written profile resolves to, which clients read from [profile TARGET]. */
  ADD_STRING ("region", config->target_region);
  ADD_STRING ("error", amt_profile_get_error (profile));
  /* Where the long-term keys it logs in with live: "keyring" or "file". */
  ADD_STRING ("keys", amt_key_place_to_string (amt_sessions_get_key_place (sessions, profile)));
#undef ADD_STRING

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A column of the status table, padded by characters (a translated state may hold umlauts). */
static void
print_column (const char *text,
              guint       width)
{
  glong length = g_utf8_strlen (text, -1);

  g_print ("%s", text);
  for (glong i = length; i < (glong) width + 1; i++)
    g_print (" ");
}

/* The profiles with long-term keys and no device yet, and how to use one with MFA. */
static void
print_candidates (AmtSessions *sessions)
{
  GListModel *candidates = amt_sessions_get_candidates (sessions);
  guint n_items = g_list_model_get_n_items (candidates);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(AmtProfile) first = NULL;

  if (n_items == 0)
    return;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (candidates, i);

      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, amt_profile_get_name (profile));
    }
  first = g_list_model_get_item (candidates, 0);
  /* Translators: 1: profile names, 2: one of them */
  g_print (_("Not used with MFA yet (long-term keys, no MFA device): %1$s. "
             "“aws-mfa-tray login --profile %2$s” finds its device and logs in.\n"),
           names->str, amt_profile_get_name (first));
}

static int
run_status (int    argc,
            char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the MFA profiles and their sessions"));
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *profiles;
  guint n_items;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      g_printerr ("aws-mfa-tray status: %s\n", error != NULL ? error->message : _("too many arguments"));
      return EXIT_USAGE;
    }

  sessions = load_sessions (&error);
  if (sessions == NULL)
    return fail (error->message);

  profiles = amt_sessions_get_profiles (sessions);
  n_items = g_list_model_get_n_items (profiles);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_new ();
      g_autofree char *text = NULL;

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);

          json_array_add_element (array, profile_to_json (sessions, profile));
        }
      json_node_set_array (root, array);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return finish_output ();
    }

  if (n_items == 0)
    {
      g_autofree char *config = amt_aws_config_dup_config_path ();
      g_autofree char *credentials = amt_aws_config_dup_credentials_path ();
      g_autofree char *config_display = amt_aws_config_dup_display_path (config);
      g_autofree char *credentials_display = amt_aws_config_dup_display_path (credentials);

      g_print (_("No MFA profiles found in %s or %s.\n"), config_display, credentials_display);
      print_candidates (sessions);
      return finish_output ();
    }

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      g_autofree char *state = amt_sessions_describe_profile (sessions, profile);
      g_autofree char *until = NULL;
      GDateTime *expiration = amt_profile_get_expiration (profile);
      const char *target = amt_profile_get_target (profile);

      if (expiration != NULL)
        until = format_local_time (expiration);

      print_column (amt_profile_get_name (profile), 20);
      print_column (state, 24);
      print_column (until != NULL ? until : "", 22);
      if (g_strcmp0 (target, amt_profile_get_name (profile)) != 0)
        /* Translators: where a profile's session is written, "→ admin-mfa" */
        g_print (_("→ %s"), target);
      if (amt_sessions_get_key_place (sessions, profile) == AMT_KEY_PLACE_KEYRING)
        g_print ("  %s", _("(keys in the keyring)"));
      g_print ("\n");
      if (amt_profile_get_error (profile) != NULL)
        g_print ("  %s\n", amt_profile_get_error (profile));
    }
  print_candidates (sessions);

  return finish_output ();
}

/* Running a login to its end */

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

typedef enum {
  CODES_FROM_STDIN,
  CODES_FROM_TERMINAL,
} CodeSource;

/* A code line is short; a line that never ends is cut off here instead of filling memory. */
#define MAX_CODE_LINE 256

/* One line of standard input, without its end; NULL at the end. Wiped by the caller. Read a
 * byte at a time, so that what follows the line stays for the next code. */
static char *
read_code_line (GError **error)
{
  char line[MAX_CODE_LINE + 1];
  gsize length = 0;

  for (;;)
    {
      char c;
      gssize n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          amt_secret_wipe (line, sizeof line);
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0 && length == 0)
        return NULL;
      if (n == 0 || c == '\n')
        break;
      if (length == MAX_CODE_LINE)
        {
          amt_secret_wipe (line, sizeof line);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               _("the line is too long for a code"));
          return NULL;
        }
      line[length++] = c;
    }

  line[length] = '\0';
  {
    char *code = g_strndup (line, length);

    amt_secret_wipe (line, sizeof line);
    return code;
  }
}

static gboolean
run_login_with_codes (AmtLogin    *login,
                      CodeSource   source,
                      GError     **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  while (!amt_login_is_finished (login))
    {
      g_autofree char *purpose = amt_login_dup_code_purpose (login);
      g_autoptr(GError) read_error = NULL;
      Wait wait = { loop, NULL };
      g_autoptr(GAsyncResult) result = NULL;
      char *code;

      if (source == CODES_FROM_TERMINAL)
        {
          g_printerr ("%s\n", purpose);
          /* Translators: the terminal prompt; %s is the MFA device */
          g_printerr (_("MFA code for %s: "), amt_login_get_mfa_serial (login));
        }

      code = read_code_line (&read_error);
      if (code == NULL)
        {
          guint index = amt_login_get_code_index (login);

          amt_login_cancel (login);
          if (read_error != NULL)
            g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                         _("The code could not be read: %s"), read_error->message);
          else if (index == 0)
            g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                 _("No code was given: write the six digits to standard input."));
          else
            g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                         _("Standard input ended before code %u of %u. %s"),
                         index + 1, amt_login_get_n_codes (login), purpose);
          return FALSE;
        }

      amt_login_submit_code_async (login, code, NULL, wait_cb, &wait);
      amt_secret_wipe (code, strlen (code));
      g_free (code);
      result = wait_for (&wait);

      if (!amt_login_submit_code_finish (login, result, error))
        {
          amt_login_cancel (login);
          return FALSE;
        }
    }

  return amt_login_get_result (login, error);
}

static gboolean
run_login_with_mfa_process (AmtLogin  *login,
                            GError   **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { loop, NULL };

  amt_login_run_mfa_process_async (login, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  if (!amt_login_run_mfa_process_finish (login, result, error))
    {
      amt_login_cancel (login);
      return FALSE;
    }

  return amt_login_get_result (login, error);
}

/* The applet, if it runs (or the session bus can start it) */

static GDBusConnection *
find_applet (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner ? g_steal_pointer (&bus) : NULL;
}

static gboolean
login_through_applet (GDBusConnection  *bus,
                      const char       *profile,
                      GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;

  g_printerr ("%s\n", _("Enter the MFA code in the MFA Tray for AWS dialog…"));
  reply = g_dbus_connection_call_sync (bus, APP_ID, APP_PATH, AMT_SERVICE_INTERFACE, "Login",
                                       g_variant_new ("(s)", profile), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, AMT_SERVICE_LOGIN_TIMEOUT_MS,
                                       NULL, &local_error);
  if (reply != NULL)
    return TRUE;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                           _("No code was entered in the dialog within 5 minutes."));
      return FALSE;
    }

  g_dbus_error_strip_remote_error (local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* With no device configured and no applet to offer a choice: the one device there is. */
static gboolean
find_and_save_device (AmtSessions  *sessions,
                      AmtProfile   *profile,
                      GError      **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) serials = NULL;
  Wait wait = { loop, NULL };

  amt_sessions_find_mfa_devices_async (sessions, profile, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  serials = amt_sessions_find_mfa_devices_finish (sessions, result, error);
  if (serials == NULL)
    return FALSE;

  if (serials[1] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", serials);

      const char *source = amt_profile_get_config (profile)->source_profile;

      if (source != NULL && g_str_has_suffix (source, AMT_AWS_LONG_TERM_SUFFIX))
        g_set_error (error, AMT_DEVICE_FINDER_ERROR, AMT_DEVICE_FINDER_ERROR_SEVERAL_DEVICES,
                     _("%s’s IAM user has several MFA devices (%s): set mfa_serial (or aws_mfa_device) to the one to use."),
                     amt_profile_get_name (profile), list);
      else
        /* Translators: 1: a profile, 2: the devices' serial numbers */
        g_set_error (error, AMT_DEVICE_FINDER_ERROR, AMT_DEVICE_FINDER_ERROR_SEVERAL_DEVICES,
                     _("%1$s’s IAM user has several MFA devices (%2$s): set mfa_serial in [profile %1$s] to the one to use."),
                     amt_profile_get_name (profile), list);
      return FALSE;
    }

  g_printerr (_("Using the MFA device %s, and saving it for %s.\n"), serials[0],
              amt_profile_get_name (profile));
  return amt_sessions_save_mfa_device (sessions, profile, serials[0], error);
}

/* `login --duration`: checked as duration_seconds is for @name's kind, before any code. */
static gboolean
set_one_off_duration (AmtSessions  *sessions,
                      const char   *name,
                      const char   *duration,
                      GError      **error)
{
  AmtProfile *profile = amt_sessions_lookup_profile (sessions, name);
  guint max, seconds = 0;

  if (duration == NULL || profile == NULL)
    return TRUE;

  max = amt_profile_get_kind (profile) == AMT_PROFILE_KIND_ROLE ? AMT_ROLE_DURATION_MAX
                                                                 : AMT_SESSION_DURATION_MAX;
  if (!amt_discover_parse_duration (duration, max, &seconds))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: %s is a profile name; the numbers are seconds */
                   _("--duration for %s must be a number of seconds from %u to %u."),
                   name, AMT_SESSION_DURATION_MIN, max);
      return FALSE;
    }

  amt_profile_set_duration_seconds (profile, seconds);
  return TRUE;
}

#define RELOAD_ATTEMPTS    40
#define RELOAD_PAUSE_USEC  (50 * 1000)

/* Whether the credentials file changed within the last second. */
static gboolean
credentials_file_just_written (void)
{
  g_autofree char *path = amt_aws_config_dup_credentials_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);
  g_autoptr(GDateTime) modified = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (info == NULL || (modified = g_file_info_get_modification_date_time (info)) == NULL)
    return FALSE;
  return g_date_time_difference (now, modified) < G_USEC_PER_SEC;
}

/* Logs in @name with codes from wherever they can come; @allow_terminal for `login`;
 * @duration (nullable) for this login only. */
static gboolean
login_profile (AmtSessions  *sessions,
               const char   *name,
               gboolean      code_stdin,
               gboolean      allow_terminal,
               const char   *duration,
               GError      **error)
{
  g_autoptr(AmtLogin) login = NULL;
  g_autoptr(GDBusConnection) applet = NULL;
  g_autoptr(GError) local_error = NULL;
  AmtProfile *profile;

  /* A profile with long-term keys and no device yet: find the device, then it is managed. */
  if (amt_sessions_lookup_profile (sessions, name) == NULL &&
      (profile = amt_sessions_lookup_candidate (sessions, name)) != NULL &&
      !find_and_save_device (sessions, profile, error))
    return FALSE;

  if (!set_one_off_duration (sessions, name, duration, error))
    return FALSE;
  login = amt_sessions_create_login (sessions, name, &local_error);
  /* Read while another program was rewriting the file in place (empty or half written for a
   * moment)? Such a file was written a moment ago: look again, briefly. */
  for (guint i = 0; i < RELOAD_ATTEMPTS && login == NULL &&
                    g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
                    credentials_file_just_written (); i++)
    {
      g_usleep (RELOAD_PAUSE_USEC);
      g_clear_error (&local_error);
      amt_sessions_load (sessions, NULL);
      login = amt_sessions_create_login (sessions, name, &local_error);
    }
  if (login == NULL &&
      g_error_matches (local_error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_MFA_DEVICE) &&
      (profile = amt_sessions_lookup_profile (sessions, name)) != NULL)
    {
      g_clear_error (&local_error);
      if (!find_and_save_device (sessions, profile, error) ||
          !set_one_off_duration (sessions, name, duration, error))
        return FALSE;
      login = amt_sessions_create_login (sessions, name, &local_error);
    }
  if (login == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (code_stdin)
    return run_login_with_codes (login, CODES_FROM_STDIN, error);
  if (amt_login_get_has_mfa_process (login))
    return run_login_with_mfa_process (login, error);

  /* The applet's dialog logs in with the profiles' own durations. */
  applet = duration == NULL ? find_applet () : NULL;
  if (applet != NULL)
    {
      /* The applet runs the login; ours would refuse its codes as already sent. */
      amt_login_cancel (login);
      return login_through_applet (applet, name, error);
    }

  if (allow_terminal && isatty (STDIN_FILENO))
    return run_login_with_codes (login, CODES_FROM_TERMINAL, error);

  amt_login_cancel (login);
  g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                       _("Nothing can ask for the MFA code here: start aws-mfa-tray, give the code with "
                         "“aws-mfa-tray login --code-stdin”, or set mfa_process."));
  return FALSE;
}

/* @code_stdin and @duration are NULL for credential-process: its standard input is the
 * caller's, and its duration the profile's. */
static gboolean
parse_profile_command (const char   *command,
                       const char   *summary,
                       int          *argc,
                       char       ***argv,
                       char        **profile,
                       gboolean     *code_stdin,
                       char        **duration)
{
  GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, profile, N_("The profile (default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE)"), N_("NAME") },
    { "code-stdin", 0, 0, G_OPTION_ARG_NONE, code_stdin, N_("Read the MFA codes from standard input, one per line"), NULL },
    { "duration", 0, 0, G_OPTION_ARG_STRING, duration, N_("The session’s duration for this login, instead of duration_seconds"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  if (code_stdin == NULL)
    {
      entries[0].description = N_("The profile");
      entries[1] = (GOptionEntry) { NULL };
    }

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, _("too many arguments"));
      return FALSE;
    }
  /* As AWS tools do, login takes the profile of the environment when none is given. */
  if ((*profile == NULL || **profile == '\0') && code_stdin != NULL)
    {
      const char *from_env = g_getenv ("AWS_PROFILE");

      if (from_env == NULL || *from_env == '\0')
        from_env = g_getenv ("AWS_DEFAULT_PROFILE");
      if (from_env != NULL && *from_env != '\0')
        {
          g_free (*profile);
          *profile = g_strdup (from_env);
        }
    }
  if (*profile == NULL || **profile == '\0')
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, _("--profile NAME is needed"));
      return FALSE;
    }

  return TRUE;
}

/* login */

static void
print_refreshed (AmtSessions *sessions,
                 const char  *name)
{
  AmtProfile *profile = amt_sessions_lookup_profile (sessions, name);
  g_autoptr(GPtrArray) group = NULL;

  if (profile == NULL)
    return;

  group = amt_sessions_get_group (sessions, profile);
  for (guint i = 0; i < group->len; i++)
    {
      AmtProfile *member = g_ptr_array_index (group, i);
      GDateTime *expiration = amt_profile_get_expiration (member);
      g_autofree char *until = expiration != NULL ? format_local_time (expiration) : NULL;

      if (until == NULL || amt_profile_get_state (member) == AMT_SESSION_STATE_ERROR)
        continue;
      /* Translators: 1: profile, 2: the section written, 3: a date */
      g_print (_("%1$s: session written to [%2$s], valid until %3$s\n"),
               amt_profile_get_name (member), amt_profile_get_target (member), until);
    }
}

/* Sessions that an earlier version wrote where the Go SDK cannot read them, and which this
 * login moves (amt-target-rule.c): "old section\0new section" per profile of @name's group. */
static GPtrArray *
collect_moves (AmtSessions *sessions,
               const char  *name)
{
  GPtrArray *moves = g_ptr_array_new_with_free_func (g_free);
  AmtProfile *profile = amt_sessions_lookup_profile (sessions, name);
  g_autoptr(GPtrArray) group = NULL;

  if (profile == NULL)
    return moves;

  group = amt_sessions_get_group (sessions, profile);
  for (guint i = 0; i < group->len; i++)
    {
      const AmtProfileConfig *config = amt_profile_get_config (g_ptr_array_index (group, i));

      if (config->moved_from != NULL)
        g_ptr_array_add (moves, g_strdup_printf ("%s%c%s", config->moved_from, '\0', config->target));
    }

  return moves;
}

static void
print_moves (GPtrArray *moves)
{
  for (guint i = 0; i < moves->len; i++)
    {
      const char *from = g_ptr_array_index (moves, i);
      const char *to = from + strlen (from) + 1;

      /* Translators: 1: the old section, 2: the new one */
      g_print (_("Moved the session from [%1$s] to [%2$s]: Terraform and the Go SDK refuse %1$s, which has source_profile. "
                 "Use AWS_PROFILE=%2$s (and profile = \"%2$s\" in Terraform) from now on.\n"),
               from, to);
    }
}

static int
run_login (int    argc,
           char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *duration = NULL;
  gboolean code_stdin = FALSE;
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(GPtrArray) moves = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_profile_command ("login", _("— refresh a profile and those sharing its MFA device"),
                              &argc, &argv, &profile, &code_stdin, &duration))
    return EXIT_USAGE;

  sessions = load_sessions (&error);
  if (sessions == NULL)
    return fail (error->message);

  moves = collect_moves (sessions, profile);
  if (!login_profile (sessions, profile, code_stdin, TRUE, duration, &error))
    {
      /* A half-done login says what it did write; the line on standard error says the rest. */
      amt_sessions_load (sessions, NULL);
      print_refreshed (sessions, profile);
      return fail (error->message);
    }

  /* The applet wrote the files: read what it wrote. */
  amt_sessions_load (sessions, NULL);
  print_refreshed (sessions, profile);
  print_moves (moves);
  return EXIT_SUCCESS;
}

/* credential-process */

/* @name's session with more than the lead time left, asking for the code first when it has
 * not; @allow_terminal unless standard input and error belong to a tool that runs us. */
static AmtCredentials *
obtain_session (AmtSessions  *sessions,
                const char   *name,
                gboolean      allow_terminal,
                GError      **error)
{
  AmtProfile *profile = amt_sessions_lookup_profile (sessions, name);
  AmtCredentials *credentials;

  if (profile == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no MFA profile called “%s”: “aws-mfa-tray status” lists them."), name);
      return NULL;
    }

  credentials = amt_session_env_read_session (sessions, profile);
  if (credentials != NULL)
    return credentials;

  if (!login_profile (sessions, name, FALSE, allow_terminal, NULL, error))
    return NULL;

  /* The applet may have written the files: read what was written. */
  amt_sessions_load (sessions, NULL);
  profile = amt_sessions_lookup_profile (sessions, name);
  if (profile == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The profile is gone from the AWS files."));
      return NULL;
    }
  credentials = amt_session_env_read_session (sessions, profile);
  if (credentials == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The session has expired."));

  return credentials;
}

static void
print_credential_process (const AmtCredentials *credentials)
{
  /* Sized so that it never grows (a realloc leaves the old block unwiped), and written here,
   * not by json-glib's generator, which leaves escaped copies of the secret behind. */
  GString *text = g_string_sized_new (8192);
  g_autofree char *expiration = amt_credentials_format_expiration (credentials->expiration);

  g_string_append (text, "{\"Version\": 1, \"AccessKeyId\": ");
  amt_json_append_string (text, credentials->access_key_id);
  g_string_append (text, ", \"SecretAccessKey\": ");
  amt_json_append_string (text, credentials->secret_access_key);
  g_string_append (text, ", \"SessionToken\": ");
  amt_json_append_string (text, credentials->session_token);
  g_string_append (text, ", \"Expiration\": ");
  amt_json_append_string (text, expiration);
  g_string_append (text, "}\n");

  fputs (text->str, stdout);
  amt_secret_wipe (text->str, text->allocated_len);
  g_string_free (text, TRUE);
}

static int
run_credential_process (int    argc,
                        char **argv)
{
  g_autofree char *name = NULL;
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_profile_command ("credential-process", _("— print a session for credential_process"),
                              &argc, &argv, &name, NULL, NULL))
    return EXIT_USAGE;

  sessions = load_sessions (&error);
  if (sessions == NULL)
    return fail (error->message);

  /* Standard input and error belong to the tool that runs us: no terminal prompt. */
  credentials = obtain_session (sessions, name, FALSE, &error);
  if (credentials == NULL)
    return fail (error->message);

  print_credential_process (credentials);
  return finish_output ();
}

/* console, env, exec: --profile NAME, the command's own @extra options, and for exec the
 * command line to run (everything from the first argument that is not an option on). */
static gboolean
parse_session_command (const char          *command,
                       const char          *summary,
                       const GOptionEntry  *extra,
                       gboolean             command_follows,
                       int                 *argc,
                       char              ***argv,
                       char               **profile)
{
  const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, profile, N_("The profile"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);
  /* The command's own options are its own: stop at the first argument that is not ours. */
  g_option_context_set_strict_posix (context, command_follows);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, error->message);
      return FALSE;
    }
  if (command_follows && *argc > 1 && g_str_equal ((*argv)[1], "--"))
    {
      memmove (&(*argv)[1], &(*argv)[2], sizeof (char *) * (gsize) (*argc - 1));
      (*argc)--;
    }
  if (command_follows && *argc < 2)
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, _("a COMMAND to run is needed"));
      return FALSE;
    }
  if (!command_follows && *argc > 1)
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, _("too many arguments"));
      return FALSE;
    }
  if (*profile == NULL || **profile == '\0')
    {
      g_printerr ("aws-mfa-tray %s: %s\n", command, _("--profile NAME is needed"));
      return FALSE;
    }

  return TRUE;
}

/* console */

static int
run_console (int    argc,
             char **argv)
{
  g_autofree char *name = NULL;
  gboolean print_url = FALSE;
  const GOptionEntry entries[] = {
    { "print-url", 0, 0, G_OPTION_ARG_NONE, &print_url, N_("Print the sign-in URL instead of opening it"), NULL },
    { NULL }
  };
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *reason = NULL;
  const AmtProfileConfig *config;
  AmtProfile *profile;
  Wait wait = { NULL, NULL };
  char *url;

  if (!parse_session_command ("console", _("— open the AWS Console with a role session"), entries,
                              FALSE, &argc, &argv, &name))
    return EXIT_USAGE;

  sessions = load_sessions (&error);
  if (sessions == NULL)
    return fail (error->message);

  /* Known before any code is asked for: a session the console refuses. */
  profile = amt_sessions_lookup_profile (sessions, name);
  if (profile != NULL && (reason = amt_console_dup_unavailable_reason (profile)) != NULL)
    return fail (reason);

  credentials = obtain_session (sessions, name, TRUE, &error);
  if (credentials == NULL)
    return fail (error->message);

  profile = amt_sessions_lookup_profile (sessions, name);
  config = amt_profile_get_config (profile);
  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  amt_console_sign_in_url_async (NULL, credentials, config->role_arn, config->region,
                                 config->ca_bundle, NULL, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  url = amt_console_sign_in_url_finish (result, &error);
  if (url == NULL)
    return fail (error->message);

  if (print_url)
    {
      fputs (url, stdout);
      fputc ('\n', stdout);
    }
  else if (!g_app_info_launch_default_for_uri (url, NULL, &error))
    {
      amt_secret_free (url);
      g_prefix_error (&error, _("No web browser could be opened (“aws-mfa-tray console --print-url” prints the address instead): "));
      return fail (error->message);
    }
  else
    g_printerr (_("Opened the AWS Console for %s in the web browser.\n"), name);

  amt_secret_free (url);
  return print_url ? finish_output () : EXIT_SUCCESS;
}

/* env */

static int
run_env (int    argc,
         char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *format_name = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("How to write the variables: sh, fish or json"), N_("FORMAT") },
    { NULL }
  };
  AmtSessionEnvFormat format;
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  AmtProfile *profile;
  char **variables;
  char *text;

  if (!parse_session_command ("env", _("— print a session as environment variables"), entries,
                              FALSE, &argc, &argv, &name))
    return EXIT_USAGE;
  if (!amt_session_env_parse_format (format_name, &format))
    {
      g_printerr ("aws-mfa-tray env: %s\n", _("--format is sh, fish or json"));
      return EXIT_USAGE;
    }

  sessions = load_sessions (&error);
  if (sessions == NULL)
    return fail (error->message);

  /* Standard output goes to eval; the terminal can still ask for the code on stderr. */
  credentials = obtain_session (sessions, name, TRUE, &error);
  if (credentials == NULL)
    return fail (error->message);

  profile = amt_sessions_lookup_profile (sessions, name);
  variables = amt_session_env_build (credentials, amt_profile_get_config (profile)->region);
  text = amt_session_env_format ((const char * const *) variables, format);
  fputs (text, stdout);
  amt_secret_free (text);
  amt_session_env_free (variables);

  return finish_output ();
}

/* exec */

static int
run_exec (int    argc,
          char **argv)
{
  g_autofree char *name = NULL;
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) own_environ = g_get_environ ();
  AmtProfile *profile;
  char **variables;
  char **envp;
  int saved_errno;

  if (!parse_session_command ("exec", _("— run a command with a session in its environment"), NULL,
                              TRUE, &argc, &argv, &name))
    return EXIT_USAGE;

  sessions = load_sessions (&error);
  if (sessions == NULL)
    return fail (error->message);

  credentials = obtain_session (sessions, name, TRUE, &error);
  if (credentials == NULL)
    return fail (error->message);

  profile = amt_sessions_lookup_profile (sessions, name);
  variables = amt_session_env_build (credentials, amt_profile_get_config (profile)->region);
  envp = amt_session_env_apply ((const char * const *) own_environ, (const char * const *) variables);
  amt_session_env_free (variables);

  /* The command takes this process's place, so its exit status is ours. */
  fflush (stdout);
  fflush (stderr);
  {
    char **parent_environ = environ;

    environ = envp;
    execvp (argv[1], &argv[1]);
    saved_errno = errno;
    environ = parent_environ;
  }
  amt_session_env_free (envp);

  {
    g_autofree char *message = g_strdup_printf (_("%s could not be run: %s."), argv[1],
                                                g_strerror (saved_errno));

    fail (message);
  }
  /* What a shell answers for a command it cannot find, or cannot run. */
  return saved_errno == ENOENT ? 127 : 126;
}

int
amt_cli_run (int    argc,
             char **argv)
{
  const char *command = argv[1];

  /* Standard output is data (env's variables, credential_process JSON, a URL): with
   * G_MESSAGES_DEBUG set, debug messages must not end up in an eval or a parser. */
  g_log_writer_default_set_use_stderr (TRUE);

  /* Shift the command off, so that option parsing sees "aws-mfa-tray-COMMAND --options". */
  argv[1] = argv[0];

  if (g_str_equal (command, "status"))
    return run_status (argc - 1, argv + 1);
  if (g_str_equal (command, "login"))
    return run_login (argc - 1, argv + 1);
  if (g_str_equal (command, "credential-process"))
    return run_credential_process (argc - 1, argv + 1);
  if (g_str_equal (command, "console"))
    return run_console (argc - 1, argv + 1);
  if (g_str_equal (command, "env"))
    return run_env (argc - 1, argv + 1);
  if (g_str_equal (command, "exec"))
    return run_exec (argc - 1, argv + 1);
  if (g_str_equal (command, "keys"))
    return amt_cli_keys_run (argc - 1, argv + 1);

  amt_cli_print_usage ();
  return EXIT_SUCCESS;
}
