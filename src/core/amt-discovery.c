/* amt-discovery.c
 *
 * Reads the conventions users already have (DESIGN.md "Profiles") and decides, for each
 * profile, where its session comes from and which credentials section it is written to:
 *
 *  1. aws-mfa: [NAME-long-term] holds long-term keys (and aws_mfa_device): the session of
 *     NAME goes to [NAME].
 *  2. A session profile: [profile NAME] with mfa_serial and source_profile, and no role_arn:
 *     the Go SDK v2 (Terraform) refuses source_profile without role_arn, so the session goes
 *     to [NAME-mfa].
 *  3. A role profile: role_arn, source_profile and mfa_serial. AWS tools resolve NAME through
 *     role_arn themselves, so keys written to [NAME] would be ignored: the session goes to
 *     [NAME-mfa].
 *  4. Long-term keys and mfa_serial in one profile NAME: the keys must stay, so the session
 *     goes to [NAME-mfa].
 *
 * amt-target-rule.c decides the section (mfa_tray_target overrides it) and the region it gets.
 *
 * A profile that cannot be refreshed as configured is still listed, with a problem sentence,
 * so that the user sees why. Keys written by this program are never written over long-term
 * keys, nor into a section that AWS tools would resolve through a role, SSO or a process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-discovery"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "amt-aws-endpoint.h"
#include "amt-discovery.h"
#include "amt-target-rule.h"
#include "amt-target-check.h"

static gboolean
is_true (const char *value)
{
  return value != NULL &&
         (g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "yes") == 0 ||
          g_strcmp0 (value, "1") == 0);
}

static const char *
get_first (AmtAwsConfig *config,
           const char   *profile,
           const char   *fallback_profile,
           const char   *key)
{
  const char *value = amt_aws_config_get (config, profile, key);

  if (value == NULL && fallback_profile != NULL)
    value = amt_aws_config_get (config, fallback_profile, key);

  return value;
}

/**
 * amt_discover_parse_duration:
 * @text: a number of seconds, as duration_seconds (or `login --duration`) gives it
 * @max: the most AWS allows: %AMT_SESSION_DURATION_MAX, or %AMT_ROLE_DURATION_MAX for a role
 * @seconds: (out): the duration
 *
 * Returns: whether @text is a whole number from %AMT_SESSION_DURATION_MIN to @max
 */
gboolean
amt_discover_parse_duration (const char *text,
                             guint       max,
                             guint      *seconds)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (copy, 10, AMT_SESSION_DURATION_MIN, max, &value, NULL))
    return FALSE;

  *seconds = (guint) value;
  return TRUE;
}

static guint
parse_duration (const char  *text,
                guint        max,
                const char  *profile,
                char       **problem)
{
  guint value = 0;

  if (text == NULL)
    return 0;

  if (!amt_discover_parse_duration (text, max, &value))
    {
      if (*problem == NULL)
        /* Translators: %s is a profile name; the numbers are seconds */
        *problem = g_strdup_printf (_("duration_seconds of %s must be a number of seconds from %u to %u."),
                                    profile, AMT_SESSION_DURATION_MIN, max);
      return 0;
    }

  return value;
}

/**
 * amt_discover_long_term_source:
 * @profile: a profile whose source_profile, or which itself, may hold the keys
 *
 * Follows @profile to the profile holding the long-term keys that GetSessionToken and a
 * direct AssumeRole are signed with: an aws-mfa [NAME-long-term], the source_profile of a
 * session profile, or @profile itself.
 *
 * Returns: (transfer full) (nullable): that profile's name
 */
