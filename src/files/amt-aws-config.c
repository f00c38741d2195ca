/* amt-aws-config.c
 *
 * The profiles of the two AWS files, the way botocore sees them (botocore.session's
 * full_config and botocore.configloader):
 *
 *  - the files are $AWS_CONFIG_FILE and $AWS_SHARED_CREDENTIALS_FILE ($VARS and ~ expanded, as
 *    os.path.expandvars and os.path.expanduser do), else ~/.aws/config and ~/.aws/credentials;
 *    a file that is missing, or is not a regular file, counts as empty;
 *  - in the config file, [profile NAME] and [default] are profiles (NAME is the second word of
 *    the header split the way a POSIX shell would; a header of other than two words is ignored,
 *    and a later section replaces an earlier one of the same profile), [sso-session NAME] are SSO
 *    sessions, and the rest ([services …], [preview], …) are no profiles;
 *  - in the credentials file every section is a profile;
 *  - a profile's values are those of its config section, overridden key by key by its
 *    credentials section; [DEFAULT] values are inherited within each file;
 *  - one file that botocore cannot read fails the whole load, as it fails every AWS command.
 *
 * The aws-mfa convention: the long-term keys of NAME are in [NAME-long-term], with the MFA
 * device in its aws_mfa_device key, and the session goes to [NAME].
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-aws-config"

#include "config.h"

#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "amt-aws-config.h"
#include "amt-ini.h"

typedef struct {
  char     *config_section;    /* its section in the config file, or NULL */
  gboolean  in_credentials;    /* it has a section in the credentials file */
} Profile;

struct _AmtAwsConfig
{
  gatomicrefcount  ref_count;

  char            *config_path;
  char            *credentials_path;
  AmtIniDocument  *config;
  AmtIniDocument  *credentials;

  GPtrArray       *names;          /* profile names, config file order, then the rest */
  GHashTable      *profiles;       /* name -> Profile */
  GHashTable      *sso_sessions;   /* name -> section name in the config file */
};

static void
profile_free (Profile *profile)
{
  g_free (profile->config_section);
  g_free (profile);
}

/* Paths */

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* os.path.expandvars(): $NAME and ${NAME} of set variables; anything else stays as it is. */
static char *
expand_vars (const char *path)
{
  GString *out = g_string_new (NULL);
  const char *p = path;

  while (*p != '\0')
    {
      const char *name_start = NULL;
      const char *name_end = NULL;
      const char *next = NULL;

      if (p[0] == '$' && p[1] == '{')
        {
          const char *close = strchr (p + 2, '}');

          if (close != NULL)
            {
              name_start = p + 2;
              name_end = close;
              next = close + 1;
            }
        }
      else if (p[0] == '$' && is_word_char (p[1]))
        {
          name_start = p + 1;
          name_end = name_start;
          while (is_word_char (*name_end))
            name_end++;
          next = name_end;
        }

      if (name_start != NULL)
        {
          g_autofree char *name = g_strndup (name_start, name_end - name_start);
          const char *value = name[0] != '\0' ? g_getenv (name) : NULL;

          if (value != NULL)
            {
              g_string_append (out, value);
              p = next;
              continue;
            }
          g_string_append_len (out, p, next - p);
          p = next;
          continue;
        }

      g_string_append_c (out, *p);
      p++;
    }

  return g_string_free (out, FALSE);
}

/* os.path.expanduser(): ~ and ~user at the start. */
static char *
expand_user (const char *path)
{
  const char *slash;
  g_autofree char *home = NULL;
  gsize home_len;

  if (path[0] != '~')
    return g_strdup (path);

  slash = strchr (path, '/');
  if (slash == NULL)
    slash = path + strlen (path);

  if (slash == path + 1)
    {
      home = g_strdup (g_get_home_dir ());
    }
  else
    {
      g_autofree char *user = g_strndup (path + 1, slash - (path + 1));
      struct passwd *entry = getpwnam (user);

      if (entry == NULL)
        return g_strdup (path);
      home = g_strdup (entry->pw_dir);
    }

  home_len = strlen (home);
  while (home_len > 0 && home[home_len - 1] == '/')
    home[--home_len] = '\0';

  if (home_len == 0 && *slash == '\0')
    return g_strdup ("/");

  return g_strconcat (home, slash, NULL);
}

