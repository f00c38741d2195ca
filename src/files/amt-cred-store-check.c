/* amt-cred-store-check.c
 *
 * What would make a write of the credentials file fail, told before an MFA code is sent, so
 * that no code is spent on a write that cannot succeed. The checks follow the write protocol
 * (amt-cred-store-write.c): the folder the temporary file goes to, a file written in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"
/* statx(), for STATX_ATTR_MOUNT_ROOT: a file bind-mounted on its own. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "amt-aws-config.h"
#include "amt-cred-store-private.h"

/**
 * amt_cred_store_check_writable:
 * @self: a store
 * @error: return location for a #GError, with a sentence saying what to do
 *
 * Tells, without writing anything, whether a write would fail for a reason known now: the file
 * is no regular file, is marked immutable or append-only, is on a read-only file system, may
 * not be replaced (its folder) or written in place (a file bind-mounted on its own, or with
 * other hard links), or is larger than the file size limit allows. Called before an MFA code
 * is sent, so that no code is spent on such a write.
 *
 * Returns: %TRUE when nothing known stands in the way
 */
gboolean
amt_cred_store_check_writable (AmtCredStore  *self,
                               GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  struct statvfs fs;
  struct statx stx;
  struct rlimit limit;
  int saved_errno = 0;
  gboolean in_place;
  int flags = 0;
  int fd;

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);

  display = amt_aws_config_dup_display_path (self->path);
  target = amt_cred_store_resolve_target (self->path, &saved_errno);
  if (target == NULL)
    {
      amt_cred_store_set_read_error (error, saved_errno, display);
      return FALSE;
    }
  dir = g_path_get_dirname (target);

  /* A folder still to be made is made in one that exists. */
  while (!g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      char *parent = g_path_get_dirname (dir);

      if (g_str_equal (parent, dir))
        {
          g_free (parent);
          break;
        }
      g_free (dir);
      dir = parent;
    }

  if (statvfs (dir, &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0)
    {
      amt_cred_store_set_write_error (error, EROFS, display);
      return FALSE;
    }

  if (statx (AT_FDCWD, target, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_NLINK | STATX_SIZE, &stx) != 0)
    {
      if (errno != ENOENT)
        {
          amt_cred_store_set_read_error (error, errno, display);
          return FALSE;
        }
      if (access (dir, W_OK | X_OK) != 0)
        {
          amt_cred_store_set_write_error (error, errno, display);
          return FALSE;
        }
      return TRUE;
    }

  if (!S_ISREG (stx.stx_mode))
    {
      amt_cred_store_set_read_error (error, S_ISDIR (stx.stx_mode) ? EISDIR : ERRNO_NOT_REGULAR,
                                     display);
      return FALSE;
    }

  fd = open (target, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd >= 0)
    {
      if (ioctl (fd, FS_IOC_GETFLAGS, &flags) != 0)
        flags = 0;
      close (fd);
    }
  if ((flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Could not update %s: it is marked immutable or append-only. Remove the mark "
                     "(chattr -i -a) and log in again."), display);
      return FALSE;
    }

  /* Written in place: bind-mounted on its own (a rename over it fails), or hard-linked. */
  in_place = stx.stx_nlink > 1 ||
             ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
              (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0);
  if (access (in_place ? target : dir, in_place ? W_OK : W_OK | X_OK) != 0)
    {
      amt_cred_store_set_write_error (error, errno, display);
      return FALSE;
    }

  /* The new file is the old one and our section: a few kilobytes more at most. */
  if (getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      stx.stx_size + 16 * 1024 > limit.rlim_cur)
    {
      amt_cred_store_set_write_error (error, EFBIG, display);
      return FALSE;
    }

  return TRUE;
}
