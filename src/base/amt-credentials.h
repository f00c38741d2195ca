/* amt-credentials.h: AWS credentials, the one type for them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Long-term keys (AKIA…, no token), or a session (ASIA…, with a token and an expiration) as
 * STS returns it, the credentials file holds it and a request is signed with it. The key ID,
 * the secret and the token are wiped when it is freed. */
typedef struct {
  char      *access_key_id;
  char      *secret_access_key;
  char      *session_token;     /* nullable: NULL for long-term keys, never "" */
  GDateTime *expiration;        /* nullable; UTC */
  char      *assumed_role_arn;  /* nullable: AssumeRole's AssumedRoleUser/Arn */
} AmtCredentials;

#define AMT_TYPE_CREDENTIALS (amt_credentials_get_type ())

GType           amt_credentials_get_type          (void) G_GNUC_CONST;
AmtCredentials *amt_credentials_new               (const char           *access_key_id,
                                                   const char           *secret_access_key,
                                                   const char           *session_token,
                                                   GDateTime            *expiration);
AmtCredentials *amt_credentials_copy              (const AmtCredentials *credentials);
void            amt_credentials_free              (AmtCredentials       *credentials);
GDateTime      *amt_credentials_parse_expiration  (const char           *text);
char           *amt_credentials_format_expiration (GDateTime            *expiration);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtCredentials, amt_credentials_free)

G_END_DECLS
