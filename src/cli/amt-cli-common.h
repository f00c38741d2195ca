/* amt-cli-common.h
 *
 * Helpers every command of amt-cli*.c shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-sessions.h"

G_BEGIN_DECLS

/* A command line that cannot be understood. */
#define AMT_CLI_EXIT_USAGE 2

int          amt_cli_fail          (const char  *message);
int          amt_cli_finish_output (void);
AmtSessions *amt_cli_load_sessions (GError     **error);
AmtSessions *amt_cli_load_sessions_for_session (GError **error);
void         amt_cli_read_settings (AmtSessions *sessions);

/* One asynchronous call waited for in a command that runs no main loop of its own: pass
 * amt_cli_wait_cb with a pointer to this as its callback, then amt_cli_wait_for(). */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} AmtCliWait;

void          amt_cli_wait_cb      (GObject       *source,
                                    GAsyncResult  *result,
                                    gpointer       user_data);
GAsyncResult *amt_cli_wait_for     (AmtCliWait    *wait);

G_END_DECLS
