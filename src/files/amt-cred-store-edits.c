/* amt-cred-store-edits.c
 *
 * The edits of the store, each applied under the lock to the file as just read, by the write
 * protocol (amt-cred-store-write.c): as an edit of the whole document, and for those that only
 * set keys of one section (a session's four keys, a profile's few) also in one pass over the
 * bytes (amt_ini_splice_set_values()), which the protocol prefers when the scanner vouches for
 * them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"

#include "config.h"

#include "amt-aws-config.h"
#include "amt-cred-store-private.h"

/* Sets (or removes, for a %NULL value) @pairs in @section as one edit; a missing section is
 * added at the end first. */
static gboolean
set_in_section (AmtIniDocument      *doc,
                const char          *section,
                const char * const  *pairs,
                guint                n_pairs,
                GError             **error)
{
  if (!amt_ini_document_has_section (doc, section) &&
      !amt_ini_document_add_section (doc, section, error))
    return FALSE;

  return amt_ini_document_set_values (doc, section, pairs, n_pairs, error);
}

/* Removes @keys from @section as one edit, and the section when no key is left in it. A
 * missing section or key is no error. */
static gboolean
remove_keys_and_empty_section (AmtIniDocument      *doc,
                               const char          *section,
                               const char * const  *keys,
                               GError             **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_auto(GStrv) left = NULL;

  if (!amt_ini_document_has_section (doc, section))
    return TRUE;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_ptr_array_add (pairs, (gpointer) keys[i]);
      g_ptr_array_add (pairs, NULL);
    }
  if (!amt_ini_document_set_values (doc, section, (const char * const *) pairs->pdata,
                                    pairs->len / 2, error))
    return FALSE;

  left = amt_ini_document_get_keys (doc, section);
  if (left == NULL || left[0] == NULL)
    return amt_ini_document_remove_section (doc, section, error);

  return TRUE;
}

typedef struct {
  const char         *section;
  const char * const *pairs;
  guint               n_pairs;
} SetValuesData;

static gboolean
set_values_edit (AmtIniDocument  *doc,
                 gconstpointer    user_data,
                 GError         **error)
{
  const SetValuesData *set = user_data;

  return set_in_section (doc, set->section, set->pairs, set->n_pairs, error);
}

static AmtIniSpliceResult
set_values_splice (const char     *data,
                   gsize           length,
                   gconstpointer   user_data,
                   AmtIniKeySet   *keys,
                   char          **output,
                   gsize          *output_length,
                   GError        **error)
{
  const SetValuesData *set = user_data;
  AmtIniSpliceResult result;

  result = amt_ini_splice_set_values (data, length, set->section, set->pairs, set->n_pairs,
                                      output, output_length, error);
  if (result == AMT_INI_SPLICE_DONE && keys != NULL)
    amt_ini_key_set_set_values (keys, set->section, set->pairs, set->n_pairs);
  return result;
}

/* The four keys of a session and their values; *expiration is the text the last one points to. */
static void
credentials_pairs (const AmtCredentials  *credentials,
                   const char            *pairs[8],
                   char                 **expiration)
{
  *expiration = credentials->expiration != NULL
                ? amt_credentials_format_expiration (credentials->expiration) : NULL;

  pairs[0] = AMT_AWS_KEY_ACCESS_KEY_ID;
  pairs[1] = credentials->access_key_id;
  pairs[2] = AMT_AWS_KEY_SECRET_ACCESS_KEY;
  pairs[3] = credentials->secret_access_key;
  pairs[4] = AMT_AWS_KEY_SESSION_TOKEN;
  pairs[5] = credentials->session_token;
  pairs[6] = AMT_AWS_KEY_EXPIRATION;
  pairs[7] = *expiration;
}

