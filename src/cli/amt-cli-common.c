/* amt-cli-common.c
 *
 * What every command of the command line does alike: one line on standard error for a
 * failure, output that must have arrived, the sessions model with the preferences, and the
 * wait for one asynchronous call.
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

AmtSessions *
amt_cli_load_sessions (GError **error)
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
