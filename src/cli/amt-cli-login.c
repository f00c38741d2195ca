/* amt-cli-login.c
 *
 * Running a login to its end from the command line: codes from standard input, the
 * profile's mfa_process, the running applet's dialog (over D-Bus, amt-service.c), or the
 * terminal, in that order; and a session that is there, or is logged in for first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cli"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "amt-cli-common.h"
#include "amt-cli-login.h"
#include "amt-cli-common.h"
#include "amt-device-finder.h"
#include "amt-discovery.h"
#include "amt-secret.h"
#include "amt-service.h"
#include "amt-session-env.h"

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
      AmtCliWait wait = { loop, NULL };
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

      amt_login_submit_code_async (login, code, NULL, amt_cli_wait_cb, &wait);
      amt_secret_free (code);
      result = amt_cli_wait_for (&wait);

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
  AmtCliWait wait = { loop, NULL };

  amt_login_run_mfa_process_async (login, NULL, amt_cli_wait_cb, &wait);
  result = amt_cli_wait_for (&wait);
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
  AmtCliWait wait = { loop, NULL };

  amt_sessions_find_mfa_devices_async (sessions, profile, NULL, amt_cli_wait_cb, &wait);
  result = amt_cli_wait_for (&wait);
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
gboolean
amt_cli_login_profile (AmtSessions  *sessions,
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

/* @name's session with more than the lead time left, asking for the code first when it has
 * not; @allow_terminal unless standard input and error belong to a tool that runs us. */
AmtCredentials *
amt_cli_obtain_session (AmtSessions  *sessions,
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

  /* Loaded with the longest lead time the preferences allow (amt_cli_load_sessions_for_session):
   * a session beyond it is good whatever they say, and they need not be read. */
  credentials = amt_session_env_read_session (sessions, profile);
  if (credentials != NULL)
    return credentials;

  amt_cli_read_settings (sessions);
  credentials = amt_session_env_read_session (sessions, profile);
  if (credentials != NULL)
    return credentials;

  if (!amt_cli_login_profile (sessions, name, FALSE, allow_terminal, NULL, error))
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