/**
 * amt_cred_store_replace_section:
 * @self: a store
 * @section: the section (profile) to write, e.g. "dev"
 * @credentials: the credentials
 * @error: return location for a #GError: %G_IO_ERROR for a file that cannot be read or written,
 *   %AMT_INI_ERROR for a file that AWS tools could not read
 *
 * Writes aws_access_key_id, aws_secret_access_key, aws_session_token and expiration (ISO 8601,
 * UTC) into @section, creating it at the end of the file (and the file, and its folder) when
 * missing. The section keeps its place, its comments and the keys this program does not own;
 * the rest of the file keeps every byte.
 *
 * The caller decides whether @section may be written (amt_aws_config_resolves_elsewhere()).
 * This blocks for as long as the disk takes (and waits for other writers of ours): call it from
 * a worker thread.
 *
 * Returns: %TRUE when the file holds the credentials
 */
gboolean
amt_cred_store_replace_section (AmtCredStore          *self,
                                const char            *section,
                                const AmtCredentials  *credentials,
                                GError               **error)
{
  g_autofree char *expiration = NULL;
  const char *pairs[8];
  /* One edit of the four keys: checked once, and all of them or none. */
  SetValuesData data = { section, pairs, 4 };

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);
  g_return_val_if_fail (credentials->access_key_id != NULL, FALSE);
  g_return_val_if_fail (credentials->secret_access_key != NULL, FALSE);

  credentials_pairs (credentials, pairs, &expiration);

  return amt_cred_store_update_file (self, set_values_edit, set_values_splice, &data, error);
}

static gboolean
remove_section_edit (AmtIniDocument  *doc,
                     gconstpointer    user_data,
                     GError         **error)
{
  const char *section = user_data;

  if (!amt_ini_document_has_section (doc, section))
    return TRUE;

  return amt_ini_document_remove_section (doc, section, error);
}

/**
 * amt_cred_store_remove_section:
 * @self: a store
 * @section: the section to remove
 * @error: return location for a #GError
 *
 * Removes @section, with the same care as amt_cred_store_replace_section(). A missing section
 * is no error.
 *
 * Returns: %TRUE when the file no longer has @section
 */
gboolean
amt_cred_store_remove_section (AmtCredStore  *self,
                               const char    *section,
                               GError       **error)
{
  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return amt_cred_store_update_file (self, remove_section_edit, NULL, section, error);
}

/* Adds the keys of @user_data's pairs that the section does not have (nor inherits). */
static gboolean
add_values_edit (AmtIniDocument  *doc,
                 gconstpointer    user_data,
                 GError         **error)
{
  const SetValuesData *add = user_data;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (guint i = 0; i < add->n_pairs; i++)
    if (!amt_ini_document_has_section (doc, add->section) ||
        amt_ini_document_get_value (doc, add->section, add->pairs[2 * i]) == NULL)
      {
        g_ptr_array_add (missing, (gpointer) add->pairs[2 * i]);
        g_ptr_array_add (missing, (gpointer) add->pairs[2 * i + 1]);
      }

  if (missing->len == 0)
    return TRUE;

  return set_in_section (doc, add->section, (const char * const *) missing->pdata,
                         missing->len / 2, error);
}

/* amt_cred_store_set_values() and amt_cred_store_add_values(): the same arguments, their own
 * edit. */
static gboolean
update_values (AmtCredStore        *self,
               const char          *section,
               const char * const  *pairs,
               guint                n_pairs,
               EditFunc             edit,
               SpliceFunc           splice,
               GError             **error)
{
  SetValuesData data = { section, pairs, n_pairs };

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (pairs != NULL || n_pairs == 0, FALSE);

  return amt_cred_store_update_file (self, edit, splice, &data, error);
}

/**
 * amt_cred_store_set_values:
 * @self: a store (of either file: the write discipline serves the config file as well)
 * @section: the section, created at the end when missing, e.g. "profile dev"
 * @pairs: (array): 2 × @n_pairs strings: a key, its value, the next key, …; a %NULL value
 *   removes its key
 * @n_pairs: the number of key/value pairs in @pairs
 * @error: return location for a #GError
 *
 * Sets (or removes) keys of @section with the same care as amt_cred_store_replace_section().
 *
 * Returns: %TRUE when the file holds the values
 */
