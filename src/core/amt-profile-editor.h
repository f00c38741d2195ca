/* amt-profile-editor.h: profiles made and changed in the window, written where AWS tools read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-config.h"
#include "amt-cred-store.h"
#include "amt-key-source.h"
#include "amt-profile.h"

G_BEGIN_DECLS

/* What the user typed for a profile cannot be written as it is; the message says what to
 * change. Failures to write the files stay G_IO_ERROR / G_FILE_ERROR. */
#define AMT_PROFILE_EDIT_ERROR (amt_profile_edit_error_quark ())

typedef enum {
  AMT_PROFILE_EDIT_ERROR_INVALID_NAME,   /* not a name AWS tools accept in a section header */
  AMT_PROFILE_EDIT_ERROR_NAME_TAKEN,     /* the profile, or its -long-term one, exists */
  AMT_PROFILE_EDIT_ERROR_INVALID_KEYS,   /* not a long-term access key and its secret */
} AmtProfileEditError;

GQuark amt_profile_edit_error_quark (void);

/* The writes one change of the profiles takes, planned (and checked) on the main thread from
 * the files as read, then applied: at once (the command line), or on a worker thread. */
typedef struct _AmtProfileEdit AmtProfileEdit;

gboolean        amt_profile_edit_check_new       (AmtAwsConfig         *files,
                                                  const char           *name,
                                                  const char           *access_key_id,
                                                  const char           *secret_access_key,
                                                  GError              **error);
AmtProfileEdit *amt_profile_edit_save_new        (AmtAwsConfig         *files,
                                                  AmtCredStore         *credentials,
                                                  const char           *name,
                                                  const char           *access_key_id,
                                                  const char           *secret_access_key,
                                                  const char           *mfa_serial,
                                                  const char           *region,
                                                  GError              **error);
AmtProfileEdit *amt_profile_edit_save_mfa_device (AmtAwsConfig         *files,
                                                  AmtCredStore         *credentials,
                                                  AmtProfile           *profile,
                                                  const char           *serial);
AmtProfileEdit *amt_profile_edit_mark_keys_in_keyring (AmtAwsConfig    *files,
                                                  AmtCredStore         *credentials,
                                                  const char           *name,
                                                  const char           *mfa_serial,
                                                  const char           *region);
AmtProfileEdit *amt_profile_edit_update          (AmtAwsConfig         *files,
                                                  AmtCredStore         *credentials,
                                                  AmtProfile           *profile,
                                                  const char           *access_key_id,
                                                  const char           *secret_access_key,
                                                  const char           *mfa_serial,
                                                  const char           *region,
                                                  GError              **error);
AmtProfileEdit *amt_profile_edit_forget          (AmtAwsConfig         *files,
                                                  AmtCredStore         *credentials,
                                                  AmtKeySource         *keyring,
                                                  AmtProfile           *profile);

gboolean        amt_profile_edit_apply           (AmtProfileEdit       *self,
                                                  GError              **error);
void            amt_profile_edit_apply_async     (AmtProfileEdit       *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        amt_profile_edit_apply_finish    (GAsyncResult         *result,
                                                  GError              **error);
void            amt_profile_edit_free            (AmtProfileEdit       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtProfileEdit, amt_profile_edit_free)

G_END_DECLS
