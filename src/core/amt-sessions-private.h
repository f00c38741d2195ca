/* amt-sessions-private.h: what a login needs of the sessions model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-aws-client.h"
#include "amt-cred-store.h"
#include "amt-key-source.h"
#include "amt-login.h"
#include "amt-sessions.h"

G_BEGIN_DECLS

AmtAwsClient      *_amt_sessions_get_client          (AmtSessions   *self,
                                                      AmtProfile    *profile);
AmtCredStore      *_amt_sessions_get_cred_store      (AmtSessions   *self);
AmtKeySource      *_amt_sessions_dup_key_source      (AmtSessions   *self,
                                                      AmtProfile    *profile,
                                                      char         **holder,
                                                      GError       **error);
gboolean           _amt_sessions_code_was_sent       (AmtSessions   *self,
                                                      const char    *serial,
                                                      const char    *code);
void               _amt_sessions_remember_code       (AmtSessions   *self,
                                                      const char    *serial,
                                                      const char    *code);
void               _amt_sessions_profile_refreshed   (AmtSessions   *self,
                                                      AmtProfile    *profile,
                                                      GDateTime     *expiration);
void               _amt_sessions_reload_written      (AmtSessions   *self);
void               _amt_sessions_profile_failed      (AmtSessions   *self,
                                                      AmtProfile    *profile,
                                                      const char    *message);
void               _amt_sessions_login_finished      (AmtSessions   *self,
                                                      AmtLogin      *login);

AmtLogin          *_amt_login_new                    (AmtSessions   *sessions,
                                                      const char    *mfa_serial,
                                                      GPtrArray     *profiles);

G_END_DECLS
