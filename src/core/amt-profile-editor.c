/* amt-profile-editor.c
 *
 * Profiles added in the window are saved the aws-mfa way, with standard keys: the long-term
 * keys (and the device, as aws_mfa_device) in [NAME-long-term] of the credentials file, the
 * region in [profile NAME] of the config file. A value is changed in the file that holds it.
 * Removing a profile removes only what is ours.
 *
 * Every check is made while planning, on the main thread, from the files as read: a refused
 * change writes nothing. The writes (each one locked, synced and renamed by AmtCredStore) run
 * in order, and stop at the first that fails; those before it stay written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-profile-editor"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-discovery.h"
#include "amt-profile-editor.h"
#include "amt-secret.h"
#include "amt-session-state.h"

G_DEFINE_QUARK (amt-profile-edit-error-quark, amt_profile_edit_error)

typedef struct {
  AmtCredStore *store;
  char         *section;
  char        **pairs;     /* key, value (NULL: remove the key), …; values wiped on free */
  guint         n_pairs;   /* 0: remove the whole section */
  gboolean      remove_keys;  /* pairs holds keys only (n_pairs of them): remove those */
} Write;

struct _AmtProfileEdit
{
  GPtrArray    *writes;          /* Write */
  AmtKeySource *keyring;         /* when set, its item for keyring_holder goes once written */
  char         *keyring_holder;
};

static void
write_free (Write *write)
{
  g_clear_object (&write->store);
  g_free (write->section);
  for (guint i = 0; i < (write->remove_keys ? 0 : write->n_pairs); i++)
    {
      g_free (write->pairs[i * 2]);
      amt_secret_free (write->pairs[i * 2 + 1]);
    }
  for (guint i = 0; i < (write->remove_keys ? write->n_pairs : 0); i++)
    g_free (write->pairs[i]);
  g_free (write->pairs);
  g_free (write);
}

static AmtProfileEdit *
edit_new (void)
{
  AmtProfileEdit *self = g_new0 (AmtProfileEdit, 1);

  self->writes = g_ptr_array_new_with_free_func ((GDestroyNotify) write_free);
  return self;
}

void
amt_profile_edit_free (AmtProfileEdit *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->writes);
  g_clear_object (&self->keyring);
  g_free (self->keyring_holder);
  g_free (self);
}

/* @pairs: key, value, … (values nullable) */
static void
add_write (AmtProfileEdit     *self,
           AmtCredStore       *store,
           const char         *section,
           const char * const *pairs,
           guint               n_pairs)
{
  Write *write = g_new0 (Write, 1);

  write->store = g_object_ref (store);
  write->section = g_strdup (section);
  write->n_pairs = n_pairs;
  write->pairs = g_new0 (char *, n_pairs * 2 + 1);
  for (guint i = 0; i < n_pairs * 2; i++)
    write->pairs[i] = g_strdup (pairs[i]);
  g_ptr_array_add (self->writes, write);
}

/* Removes @keys (NULL-terminated) from @section. */
static void
add_removal (AmtProfileEdit     *self,
             AmtCredStore       *store,
             const char         *section,
             const char * const *keys)
{
  Write *write = g_new0 (Write, 1);

  write->store = g_object_ref (store);
  write->section = g_strdup (section);
  write->remove_keys = TRUE;
  write->n_pairs = g_strv_length ((GStrv) keys);
  write->pairs = g_strdupv ((GStrv) keys);
  g_ptr_array_add (self->writes, write);
}

static AmtCredStore *
config_store (AmtAwsConfig *files)
{
  g_autofree char *path = NULL;

  if (files != NULL)
    return amt_cred_store_new (amt_aws_config_get_config_path (files));

  path = amt_aws_config_dup_config_path ();
  return amt_cred_store_new (path);
}

/* The store for the file that holds @profile's key, the config file when neither does. */
static AmtCredStore *
store_for_key (AmtAwsConfig  *files,
               AmtCredStore  *credentials,
               const char    *profile,
               const char    *key,
               char         **section)
{
  if (files != NULL &&
      (amt_aws_config_is_in_credentials_file (files, profile, key) ||
       g_str_has_suffix (profile, AMT_AWS_LONG_TERM_SUFFIX)))
    {
      *section = g_strdup (profile);
      return g_object_ref (credentials);
    }

  *section = amt_aws_config_dup_config_section (profile);
  return config_store (files);
}

/* Sets (or, for a NULL @value, removes) one key of @profile, in the file that holds it. */
static void
add_profile_value (AmtProfileEdit *self,
                   AmtAwsConfig   *files,
                   AmtCredStore   *credentials,
                   const char     *profile,
                   const char     *key,
                   const char     *value)
{
  g_autoptr(AmtCredStore) store = NULL;
  g_autofree char *section = NULL;
  const char *pair[] = { key, value };

  store = store_for_key (files, credentials, profile, key, &section);
  add_write (self, store, section, pair, 1);
}

