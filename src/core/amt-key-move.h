/* amt-key-move.h: moving a profile's long-term keys between the credentials file and the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-aws-config.h"
#include "amt-key-source.h"

G_BEGIN_DECLS

typedef enum {
  AMT_KEY_PLACE_FILE,
  AMT_KEY_PLACE_KEYRING,
} AmtKeyPlace;

AmtKeyPlace amt_key_place_of          (AmtAwsConfig         *config,
                                       const char           *holder);
const char *amt_key_place_to_string   (AmtKeyPlace           place);

void        amt_key_move_async        (AmtAwsConfig         *config,
                                       const char           *holder,
                                       AmtKeyPlace           to,
                                       AmtKeySource         *keyring,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    amt_key_move_finish       (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
