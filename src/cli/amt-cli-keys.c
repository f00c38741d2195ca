/* amt-cli-keys.c
 *
 *   aws-mfa-tray keys move-to-keyring --profile NAME
 *   aws-mfa-tray keys move-to-file --profile NAME
 *
 * The command line of amt_sessions_move_keys_async(): NAME is a managed profile, and the keys
 * it logs in with move. Exit status 0, or 1 with one line on standard error (2 for a command
 * line that cannot be understood), as every subcommand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cli-keys"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-cli-common.h"
#include "amt-cli-keys.h"
#include "amt-sessions.h"

/* @argv[0] is the program, @argv[1] the action. */
int
amt_cli_keys_run (int    argc,
                  char **argv)
{
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &name, N_("The profile"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(AmtSessions) sessions = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *action = argc > 1 ? argv[1] : NULL;
  AmtKeyPlace to;
  AmtProfile *profile;
  AmtCliWait wait = { NULL, NULL };

  if (g_strcmp0 (action, "move-to-keyring") == 0)
    to = AMT_KEY_PLACE_KEYRING;
  else if (g_strcmp0 (action, "move-to-file") == 0)
    to = AMT_KEY_PLACE_FILE;
  else
    {
      g_printerr ("aws-mfa-tray keys: %s\n", _("say move-to-keyring or move-to-file"));
      return AMT_CLI_EXIT_USAGE;
    }

  /* The action off, as the command was: "aws-mfa-tray-keys --profile NAME". */
  argv[1] = argv[0];
  argc--;
  argv++;

  context = g_option_context_new (to == AMT_KEY_PLACE_KEYRING ? _("— keep a profile’s long-term keys in the keyring")
                                                             : _("— keep a profile’s long-term keys in the credentials file"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1 ||
      name == NULL || *name == '\0')
    {
      g_printerr ("aws-mfa-tray keys %s: %s\n", action,
                  error != NULL ? error->message : argc > 1 ? _("too many arguments")
                                                            : _("--profile NAME is needed"));
      return AMT_CLI_EXIT_USAGE;
    }

  sessions = amt_cli_load_sessions (&error);
  if (sessions == NULL)
    return amt_cli_fail (error->message);

  profile = amt_sessions_lookup_profile (sessions, name);
  if (profile == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no MFA profile called “%s”: “aws-mfa-tray status” lists them."), name);

      return amt_cli_fail (message);
    }

  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  amt_sessions_move_keys_async (sessions, profile, to, NULL, amt_cli_wait_cb, &wait);
  result = amt_cli_wait_for (&wait);
  if (!amt_sessions_move_keys_finish (sessions, result, &error))
    return amt_cli_fail (error->message);

  profile = amt_sessions_lookup_profile (sessions, name);
  if (to == AMT_KEY_PLACE_KEYRING)
    g_printerr (_("The long-term keys of %s (from [%s]) are in the keyring now, and no longer in the AWS files.\n"),
                name, amt_profile_get_config (profile)->source_profile);
  else
    g_printerr (_("The long-term keys of %s are in the credentials file again (in [%s]), and no longer in the keyring.\n"),
                name, amt_profile_get_config (profile)->source_profile);

  return EXIT_SUCCESS;
}
