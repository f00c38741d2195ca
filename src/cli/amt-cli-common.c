/* amt-cli-common.c
 *
 * What every command of the command line does alike: one line on standard error for a
 * failure, output that must have arrived, the sessions model with the preferences (read
 * only when they matter for a command that hands out a session), and the wait for one
 * asynchronous call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "amt-cli-common.h"

int
amt_cli_fail (const char *message)
{
  g_printerr ("aws-mfa-tray: %s\n", message);
  return EXIT_FAILURE;
}

/* What a command printed must have arrived: a closed standard output or a full disk is a
 * failure, not a silent success. */
int
amt_cli_finish_output (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_autofree char *message = g_strdup_printf (_("Could not write the output: %s."),
                                                  g_strerror (errno));

      return amt_cli_fail (message);
    }
  return EXIT_SUCCESS;
}

/* The preferences' schema; NULL when it is not installed, and then the defaults hold. */
static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  return source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
}

#define SETTINGS_READ_KEY "amt-cli-settings"

/**
 * amt_cli_read_settings:
 *
 * Gives @sessions the preferences (the lead time and the durations), once; without their
 * schema, the defaults.
 */
void
amt_cli_read_settings (AmtSessions *sessions)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (g_object_get_data (G_OBJECT (sessions), SETTINGS_READ_KEY) != NULL)
    return;

  schema = lookup_schema ();
  if (schema == NULL)
    {
      amt_sessions_set_lead_time (sessions, AMT_SESSIONS_DEFAULT_LEAD_TIME);
      g_object_set_data (G_OBJECT (sessions), SETTINGS_READ_KEY, GINT_TO_POINTER (TRUE));
      return;
    }

  settings = g_settings_new_full (schema, NULL, NULL);
  amt_sessions_bind_settings (sessions, settings);
  g_object_set_data_full (G_OBJECT (sessions), SETTINGS_READ_KEY, g_steal_pointer (&settings),
                          g_object_unref);
}

AmtSessions *
amt_cli_load_sessions (GError **error)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();

  /* The preferences hold the lead time and durations; without the schema, the defaults. */
  amt_cli_read_settings (sessions);
  if (!amt_sessions_load (sessions, error))
    return NULL;

  return g_steal_pointer (&sessions);
}

/* The longest lead time (seconds) the schema lets the preferences hold; 0 when it has no range. */
static guint
longest_lead_time (GSettingsSchema *schema)
{
  g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, "lead-time-minutes");
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  g_autoptr(GVariant) limits = NULL;
  const char *type;
  guint32 min_minutes, max_minutes;

  g_variant_get (range, "(&sv)", &type, &limits);
  if (!g_str_equal (type, "range"))
    return 0;

  g_variant_get (limits, "(uu)", &min_minutes, &max_minutes);
  return max_minutes * 60;
}

/**
 * amt_cli_load_sessions_for_session:
 *
 * For a command that hands out a session (credential-process, env, exec): the files, with
 * the longest lead time the preferences allow, without reading them. GSettings costs a start
 * its backend module, and dconf's backend a connection to the session bus; a session beyond
 * that lead time is good whatever the preferences say. Call amt_cli_read_settings() before
 * using anything else (amt_cli_obtain_session() does).
 */
AmtSessions *
amt_cli_load_sessions_for_session (GError **error)
{
  g_autoptr(AmtSessions) sessions = amt_sessions_new ();
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  guint lead_time = schema != NULL ? longest_lead_time (schema) : 0;

  if (lead_time > 0)
    amt_sessions_set_lead_time (sessions, lead_time);
  else
    amt_cli_read_settings (sessions);

  if (!amt_sessions_load (sessions, error))
    return NULL;

  return g_steal_pointer (&sessions);
}

void
amt_cli_wait_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AmtCliWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

/* Returns: (transfer full): the result of the call */
GAsyncResult *
amt_cli_wait_for (AmtCliWait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}
