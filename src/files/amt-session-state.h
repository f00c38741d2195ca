/* amt-session-state.h: the state of one profile's session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-aws-config.h"

G_BEGIN_DECLS

/* Ordered from best to worst: the tray shows the worst state of all profiles,
 * which is the highest value. */
typedef enum
{
  AMT_SESSION_STATE_VALID,
  AMT_SESSION_STATE_EXPIRING,
  AMT_SESSION_STATE_NEVER_LOGGED_IN,
  AMT_SESSION_STATE_EXPIRED,
  AMT_SESSION_STATE_ERROR,
} AmtSessionState;

AmtSessionState  amt_session_state_worse     (AmtSessionState a,
                                              AmtSessionState b);
const char      *amt_session_state_to_string (AmtSessionState state);
const char      *amt_session_state_to_label  (AmtSessionState state);

GDateTime       *amt_session_state_read_expiration (AmtAwsConfig *files,
                                                    const char   *target);
AmtSessionState  amt_session_state_compute         (gboolean      failed,
                                                    gint64        end,
                                                    gint64        now,
                                                    guint         lead_time);
gint64           amt_session_state_seconds_left    (GDateTime    *expiration,
                                                    gint64        now);
gint64           amt_session_state_next_deadline   (GPtrArray    *expirations,
                                                    gint64        now,
                                                    guint         lead_time);

G_END_DECLS
