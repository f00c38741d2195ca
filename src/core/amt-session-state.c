/* amt-session-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-session-state"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-cred-store.h"
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

/**
 * amt_session_state_read_expiration:
 * @files: (nullable): the AWS files as read
 * @target: (nullable): the section a session is written to
 *
 * Returns: (nullable): when the session in @target ends, or %NULL when it holds none (all four
 *   keys, in the credentials file)
 */
GDateTime *
amt_session_state_read_expiration (AmtAwsConfig *files,
                                   const char   *target)
{
  const char *expiration;

  if (files == NULL || target == NULL ||
      !amt_aws_config_is_in_credentials_file (files, target, AMT_AWS_KEY_ACCESS_KEY_ID) ||
      !amt_aws_config_is_in_credentials_file (files, target, AMT_AWS_KEY_SECRET_ACCESS_KEY) ||
      !amt_aws_config_is_in_credentials_file (files, target, AMT_AWS_KEY_SESSION_TOKEN) ||
      !amt_aws_config_is_in_credentials_file (files, target, AMT_AWS_KEY_EXPIRATION))
    return NULL;

  expiration = amt_aws_config_get (files, target, AMT_AWS_KEY_EXPIRATION);
  return amt_credentials_parse_expiration (expiration);
}
