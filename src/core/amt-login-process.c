/* amt-login-process.c
 *
 * The login run with codes from the profile's mfa_process (DESIGN.md "Profiles"): the command
 * is run once per code, its one line read, and a code already sent waited out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-login"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-mfa-code.h"
#include "amt-sandbox.h"
#include "amt-secret.h"
#include "amt-login-private.h"

#define MFA_PROCESS_TIMEOUT_SECONDS  120
/* mfa_process prints one short line; more than this is not a code (`yes 123456` never ends). */
#define MFA_PROCESS_MAX_OUTPUT       256
/* A TOTP code changes every 30 s: how long to wait for mfa_process to give a new one. */
#define NEXT_CODE_POLL_SECONDS       3
#define NEXT_CODE_MAX_POLLS          15

typedef struct {
  GSubprocess *process;
  guint        polls;
  guint        timeout_id;
  char         output[MFA_PROCESS_MAX_OUTPUT + 2];
  gsize        length;
} ProcessData;

static void
process_data_free (ProcessData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->process != NULL)
    g_subprocess_force_exit (data->process);
  g_clear_object (&data->process);
  amt_secret_wipe (data->output, sizeof data->output);
  g_free (data);
}

static void run_mfa_process_once (GTask *task);

static void
next_code_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  ProcessData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  run_mfa_process_once (task);
}

static void
process_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  ProcessData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  if (data->process != NULL)
    g_subprocess_force_exit (data->process);
}

static void run_submit_done_cb (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data);

/* mfa_process gave no code: the login's profiles learn why. */
static void
process_failed (GTask  *task,
                GError *error)
{
  AmtLogin *self = g_task_get_source_object (task);

  amt_login_note_step_failure (self, error);
  g_task_return_error (task, error);
}

static void read_process_output (GTask *task);

static void
process_exited_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtLogin *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  g_clear_handle_id (&data->timeout_id, g_source_remove);

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!g_subprocess_get_successful (G_SUBPROCESS (source)))
    {
      process_failed (task, g_error_new_literal (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                                 _("The mfa_process command failed (it took too long, or exited with an error): check it in a terminal.")));
      return;
    }

  data->output[data->length] = '\0';
  g_clear_object (&data->process);
  if (!amt_login_check_code (data->output, &code, NULL))
    {
      amt_secret_wipe (data->output, sizeof data->output);
      process_failed (task, g_error_new_literal (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                                 _("The mfa_process command did not print a six-digit code.")));
      return;
    }
  amt_secret_wipe (data->output, sizeof data->output);
  data->length = 0;

  /* The second code of a login must be a new one: wait for the device to move on. */
  if (amt_code_ledger_was_sent (amt_client_pool_get_code_ledger (self->clients), self->mfa_serial, code))
    {
      amt_secret_free (g_steal_pointer (&code));
      if (++data->polls > NEXT_CODE_MAX_POLLS)
        {
          process_failed (task, amt_aws_error_new_simple (AMT_AWS_ERROR_MFA_CODE_REUSED));
          return;
        }
      data->timeout_id = g_timeout_add_once (NEXT_CODE_POLL_SECONDS * 1000, next_code_poll_cb, task);
      g_steal_pointer (&task);
      return;
    }

  data->polls = 0;
  /* The cancellable is read before the task is handed over: the order in which arguments
   * are evaluated is unspecified. */
  cancellable = g_task_get_cancellable (task);
  amt_login_submit_code_async (self, code, cancellable, run_submit_done_cb, g_steal_pointer (&task));
  amt_secret_free (g_steal_pointer (&code));
}

static void
process_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        process_failed (task, g_error_new (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                           _("The mfa_process command could not be read: %s"), error->message));
      return;
    }

  data->length += n;
  if (data->length > MFA_PROCESS_MAX_OUTPUT)
    {
      g_subprocess_force_exit (data->process);
      amt_secret_wipe (data->output, sizeof data->output);
      process_failed (task, g_error_new_literal (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                                 _("The mfa_process command printed more than one short line: make it print only the six-digit code.")));
      return;
    }

  if (n == 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* Read before the task is handed over, as above. */
      g_subprocess_wait_async (data->process, cancellable, process_exited_cb, g_steal_pointer (&task));
    }
  else
    read_process_output (g_steal_pointer (&task));
}

/* Reads at most one byte over the limit, so that a command printing forever is stopped. */
static void
read_process_output (GTask *task)
{
  ProcessData *data = g_task_get_task_data (task);
  GInputStream *stdout_pipe = g_subprocess_get_stdout_pipe (data->process);

  g_input_stream_read_async (stdout_pipe, data->output + data->length,
                             MFA_PROCESS_MAX_OUTPUT + 1 - data->length, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), process_read_cb, task);
}

static void
run_mfa_process_once (GTask *task)
{
  AmtLogin *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  g_auto(GStrv) argv = NULL;
  g_autofree char *missing = NULL;
  GError *error = NULL;

  if (!g_shell_parse_argv (self->mfa_process, NULL, &argv, &error))
    {
      process_failed (task, g_error_new (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                         _("The mfa_process command cannot be read as a command line: %s"),
                                         error->message));
      g_error_free (error);
      g_object_unref (task);
      return;
    }

  /* A program that is not there (the sandbox cannot run the host's): say so and what to do,
   * rather than GLib's "Failed to execute child process". */
  missing = amt_sandbox_explain_missing_command (argv[0], amt_sandbox_is_flatpak ());
  if (missing != NULL)
    {
      process_failed (task, g_error_new_literal (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE, missing));
      g_object_unref (task);
      return;
    }

  /* Its standard error goes where ours goes: a "touch your key" prompt must be seen. */
  data->process = g_subprocess_newv ((const char * const *) argv,
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                                     &error);
  if (data->process == NULL)
    {
      process_failed (task, g_error_new (AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                                         _("The mfa_process command could not be started: %s"),
                                         error->message));
      g_error_free (error);
      g_object_unref (task);
      return;
    }

  data->timeout_id = g_timeout_add_once (MFA_PROCESS_TIMEOUT_SECONDS * 1000, process_timeout_cb, task);
  data->length = 0;
  read_process_output (task);
}

static void
run_submit_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtLogin *self = AMT_LOGIN (source);
  GError *error = NULL;

  if (!amt_login_submit_code_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->finished)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  run_mfa_process_once (g_steal_pointer (&task));
}

/**
 * amt_login_run_mfa_process_async:
 *
 * Gets every code of the login from the profile's mfa_process command and submits it, up to
 * the end of the login or the first failure.
 */
void
amt_login_run_mfa_process_async (AmtLogin            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  ProcessData *data;

  g_return_if_fail (AMT_IS_LOGIN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_login_run_mfa_process_async);

  if (self->mfa_process == NULL)
    {
      g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NO_CODE,
                               _("No mfa_process command is configured."));
      g_object_unref (task);
      return;
    }

  data = g_new0 (ProcessData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) process_data_free);
  run_mfa_process_once (task);
}

gboolean
amt_login_run_mfa_process_finish (AmtLogin      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

