/* amt-cred-store-write.c
 *
 * The write protocol: how an edit (amt-cred-store-edits.c) goes into the shared credentials
 * file without ever damaging it (DESIGN.md "Files"):
 *
 *  1. follow a symlinked file to its target (the symlink stays a symlink), and create the
 *     folder (0700) when it is missing;
 *  2. take an advisory lock (flock) on a sibling lock file, ".credentials.amt-lock", so that our
 *     writers (two windows, the applet and a `login` subcommand) take turns;
 *  3. read the file under the lock (keeping that inode open) and apply the edit to what was just
 *     read, so an edit another tool made a moment ago is kept (in one pass over the bytes when
 *     amt_ini_scan() vouches for them, amt_ini_splice_set_values(); as a whole document
 *     otherwise). 3a: a file that another program is rewriting in place right now (shorter
 *     than, or missing keys of, what it held when last seen whole) is waited for until it is
 *     whole again (amt-cred-store-torn.c);
 *  4. write the result to ".credentials.amt-XXXXXX" in the same folder (O_CREAT|O_EXCL, 0600, or
 *     the original's mode when that is stricter, and the original's owner and group), fsync it;
 *     the lock file names it from before it is created, so that the next writer removes it if
 *     we are killed, and never a file of the user's that only looks like one;
 *  5. read the file again: the AWS CLI does not lock, so if the file changed meanwhile, start
 *     over from 3;
 *  6. rename the temporary file over the original and fsync the folder. A file that cannot be
 *     replaced (bind-mounted on its own: EBUSY) or must not be (other hard links) is written in
 *     place instead, under the lock, and synced, as `aws configure set` writes it;
 *  7. look at the inode read in 3: a program that had the file open wrote its bytes there, into
 *     a file that is no longer the file. Wait for it to finish, apply the edit to its bytes and
 *     go on from 4, so that its change is kept too.
 *
 * A failure at any step leaves the original as it was, removes the temporary file and comes
 * back as one sentence saying what went wrong and what to do. A writer killed at any point
 * leaves either the old or the new file under the real name, never a torn one.
 *
 * A write beyond the file size limit (ulimit -f) raises SIGXFSZ, which kills the process unless
 * it is ignored; the program ignores it (amt-hardening.c), so that write() fails with EFBIG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "amt-aws-config.h"
#include "amt-cred-store-private.h"
#include "amt-secret.h"

/* How long to wait for another writer of ours; a writer holds the lock for milliseconds. */
#define LOCK_TIMEOUT_USEC (15 * G_USEC_PER_SEC)
/* How often to start over when another program keeps changing the file under us. */
#define MAX_ATTEMPTS 8
/* The AWS CLI truncates the file before it writes it again; an empty file may be one that is
 * about to be written. */
#define EMPTY_FILE_PAUSE_USEC (20 * 1000)
/* Files are compared with what we hold a block at a time, not as a second copy. */
#define COMPARE_BLOCK_SIZE (64 * 1024)

/* Whether @fd holds exactly the @length bytes at @data: 1, 0, or -1 when it cannot be read. */
static int
fd_holds (int         fd,
          const char *data,
          gsize       length)
{
  char *block = g_malloc (COMPARE_BLOCK_SIZE);
  gsize offset = 0;
  int same = 1;

  for (;;)
    {
      gssize n = pread (fd, block, COMPARE_BLOCK_SIZE, (off_t) offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          same = -1;
          break;
        }
      if (n == 0)
        {
          same = offset == length;
          break;
        }
      if ((gsize) n > length - offset || memcmp (block, data + offset, n) != 0)
        {
          same = 0;
          break;
        }
      offset += n;
    }

  amt_secret_free_sized (block, COMPARE_BLOCK_SIZE);
  return same;
}

/* Whether the file at @path is still (or again) what we hold: no file when !@exists, else the
 * @length bytes at @data (step 5). */
