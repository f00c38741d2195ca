/* amt-login-write.c
 *
 * Writing a login's sessions: each profile's session (and the region it needs) goes into the
 * files in a worker thread, since fsync takes as long as the disk; the file stays whole.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-login"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-login-private.h"

typedef struct {
  AmtCredStore   *store;
  char           *target;
  char           *moved_from;     /* nullable: a session of the old rule to move to target */
  AmtCredStore   *config_store;   /* nullable: the config file, to add the region to */
  char           *region;         /* nullable */
  AmtCredentials *credentials;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->store);
  g_free (data->target);
  g_free (data->moved_from);
  g_clear_object (&data->config_store);
  g_free (data->region);
  g_clear_pointer (&data->credentials, amt_credentials_free);
  g_free (data);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;
  gboolean ok;

  if (data->moved_from != NULL)
    ok = amt_cred_store_move_session (data->store, data->moved_from, data->target,
                                      data->credentials, &error);
  else
    ok = amt_cred_store_replace_section (data->store, data->target, data->credentials, &error);

  /* Clients read the region of [profile TARGET] only: it travels there, never overwriting. */
  if (ok && data->config_store != NULL && data->region != NULL)
    {
      g_autofree char *section = amt_aws_config_dup_config_section (data->target);
      const char *pair[] = { AMT_AWS_KEY_REGION, data->region };

      ok = amt_cred_store_add_values (data->config_store, section, pair, 1, &error);
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}


static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ItemOp *op = user_data;
  AmtLogin *self = g_task_get_source_object (op->submit);
  WriteData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      op->item->done = TRUE;
      g_clear_pointer (&op->item->error, g_free);
      g_signal_emit (self, amt_login_signals[AMT_LOGIN_SIGNAL_PROFILE_REFRESHED], 0, op->item->profile,
                     data->credentials->expiration);
    }
  else
    amt_login_item_failed (self, op->item, error);

  amt_login_item_op_complete (op);
}

void
amt_login_write_item (AmtLogin             *self,
                      ItemOp               *op,
                      const AmtCredentials *session)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data = g_new0 (WriteData, 1);

  const AmtProfileConfig *config = amt_profile_get_config (op->item->profile);
  AmtAwsConfig *files = self->files;

  data->store = g_object_ref (self->store);
  data->target = g_strdup (config->target);
  data->moved_from = g_strdup (config->moved_from);
  /* The region is added only where it is missing: a config file that already has it may be
   * read-only (a dotfiles manager's link), and then no write of it is needed. */
  if (files != NULL && config->target_region != NULL &&
      amt_aws_config_get (files, config->target, AMT_AWS_KEY_REGION) == NULL)
    {
      data->region = g_strdup (config->target_region);
      data->config_store = amt_cred_store_new (amt_aws_config_get_config_path (files));
    }
  data->credentials = amt_credentials_copy (session);

  /* Not cancellable: a write that has begun is finished, so the file stays whole. */
  task = g_task_new (self, NULL, write_done_cb, op);
  g_task_set_source_tag (task, amt_login_write_item);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}
