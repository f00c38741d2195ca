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
#include <glib/gi18n.h>

#include "amt-aws-config.h"
#include "amt-cred-store-private.h"
#include "amt-secret.h"

G_DEFINE_FINAL_TYPE (AmtCredStore, amt_cred_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
