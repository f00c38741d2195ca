/* amt-keyring-module.h: what the keyring module (amt-keyring-module.c, libsecret) exports to
 * amt-keyring-keys.c, which opens it
 *
 * Each function takes a task of the AmtKeySource (transfer full) and returns through it:
 *  - lookup: task data the profile (a string); returns the keys (AmtCredentials);
 *  - store: task data an AmtKeyringStore; returns a boolean;
 *  - delete: task data the profile; returns a boolean.
 * Errors are in AMT_KEY_SOURCE_ERROR, one sentence each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gmodule.h>

#include "amt-key-source.h"

G_BEGIN_DECLS

/* The schema of the items this program keeps: the profile and the access key id as
 * attributes, the secret access key as the secret. */
#define AMT_KEYRING_SCHEMA_NAME           "io.github.awsmfatray.AwsMfaTray.LongTermKeys"
#define AMT_KEYRING_ATTRIBUTE_PROFILE     "profile"
#define AMT_KEYRING_ATTRIBUTE_KEY_ID      "access_key_id"

typedef struct {
  char           *profile;
  AmtCredentials *keys;
} AmtKeyringStore;

typedef void (*AmtKeyringModuleFunc) (GTask *task);

G_MODULE_EXPORT void amt_keyring_module_lookup (GTask *task);
G_MODULE_EXPORT void amt_keyring_module_store  (GTask *task);
G_MODULE_EXPORT void amt_keyring_module_delete (GTask *task);

G_END_DECLS