/**
 * amt_aws_config_expand_path:
 * @path: a path as a user would set AWS_CONFIG_FILE
 *
 * Returns: (transfer full): @path with $VARIABLES and a leading ~ expanded, as botocore does
 */
char *
amt_aws_config_expand_path (const char *path)
{
  g_autofree char *vars = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  vars = expand_vars (path);
  return expand_user (vars);
}

static char *
dup_path_from_env (const char *variable,
                   const char *file_name)
{
  const char *value = g_getenv (variable);

  /* botocore reads an empty variable as "no file"; an empty path serves no one, so an empty
   * variable counts as unset here. */
  if (value != NULL && value[0] != '\0')
    return amt_aws_config_expand_path (value);

  return g_build_filename (g_get_home_dir (), ".aws", file_name, NULL);
}

/**
 * amt_aws_config_dup_config_path:
 *
 * Returns: (transfer full): $AWS_CONFIG_FILE, expanded, or ~/.aws/config
 */
char *
amt_aws_config_dup_config_path (void)
{
  return dup_path_from_env ("AWS_CONFIG_FILE", "config");
}

/**
 * amt_aws_config_dup_credentials_path:
 *
 * Returns: (transfer full): $AWS_SHARED_CREDENTIALS_FILE, expanded, or ~/.aws/credentials
 */
char *
amt_aws_config_dup_credentials_path (void)
{
  return dup_path_from_env ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

/**
 * amt_aws_config_dup_display_path:
 * @path: an absolute path
 *
 * Returns: (transfer full): @path for messages: "~/.aws/credentials" under the home directory
 */
char *
amt_aws_config_dup_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize home_len = strlen (home);

  g_return_val_if_fail (path != NULL, NULL);

  while (home_len > 1 && home[home_len - 1] == '/')
    home_len--;

  if (home_len > 1 && strncmp (path, home, home_len) == 0 && path[home_len] == '/')
    return g_strconcat ("~", path + home_len, NULL);

  return g_strdup (path);
}

/* Section names */

/* shlex.split() in POSIX mode, as botocore splits "profile NAME" headers. Returns NULL where
 * shlex raises ValueError (an open quote, a trailing backslash). */
static char **
shell_split (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) word = NULL;
  char quote = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = *p;

      if (quote == '\'')
        {
          if (c == '\'')
            quote = 0;
          else
            g_string_append_c (word, c);
        }
      else if (quote == '"')
        {
          if (c == '"')
            quote = 0;
          else if (c == '\\')
            {
              if (p[1] == '\0')
                return NULL;
              p++;
              if (*p != '"' && *p != '\\')
                g_string_append_c (word, '\\');
              g_string_append_c (word, *p);
            }
          else
            g_string_append_c (word, c);
        }
      else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        {
          if (word != NULL)
            {
              g_strv_builder_add (builder, word->str);
              g_string_free (g_steal_pointer (&word), TRUE);
            }
        }
      else
        {
          if (word == NULL)
            word = g_string_new (NULL);

          if (c == '\'' || c == '"')
            quote = c;
          else if (c == '\\')
            {
              if (p[1] == '\0')
                return NULL;
              p++;
              g_string_append_c (word, *p);
            }
          else
            g_string_append_c (word, c);
        }
    }

  if (quote != 0)
    return NULL;
  if (word != NULL)
    g_strv_builder_add (builder, word->str);

  return g_strv_builder_end (builder);
}

