/* amt-keyring-keys.h: long-term keys in the keyring (through the libsecret module)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-key-source.h"

G_BEGIN_DECLS

#define AMT_TYPE_KEYRING_KEYS (amt_keyring_keys_get_type ())

G_DECLARE_FINAL_TYPE (AmtKeyringKeys, amt_keyring_keys, AMT, KEYRING_KEYS, GObject)

AmtKeyringKeys *amt_keyring_keys_new                  (void);
gboolean        amt_keyring_keys_is_reachable         (gboolean              in_flatpak);
void            amt_keyring_keys_is_reachable_async   (gboolean              in_flatpak,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean        amt_keyring_keys_is_reachable_finish  (GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
