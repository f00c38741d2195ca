/* amt-client-pool.h: one AWS client per endpoint set, over one transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-client.h"
#include "amt-http.h"
#include "amt-profile.h"

G_BEGIN_DECLS

#define AMT_TYPE_CLIENT_POOL (amt_client_pool_get_type ())

G_DECLARE_FINAL_TYPE (AmtClientPool, amt_client_pool, AMT, CLIENT_POOL, GObject)

AmtClientPool *amt_client_pool_new             (AmtHttpTransport   *transport,
                                                const char * const *envp,
                                                AmtCodeLedger      *ledger);
AmtAwsClient  *amt_client_pool_get_client      (AmtClientPool      *self,
                                                AmtProfile         *profile);
AmtCodeLedger *amt_client_pool_get_code_ledger (AmtClientPool      *self);

G_END_DECLS