static gboolean
file_holds (const char *path,
            gboolean    exists,
            const char *data,
            gsize       length)
{
  struct stat st;
  gboolean same;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return errno == ENOENT && !exists;

  same = exists && fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
         fd_holds (fd, data, length) == 1;
  close (fd);
  return same;
}

/* Whether the inode @contents was read from holds other bytes now: a program that writes in
 * place and had the file open wrote into it. */
static gboolean
inode_was_written (const FileContents *contents)
{
  return contents->fd >= 0 && fd_holds (contents->fd, contents->data, contents->length) == 0;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           int         *saved_errno)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *saved_errno = errno;
          return FALSE;
        }
      if (n == 0)
        {
          *saved_errno = ENOSPC;
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

/* The temporary file a writer of ours is writing is named in the lock file from before it is
 * created until it is gone, so that the next writer removes a temporary file left by one that
 * was killed at any point, and never a file of the user's that merely looks like one. The lock
 * file holds either nothing or one name: a name is written over the empty file, then the file
 * is cut to its length. */
static void
record_temp_file (int         lock_fd,
                  const char *name)
{
  gsize length = name != NULL ? strlen (name) : 0;

  if (length > 0 && pwrite (lock_fd, name, length, 0) != (gssize) length)
    g_debug ("Could not note the temporary file in the lock file: %s", g_strerror (errno));
  if (ftruncate (lock_fd, length) != 0)
    g_debug ("Could not cut the lock file: %s", g_strerror (errno));
}

#define TEMP_NAME_ATTEMPTS 100

/* Creates ".BASE.amt-XXXXXX" in @dir (O_CREAT|O_EXCL, 0600), named in the lock file before it
 * exists; returns its descriptor and sets @temp to its path, or returns -1. */
static int
create_temp_file (const char  *dir,
                  const char  *base,
                  int          lock_fd,
                  char       **temp,
                  int         *saved_errno)
{
  static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  g_autofree char *name = g_strconcat (".", base, AMT_CRED_STORE_TEMP_SUFFIX, NULL);
  char *x = name + strlen (name) - 6;

  for (guint attempt = 0; attempt < TEMP_NAME_ATTEMPTS; attempt++)
    {
      g_autofree char *path = NULL;
      struct stat st;
      int fd;

      for (guint i = 0; i < 6; i++)
        x[i] = letters[g_random_int_range (0, sizeof letters - 1)];
      path = g_build_filename (dir, name, NULL);
      /* Never name a file that exists: the next writer would remove it if we were killed. */
      if (lstat (path, &st) == 0)
        continue;

      record_temp_file (lock_fd, name);
      fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
      if (fd >= 0)
        {
          *temp = g_steal_pointer (&path);
          return fd;
        }
      *saved_errno = errno;
      record_temp_file (lock_fd, NULL);
      if (*saved_errno != EEXIST)
        return -1;
    }

  *saved_errno = EEXIST;
  return -1;
}

static void
remove_stale_temp_file (int         lock_fd,
                        const char *dir,
                        const char *base)
{
  g_autofree char *prefix = g_strconcat (".", base, ".amt-", NULL);
  char name[256];
  gssize n;

  n = pread (lock_fd, name, sizeof name - 1, 0);
  if (n <= 0)
    return;
  name[n] = '\0';

  /* Only a name of the form we make, in this folder. */
  if (g_str_has_prefix (name, prefix) && strlen (name) == strlen (prefix) + 6 &&
      strchr (name, '/') == NULL)
    {
      g_autofree char *stale = g_build_filename (dir, name, NULL);

      g_debug ("Removing %s, left by a writer that did not finish", name);
      g_unlink (stale);
    }

  record_temp_file (lock_fd, NULL);
}

static int
take_lock (const char  *lock_path,
           int         *saved_errno)
{
  gint64 deadline = g_get_monotonic_time () + LOCK_TIMEOUT_USEC;
  gulong pause = 500;
  int fd;

  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0)
    {
      *saved_errno = errno;
      /* A lock file we may not write (made by root, or on a read-only mount) still locks. */
      if (errno == EACCES || errno == EROFS)
        fd = open (lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
      if (fd < 0)
        return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (errno == EINTR)
        continue;
      if (errno != EWOULDBLOCK || g_get_monotonic_time () > deadline)
        {
          *saved_errno = errno;
          close (fd);
          return -1;
        }
      g_usleep (pause);
      pause = MIN (pause * 2, 20000);
    }

  return fd;
}

static void
sync_directory (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  /* Some file systems cannot sync a directory (EINVAL); the rename is done either way. */
  if (fsync (fd) != 0 && errno != EINVAL)
    g_debug ("Could not sync %s: %s", dir, g_strerror (errno));
  close (fd);
}

/* Writes @data to a new temporary file next to @target, with the owner, group and mode of
 * @original; returns its path. */
static char *
write_temp_file (const char          *dir,
                 const char          *base,
                 int                  lock_fd,
                 const char          *data,
                 gsize                length,
                 const FileContents  *original,
                 int                 *saved_errno)
{
  g_autofree char *temp = NULL;
  gboolean ok = TRUE;
  int fd;

  fd = create_temp_file (dir, base, lock_fd, &temp, saved_errno);
  if (fd < 0)
    return NULL;

  /* Run under sudo -E, the user's file must stay the user's. */
  if ((original->uid != geteuid () || original->gid != getegid ()) &&
      fchown (fd, original->uid, original->gid) != 0)
    ok = FALSE, *saved_errno = errno;
  else if (fchmod (fd, original->mode) != 0)
    ok = FALSE, *saved_errno = errno;
  else if (!write_all (fd, data, length, saved_errno))
    ok = FALSE;
  else if (fsync (fd) != 0)
    ok = FALSE, *saved_errno = errno;

  if (!ok)
    {
      close (fd);
      g_unlink (temp);
      record_temp_file (lock_fd, NULL);
      return NULL;
    }

  if (close (fd) != 0)
    {
      *saved_errno = errno;
      g_unlink (temp);
      record_temp_file (lock_fd, NULL);
      return NULL;
    }

  return g_steal_pointer (&temp);
}

/* For a file that cannot be replaced by rename: one bind-mounted on its own (rename gives
 * EBUSY), or one with other hard links, which a rename would split from them. Written in
 * place under our lock and synced, as `aws configure set` writes it. */
static gboolean
write_in_place (const char  *target,
                const char  *data,
                gsize        length,
                int         *saved_errno)
{
  int fd = open (target, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
  struct stat st;
  gboolean ok;
  int allocated;

  if (fd < 0)
    {
      *saved_errno = errno;
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      *saved_errno = ERRNO_NOT_REGULAR;
      close (fd);
      return FALSE;
    }

  /* Grow first, then write, then cut: a full disk fails before a byte is changed. */
  allocated = length <= (gsize) st.st_size ? 0 : posix_fallocate (fd, 0, (off_t) length);
  ok = allocated == 0;
  if (!ok)
    *saved_errno = allocated;
  else
    {
      ok = write_all (fd, data, length, saved_errno);
      if (ok && ftruncate (fd, (off_t) length) != 0)
        ok = FALSE, *saved_errno = errno;
      if (ok && fsync (fd) != 0)
        ok = FALSE, *saved_errno = errno;
    }

  close (fd);
  return ok;
}

static void
set_busy_error (GError     **error,
                const char  *display)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("Could not update %s: another program is rewriting it and has not finished. "
                 "It was left as that program wrote it; log in again in a moment."), display);
}