static void
add_mfa_device (AmtProfileEdit   *self,
                AmtAwsConfig     *files,
                AmtCredStore     *credentials,
                const char       *name,
                const char       *source_profile,
                const char       *serial)
{
  /* Where AWS tools and aws-mfa read it: aws_mfa_device in an aws-mfa [NAME-long-term]
   * section, mfa_serial in the profile otherwise. */
  if (source_profile != NULL && g_str_has_suffix (source_profile, AMT_AWS_LONG_TERM_SUFFIX))
    add_profile_value (self, files, credentials, source_profile, AMT_AWS_KEY_AWS_MFA_DEVICE, serial);
  else
    add_profile_value (self, files, credentials, name, AMT_AWS_KEY_MFA_SERIAL, serial);
}

/**
 * amt_profile_edit_save_mfa_device:
 * @serial: the device's serial number (ARN), as found by amt_find_mfa_devices_async()
 */
AmtProfileEdit *
amt_profile_edit_save_mfa_device (AmtAwsConfig *files,
                                  AmtCredStore *credentials,
                                  AmtProfile   *profile,
                                  const char   *serial)
{
  AmtProfileEdit *self;

  g_return_val_if_fail (AMT_IS_CRED_STORE (credentials), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (serial != NULL, NULL);

  self = edit_new ();
  add_mfa_device (self, files, credentials, amt_profile_get_name (profile),
                  amt_profile_get_config (profile)->source_profile, serial);
  return self;
}

static gboolean
is_valid_profile_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.@+", *p) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * amt_profile_edit_check_new:
 *
 * Returns: whether a new profile @name with these keys can be saved; what is wrong otherwise
 */
gboolean
amt_profile_edit_check_new (AmtAwsConfig  *files,
                            const char    *name,
                            const char    *access_key_id,
                            const char    *secret_access_key,
                            GError       **error)
{
  g_autofree char *long_term = NULL;

  if (!is_valid_profile_name (name))
    {
      g_set_error_literal (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_INVALID_NAME,
                           _("A profile name is letters, digits and - _ . @ +, with no spaces."));
      return FALSE;
    }
  long_term = amt_aws_config_dup_long_term_name (name);
  if (files != NULL &&
      (amt_aws_config_has_profile (files, name) || amt_aws_config_has_profile (files, long_term)))
    {
      g_set_error (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_NAME_TAKEN,
                   _("There is a profile called %s already: choose another name."), name);
      return FALSE;
    }
  if (access_key_id == NULL || !g_str_has_prefix (access_key_id, "AKIA") || strlen (access_key_id) < 16)
    {
      g_set_error_literal (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_INVALID_KEYS,
                           _("A long-term access key ID starts with AKIA: copy it from the IAM console or from your old credentials file."));
      return FALSE;
    }
  if (secret_access_key == NULL || strlen (secret_access_key) < 16 || strchr (secret_access_key, ' ') != NULL)
    {
      g_set_error_literal (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_INVALID_KEYS,
                           _("The secret access key is the 40 characters shown once when the key was made."));
      return FALSE;
    }

  return TRUE;
}

/**
 * amt_profile_edit_save_new:
 * @name: the profile name people will use (AWS_PROFILE=@name)
 * @access_key_id: the IAM user's long-term access key id
 * @secret_access_key: its secret
 * @mfa_serial: (nullable): the MFA device, when known
 * @region: (nullable): the profile's region
 *
 * Returns: (transfer full) (nullable): the writes, or %NULL and why the profile cannot be saved
 */
AmtProfileEdit *
amt_profile_edit_save_new (AmtAwsConfig  *files,
                           AmtCredStore  *credentials,
                           const char    *name,
                           const char    *access_key_id,
                           const char    *secret_access_key,
                           const char    *mfa_serial,
                           const char    *region,
                           GError       **error)
{
  g_autoptr(AmtProfileEdit) self = NULL;
  g_autofree char *long_term = NULL;
  const char *pairs[6];
  guint n_pairs = 0;

  g_return_val_if_fail (AMT_IS_CRED_STORE (credentials), NULL);

  if (!amt_profile_edit_check_new (files, name, access_key_id, secret_access_key, error))
    return NULL;
  long_term = amt_aws_config_dup_long_term_name (name);

  pairs[n_pairs * 2] = AMT_AWS_KEY_ACCESS_KEY_ID;
  pairs[n_pairs * 2 + 1] = access_key_id;
  n_pairs++;
  pairs[n_pairs * 2] = AMT_AWS_KEY_SECRET_ACCESS_KEY;
  pairs[n_pairs * 2 + 1] = secret_access_key;
  n_pairs++;
  if (mfa_serial != NULL && *mfa_serial != '\0')
    {
      pairs[n_pairs * 2] = AMT_AWS_KEY_AWS_MFA_DEVICE;
      pairs[n_pairs * 2 + 1] = mfa_serial;
      n_pairs++;
    }

  self = edit_new ();
  add_write (self, credentials, long_term, pairs, n_pairs);
  if (region != NULL && *region != '\0')
    add_profile_value (self, files, credentials, name, AMT_AWS_KEY_REGION, region);

  return g_steal_pointer (&self);
}

/**
 * amt_profile_edit_mark_keys_in_keyring:
 * @mfa_serial: (nullable): the device, when known
 * @region: (nullable): the profile's region
 *
 * What a new profile whose keys were stored in the keyring needs in the files: the mark
 * (mfa_tray_keys) in [profile NAME-long-term] of the config file, which makes it a profile even
 * with no device yet, the device in [NAME-long-term] of the credentials file, the region in
 * [profile NAME]. No key reaches the disk.
 */
AmtProfileEdit *
amt_profile_edit_mark_keys_in_keyring (AmtAwsConfig *files,
                                       AmtCredStore *credentials,
                                       const char   *name,
                                       const char   *mfa_serial,
                                       const char   *region)
{
  g_autofree char *long_term = amt_aws_config_dup_long_term_name (name);
  g_autofree char *mark_section = amt_aws_config_dup_config_section (long_term);
  g_autoptr(AmtCredStore) config = config_store (files);
  const char *mark[] = { AMT_KEY_KEYS, AMT_KEYS_IN_KEYRING };
  AmtProfileEdit *self = edit_new ();

  add_write (self, config, mark_section, mark, 1);
  if (mfa_serial != NULL && *mfa_serial != '\0')
    {
      const char *device[] = { AMT_AWS_KEY_AWS_MFA_DEVICE, mfa_serial };

      add_write (self, credentials, long_term, device, 1);
    }
  if (region != NULL && *region != '\0')
    add_profile_value (self, files, credentials, name, AMT_AWS_KEY_REGION, region);

  return self;
}

/**
 * amt_profile_edit_update:
 * @access_key_id: (nullable): new long-term keys (with @secret_access_key), or %NULL to keep
 * @mfa_serial: (nullable): the MFA device, or %NULL to keep it
 * @region: (nullable): the region, "" to remove it, or %NULL to keep it
 *
 * Changes a profile where its values live: the keys in its long-term source section, the
 * device as amt_profile_edit_save_mfa_device() does, the region in its config section.
 *
 * Returns: (transfer full) (nullable): the writes, or %NULL and why the change is refused
 */
AmtProfileEdit *
amt_profile_edit_update (AmtAwsConfig  *files,
                         AmtCredStore  *credentials,
                         AmtProfile    *profile,
                         const char    *access_key_id,
                         const char    *secret_access_key,
                         const char    *mfa_serial,
                         const char    *region,
                         GError       **error)
{
  g_autoptr(AmtProfileEdit) self = NULL;
  const AmtProfileConfig *config;
  const char *name;

  g_return_val_if_fail (AMT_IS_CRED_STORE (credentials), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);

  config = amt_profile_get_config (profile);
  name = amt_profile_get_name (profile);
  self = edit_new ();

  if (access_key_id != NULL)
    {
      g_autoptr(AmtCredStore) store = NULL;
      g_autofree char *section = NULL;
      const char *pairs[4];

      if (config->source_profile == NULL || !g_str_has_prefix (access_key_id, "AKIA") ||
          secret_access_key == NULL || strlen (secret_access_key) < 16)
        {
          g_set_error_literal (error, AMT_PROFILE_EDIT_ERROR, AMT_PROFILE_EDIT_ERROR_INVALID_KEYS,
                               _("A long-term access key ID starts with AKIA, and its secret is the 40 characters shown once when the key was made."));
          return NULL;
        }

      pairs[0] = AMT_AWS_KEY_ACCESS_KEY_ID;
      pairs[1] = access_key_id;
      pairs[2] = AMT_AWS_KEY_SECRET_ACCESS_KEY;
      pairs[3] = secret_access_key;
      store = store_for_key (files, credentials, config->source_profile, AMT_AWS_KEY_ACCESS_KEY_ID, &section);
      add_write (self, store, section, pairs, 2);
    }

  if (mfa_serial != NULL && g_strcmp0 (mfa_serial, config->mfa_serial) != 0)
    add_mfa_device (self, files, credentials, name, config->source_profile, mfa_serial);

  if (region != NULL)
    add_profile_value (self, files, credentials, name, AMT_AWS_KEY_REGION,
                       *region != '\0' ? region : NULL);

  return g_steal_pointer (&self);
}

/**
 * amt_profile_edit_forget:
 *
 * @keyring: (nullable): where keys marked as kept in the keyring are
 *
 * Stops managing @profile. A profile kept the aws-mfa way loses its long-term section in the
 * credentials file (and, when its keys are in the keyring, the mark in the config file, then
 * the keyring's item, once the files are written); any other gets mfa_tray_ignore in its own
 * section. The session keys we wrote are removed (the rest of their section stays).
 */
AmtProfileEdit *
amt_profile_edit_forget (AmtAwsConfig *files,
                         AmtCredStore *credentials,
                         AmtKeySource *keyring,
                         AmtProfile   *profile)
{
  g_autoptr(GDateTime) session = NULL;
  g_autofree char *long_term = NULL;
  const AmtProfileConfig *config;
  AmtProfileEdit *self;

  g_return_val_if_fail (AMT_IS_CRED_STORE (credentials), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);

  config = amt_profile_get_config (profile);
  long_term = amt_aws_config_dup_long_term_name (amt_profile_get_name (profile));
  self = edit_new ();

  if (g_strcmp0 (config->source_profile, long_term) == 0)
    {
      add_write (self, credentials, long_term, NULL, 0);

      /* Keys kept in the keyring: the mark goes (else [NAME-long-term] stays a profile), and
       * the keyring's item after it, on its own time (the keyring may ask to be unlocked). */
      if (files != NULL && keyring != NULL && amt_aws_config_keys_in_keyring (files, long_term))
        {
          g_autoptr(AmtCredStore) config_file = config_store (files);
          g_autofree char *section = amt_aws_config_dup_config_section (long_term);
          const char *mark[] = { AMT_KEY_KEYS, NULL };

          add_removal (self, config_file, section, mark);
          self->keyring = g_object_ref (keyring);
          self->keyring_holder = g_strdup (long_term);
        }
    }
  else
    add_profile_value (self, files, credentials, amt_profile_get_name (profile), AMT_KEY_IGNORE, "true");

  /* Only a session is ours to remove: its four keys, and nothing else of the section. */
  session = amt_session_state_read_expiration (files, config->target);
  if (session != NULL)
    {
      const char *pairs[] = {
        AMT_AWS_KEY_ACCESS_KEY_ID, NULL, AMT_AWS_KEY_SECRET_ACCESS_KEY, NULL,
        AMT_AWS_KEY_SESSION_TOKEN, NULL, AMT_AWS_KEY_EXPIRATION, NULL,
      };

      add_write (self, credentials, config->target, pairs, 4);
    }

  return self;
}

static gboolean
apply_writes (AmtProfileEdit  *self,
              GError         **error)
{
  for (guint i = 0; i < self->writes->len; i++)
    {
      Write *write = g_ptr_array_index (self->writes, i);
      gboolean written;

      if (write->remove_keys)
        written = amt_cred_store_remove_keys (write->store, write->section,
                                              (const char * const *) write->pairs, error);
      else if (write->n_pairs == 0)
        written = amt_cred_store_remove_section (write->store, write->section, error);
      else
        written = amt_cred_store_set_values (write->store, write->section,
                                             (const char * const *) write->pairs, write->n_pairs,
                                             error);
      if (!written)
        return FALSE;
    }

  return TRUE;
}

/* Once the files are written: the keyring's item of a profile forgotten. */
static void
delete_from_keyring (AmtProfileEdit *self)
{
  if (self->keyring != NULL)
    amt_key_source_delete_async (self->keyring, self->keyring_holder, NULL, NULL, NULL);
}

/**
 * amt_profile_edit_apply:
 *
 * Makes the writes, in order, here and now (each is synced: not for the main thread of a GUI).
 */
gboolean
amt_profile_edit_apply (AmtProfileEdit  *self,
                        GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!apply_writes (self, error))
    return FALSE;

  delete_from_keyring (self);
  return TRUE;
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (apply_writes (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * amt_profile_edit_apply_async:
 * @self: (transfer full): the edit
 * @cancellable: (nullable): cancels only before the writes begin: a write begun is finished
 *
 * Makes the writes on a worker thread.
 */
void
amt_profile_edit_apply_async (AmtProfileEdit      *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_profile_edit_apply_async);
  g_task_set_task_data (task, self, (GDestroyNotify) amt_profile_edit_free);
  g_task_set_check_cancellable (task, FALSE);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_run_in_thread (task, apply_thread);
}

gboolean
amt_profile_edit_apply_finish (GAsyncResult  *result,
                               GError       **error)
{
  GTask *task;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == amt_profile_edit_apply_async, FALSE);

  task = G_TASK (result);
  if (!g_task_propagate_boolean (task, error))
    return FALSE;

  /* Here, on the caller's thread: the keyring's calls belong to its main context. */
  delete_from_keyring (g_task_get_task_data (task));
  return TRUE;
}
