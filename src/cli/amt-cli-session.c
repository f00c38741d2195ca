/* amt-cli-session.c
 *
 *   aws-mfa-tray console --profile NAME [--print-url]
 *   aws-mfa-tray env --profile NAME [--format sh|fish|json]
 *   aws-mfa-tray exec --profile NAME [--] COMMAND [ARG...]
 *
 * The commands that use a profile's session: logged in for first when it has none.
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

#include "amt-cli-common.h"
#include "amt-cli-login.h"
#include "amt-cli-session.h"
#include "amt-console.h"
#include "amt-secret.h"
#include "amt-session-env.h"

extern char **environ;

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

int
amt_cli_console_run (int    argc,
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
  AmtCliWait wait = { NULL, NULL };
  char *url;

  if (!parse_session_command ("console", _("— open the AWS Console with a role session"), entries,
                              FALSE, &argc, &argv, &name))
    return AMT_CLI_EXIT_USAGE;

  sessions = amt_cli_load_sessions (&error);
  if (sessions == NULL)
    return amt_cli_fail (error->message);

  /* Known before any code is asked for: a session the console refuses. */
  profile = amt_sessions_lookup_profile (sessions, name);
  if (profile != NULL && (reason = amt_console_dup_unavailable_reason (profile)) != NULL)
    return amt_cli_fail (reason);

  credentials = amt_cli_obtain_session (sessions, name, TRUE, &error);
  if (credentials == NULL)
    return amt_cli_fail (error->message);

  profile = amt_sessions_lookup_profile (sessions, name);
  config = amt_profile_get_config (profile);
  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  amt_console_sign_in_url_async (NULL, credentials, config->role_arn, config->region,
                                 config->ca_bundle, NULL, NULL, amt_cli_wait_cb, &wait);
  result = amt_cli_wait_for (&wait);
  url = amt_console_sign_in_url_finish (result, &error);
  if (url == NULL)
    return amt_cli_fail (error->message);

  if (print_url)
    {
      fputs (url, stdout);
      fputc ('\n', stdout);
    }
  else if (!g_app_info_launch_default_for_uri (url, NULL, &error))
    {
      amt_secret_free (url);
      g_prefix_error (&error, _("No web browser could be opened (“aws-mfa-tray console --print-url” prints the address instead): "));
      return amt_cli_fail (error->message);
    }
  else
    g_printerr (_("Opened the AWS Console for %s in the web browser.\n"), name);

  amt_secret_free (url);
  return print_url ? amt_cli_finish_output () : EXIT_SUCCESS;
}

/* env, exec: the session of profile @name as environment variables (free them with
 * amt_session_env_free()), logged in for first when it has none. Standard output may go to
 * eval: the terminal can still ask for the code on stderr. */
static char **
dup_session_variables (const char  *name,
                       GError     **error)
{
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  AmtProfile *profile;

  sessions = amt_cli_load_sessions_for_session (error);
  if (sessions == NULL)
    return NULL;

  credentials = amt_cli_obtain_session (sessions, name, TRUE, error);
  if (credentials == NULL)
    return NULL;

  profile = amt_sessions_lookup_profile (sessions, name);
  return amt_session_env_build (credentials, amt_profile_get_config (profile)->region);
}

/* env */

int
amt_cli_env_run (int    argc,
                 char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *format_name = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("How to write the variables: sh, fish or json"), N_("FORMAT") },
    { NULL }
  };
  AmtSessionEnvFormat format;
  g_autoptr(GError) error = NULL;
  char **variables;
  char *text;

  if (!parse_session_command ("env", _("— print a session as environment variables"), entries,
                              FALSE, &argc, &argv, &name))
    return AMT_CLI_EXIT_USAGE;
  if (!amt_session_env_parse_format (format_name, &format))
    {
      g_printerr ("aws-mfa-tray env: %s\n", _("--format is sh, fish or json"));
      return AMT_CLI_EXIT_USAGE;
    }

  variables = dup_session_variables (name, &error);
  if (variables == NULL)
    return amt_cli_fail (error->message);

  text = amt_session_env_format ((const char * const *) variables, format);
  fputs (text, stdout);
  amt_secret_free (text);
  amt_session_env_free (variables);

  return amt_cli_finish_output ();
}

/* exec */

int
amt_cli_exec_run (int    argc,
                  char **argv)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) own_environ = g_get_environ ();
  char **variables;
  char **envp;
  int saved_errno;

  if (!parse_session_command ("exec", _("— run a command with a session in its environment"), NULL,
                              TRUE, &argc, &argv, &name))
    return AMT_CLI_EXIT_USAGE;

  variables = dup_session_variables (name, &error);
  if (variables == NULL)
    return amt_cli_fail (error->message);

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

    amt_cli_fail (message);
  }
  /* What a shell answers for a command it cannot find, or cannot run. */
  return saved_errno == ENOENT ? 127 : 126;
}