/* The NAME of "profile NAME" or "sso-session NAME", or NULL. */
static char *
dup_section_argument (const char *section)
{
  g_auto(GStrv) words = shell_split (section);

  if (words == NULL || g_strv_length (words) != 2)
    return NULL;

  return g_strdup (words[1]);
}

/* Loading */

static AmtIniDocument *
load_document (const char  *path,
               GError     **error)
{
  g_autofree char *display = amt_aws_config_dup_display_path (path);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AmtIniDocument) doc = NULL;
  char *data = NULL;
  gsize length = 0;

  /* botocore skips a path that is not a regular file (os.path.isfile). */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return amt_ini_document_new ();

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      if (local_error->code == G_FILE_ERROR_ACCES || local_error->code == G_FILE_ERROR_PERM)
        g_set_error (error, G_FILE_ERROR, local_error->code,
                     _("Could not read %s: permission denied. Check the permissions of the "
                       "file and of its folder."), display);
      else
        g_set_error (error, G_FILE_ERROR, local_error->code,
                     _("Could not read %s: %s."), display, local_error->message);
      return NULL;
    }

  doc = amt_ini_document_new_from_data (data, length);
  amt_secret_free_sized (data, length);

  if (!amt_ini_document_check (doc, display, error))
    return NULL;

  return g_steal_pointer (&doc);
}

static Profile *
ensure_profile (AmtAwsConfig *self,
                const char   *name)
{
  Profile *profile = g_hash_table_lookup (self->profiles, name);

  if (profile == NULL)
    {
      profile = g_new0 (Profile, 1);
      g_hash_table_insert (self->profiles, g_strdup (name), profile);
      g_ptr_array_add (self->names, g_strdup (name));
    }

  return profile;
}

static void
build_profiles (AmtAwsConfig *self)
{
  g_auto(GStrv) config_sections = amt_ini_document_get_sections (self->config);
  g_auto(GStrv) credentials_sections = amt_ini_document_get_sections (self->credentials);

  for (guint i = 0; config_sections[i] != NULL; i++)
    {
      const char *section = config_sections[i];

      /* botocore.configloader.build_profile_map(), test for test */
      if (g_str_has_prefix (section, "profile"))
        {
          g_autofree char *name = dup_section_argument (section);

          if (name != NULL)
            {
              Profile *profile = ensure_profile (self, name);

              g_free (profile->config_section);
              profile->config_section = g_strdup (section);
            }
        }
      else if (g_str_has_prefix (section, "sso-session"))
        {
          g_autofree char *name = dup_section_argument (section);

          if (name != NULL)
            g_hash_table_replace (self->sso_sessions, g_steal_pointer (&name), g_strdup (section));
        }
      else if (g_str_equal (section, "default"))
        {
          Profile *profile = ensure_profile (self, section);

          g_free (profile->config_section);
          profile->config_section = g_strdup (section);
        }
    }

  for (guint i = 0; credentials_sections[i] != NULL; i++)
    ensure_profile (self, credentials_sections[i])->in_credentials = TRUE;
}

/**
 * amt_aws_config_load_files:
 * @config_path: the config file
 * @credentials_path: the credentials file
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the profiles, or %NULL when a file cannot be read, or AWS tools
 *   could not read it (an %AMT_INI_ERROR naming the file and line)
 */
AmtAwsConfig *
amt_aws_config_load_files (const char  *config_path,
                           const char  *credentials_path,
                           GError     **error)
{
  g_autoptr(AmtAwsConfig) self = NULL;

  g_return_val_if_fail (config_path != NULL, NULL);
  g_return_val_if_fail (credentials_path != NULL, NULL);

  self = g_new0 (AmtAwsConfig, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->config_path = g_strdup (config_path);
  self->credentials_path = g_strdup (credentials_path);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) profile_free);
  self->sso_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->config = load_document (config_path, error);
  if (self->config == NULL)
    return NULL;
  self->credentials = load_document (credentials_path, error);
  if (self->credentials == NULL)
    return NULL;

  build_profiles (self);

  return g_steal_pointer (&self);
}

