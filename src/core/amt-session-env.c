/* amt-session-env.c
 *
 * What `aws-mfa-tray env`, `exec` and the window's "Copy as Environment Variables" hand over:
 * the session of a profile as the variables every AWS SDK reads before any file
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, the region, and
 * AWS_CREDENTIAL_EXPIRATION as aws-vault sets it), quoted for the shell that evaluates them.
 *
 * Every string that holds a secret is wiped when it goes (amt_session_env_free).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-session-env"

#include "config.h"

#include <string.h>

#include "amt-json-wipe.h"
#include "amt-secret.h"
#include "amt-session-env.h"

/* Removed for `exec`: with either set, an SDK would resolve that profile's files instead of
 * the keys in the environment (botocore prefers a named profile's keys). */
static const char * const profile_variables[] = { "AWS_PROFILE", "AWS_DEFAULT_PROFILE" };

/**
 * amt_session_env_read_session:
 *
 * Returns: (transfer full) (nullable): @profile's session as the files read last hold it,
 *   when it has more than the lead time left; %NULL when it must be refreshed first. The
 *   sessions model gives a profile an expiration only for a whole session (the four keys).
 */
AmtCredentials *
amt_session_env_read_session (AmtSessions *sessions,
                              AmtProfile  *profile)
{
  AmtAwsConfig *config = amt_sessions_get_aws_config (sessions);
  const char *target = amt_profile_get_target (profile);
  GDateTime *expiration = amt_profile_get_expiration (profile);
  g_autoptr(GDateTime) now = amt_clock_dup_now (amt_sessions_get_clock (sessions));
  const char *key_id;
  const char *secret;

  if (target == NULL || expiration == NULL ||
      g_date_time_difference (expiration, now) <=
        (GTimeSpan) amt_sessions_get_lead_time (sessions) * G_USEC_PER_SEC)
    return NULL;

  key_id = amt_aws_config_get (config, target, AMT_AWS_KEY_ACCESS_KEY_ID);
  secret = amt_aws_config_get (config, target, AMT_AWS_KEY_SECRET_ACCESS_KEY);
  if (key_id == NULL || secret == NULL)
    return NULL;

  return amt_credentials_new (key_id, secret,
                              amt_aws_config_get (config, target, AMT_AWS_KEY_SESSION_TOKEN),
                              expiration);
}

static void
add_variable (GPtrArray  *variables,
              const char *name,
              const char *value)
{
  if (value != NULL && *value != '\0')
    g_ptr_array_add (variables, g_strconcat (name, "=", value, NULL));
}

/**
 * amt_session_env_build:
 * @region: (nullable): the profile's region
 *
 * Returns: (transfer full): "NAME=value" strings; free with amt_session_env_free()
 */
GStrv
amt_session_env_build (const AmtCredentials *session,
                       const char           *region)
{
  GPtrArray *variables = g_ptr_array_new ();

  g_return_val_if_fail (session != NULL, NULL);

  add_variable (variables, "AWS_ACCESS_KEY_ID", session->access_key_id);
  add_variable (variables, "AWS_SECRET_ACCESS_KEY", session->secret_access_key);
  add_variable (variables, "AWS_SESSION_TOKEN", session->session_token);
  /* AWS_REGION for the CLI v2 and the newer SDKs, AWS_DEFAULT_REGION for botocore and the
   * CLI v1, which read only that one. */
  add_variable (variables, "AWS_REGION", region);
  add_variable (variables, "AWS_DEFAULT_REGION", region);
  if (session->expiration != NULL)
    {
      g_autofree char *expiration = amt_credentials_format_expiration (session->expiration);

      add_variable (variables, "AWS_CREDENTIAL_EXPIRATION", expiration);
    }
  g_ptr_array_add (variables, NULL);

  return (GStrv) g_ptr_array_free (variables, FALSE);
}

gboolean
amt_session_env_parse_format (const char          *name,
                              AmtSessionEnvFormat *format)
{
  if (name == NULL || g_str_equal (name, "sh"))
    *format = AMT_SESSION_ENV_FORMAT_SH;
  else if (g_str_equal (name, "fish"))
    *format = AMT_SESSION_ENV_FORMAT_FISH;
  else if (g_str_equal (name, "json"))
    *format = AMT_SESSION_ENV_FORMAT_JSON;
  else
    return FALSE;

  return TRUE;
}

