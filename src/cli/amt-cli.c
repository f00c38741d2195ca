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

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "amt-cli.h"
#include "amt-cli-common.h"
#include "amt-cli-login.h"
#include "amt-cli-session.h"
#include "amt-cli-keys.h"
#include "amt-json-wipe.h"
#include "amt-secret.h"
#include "amt-sessions.h"

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
append_column (GString    *table,
               const char *text,
               guint       width)
{
  glong length = g_utf8_strlen (text, -1);

  g_string_append (table, text);
  for (glong i = length; i < (glong) width + 1; i++)
    g_string_append_c (table, ' ');
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
  /* Printed at once: g_print() writes (and flushes) every piece it is given. */
  g_autoptr(GString) table = NULL;
  GListModel *profiles;
  guint n_items;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      g_printerr ("aws-mfa-tray status: %s\n", error != NULL ? error->message : _("too many arguments"));
      return AMT_CLI_EXIT_USAGE;
    }

  sessions = amt_cli_load_sessions (&error);
  if (sessions == NULL)
    return amt_cli_fail (error->message);

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
      return amt_cli_finish_output ();
    }

  if (n_items == 0)
    {
      g_autofree char *config = amt_aws_config_dup_config_path ();
      g_autofree char *credentials = amt_aws_config_dup_credentials_path ();
      g_autofree char *config_display = amt_aws_config_dup_display_path (config);
      g_autofree char *credentials_display = amt_aws_config_dup_display_path (credentials);

      g_print (_("No MFA profiles found in %s or %s.\n"), config_display, credentials_display);
      print_candidates (sessions);
      return amt_cli_finish_output ();
    }

  table = g_string_new (NULL);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);
      g_autofree char *state = amt_sessions_describe_profile (sessions, profile);
      g_autofree char *until = NULL;
      GDateTime *expiration = amt_profile_get_expiration (profile);
      const char *target = amt_profile_get_target (profile);

      if (expiration != NULL)
        until = format_local_time (expiration);

      append_column (table, amt_profile_get_name (profile), 20);
      append_column (table, state, 24);
      append_column (table, until != NULL ? until : "", 22);
      if (g_strcmp0 (target, amt_profile_get_name (profile)) != 0)
        /* Translators: where a profile's session is written, "→ admin-mfa" */
        g_string_append_printf (table, _("→ %s"), target);
      if (amt_sessions_get_key_place (sessions, profile) == AMT_KEY_PLACE_KEYRING)
        g_string_append_printf (table, "  %s", _("(keys in the keyring)"));
      g_string_append_c (table, '\n');
      if (amt_profile_get_error (profile) != NULL)
        g_string_append_printf (table, "  %s\n", amt_profile_get_error (profile));
    }
  g_print ("%s", table->str);
  print_candidates (sessions);

  return amt_cli_finish_output ();
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
    return AMT_CLI_EXIT_USAGE;

  sessions = amt_cli_load_sessions (&error);
  if (sessions == NULL)
    return amt_cli_fail (error->message);

  moves = collect_moves (sessions, profile);
  if (!amt_cli_login_profile (sessions, profile, code_stdin, TRUE, duration, &error))
    {
      /* A half-done login says what it did write; the line on standard error says the rest. */
      amt_sessions_load (sessions, NULL);
      print_refreshed (sessions, profile);
      return amt_cli_fail (error->message);
    }

  /* The applet may have written the files: read what it wrote. A login with --code-stdin ran
   * here, and the sessions model read the files again when it wrote them. */
  if (!code_stdin)
    amt_sessions_load (sessions, NULL);
  print_refreshed (sessions, profile);
  print_moves (moves);
  return EXIT_SUCCESS;
}

/* credential-process */

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
  amt_secret_free_gstring (text);
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
    return AMT_CLI_EXIT_USAGE;

  sessions = amt_cli_load_sessions_for_session (&error);
  if (sessions == NULL)
    return amt_cli_fail (error->message);

  /* Standard input and error belong to the tool that runs us: no terminal prompt. */
  credentials = amt_cli_obtain_session (sessions, name, FALSE, &error);
  if (credentials == NULL)
    return amt_cli_fail (error->message);

  print_credential_process (credentials);
  return amt_cli_finish_output ();
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
    return amt_cli_console_run (argc - 1, argv + 1);
  if (g_str_equal (command, "env"))
    return amt_cli_env_run (argc - 1, argv + 1);
  if (g_str_equal (command, "exec"))
    return amt_cli_exec_run (argc - 1, argv + 1);
  if (g_str_equal (command, "keys"))
    return amt_cli_keys_run (argc - 1, argv + 1);

  amt_cli_print_usage ();
  return EXIT_SUCCESS;
}