char *
amt_discover_long_term_source (AmtAwsConfig *config,
                               const char   *profile)
{
  const char *current = profile;

  /* Role → source_profile → (session profile →) keys; a short chain, guarded against loops. */
  for (guint depth = 0; depth < 8 && current != NULL; depth++)
    {
      g_autofree char *long_term = amt_aws_config_dup_long_term_name (current);
      const char *next;

      if (amt_aws_config_has_profile (config, long_term) &&
          amt_aws_config_is_long_term_key (config, long_term))
        return g_steal_pointer (&long_term);

      if (amt_aws_config_is_long_term_key (config, current))
        return g_strdup (current);

      next = amt_aws_config_get (config, current, AMT_AWS_KEY_SOURCE_PROFILE);
      if (next == NULL || g_strcmp0 (next, current) == 0)
        return NULL;
      current = next;
    }

  return NULL;
}

/* AWS tools resolve @profile through its keys: in the files, or (moved to the keyring) none
 * in the files and nothing else either. */
static gboolean
keys_are_what_resolves (AmtAwsConfig *config,
                        const char   *profile)
{
  AmtAwsCredentialSource source = amt_aws_config_get_credential_source (config, profile);

  return source == AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS ||
         (source == AMT_AWS_CREDENTIAL_SOURCE_NONE && amt_aws_config_keys_in_keyring (config, profile));
}

static gboolean
is_long_term_name (const char *name)
{
  return g_str_has_suffix (name, AMT_AWS_LONG_TERM_SUFFIX) &&
         strlen (name) > strlen (AMT_AWS_LONG_TERM_SUFFIX);
}

/* Why keys must not be written into @target, or NULL when they may. */
static char *
check_target (AmtAwsConfig *config,
              const char   *profile,
              const char   *target)
{
  const char *key = NULL;

  if (amt_aws_config_has_profile (config, target) &&
      amt_aws_config_resolves_elsewhere (config, target, &key))
    /* Translators: 1: a profile name, 2: a key such as role_arn, 3: the profile */
    return g_strdup_printf (_("The session of %3$s would go to the profile %1$s, which AWS tools resolve through %2$s: "
                              "set mfa_tray_target in %3$s to another profile name."),
                            target, key, profile);

  /* A section with keys and no session token holds somebody's long-term keys. */
  if (amt_aws_config_is_in_credentials_file (config, target, AMT_AWS_KEY_ACCESS_KEY_ID) &&
      amt_aws_config_is_long_term_key (config, target))
    return g_strdup_printf (_("The profile %s holds long-term keys, which a session would overwrite: "
                              "move them to [%s-long-term] in the credentials file."),
                            target, target);

  return NULL;
}

/* Whether a file can be written is the same for every profile of one pass over the files:
 * each file is checked once per pass (amt_cred_store_check_writable() makes a dozen system
 * calls, and a pass sees every profile). @checks maps a path to its problem, "" for none. */
static const char *
file_problem (GHashTable *checks,
              const char *path)
{
  const char *problem = g_hash_table_lookup (checks, path);

  if (problem == NULL)
    {
      g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
      g_autoptr(GError) error = NULL;

      problem = amt_cred_store_check_writable (store, &error) ? "" : error->message;
      g_hash_table_insert (checks, g_strdup (path), g_strdup (problem));
      problem = g_hash_table_lookup (checks, path);
    }

  return problem[0] != '\0' ? problem : NULL;
}

/* What amt_target_check() finds, known before any code is typed (amt-target-check.c). */
static char *
check_target_writable (GHashTable   *checks,
                       AmtAwsConfig *config,
                       const char   *profile,
                       const char   *target)
{
  g_autoptr(GError) error = NULL;

  if (!amt_target_check_section (profile, target, &error))
    return g_strdup (error->message);
  return g_strdup (file_problem (checks, amt_aws_config_get_credentials_path (config)));
}

/* The region travels to [profile TARGET] of the config file (amt-login.c): when it will be
 * added there, that file too must be writable before a code is spent. */
static char *
check_config_writable (GHashTable             *checks,
                       AmtAwsConfig           *config,
                       const AmtProfileConfig *out)
{
  if (out->target_region == NULL ||
      amt_aws_config_get (config, out->target, AMT_AWS_KEY_REGION) != NULL)
    return NULL;

  return g_strdup (file_problem (checks, amt_aws_config_get_config_path (config)));
}