/**
 * amt_aws_config_load:
 * @error: return location for a #GError
 *
 * Loads the files AWS tools would read in this environment.
 *
 * Returns: (transfer full): the profiles, or %NULL
 */
AmtAwsConfig *
amt_aws_config_load (GError **error)
{
  g_autofree char *config_path = amt_aws_config_dup_config_path ();
  g_autofree char *credentials_path = amt_aws_config_dup_credentials_path ();

  return amt_aws_config_load_files (config_path, credentials_path, error);
}

AmtAwsConfig *
amt_aws_config_ref (AmtAwsConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
amt_aws_config_unref (AmtAwsConfig *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->config_path);
  g_free (self->credentials_path);
  g_clear_pointer (&self->config, amt_ini_document_free);
  g_clear_pointer (&self->credentials, amt_ini_document_free);
  g_ptr_array_unref (self->names);
  g_hash_table_unref (self->profiles);
  g_hash_table_unref (self->sso_sessions);
  g_free (self);
}

const char *
amt_aws_config_get_config_path (AmtAwsConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->config_path;
}

const char *
amt_aws_config_get_credentials_path (AmtAwsConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->credentials_path;
}

/* Queries */

/**
 * amt_aws_config_get_profile_names:
 *
 * Returns: (transfer full): the profiles, in the order of the config file, then those that only
 *   the credentials file has, in its order
 */
char **
amt_aws_config_get_profile_names (AmtAwsConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->names, i));

  return g_strv_builder_end (builder);
}

gboolean
amt_aws_config_has_profile (AmtAwsConfig *self,
                            const char   *profile)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  return g_hash_table_contains (self->profiles, profile);
}

/**
 * amt_aws_config_get:
 * @self: the profiles
 * @profile: a profile name
 * @key: a key, in any case, e.g. %AMT_AWS_KEY_MFA_SERIAL
 *
 * Returns: (nullable): the value AWS tools see for @key in @profile: the credentials file's,
 *   else the config file's. An indented block ("s3 =") comes back as its text, which starts
 *   with a newline.
 */
const char *
amt_aws_config_get (AmtAwsConfig *self,
                    const char   *profile,
                    const char   *key)
{
  Profile *entry;
  const char *value = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  entry = g_hash_table_lookup (self->profiles, profile);
  if (entry == NULL)
    return NULL;

  if (entry->in_credentials)
    value = amt_ini_document_get_value (self->credentials, profile, key);
  if (value == NULL && entry->config_section != NULL)
    value = amt_ini_document_get_value (self->config, entry->config_section, key);

  return value;
}

/**
 * amt_aws_config_is_in_credentials_file:
 *
 * Returns: whether the value of @key in @profile comes from the credentials file
 */
gboolean
amt_aws_config_is_in_credentials_file (AmtAwsConfig *self,
                                       const char   *profile,
                                       const char   *key)
{
  Profile *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  entry = g_hash_table_lookup (self->profiles, profile);
  return entry != NULL && entry->in_credentials &&
         amt_ini_document_get_value (self->credentials, profile, key) != NULL;
}

/**
 * amt_aws_config_get_sso_session:
 *
 * Returns: (nullable): @key of [sso-session @sso_session] in the config file
 */
