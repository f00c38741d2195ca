/* amt-login.h: one login: the profiles that one MFA device refreshes, and the codes it takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-config.h"
#include "amt-client-pool.h"
#include "amt-cred-store.h"
#include "amt-key-source.h"
#include "amt-profile.h"

G_BEGIN_DECLS

#define AMT_LOGIN_ERROR (amt_login_error_quark ())

typedef enum {
  AMT_LOGIN_ERROR_MALFORMED_CODE,    /* not six digits: refused before the network */
  AMT_LOGIN_ERROR_NOT_REFRESHABLE,   /* the profile's configuration has a problem */
  AMT_LOGIN_ERROR_NO_MFA_DEVICE,     /* no device configured (find one first) */
  AMT_LOGIN_ERROR_NO_CODE,           /* no code to give (mfa_process failed, end of input) */
  AMT_LOGIN_ERROR_FINISHED,          /* the login is over */
  AMT_LOGIN_ERROR_PARTIAL,           /* some profiles were refreshed, others failed */
} AmtLoginError;

/* One profile of a login: what it gets, and which code (0: the first) refreshes it. */
typedef struct {
  AmtProfile *profile;
  guint       duration;      /* seconds asked of AWS */
  guint       code_index;
  gboolean    chained;       /* a role assumed with the MFA session of the first code */
  gboolean    done;
  char       *error;         /* why it failed, or NULL */
} AmtLoginItem;

/* What a login works with, given when it is made: it reaches nothing else. */
typedef struct {
  AmtClientPool *clients;            /* the AWS clients, their transport, the codes sent */
  AmtCredStore  *store;              /* the credentials file */
  AmtAwsConfig  *files;              /* (nullable) the long-term keys; the config file's regions */
  AmtKeySource  *keyring;            /* (nullable) the keys the files mark as in the keyring */
  guint          session_duration;   /* seconds, when a session profile asks none */
  guint          role_duration;      /* seconds, when a role profile asks none */
} AmtLoginServices;

#define AMT_TYPE_LOGIN (amt_login_get_type ())

G_DECLARE_FINAL_TYPE (AmtLogin, amt_login, AMT, LOGIN, GObject)

GQuark        amt_login_error_quark            (void);

AmtLogin     *amt_login_new                    (const AmtLoginServices *services,
                                                const char           *mfa_serial,
                                                GPtrArray            *profiles);

const char   *amt_login_get_mfa_serial         (AmtLogin             *self);
GPtrArray    *amt_login_get_items              (AmtLogin             *self);
guint         amt_login_get_n_codes            (AmtLogin             *self);
guint         amt_login_get_code_index         (AmtLogin             *self);
char         *amt_login_dup_code_purpose       (AmtLogin             *self);
gboolean      amt_login_get_has_mfa_process    (AmtLogin             *self);
gboolean      amt_login_is_finished            (AmtLogin             *self);
gboolean      amt_login_is_busy                (AmtLogin             *self);
gboolean      amt_login_get_result             (AmtLogin             *self,
                                                GError              **error);

AmtKeySource *amt_login_dup_key_source         (AmtAwsConfig         *files,
                                                AmtKeySource         *keyring,
                                                AmtProfile           *profile,
                                                char                **holder,
                                                GError              **error);

gboolean      amt_login_check_targets          (AmtLogin             *self,
                                                GError              **error);

gboolean      amt_login_check_code             (const char           *code,
                                                char                **normalized,
                                                GError              **error);

void          amt_login_submit_code_async      (AmtLogin             *self,
                                                const char           *code,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      amt_login_submit_code_finish     (AmtLogin             *self,
                                                GAsyncResult         *result,
                                                GError              **error);

void          amt_login_run_mfa_process_async  (AmtLogin             *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      amt_login_run_mfa_process_finish (AmtLogin             *self,
                                                GAsyncResult         *result,
                                                GError              **error);

void          amt_login_skip_code              (AmtLogin             *self);
void          amt_login_cancel                 (AmtLogin             *self);

G_END_DECLS
