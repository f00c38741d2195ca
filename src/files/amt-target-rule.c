/* amt-target-rule.c
 *
 * The section a session goes to must be one that every AWS client resolves to exactly the keys
 * written: botocore and the AWS CLI, the Go SDK v2 (Terraform, Pulumi) and the JS SDK v3. They
 * disagree about a profile that has keys next to source_profile: botocore and the JS SDK use
 * the keys, the Go SDK refuses the profile ("credential type source_profile requires
 * role_arn"). So a session goes to [NAME] only when NAME has no key that makes any client
 * resolve it another way (amt_aws_config_resolves_elsewhere()) and no long-term keys of its
 * own; otherwise to [NAME-mfa], or to the section mfa_tray_target names.
 *
 * Before this rule, a `[profile NAME]` with mfa_serial and source_profile (no role_arn) had its
 * session written to [NAME]; amt_target_rule_find_old_session() finds such a session so that
 * the next login moves it.
 *
 * A written profile also needs a region: clients read it from [profile TARGET] only (no client
 * follows source_profile for the region), so the region of NAME, of its source, or of
 * [default] is added there (amt_target_rule_pick_region()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-target-rule"

#include "config.h"

#include <string.h>

#include "amt-target-rule.h"

/**
 * amt_target_rule_pick:
 * @profile: a managed profile
 *
 * Returns: (transfer full): the credentials section @profile's session goes to
 */
char *
amt_target_rule_pick (AmtAwsConfig *config,
                      const char   *profile)
{
  const char *named = amt_aws_config_get (config, profile, AMT_KEY_TARGET);

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  if (named != NULL)
    return g_strdup (named);

  if (amt_aws_config_resolves_elsewhere (config, profile, NULL) ||
      amt_aws_config_is_long_term_key (config, profile))
    return g_strconcat (profile, AMT_TARGET_SUFFIX, NULL);

  return g_strdup (profile);
}

/**
 * amt_target_rule_find_old_session:
 * @profile: a managed profile
 * @target: the section amt_target_rule_pick() chose
 *
 * Returns: (transfer full) (nullable): @profile, when its own section of the credentials file
 *   holds a session that an earlier version wrote there (the session keys next to a
 *   source_profile without role_arn, which the Go SDK refuses), so that the next login moves
 *   it to @target; %NULL otherwise
 */
char *
amt_target_rule_find_old_session (AmtAwsConfig *config,
                                  const char   *profile,
                                  const char   *target)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (g_str_equal (profile, target) ||
      amt_aws_config_get (config, profile, AMT_KEY_TARGET) != NULL ||
      amt_aws_config_get (config, profile, AMT_AWS_KEY_ROLE_ARN) != NULL ||
      amt_aws_config_get (config, profile, AMT_AWS_KEY_SOURCE_PROFILE) == NULL)
    return NULL;

  if (!amt_aws_config_is_in_credentials_file (config, profile, AMT_AWS_KEY_SESSION_TOKEN) ||
      !amt_aws_config_is_in_credentials_file (config, profile, AMT_AWS_KEY_EXPIRATION))
    return NULL;

  return g_strdup (profile);
}

/**
 * amt_target_rule_pick_region:
 * @profile: a managed profile
 * @source: (nullable): the profile holding its long-term keys
 *
 * Returns: (transfer full) (nullable): the region of @profile, else of @source, else of
 *   [default]: the region its written profile is given
 */
char *
amt_target_rule_pick_region (AmtAwsConfig *config,
                             const char   *profile,
                             const char   *source)
{
  const char *region;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  region = amt_aws_config_get (config, profile, AMT_AWS_KEY_REGION);
  if (region == NULL && source != NULL)
    region = amt_aws_config_get (config, source, AMT_AWS_KEY_REGION);
  if (region == NULL && source != NULL && g_str_has_suffix (source, AMT_AWS_LONG_TERM_SUFFIX))
    {
      /* aws-mfa keeps the region in [profile NAME] of the source NAME-long-term. */
      g_autofree char *name = g_strndup (source, strlen (source) - strlen (AMT_AWS_LONG_TERM_SUFFIX));

      region = amt_aws_config_get (config, name, AMT_AWS_KEY_REGION);
    }
  if (region == NULL)
    region = amt_aws_config_get (config, "default", AMT_AWS_KEY_REGION);

  return g_strdup (region);
}
