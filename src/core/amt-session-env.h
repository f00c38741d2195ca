/* amt-session-env.h: a profile's live session as environment variables, for a shell or a command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-cred-store.h"
#include "amt-sessions.h"

G_BEGIN_DECLS

typedef enum {
  AMT_SESSION_ENV_FORMAT_SH,     /* export NAME='value' (sh, bash, zsh) */
  AMT_SESSION_ENV_FORMAT_FISH,   /* set -gx NAME 'value' */
  AMT_SESSION_ENV_FORMAT_JSON,   /* {"NAME": "value", …} */
} AmtSessionEnvFormat;

AmtCredentials  *amt_session_env_read_session  (AmtSessions          *sessions,
                                                AmtProfile           *profile);
GStrv            amt_session_env_build         (const AmtCredentials *session,
                                                const char           *region);
gboolean         amt_session_env_parse_format  (const char           *name,
                                                AmtSessionEnvFormat  *format);
char            *amt_session_env_format        (const char * const   *variables,
                                                AmtSessionEnvFormat   format);
GStrv            amt_session_env_apply         (const char * const   *envp,
                                                const char * const   *variables);
void             amt_session_env_free          (GStrv                 variables);

G_END_DECLS
