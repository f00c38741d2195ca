/* amt-device-finder.h: the MFA devices of the IAM user whose long-term keys a profile has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-config.h"
#include "amt-client-pool.h"
#include "amt-key-source.h"
#include "amt-profile.h"

G_BEGIN_DECLS

#define AMT_DEVICE_FINDER_ERROR (amt_device_finder_error_quark ())

typedef enum {
  AMT_DEVICE_FINDER_ERROR_NO_DEVICE,         /* the user has none */
  AMT_DEVICE_FINDER_ERROR_NOT_AN_IAM_USER,   /* the keys are a role's or root's */
  AMT_DEVICE_FINDER_ERROR_SEVERAL_DEVICES,   /* the caller cannot choose one by itself */
} AmtDeviceFinderError;

GQuark amt_device_finder_error_quark (void);

void   amt_find_mfa_devices_async    (AmtClientPool        *clients,
                                      AmtAwsConfig         *files,
                                      AmtKeySource         *keyring,
                                      AmtProfile           *profile,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GStrv  amt_find_mfa_devices_finish   (GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
