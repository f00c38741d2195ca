/* amt-keyring-keys.h: long-term keys in the keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-key-source.h"

G_BEGIN_DECLS

/* The schema of the items this program keeps: the profile and the access key id as
 * attributes, the secret access key as the secret. */
#define AMT_KEYRING_SCHEMA_NAME           "io.github.awsmfatray.AwsMfaTray.LongTermKeys"
#define AMT_KEYRING_ATTRIBUTE_PROFILE     "profile"
#define AMT_KEYRING_ATTRIBUTE_KEY_ID      "access_key_id"

#define AMT_TYPE_KEYRING_KEYS (amt_keyring_keys_get_type ())

G_DECLARE_FINAL_TYPE (AmtKeyringKeys, amt_keyring_keys, AMT, KEYRING_KEYS, GObject)

AmtKeyringKeys *amt_keyring_keys_new          (void);
gboolean        amt_keyring_keys_is_reachable (gboolean in_flatpak);

G_END_DECLS