const char *
amt_aws_config_get_sso_session (AmtAwsConfig *self,
                                const char   *sso_session,
                                const char   *key)
{
  const char *section;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (sso_session != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  section = g_hash_table_lookup (self->sso_sessions, sso_session);
  if (section == NULL)
    return NULL;

  return amt_ini_document_get_value (self->config, section, key);
}

static const char * const sso_keys[] = {
  "sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name",
};

static const char *
find_sso_key (AmtAwsConfig *self,
              const char   *profile)
{
  for (guint i = 0; i < G_N_ELEMENTS (sso_keys); i++)
    if (amt_aws_config_get (self, profile, sso_keys[i]) != NULL)
      return sso_keys[i];

  return NULL;
}

/**
 * amt_aws_config_get_credential_source:
 *
 * Returns: where AWS tools would take the credentials of @profile from, in botocore's order:
 *   a role to assume, a web identity, SSO, keys in the credentials file, a credential process,
 *   keys in the config file
 */
AmtAwsCredentialSource
amt_aws_config_get_credential_source (AmtAwsConfig *self,
                                      const char   *profile)
{
  Profile *entry;

  g_return_val_if_fail (self != NULL, AMT_AWS_CREDENTIAL_SOURCE_NONE);
  g_return_val_if_fail (profile != NULL, AMT_AWS_CREDENTIAL_SOURCE_NONE);

  entry = g_hash_table_lookup (self->profiles, profile);
  if (entry == NULL)
    return AMT_AWS_CREDENTIAL_SOURCE_NONE;

  if (amt_aws_config_get (self, profile, AMT_AWS_KEY_ROLE_ARN) != NULL)
    {
      if (amt_aws_config_get (self, profile, AMT_AWS_KEY_WEB_IDENTITY_TOKEN_FILE) != NULL)
        return AMT_AWS_CREDENTIAL_SOURCE_WEB_IDENTITY;
      return AMT_AWS_CREDENTIAL_SOURCE_ASSUME_ROLE;
    }

  if (find_sso_key (self, profile) != NULL)
    return AMT_AWS_CREDENTIAL_SOURCE_SSO;

  if (entry->in_credentials &&
      amt_ini_document_get_value (self->credentials, profile, AMT_AWS_KEY_ACCESS_KEY_ID) != NULL)
    return AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS;

  if (amt_aws_config_get (self, profile, AMT_AWS_KEY_CREDENTIAL_PROCESS) != NULL)
    return AMT_AWS_CREDENTIAL_SOURCE_PROCESS;

  if (entry->config_section != NULL &&
      amt_ini_document_get_value (self->config, entry->config_section,
                                  AMT_AWS_KEY_ACCESS_KEY_ID) != NULL)
    return AMT_AWS_CREDENTIAL_SOURCE_STATIC_KEYS;

  return AMT_AWS_CREDENTIAL_SOURCE_NONE;
}

/**
 * amt_aws_config_resolves_elsewhere:
 * @self: the profiles
 * @profile: a profile name
 * @key: (out) (optional) (transfer none): the key that decides it, e.g. "role_arn"
 *
 * Whether some AWS client would get credentials for @profile some other way than from keys
 * written into its section (a role, a web identity, SSO, a credential process), or refuse it
 * (source_profile or credential_source without role_arn, in the Go SDK v2), so that this
 * program must not write keys there. A profile that does not exist yet resolves nowhere else.
 *
 * Returns: %TRUE when keys must not be written into @profile
 */
gboolean
amt_aws_config_resolves_elsewhere (AmtAwsConfig  *self,
                                   const char    *profile,
                                   const char   **key)
{
  const char *found = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  if (amt_aws_config_get (self, profile, AMT_AWS_KEY_ROLE_ARN) != NULL)
    found = AMT_AWS_KEY_ROLE_ARN;
  else if (amt_aws_config_get (self, profile, AMT_AWS_KEY_WEB_IDENTITY_TOKEN_FILE) != NULL)
    found = AMT_AWS_KEY_WEB_IDENTITY_TOKEN_FILE;
  else if (find_sso_key (self, profile) != NULL)
    found = find_sso_key (self, profile);
  else if (amt_aws_config_get (self, profile, AMT_AWS_KEY_CREDENTIAL_PROCESS) != NULL)
    found = AMT_AWS_KEY_CREDENTIAL_PROCESS;
  /* botocore reads keys next to these, but the Go SDK v2 (Terraform) refuses both without
   * role_arn ("credential type source_profile requires role_arn"). */
  else if (amt_aws_config_get (self, profile, AMT_AWS_KEY_SOURCE_PROFILE) != NULL)
    found = AMT_AWS_KEY_SOURCE_PROFILE;
  else if (amt_aws_config_get (self, profile, AMT_AWS_KEY_CREDENTIAL_SOURCE) != NULL)
    found = AMT_AWS_KEY_CREDENTIAL_SOURCE;

  if (key != NULL)
    *key = found;

  return found != NULL;
}

/**
 * amt_aws_config_dup_config_section:
 * @profile: a profile name
 *
 * Returns: (transfer full): @profile's section in the config file: "default" or "profile NAME"
 */
char *
amt_aws_config_dup_config_section (const char *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  if (g_str_equal (profile, "default"))
    return g_strdup (profile);

  return g_strconcat ("profile ", profile, NULL);
}

/**
 * amt_aws_config_is_long_term_key:
 *
 * Returns: whether @profile holds long-term keys: an access key and a secret (or keys kept in
 *   the keyring for it), and no session token (an "ASIA…" key with a token is a session,
 *   which cannot call GetSessionToken)
 */
gboolean
amt_aws_config_is_long_term_key (AmtAwsConfig *self,
                                 const char   *profile)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  return ((amt_aws_config_get (self, profile, AMT_AWS_KEY_ACCESS_KEY_ID) != NULL &&
           amt_aws_config_get (self, profile, AMT_AWS_KEY_SECRET_ACCESS_KEY) != NULL) ||
          amt_aws_config_keys_in_keyring (self, profile)) &&
         amt_aws_config_get (self, profile, AMT_AWS_KEY_SESSION_TOKEN) == NULL &&
         amt_aws_config_get (self, profile, "aws_security_token") == NULL;
}