/* An endpoint that would be refused when the code is sent (a plain http:// one off this
 * computer, a malformed URL or region) is the profile's problem before any code is typed. */
static char *
check_endpoint (const AmtProfileConfig *out)
{
  g_autoptr(AmtAwsEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  endpoint = amt_aws_endpoint_resolve (AMT_AWS_SERVICE_STS, out->region, out->endpoint_url, NULL, &error);
  if (endpoint == NULL)
    return g_strdup (error->message);
  return NULL;
}

static void
fill_common (AmtAwsConfig     *config,
             const char       *name,
             const char       *source,
             AmtProfileConfig *out)
{
  out->region = g_strdup (get_first (config, name, source, AMT_AWS_KEY_REGION));
  out->endpoint_url = g_strdup (get_first (config, name, source, AMT_AWS_KEY_ENDPOINT_URL));
  out->ca_bundle = g_strdup (get_first (config, name, source, AMT_AWS_KEY_CA_BUNDLE));
  out->mfa_process = g_strdup (get_first (config, name, source, AMT_AWS_KEY_MFA_PROCESS));
}

/* What the written profile will resolve to, and an old session to move there. */
static void
fill_target (AmtAwsConfig     *config,
             const char       *name,
             AmtProfileConfig *out)
{
  const char *own = amt_aws_config_get (config, out->target, AMT_AWS_KEY_REGION);

  out->target_region = own != NULL ? g_strdup (own)
                                   : amt_target_rule_pick_region (config, name, out->source_profile);
  out->moved_from = amt_target_rule_find_old_session (config, name, out->target);
}

static void
discover_session (GHashTable       *checks,
                  AmtAwsConfig     *config,
                  const char       *name,
                  const char       *source,
                  const char       *target,
                  AmtProfileConfig *out_config)
{
  AmtProfileConfig out = { 0, };
  g_autofree char *long_term = NULL;
  const char *serial;

  out.kind = AMT_PROFILE_KIND_SESSION;
  out.target = g_strdup (target);
  out.source_profile = g_strdup (source);

  /* NAME's mfa_serial, or its aws-mfa long-term section's device, or its source's. */
  serial = amt_aws_config_get_mfa_serial (config, name);
  if (serial == NULL && source != NULL)
    serial = get_first (config, source, NULL, AMT_AWS_KEY_AWS_MFA_DEVICE);
  if (serial == NULL && source != NULL)
    serial = get_first (config, source, NULL, AMT_AWS_KEY_MFA_SERIAL);
  out.mfa_serial = g_strdup (serial);

  fill_common (config, name, source, &out);
  out.duration_seconds = parse_duration (get_first (config, name, source, AMT_AWS_KEY_DURATION_SECONDS),
                                         AMT_SESSION_DURATION_MAX, name, &out.problem);

  long_term = source != NULL ? amt_discover_long_term_source (config, source) : NULL;
  if (out.problem == NULL && long_term == NULL)
    {
      if (source != NULL && !amt_aws_config_has_profile (config, source))
        out.problem = g_strdup_printf (_("The source profile %s of %s does not exist."), source, name);
      else
        out.problem = g_strdup_printf (_("The profile %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                                       source != NULL ? source : name);
    }
  else if (long_term != NULL)
    {
      g_free (out.source_profile);
      out.source_profile = g_steal_pointer (&long_term);
    }

  if (out.problem == NULL)
    out.problem = check_target (config, name, target);
  if (out.problem == NULL)
    out.problem = check_target_writable (checks, config, name, target);
  if (out.problem == NULL)
    out.problem = check_endpoint (&out);
  fill_target (config, name, &out);
  if (out.problem == NULL)
    out.problem = check_config_writable (checks, config, &out);

  *out_config = out;
}

static void
discover_role (GHashTable       *checks,
               AmtAwsConfig     *config,
               const char       *name,
               AmtProfileConfig *out_config)
{
  AmtProfileConfig out = { 0, };
  const char *source = amt_aws_config_get (config, name, AMT_AWS_KEY_SOURCE_PROFILE);

  out.kind = AMT_PROFILE_KIND_ROLE;
  out.target = amt_target_rule_pick (config, name);
  out.mfa_serial = g_strdup (amt_aws_config_get (config, name, AMT_AWS_KEY_MFA_SERIAL));
  out.role_arn = g_strdup (amt_aws_config_get (config, name, AMT_AWS_KEY_ROLE_ARN));
  out.external_id = g_strdup (amt_aws_config_get (config, name, AMT_AWS_KEY_EXTERNAL_ID));
  out.role_session_name = g_strdup (amt_aws_config_get (config, name, AMT_AWS_KEY_ROLE_SESSION_NAME));
  fill_common (config, name, source, &out);
  out.duration_seconds = parse_duration (amt_aws_config_get (config, name, AMT_AWS_KEY_DURATION_SECONDS),
                                         AMT_ROLE_DURATION_MAX, name, &out.problem);

  out.source_profile = amt_discover_long_term_source (config, source);
  if (out.problem == NULL && out.source_profile == NULL)
    {
      if (!amt_aws_config_has_profile (config, source))
        out.problem = g_strdup_printf (_("The source profile %s of %s does not exist."), source, name);
      else
        out.problem = g_strdup_printf (_("The source profile %s of %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                                       source, name);
    }

  if (out.problem == NULL && g_strcmp0 (out.target, name) == 0)
    out.problem = g_strdup_printf (_("The session of %s cannot be written to %s itself, which AWS tools resolve through role_arn: "
                                     "set mfa_tray_target to another profile name."),
                                   name, name);
  if (out.problem == NULL)
    out.problem = check_target (config, name, out.target);
  if (out.problem == NULL)
    out.problem = check_target_writable (checks, config, name, out.target);
  if (out.problem == NULL)
    out.problem = check_endpoint (&out);
  fill_target (config, name, &out);
  if (out.problem == NULL)
    out.problem = check_config_writable (checks, config, &out);

  *out_config = out;
}

/**
 * amt_discover_profiles:
 * @config: the AWS files
 *
 * Returns: (transfer container) (element-type AmtProfile): the managed profiles, in the order
 *   of the files, each with its configuration and the never-logged-in state
 */
GPtrArray *
amt_discover_profiles (AmtAwsConfig *config)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* target section → the profile that writes it */
  g_autoptr(GHashTable) targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) names = amt_aws_config_get_profile_names (config);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *target = NULL;
      AmtProfileConfig out = { 0, };
      gboolean managed = TRUE;
      const char *role_arn;
      const char *source;
      const char *serial;
      const char *other;

      if (is_long_term_name (names[i]))
        name = g_strndup (names[i], strlen (names[i]) - strlen (AMT_AWS_LONG_TERM_SUFFIX));
      else
        name = g_strdup (names[i]);

      if (g_hash_table_contains (seen, name))
        continue;
      g_hash_table_add (seen, g_strdup (name));

      if (is_true (amt_aws_config_get (config, name, AMT_KEY_IGNORE)))
        continue;

      role_arn = amt_aws_config_get (config, name, AMT_AWS_KEY_ROLE_ARN);
      source = amt_aws_config_get (config, name, AMT_AWS_KEY_SOURCE_PROFILE);
      serial = amt_aws_config_get (config, name, AMT_AWS_KEY_MFA_SERIAL);
      target = amt_target_rule_pick (config, name);

      if (role_arn != NULL)
        {
          /* Roles without an MFA device, or without a source profile (credential_source,
           * web identity), are refreshed by AWS tools themselves. */
          if (source != NULL && serial != NULL &&
              amt_aws_config_get (config, name, AMT_AWS_KEY_WEB_IDENTITY_TOKEN_FILE) == NULL)
            discover_role (checks, config, name, &out);
          else
            managed = FALSE;
        }
      else if (amt_aws_config_has_long_term (config, name))
        {
          g_autofree char *long_term = amt_aws_config_dup_long_term_name (name);

          discover_session (checks, config, name, long_term, target, &out);
        }
      else if (serial != NULL && source != NULL)
        discover_session (checks, config, name, source, target, &out);
      else if (serial != NULL && amt_aws_config_is_long_term_key (config, name) &&
               keys_are_what_resolves (config, name))
        discover_session (checks, config, name, name, target, &out);
      else
        managed = FALSE;

      if (!managed)
        continue;

      /* Two profiles writing one section would undo each other's sessions. */
      other = g_hash_table_lookup (targets, out.target);
      if (other != NULL && out.problem == NULL)
        out.problem = g_strdup_printf (_("%s and %s would both write their sessions to the profile %s: "
                                         "set mfa_tray_target in one of them."),
                                       other, name, out.target);
      else if (other == NULL)
        g_hash_table_insert (targets, g_strdup (out.target), g_strdup (name));

      g_ptr_array_add (profiles, amt_profile_new_with_config (name, &out));
    }

  return g_steal_pointer (&profiles);
}

/**
 * amt_discover_candidates:
 * @config: the AWS files
 * @managed: (element-type AmtProfile): the profiles amt_discover_profiles() found
 *
 * The profiles that could be used with MFA once their device is known: a profile with
 * long-term keys of its own, a source_profile, or a role with a source_profile, and no
 * mfa_serial (e.g. made by `aws configure --profile work`). Each comes with its configuration,
 * no device and no problem; amt_sessions_find_mfa_devices_async() finds the device, and once
 * it is saved as mfa_serial the profile is managed.
 *
 * Returns: (transfer container) (element-type AmtProfile): the candidates, in file order
 */
GPtrArray *
amt_discover_candidates (AmtAwsConfig *config,
                         GPtrArray    *managed)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) names = amt_aws_config_get_profile_names (config);

  /* Neither a managed profile, nor a section a session goes to, nor the keys a managed
   * profile already uses with MFA. */
  for (guint i = 0; i < managed->len; i++)
    {
      AmtProfile *profile = g_ptr_array_index (managed, i);
      const AmtProfileConfig *used = amt_profile_get_config (profile);

      g_hash_table_add (taken, (gpointer) amt_profile_get_name (profile));
      if (used->target != NULL)
        g_hash_table_add (taken, used->target);
      if (used->source_profile != NULL)
        g_hash_table_add (taken, used->source_profile);
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];
      AmtProfileConfig out = { 0, };
      g_autofree char *target = NULL;
      g_autofree char *long_term = NULL;
      const char *source;
      gboolean candidate;

      if (g_hash_table_contains (taken, name) || is_long_term_name (name) ||
          amt_aws_config_get (config, name, AMT_AWS_KEY_MFA_SERIAL) != NULL ||
          is_true (amt_aws_config_get (config, name, AMT_KEY_IGNORE)) ||
          amt_aws_config_get (config, name, AMT_AWS_KEY_WEB_IDENTITY_TOKEN_FILE) != NULL)
        continue;

      source = amt_aws_config_get (config, name, AMT_AWS_KEY_SOURCE_PROFILE);
      if (source != NULL)
        candidate = (long_term = amt_discover_long_term_source (config, source)) != NULL;
      else
        candidate = amt_aws_config_get (config, name, AMT_AWS_KEY_ROLE_ARN) == NULL &&
                    amt_aws_config_is_long_term_key (config, name) &&
                    keys_are_what_resolves (config, name);
      if (!candidate)
        continue;

      target = amt_target_rule_pick (config, name);
      if (amt_aws_config_get (config, name, AMT_AWS_KEY_ROLE_ARN) != NULL)
        discover_role (checks, config, name, &out);
      else
        discover_session (checks, config, name, source != NULL ? source : name, target, &out);

      g_ptr_array_add (candidates, amt_profile_new_with_config (name, &out));
    }

  return g_steal_pointer (&candidates);
}