gboolean
amt_cred_store_set_values (AmtCredStore        *self,
                           const char          *section,
                           const char * const  *pairs,
                           guint                n_pairs,
                           GError             **error)
{
  return update_values (self, section, pairs, n_pairs, set_values_edit, set_values_splice, error);
}

/**
 * amt_cred_store_add_values:
 * @self: a store (of either file)
 * @section: the section, created at the end when missing
 * @pairs: (array): 2 × @n_pairs strings: a key and its value (not %NULL), …
 * @n_pairs: the number of key/value pairs in @pairs
 * @error: return location for a #GError
 *
 * Adds the keys that @section does not have, as read under the lock; a value that is there,
 * the user's own, is never overwritten. The same care as amt_cred_store_replace_section().
 *
 * Returns: %TRUE when the file holds a value for every key
 */
gboolean
amt_cred_store_add_values (AmtCredStore        *self,
                           const char          *section,
                           const char * const  *pairs,
                           guint                n_pairs,
                           GError             **error)
{
  return update_values (self, section, pairs, n_pairs, add_values_edit, NULL, error);
}

typedef struct {
  const char         *section;
  const char * const *keys;
} RemoveKeysData;

static gboolean
remove_keys_edit (AmtIniDocument  *doc,
                  gconstpointer    user_data,
                  GError         **error)
{
  const RemoveKeysData *data = user_data;

  return remove_keys_and_empty_section (doc, data->section, data->keys, error);
}

/**
 * amt_cred_store_remove_keys:
 * @section: the section; a missing one is no error
 * @keys: (array zero-terminated=1): the keys to remove
 *
 * Removes @keys from @section, and the section when no key is left in it, with the same care
 * as amt_cred_store_replace_section().
 *
 * Returns: %TRUE when the file no longer holds @keys in @section
 */
gboolean
amt_cred_store_remove_keys (AmtCredStore        *self,
                            const char          *section,
                            const char * const  *keys,
                            GError             **error)
{
  RemoveKeysData data = { section, keys };

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);

  return amt_cred_store_update_file (self, remove_keys_edit, NULL, &data, error);
}

typedef struct {
  SetValuesData  set;
  const char    *from;
} MoveData;

static gboolean
move_session_edit (AmtIniDocument  *doc,
                   gconstpointer    user_data,
                   GError         **error)
{
  const MoveData *data = user_data;
  /* Only the four keys this program wrote go; a section left empty goes with them. */
  const char * const session_keys[] = {
    AMT_AWS_KEY_ACCESS_KEY_ID, AMT_AWS_KEY_SECRET_ACCESS_KEY, AMT_AWS_KEY_SESSION_TOKEN,
    AMT_AWS_KEY_EXPIRATION, NULL,
  };

  return set_values_edit (doc, &data->set, error) &&
         remove_keys_and_empty_section (doc, data->from, session_keys, error);
}

/**
 * amt_cred_store_move_session:
 * @self: a store
 * @from: the section that holds a session written there before
 * @section: the section to write, as amt_cred_store_replace_section()
 * @credentials: the credentials
 * @error: return location for a #GError
 *
 * One edit: writes @credentials into @section and removes the session's four keys from @from
 * (and @from itself when nothing else is left in it); every other byte stays.
 *
 * Returns: %TRUE when the file holds the credentials in @section and no session in @from
 */
gboolean
amt_cred_store_move_session (AmtCredStore          *self,
                             const char            *from,
                             const char            *section,
                             const AmtCredentials  *credentials,
                             GError               **error)
{
  g_autofree char *expiration = NULL;
  const char *pairs[8];
  MoveData data = { { section, pairs, 4 }, from };

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (from != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (from, section) != 0, FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);

  credentials_pairs (credentials, pairs, &expiration);

  return amt_cred_store_update_file (self, move_session_edit, NULL, &data, error);
}
