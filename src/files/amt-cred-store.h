/* amt-cred-store.h: atomic, locked updates of the sections this program manages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-credentials.h"

G_BEGIN_DECLS

/* Siblings of the credentials file (after following a symlink), named so that no AWS tool
 * reads them: ".credentials.amt-lock" is the advisory lock that serializes our writers, and
 * ".credentials.amt-XXXXXX" are temporary files (a stale one, left by a killed writer, is
 * removed by the next writer: the lock file names the one being written). */
#define AMT_CRED_STORE_LOCK_SUFFIX ".amt-lock"
#define AMT_CRED_STORE_TEMP_SUFFIX ".amt-XXXXXX"

#define AMT_TYPE_CRED_STORE (amt_cred_store_get_type ())

G_DECLARE_FINAL_TYPE (AmtCredStore, amt_cred_store, AMT, CRED_STORE, GObject)

AmtCredStore   *amt_cred_store_new                (const char           *path);
AmtCredStore   *amt_cred_store_new_default        (void);
const char     *amt_cred_store_get_path           (AmtCredStore         *self);
void            amt_cred_store_remember_contents  (AmtCredStore         *self);
gboolean        amt_cred_store_check_writable     (AmtCredStore         *self,
                                                   GError              **error);

gboolean        amt_cred_store_replace_section    (AmtCredStore         *self,
                                                   const char           *section,
                                                   const AmtCredentials *credentials,
                                                   GError              **error);
gboolean        amt_cred_store_remove_section     (AmtCredStore         *self,
                                                   const char           *section,
                                                   GError              **error);
gboolean        amt_cred_store_set_values         (AmtCredStore         *self,
                                                   const char           *section,
                                                   const char * const   *pairs,
                                                   guint                 n_pairs,
                                                   GError              **error);
gboolean        amt_cred_store_remove_keys        (AmtCredStore         *self,
                                                   const char           *section,
                                                   const char * const   *keys,
                                                   GError              **error);
gboolean        amt_cred_store_add_values         (AmtCredStore         *self,
                                                   const char           *section,
                                                   const char * const   *pairs,
                                                   guint                 n_pairs,
                                                   GError              **error);
gboolean        amt_cred_store_move_session       (AmtCredStore         *self,
                                                   const char           *from,
                                                   const char           *section,
                                                   const AmtCredentials *credentials,
                                                   GError              **error);
AmtCredentials *amt_cred_store_read_section       (AmtCredStore         *self,
                                                   const char           *section,
                                                   GError              **error);
gboolean        amt_cred_store_read_expiration    (AmtCredStore         *self,
                                                   const char           *section,
                                                   GDateTime           **expiration,
                                                   GError              **error);

G_END_DECLS
