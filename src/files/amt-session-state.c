/* amt-session-state.c
 *
 * States and deadlines, from wall-clock time (µs since the epoch): what a session is now, how
 * long it has left as shown, and the next moment either changes. The sessions model keeps one
 * timer to that moment (DESIGN.md: idle costs nothing).
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

/**
 * amt_session_state_compute:
 * @failed: the profile has a problem, or its last refresh failed
 * @end: when its session ends (µs), 0 for none
 * @lead_time: seconds before the end that a session is expiring
 */
AmtSessionState
amt_session_state_compute (gboolean failed,
                           gint64   end,
                           gint64   now,
                           guint    lead_time)
{
  if (failed)
    return AMT_SESSION_STATE_ERROR;
  if (end == 0)
    return AMT_SESSION_STATE_NEVER_LOGGED_IN;
  if (end <= now)
    return AMT_SESSION_STATE_EXPIRED;
  if (end - now <= (gint64) lead_time * G_USEC_PER_SEC)
    return AMT_SESSION_STATE_EXPIRING;
  return AMT_SESSION_STATE_VALID;
}

/**
 * amt_session_state_seconds_left:
 * @expiration: (nullable): when the session ends
 *
 * Returns: the time left as shown: counted on the clock's minutes, so that every profile's
 *   display changes at the same moment (0 when none is left)
 */
gint64
amt_session_state_seconds_left (GDateTime *expiration,
                                gint64     now)
{
  gint64 now_minute;
  gint64 end_minute;

  if (expiration == NULL)
    return 0;

  now_minute = now / (60 * G_USEC_PER_SEC);
  end_minute = g_date_time_to_unix (expiration) / 60;
  return MAX (0, end_minute - now_minute) * 60;
}

/**
 * amt_session_state_next_deadline:
 * @expirations: (element-type GDateTime): when the managed profiles' sessions end
 *
 * Returns: the next moment (µs) a state or a time shown changes: a lead time reached, a
 *   session ended, or, while one lives, the next whole minute; %G_MAXINT64 for never
 */
gint64
amt_session_state_next_deadline (GPtrArray *expirations,
                                 gint64     now,
                                 guint      lead_time)
{
  gint64 next = G_MAXINT64;
  gboolean live = FALSE;

  for (guint i = 0; i < expirations->len; i++)
    {
      gint64 end = g_date_time_to_unix (g_ptr_array_index (expirations, i)) * G_USEC_PER_SEC;
      gint64 warn = end - (gint64) lead_time * G_USEC_PER_SEC;

      if (now < warn)
        next = MIN (next, warn);
      if (now < end)
        {
          next = MIN (next, end);
          live = TRUE;
        }
    }

  if (live)
    next = MIN (next, (now / (60 * G_USEC_PER_SEC) + 1) * 60 * G_USEC_PER_SEC);

  return next;
}
