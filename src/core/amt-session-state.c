/* amt-session-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-session-state"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-session-state.h"

AmtSessionState
amt_session_state_worse (AmtSessionState a,
                         AmtSessionState b)
{
  return MAX (a, b);
}

/* A stable machine-readable name, used in `status --json` and in icon names. */
const char *
amt_session_state_to_string (AmtSessionState state)
{
  switch (state)
    {
    case AMT_SESSION_STATE_VALID:
      return "valid";
    case AMT_SESSION_STATE_EXPIRING:
      return "expiring";
    case AMT_SESSION_STATE_NEVER_LOGGED_IN:
      return "never-logged-in";
    case AMT_SESSION_STATE_EXPIRED:
      return "expired";
    case AMT_SESSION_STATE_ERROR:
      return "error";
    default:
      g_return_val_if_reached ("error");
    }
}

/* What a person reads: "prod — expired". Translated. */
const char *
amt_session_state_to_label (AmtSessionState state)
{
  switch (state)
    {
    case AMT_SESSION_STATE_VALID:
      return _("valid");
    case AMT_SESSION_STATE_EXPIRING:
      return _("expiring soon");
    case AMT_SESSION_STATE_NEVER_LOGGED_IN:
      return _("not logged in");
    case AMT_SESSION_STATE_EXPIRED:
      return _("expired");
    case AMT_SESSION_STATE_ERROR:
      return _("error");
    default:
      g_return_val_if_reached (_("error"));
    }
}
