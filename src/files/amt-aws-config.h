/* amt-aws-config.h: the AWS profiles of ~/.aws/config and ~/.aws/credentials
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The keys this program reads (DESIGN.md "Profiles"). */
#define AMT_AWS_KEY_ACCESS_KEY_ID           "aws_access_key_id"
#define AMT_AWS_KEY_SECRET_ACCESS_KEY       "aws_secret_access_key"
#define AMT_AWS_KEY_SESSION_TOKEN           "aws_session_token"
#define AMT_AWS_KEY_EXPIRATION              "expiration"
#define AMT_AWS_KEY_MFA_SERIAL              "mfa_serial"
#define AMT_AWS_KEY_SOURCE_PROFILE          "source_profile"
#define AMT_AWS_KEY_ROLE_ARN                "role_arn"
#define AMT_AWS_KEY_EXTERNAL_ID             "external_id"
#define AMT_AWS_KEY_ROLE_SESSION_NAME       "role_session_name"
#define AMT_AWS_KEY_DURATION_SECONDS        "duration_seconds"
#define AMT_AWS_KEY_REGION                  "region"
#define AMT_AWS_KEY_STS_REGIONAL_ENDPOINTS  "sts_regional_endpoints"
#define AMT_AWS_KEY_CA_BUNDLE               "ca_bundle"
#define AMT_AWS_KEY_ENDPOINT_URL            "endpoint_url"
#define AMT_AWS_KEY_MFA_PROCESS             "mfa_process"
#define AMT_AWS_KEY_CREDENTIAL_PROCESS      "credential_process"
#define AMT_AWS_KEY_WEB_IDENTITY_TOKEN_FILE "web_identity_token_file"
#define AMT_AWS_KEY_CREDENTIAL_SOURCE       "credential_source"
/* aws-mfa: the MFA device, in the NAME-long-term section */
#define AMT_AWS_KEY_AWS_MFA_DEVICE          "aws_mfa_device"

/* aws-mfa keeps the long-term keys of NAME in [NAME-long-term] and writes the session to [NAME]. */
#define AMT_AWS_LONG_TERM_SUFFIX            "-long-term"

/* This program's own key (AWS tools ignore it; the others are in amt-target-rule.h): in the
 * config file's section of a profile whose long-term keys were moved to the keyring, with the
 * value "keyring". */
#define AMT_KEY_KEYS                        "mfa_tray_keys"
#define AMT_KEYS_IN_KEYRING                 "keyring"

/* Where AWS tools would get credentials for a profile, in botocore's order of precedence
 * (leaving out the environment and the instance metadata, which are not about files). */
typedef enum {
  AMT_AWS_CREDENTIAL_SOURCE_NONE,
  AMT_AWS_CREDENTIAL_SOURCE_ASSUME_ROLE,   /* role_arn */
  AMT_AWS_CREDENTIAL_SOURCE_WEB_IDENTITY,  /* role_arn with web_identity_token_file */
  AMT_AWS_CREDENTIAL_SOURCE_SSO,           /* sso_* */
  AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS,   /* aws_access_key_id in either file */
  AMT_AWS_CREDENTIAL_SOURCE_PROCESS,       /* credential_process */
} AmtAwsCredentialSource;

typedef struct _AmtAwsConfig AmtAwsConfig;

char                   *amt_aws_config_dup_config_path       (void);
char                   *amt_aws_config_dup_credentials_path  (void);
char                   *amt_aws_config_expand_path           (const char    *path);
char                   *amt_aws_config_dup_display_path      (const char    *path);

AmtAwsConfig           *amt_aws_config_load                  (GError       **error);
AmtAwsConfig           *amt_aws_config_load_files            (const char    *config_path,
                                                              const char    *credentials_path,
                                                              GError       **error);
AmtAwsConfig           *amt_aws_config_ref                   (AmtAwsConfig  *self);
void                    amt_aws_config_unref                 (AmtAwsConfig  *self);

const char             *amt_aws_config_get_config_path       (AmtAwsConfig  *self);
const char             *amt_aws_config_get_credentials_path  (AmtAwsConfig  *self);

char                  **amt_aws_config_get_profile_names     (AmtAwsConfig  *self);
gboolean                amt_aws_config_has_profile           (AmtAwsConfig  *self,
                                                              const char    *profile);
const char             *amt_aws_config_get                   (AmtAwsConfig  *self,
                                                              const char    *profile,
                                                              const char    *key);
const char             *amt_aws_config_get_sso_session       (AmtAwsConfig  *self,
                                                              const char    *sso_session,
                                                              const char    *key);
gboolean                amt_aws_config_is_in_credentials_file (AmtAwsConfig *self,
                                                              const char    *profile,
                                                              const char    *key);

AmtAwsCredentialSource  amt_aws_config_get_credential_source (AmtAwsConfig  *self,
                                                              const char    *profile);
gboolean                amt_aws_config_resolves_elsewhere    (AmtAwsConfig  *self,
                                                              const char    *profile,
                                                              const char   **key);

gboolean                amt_aws_config_is_long_term_key      (AmtAwsConfig  *self,
                                                              const char    *profile);
gboolean                amt_aws_config_keys_in_keyring       (AmtAwsConfig  *self,
                                                              const char    *profile);
char                   *amt_aws_config_dup_config_section    (const char    *profile);
char                   *amt_aws_config_dup_long_term_name    (const char    *profile);
gboolean                amt_aws_config_has_long_term         (AmtAwsConfig  *self,
                                                              const char    *profile);
const char             *amt_aws_config_get_mfa_serial        (AmtAwsConfig  *self,
                                                              const char    *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtAwsConfig, amt_aws_config_unref)

G_END_DECLS
