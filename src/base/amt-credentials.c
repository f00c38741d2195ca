/* amt-credentials.c: AWS credentials, the one type for them
 *
 * Long-term keys from a key source, the sessions STS returns, the credentials a request is
 * signed with and the sections of the credentials file are all this one boxed type, so that
 * a session goes from the client to the file without a conversion (and without a copy of its
 * secret to wipe).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-credentials"

#include "config.h"

#include "amt-credentials.h"
#include "amt-secret.h"

G_DEFINE_BOXED_TYPE (AmtCredentials, amt_credentials, amt_credentials_copy, amt_credentials_free)

/**
 * amt_credentials_new:
 * @access_key_id: the access key ID
 * @secret_access_key: the secret access key
 * @session_token: (nullable): the session token; an empty one is none, as botocore reads it
 * @expiration: (nullable): when the session ends
 *
 * Returns: (transfer full): a copy of the credentials, wiped when freed
 */
AmtCredentials *
amt_credentials_new (const char *access_key_id,
                     const char *secret_access_key,
                     const char *session_token,
                     GDateTime  *expiration)
{
  AmtCredentials *credentials;

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (secret_access_key != NULL, NULL);

  credentials = g_new0 (AmtCredentials, 1);
  credentials->access_key_id = g_strdup (access_key_id);
  credentials->secret_access_key = g_strdup (secret_access_key);
  credentials->session_token = (session_token != NULL && *session_token != '\0')
                               ? g_strdup (session_token) : NULL;
  credentials->expiration = expiration != NULL ? g_date_time_to_utc (expiration) : NULL;

  return credentials;
}

AmtCredentials *
amt_credentials_copy (const AmtCredentials *credentials)
{
  AmtCredentials *copy;

  g_return_val_if_fail (credentials != NULL, NULL);

  copy = amt_credentials_new (credentials->access_key_id, credentials->secret_access_key,
                              credentials->session_token, credentials->expiration);
  copy->assumed_role_arn = g_strdup (credentials->assumed_role_arn);

  return copy;
}

void
amt_credentials_free (AmtCredentials *credentials)
{
  if (credentials == NULL)
    return;

  amt_secret_free (credentials->access_key_id);
  amt_secret_free (credentials->secret_access_key);
  amt_secret_free (credentials->session_token);
  g_clear_pointer (&credentials->expiration, g_date_time_unref);
  g_free (credentials->assumed_role_arn);
  g_free (credentials);
}

/**
 * amt_credentials_parse_expiration:
 * @text: an ISO 8601 time, "2026-11-23T18:04:05Z", or aws-mfa's "2026-11-23 18:04:05" (UTC)
 *
 * Returns: (transfer full) (nullable): the time, or %NULL when @text is none
 */
GDateTime *
amt_credentials_parse_expiration (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) parsed = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  parsed = g_date_time_new_from_iso8601 (text, utc);
  if (parsed == NULL)
    return NULL;

  return g_date_time_to_utc (parsed);
}

/**
 * amt_credentials_format_expiration:
 *
 * Returns: (transfer full): @expiration as written to the file, "2026-11-23T18:04:05Z"
 */
char *
amt_credentials_format_expiration (GDateTime *expiration)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (expiration != NULL, NULL);

  utc = g_date_time_to_utc (expiration);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}
