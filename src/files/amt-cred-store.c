/* amt-cred-store.c
 *
 * Writes session credentials into the shared credentials file without ever damaging it
 * (DESIGN.md "Files"), and reads them back. The store is split by concern, over
 * amt-cred-store-private.h:
 *
 *  - amt-cred-store.c: the object, and the errors in words a user can act on;
 *  - amt-cred-store-read.c: following a symlink, reading the file (the inode kept open), and
 *    the sections read back (amt_cred_store_read_section());
 *  - amt-cred-store-torn.c: what the file held when last seen whole, and waiting for one that
 *    another program is rewriting in place;
 *  - amt-cred-store-write.c: the write protocol, its numbered steps (lock, re-read under the
 *    lock, temporary file, fsync, rename, the old inode's late writes);
 *  - amt-cred-store-edits.c: the edits written through it (replace, set, add and remove keys,
 *    move a session);
 *  - amt-cred-store-check.c: what would make a write fail, known before an MFA code is sent.
 *
 * A failure at any step leaves the original as it was and comes back as one sentence saying
 * what went wrong and what to do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>

#include "amt-aws-config.h"
#include "amt-cred-store-private.h"

G_DEFINE_FINAL_TYPE (AmtCredStore, amt_cred_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Credentials */

static void
wipe_string (char *str)
{
  if (str != NULL)
    amt_ini_wipe_and_free (str, strlen (str));
}

/**
 * amt_credentials_new:
 * @access_key_id: the access key ID
 * @secret_access_key: the secret access key
 * @session_token: (nullable): the session token
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
  credentials->session_token = g_strdup (session_token);
  credentials->expiration = expiration != NULL ? g_date_time_ref (expiration) : NULL;

  return credentials;
}

AmtCredentials *
amt_credentials_copy (const AmtCredentials *credentials)
{
  g_return_val_if_fail (credentials != NULL, NULL);

  return amt_credentials_new (credentials->access_key_id, credentials->secret_access_key,
                              credentials->session_token, credentials->expiration);
}

void
amt_credentials_free (AmtCredentials *credentials)
{
  if (credentials == NULL)
    return;

  wipe_string (credentials->access_key_id);
  wipe_string (credentials->secret_access_key);
  wipe_string (credentials->session_token);
  g_clear_pointer (&credentials->expiration, g_date_time_unref);
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

/* The store */

static void
amt_cred_store_finalize (GObject *object)
{
  AmtCredStore *self = (AmtCredStore *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->expected_keys, amt_ini_key_set_free);
  g_mutex_clear (&self->expected_lock);

  G_OBJECT_CLASS (amt_cred_store_parent_class)->finalize (object);
}

static void
amt_cred_store_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmtCredStore *self = AMT_CRED_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_cred_store_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AmtCredStore *self = AMT_CRED_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_cred_store_class_init (AmtCredStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amt_cred_store_finalize;
  object_class->get_property = amt_cred_store_get_property;
  object_class->set_property = amt_cred_store_set_property;

  /**
   * AmtCredStore:path:
   *
   * The credentials file, as configured (it may be a symlink).
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
amt_cred_store_init (AmtCredStore *self)
{
  g_mutex_init (&self->expected_lock);
}

/**
 * amt_cred_store_new:
 * @path: the credentials file (absolute)
 *
 * Returns: (transfer full): a store writing to @path
 */
AmtCredStore *
amt_cred_store_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (AMT_TYPE_CRED_STORE, "path", path, NULL);
}

/**
 * amt_cred_store_new_default:
 *
 * Returns: (transfer full): a store writing to $AWS_SHARED_CREDENTIALS_FILE or
 *   ~/.aws/credentials
 */
AmtCredStore *
amt_cred_store_new_default (void)
{
  g_autofree char *path = amt_aws_config_dup_credentials_path ();

  return amt_cred_store_new (path);
}

const char *
amt_cred_store_get_path (AmtCredStore *self)
{
  g_return_val_if_fail (AMT_IS_CRED_STORE (self), NULL);

  return self->path;
}

/* Errors, in words a user can act on */

void
amt_cred_store_set_write_error (GError     **error,
                                int          saved_errno,
                                const char  *display)
{
  GIOErrorEnum code = g_io_error_from_errno (saved_errno);

  switch (saved_errno)
    {
    case ENOSPC:
      g_set_error (error, G_IO_ERROR, code,
                   _("Could not update %s: the disk is full. Free some space and log in again."),
                   display);
      break;

    case EDQUOT:
      g_set_error (error, G_IO_ERROR, code,
                   _("Could not update %s: your disk quota is used up. Free some space and log "
                     "in again."), display);
      break;

    case EFBIG:
      g_set_error (error, G_IO_ERROR, code,
                   _("Could not update %s: the file would exceed the file size limit of this "
                     "session (ulimit -f). Raise the limit and log in again."), display);
      break;

    case EROFS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Could not update %s: it is on a read-only file system. Make that file "
                     "system writable, or set AWS_SHARED_CREDENTIALS_FILE to a file on a "
                     "writable one, and log in again."), display);
      break;

    case EACCES:
    case EPERM:
      g_set_error (error, G_IO_ERROR, code,
                   _("Could not update %s: permission denied. Make sure you own its folder and "
                     "may write to it, then log in again."), display);
      break;

    default:
      g_set_error (error, G_IO_ERROR, code,
                   _("Could not update %s: %s. Log in again once this is fixed."),
                   display, g_strerror (saved_errno));
    }
}

void
amt_cred_store_set_read_error (GError     **error,
                               int          saved_errno,
                               const char  *display)
{
  GIOErrorEnum code = g_io_error_from_errno (saved_errno);

  if (saved_errno == EACCES || saved_errno == EPERM)
    g_set_error (error, G_IO_ERROR, code,
                 _("Could not read %s: permission denied. Make sure you own it and may read "
                   "it."), display);
  else if (saved_errno == ERRNO_NOT_REGULAR || saved_errno == EISDIR)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                 _("Could not use %s: it is not a regular file (a folder, a pipe or a device). "
                   "Make it a regular file, or set AWS_SHARED_CREDENTIALS_FILE to one, and log in "
                   "again."), display);
  else
    g_set_error (error, G_IO_ERROR, code,
                 _("Could not read %s: %s."), display, g_strerror (saved_errno));
}