/* 'value' for sh: inside single quotes nothing is special but the quote itself. */
static void
append_sh_quoted (GString    *out,
                  const char *value)
{
  g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/* 'value' for fish: inside single quotes, \ and ' are escaped with a backslash. */
static void
append_fish_quoted (GString    *out,
                    const char *value)
{
  g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/**
 * amt_session_env_format:
 *
 * Returns: (transfer full): @variables written for @format, ending with a newline; holds the
 *   secret: free with amt_secret_free()
 */
char *
amt_session_env_format (const char * const  *variables,
                        AmtSessionEnvFormat  format)
{
  GString *out = g_string_sized_new (8192)   /* no realloc leaving an unwiped copy behind */;
  char *text;

  g_return_val_if_fail (variables != NULL, NULL);

  if (format == AMT_SESSION_ENV_FORMAT_JSON)
    {
      /* Written here, not by json-glib's generator, which leaves escaped copies unwiped. */
      g_string_append (out, "{\n");
      for (guint i = 0; variables[i] != NULL; i++)
        {
          const char *equals = strchr (variables[i], '=');
          g_autofree char *name = g_strndup (variables[i], (gsize) (equals - variables[i]));

          g_string_append (out, "  ");
          amt_json_append_string (out, name);
          g_string_append (out, ": ");
          amt_json_append_string (out, equals + 1);
          g_string_append (out, variables[i + 1] != NULL ? ",\n" : "\n");
        }
      g_string_append (out, "}\n");
    }
  else
    {
      for (guint i = 0; variables[i] != NULL; i++)
        {
          const char *equals = strchr (variables[i], '=');

          if (format == AMT_SESSION_ENV_FORMAT_FISH)
            {
              g_string_append (out, "set -gx ");
              g_string_append_len (out, variables[i], equals - variables[i]);
              g_string_append_c (out, ' ');
              append_fish_quoted (out, equals + 1);
            }
          else
            {
              g_string_append (out, "export ");
              g_string_append_len (out, variables[i], equals - variables[i] + 1);
              append_sh_quoted (out, equals + 1);
            }
          g_string_append_c (out, '\n');
        }
    }

  text = g_strdup (out->str);
  amt_secret_free_gstring (out);
  return text;
}

static gboolean
is_replaced (const char          *entry,
             const char * const  *variables)
{
  const char *equals = strchr (entry, '=');
  gsize name_len = equals != NULL ? (gsize) (equals - entry) : strlen (entry);

  for (guint i = 0; i < G_N_ELEMENTS (profile_variables); i++)
    if (strlen (profile_variables[i]) == name_len &&
        strncmp (entry, profile_variables[i], name_len) == 0)
      return TRUE;

  for (guint i = 0; variables[i] != NULL; i++)
    if (strncmp (entry, variables[i], name_len + 1) == 0)
      return TRUE;

  return FALSE;
}

/**
 * amt_session_env_apply:
 *
 * Returns: (transfer full): @envp without AWS_PROFILE and AWS_DEFAULT_PROFILE, with
 *   @variables in place of any of the same name; free with amt_session_env_free()
 */
GStrv
amt_session_env_apply (const char * const *envp,
                       const char * const *variables)
{
  GPtrArray *result = g_ptr_array_new ();

  g_return_val_if_fail (variables != NULL, NULL);

  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    if (!is_replaced (envp[i], variables))
      g_ptr_array_add (result, g_strdup (envp[i]));
  for (guint i = 0; variables[i] != NULL; i++)
    g_ptr_array_add (result, g_strdup (variables[i]));
  g_ptr_array_add (result, NULL);

  return (GStrv) g_ptr_array_free (result, FALSE);
}

/* Frees a list made here, wiping every string: they hold the secret key and the token. */
void
amt_session_env_free (GStrv variables)
{
  if (variables == NULL)
    return;

  for (guint i = 0; variables[i] != NULL; i++)
    amt_secret_free (variables[i]);
  g_free (variables);
}
