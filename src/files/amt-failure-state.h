/* amt-failure-state.h: the last failed refresh of each profile, kept on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char   *message;
  gint64  expiration;   /* of the session when the refresh failed (µs since the epoch), 0 for none */
} AmtFailure;

AmtFailure *amt_failure_new    (const char  *message,
                                gint64       expiration);
void        amt_failure_free   (AmtFailure  *failure);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtFailure, amt_failure_free)

char       *amt_failure_state_dup_path (void);
GHashTable *amt_failure_state_load   (const char  *credentials_path);
void        amt_failure_state_record (const char  *credentials_path,
                                      const char  *profile,
                                      const AmtFailure *failure);
void        amt_failure_state_forget (const char  *credentials_path,
                                      const char  *profile);

G_END_DECLS