/* Step 3 onwards of the discipline at the top, with the lock held. */
static gboolean
update_locked (AmtCredStore   *self,
               const char     *target,
               const char     *display,
               int             lock_fd,
               EditFunc        edit,
               SpliceFunc      splice,
               gconstpointer   user_data,
               GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  FileContents original = FILE_CONTENTS_INIT;
  char *written = NULL;          /* what our last rename put in place, when it must be checked */
  gsize written_length = 0;
  gboolean from_old_inode = FALSE;
  AmtIniKeySet *output_keys = NULL;
  gboolean ok = FALSE;
  int saved_errno = 0;

  remove_stale_temp_file (lock_fd, dir, base);

  for (guint attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
    {
      g_autoptr(AmtIniDocument) doc = NULL;
      g_autofree char *temp = NULL;
      char *output = NULL;
      gsize output_length = 0;
      gboolean in_place;

      if (!from_old_inode)
        {
          if (!amt_cred_store_read_file (target, &original, &saved_errno))
            {
              amt_cred_store_set_read_error (error, saved_errno, display);
              goto out;
            }

          /* Step 3a: never edit a file another program has just emptied or cut short. */
          if (amt_cred_store_looks_torn (self, &original))
            {
              Settling settling = amt_cred_store_wait_until_settled (self, target, &original,
                                                                     FALSE, &saved_errno);

              if (settling == SETTLE_FAILED)
                {
                  amt_cred_store_set_read_error (error, saved_errno, display);
                  goto out;
                }
              if (settling == NOT_SETTLED)
                {
                  set_busy_error (error, display);
                  goto out;
                }
            }
          else if (original.exists && original.length == 0)
            {
              /* Nothing known about it: an empty file may be one about to be written. */
              g_usleep (EMPTY_FILE_PAUSE_USEC);
              if (!amt_cred_store_read_file (target, &original, &saved_errno))
                {
                  amt_cred_store_set_read_error (error, saved_errno, display);
                  goto out;
                }
            }
        }

      /* The keys of the output, kept up to date by the splice rather than scanned after it. */
      g_clear_pointer (&output_keys, amt_ini_key_set_free);
      if (splice != NULL && !from_old_inode && original.exists)
        output_keys = amt_cred_store_copy_expected_keys (self, &original);

      switch (splice != NULL
              ? splice (original.data, original.length, user_data, output_keys, &output, &output_length,
                        error)
              : AMT_INI_SPLICE_NEEDS_DOCUMENT)
        {
        case AMT_INI_SPLICE_DONE:
          break;
        case AMT_INI_SPLICE_FAILED:
          goto out;
        case AMT_INI_SPLICE_NEEDS_DOCUMENT:
        default:
          g_clear_pointer (&output_keys, amt_ini_key_set_free);
          doc = amt_ini_document_new_from_data (original.data, original.length);
          if (!amt_ini_document_check (doc, display, error) ||
              !edit (doc, user_data, error))
            goto out;
          output = amt_ini_document_serialize (doc, &output_length);
        }

      if (original.exists && !from_old_inode &&
          amt_cred_store_bytes_equal (output, output_length, original.data, original.length))
        {
          /* Nothing to change. */
          amt_secret_free_sized (output, output_length);
          amt_cred_store_remember (self, doc, original.data, original.length);
          ok = TRUE;
          goto out;
        }

      /* Another program may have written the file since we read it (step 5); after an
       * edit of the old inode's bytes, the file must still be what we put there. */
      if (from_old_inode ? !file_holds (target, TRUE, written, written_length)
                         : !file_holds (target, original.exists, original.data, original.length))
        {
          amt_secret_free_sized (output, output_length);
          /* After an edit of the old inode's bytes: the program that wrote them has written
           * the file again since, from what it read there, so its latest is in the file. */
          from_old_inode = FALSE;
          g_debug ("%s changed while we were writing it; starting over", display);
          continue;
        }

      /* A rename would split a hard link from its other names. */
      in_place = original.n_links > 1;
      if (!in_place)
        {
          temp = write_temp_file (dir, base, lock_fd, output, output_length, &original, &saved_errno);
          if (temp == NULL)
            {
              amt_secret_free_sized (output, output_length);
              amt_cred_store_set_write_error (error, saved_errno, display);
              goto out;
            }

          if (rename (temp, target) != 0)
            {
              saved_errno = errno;
              g_unlink (temp);
              record_temp_file (lock_fd, NULL);
              /* A file bind-mounted on its own (docker -v, dev containers) cannot be replaced. */
              in_place = saved_errno == EBUSY;
              if (!in_place)
                {
                  amt_secret_free_sized (output, output_length);
                  amt_cred_store_set_write_error (error, saved_errno, display);
                  goto out;
                }
            }
          else
            {
              record_temp_file (lock_fd, NULL);
              sync_directory (dir);
            }
        }

      if (in_place)
        {
          if (!write_in_place (target, output, output_length, &saved_errno))
            {
              amt_secret_free_sized (output, output_length);
              amt_cred_store_set_write_error (error, saved_errno, display);
              goto out;
            }
          /* The inode read is the one written: no other program's bytes can hide in it. */
          if (output_keys != NULL)
            amt_cred_store_remember_keys (self, g_steal_pointer (&output_keys), TRUE,
                                          output, output_length);
          else
            amt_cred_store_remember (self, doc, output, output_length);
          amt_secret_free_sized (output, output_length);
          ok = TRUE;
          goto out;
        }

      amt_secret_free_sized (written, written_length);
      written = output;
      written_length = output_length;

      /* Step 7: a program writing in place that had the file open before the rename wrote its
       * bytes into the inode we read, which is no longer the file. Apply our edit to what it
       * wrote, so that its change is kept too. */
      if (original.exists && inode_was_written (&original))
        {
          Settling settling;

          g_debug ("%s was written in place while we replaced it; applying the edit again", display);
          settling = amt_cred_store_wait_until_settled (self, target, &original, TRUE,
                                                        &saved_errno);
          if (settling == NOT_SETTLED || settling == SETTLE_FAILED)
            {
              set_busy_error (error, display);
              goto out;
            }
          from_old_inode = TRUE;
          continue;
        }

      /* Only now: the wait above measures the old inode against the file as it was read. */
      amt_cred_store_clear_data (&original);
      if (output_keys != NULL)
        amt_cred_store_remember_keys (self, g_steal_pointer (&output_keys), TRUE,
                                      written, written_length);
      else
        amt_cred_store_remember (self, doc, written, written_length);
      ok = TRUE;
      goto out;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("Could not update %s: another program kept changing it. Log in again in a "
                 "moment."), display);

out:
  amt_ini_key_set_free (output_keys);
  amt_secret_free_sized (written, written_length);
  amt_cred_store_clear_contents (&original);
  return ok;
}

/* Steps 1 and 2, then update_locked(): applies @edit (or @splice) to the file, under the lock. */
gboolean
amt_cred_store_update_file (AmtCredStore   *self,
                            EditFunc        edit,
                            SpliceFunc      splice,
                            gconstpointer   user_data,
                            GError        **error)
{
  g_autofree char *display = amt_aws_config_dup_display_path (self->path);
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *lock_name = NULL;
  g_autofree char *lock_path = NULL;
  int saved_errno = 0;
  int lock_fd;
  gboolean ok;

  target = amt_cred_store_resolve_target (self->path, &saved_errno);
  if (target == NULL)
    {
      amt_cred_store_set_read_error (error, saved_errno, display);
      return FALSE;
    }

  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) && g_mkdir_with_parents (dir, 0700) != 0)
    {
      amt_cred_store_set_write_error (error, errno, display);
      return FALSE;
    }

  lock_name = g_strconcat (".", base, AMT_CRED_STORE_LOCK_SUFFIX, NULL);
  lock_path = g_build_filename (dir, lock_name, NULL);
  lock_fd = take_lock (lock_path, &saved_errno);
  if (lock_fd < 0)
    {
      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                     _("Could not update %s: another program has held its lock file (%s) for "
                       "too long. Close other copies of this program and log in again."),
                     display, lock_name);
      else
        amt_cred_store_set_write_error (error, saved_errno, display);
      return FALSE;
    }

  ok = update_locked (self, target, display, lock_fd, edit, splice, user_data, error);

  /* Closing the file releases the lock. */
  close (lock_fd);

  return ok;
}
