/* amt-cli-login.h
 *
 * Logging in from the command line (amt-cli-login.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-cred-store.h"
#include "amt-sessions.h"

G_BEGIN_DECLS

gboolean        amt_cli_login_profile  (AmtSessions   *sessions,
                                        const char    *name,
                                        gboolean       code_stdin,
                                        gboolean       allow_terminal,
                                        const char    *duration,
                                        GError       **error);
AmtCredentials *amt_cli_obtain_session (AmtSessions   *sessions,
                                        const char    *name,
                                        gboolean       allow_terminal,
                                        GError       **error);

G_END_DECLS