/**
 * amt_aws_config_keys_in_keyring:
 *
 * Returns: whether @profile's long-term keys are kept in the keyring (its mfa_tray_keys)
 */
gboolean
amt_aws_config_keys_in_keyring (AmtAwsConfig *self,
                                const char   *profile)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  return g_strcmp0 (amt_aws_config_get (self, profile, AMT_KEY_KEYS), AMT_KEYS_IN_KEYRING) == 0;
}

/* aws-mfa */

/**
 * amt_aws_config_dup_long_term_name:
 * @profile: a profile name
 *
 * Returns: (transfer full): "@profile-long-term", where aws-mfa keeps the long-term keys
 */
char *
amt_aws_config_dup_long_term_name (const char *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return g_strconcat (profile, AMT_AWS_LONG_TERM_SUFFIX, NULL);
}

gboolean
amt_aws_config_has_long_term (AmtAwsConfig *self,
                              const char   *profile)
{
  g_autofree char *long_term = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  long_term = amt_aws_config_dup_long_term_name (profile);
  return amt_aws_config_has_profile (self, long_term);
}

/**
 * amt_aws_config_get_mfa_serial:
 *
 * Returns: (nullable): the MFA device of @profile: its mfa_serial, else the aws_mfa_device (or
 *   mfa_serial) of its aws-mfa long-term profile
 */
const char *
amt_aws_config_get_mfa_serial (AmtAwsConfig *self,
                               const char   *profile)
{
  g_autofree char *long_term = NULL;
  const char *serial;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  serial = amt_aws_config_get (self, profile, AMT_AWS_KEY_MFA_SERIAL);
  if (serial != NULL)
    return serial;

  long_term = amt_aws_config_dup_long_term_name (profile);
  serial = amt_aws_config_get (self, long_term, AMT_AWS_KEY_AWS_MFA_DEVICE);
  if (serial == NULL)
    serial = amt_aws_config_get (self, long_term, AMT_AWS_KEY_MFA_SERIAL);

  return serial;
}
