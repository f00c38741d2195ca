/* amt-device-finder.c: the MFA devices of the IAM user whose long-term keys a profile has
 *
 * For a profile with keys and no mfa_serial ("Use with MFA", `login` of such a profile):
 * GetCallerIdentity names the user, ListMFADevices lists its devices. Its errors are its own
 * (AMT_DEVICE_FINDER_ERROR): finding no device is not a failed login.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-device-finder"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-device-finder.h"
#include "amt-login.h"

G_DEFINE_QUARK (amt-device-finder-error-quark, amt_device_finder_error)

typedef struct {
  AmtAwsClient      *client;
  AmtCredentials    *long_term;
} FindDevicesData;

static void
find_devices_data_free (FindDevicesData *data)
{
  g_clear_object (&data->client);
  g_clear_pointer (&data->long_term, amt_credentials_free);
  g_free (data);
}

static void
list_mfa_devices_done_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GStrv serials;

  serials = amt_aws_client_list_mfa_devices_finish (AMT_AWS_CLIENT (source), result, &error);
  if (serials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (serials[0] == NULL)
    {
      g_strfreev (serials);
      g_task_return_new_error (task, AMT_DEVICE_FINDER_ERROR, AMT_DEVICE_FINDER_ERROR_NO_DEVICE,
                               _("This IAM user has no MFA device: assign one in the AWS console (IAM → Users → Security credentials), then try again."));
      return;
    }

  g_task_return_pointer (task, serials, (GDestroyNotify) g_strfreev);
}

static void
caller_identity_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDevicesData *data = g_task_get_task_data (task);
  g_autoptr(AmtAwsCallerIdentity) identity = NULL;
  const char *user;
  GError *error = NULL;

  identity = amt_aws_client_get_caller_identity_finish (AMT_AWS_CLIENT (source), result, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* arn:aws:iam::111111111111:user/path/NAME */
  user = identity->arn != NULL ? strstr (identity->arn, ":user/") : NULL;
  if (user == NULL)
    {
      g_task_return_new_error (task, AMT_DEVICE_FINDER_ERROR, AMT_DEVICE_FINDER_ERROR_NOT_AN_IAM_USER,
                               _("These keys are not an IAM user’s (%s): only an IAM user’s devices can be looked up; set mfa_serial by hand."),
                               identity->arn != NULL ? identity->arn : "?");
      return;
    }
  user = strrchr (user, '/') + 1;

  amt_aws_client_list_mfa_devices_async (data->client, data->long_term, user, 0,
                                         g_task_get_cancellable (task),
                                         list_mfa_devices_done_cb, g_object_ref (task));
}

static void
long_term_found_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDevicesData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->long_term = amt_key_source_lookup_finish (AMT_KEY_SOURCE (source), result, &error);
  if (data->long_term == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  amt_aws_client_get_caller_identity_async (data->client, data->long_term,
                                            g_task_get_cancellable (task),
                                            caller_identity_done_cb, g_object_ref (task));
}

/**
 * amt_find_mfa_devices_async:
 * @clients: the clients to ask AWS with
 * @files: (nullable): the AWS files, which say where @profile's long-term keys are
 * @keyring: (nullable): the keyring, for keys kept there
 * @profile: a profile with long-term keys
 *
 * Asks AWS which MFA devices the IAM user of @profile's keys has: GetCallerIdentity, then
 * ListMFADevices.
 */
void
amt_find_mfa_devices_async (AmtClientPool       *clients,
                            AmtAwsConfig        *files,
                            AmtKeySource        *keyring,
                            AmtProfile          *profile,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AmtKeySource) keys = NULL;
  g_autofree char *holder = NULL;
  FindDevicesData *data;
  GError *error = NULL;

  g_return_if_fail (AMT_IS_CLIENT_POOL (clients));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_find_mfa_devices_async);

  data = g_new0 (FindDevicesData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) find_devices_data_free);
  keys = amt_login_dup_key_source (files, keyring, profile, &holder, &error);
  if (keys == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->client = g_object_ref (amt_client_pool_get_client (clients, profile));

  /* The keyring may ask to be unlocked first. */
  amt_key_source_lookup_async (keys, holder, cancellable, long_term_found_cb,
                               g_steal_pointer (&task));
}

/**
 * amt_find_mfa_devices_finish:
 *
 * Returns: (transfer full): the serial numbers (ARNs) of the devices, at least one
 */
GStrv
amt_find_mfa_devices_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == amt_find_mfa_devices_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
