/* amt-cred-store.c
 *
 * Writes session credentials into the shared credentials file without ever damaging it
 * (DESIGN.md "Files"):
 *
 *  1. follow a symlinked file to its target (the symlink stays a symlink), and create the
 *     folder (0700) when it is missing;
 *  2. take an advisory lock (flock) on a sibling lock file, ".credentials.amt-lock", so that our
 *     writers (two windows, the applet and a `login` subcommand) take turns;
 *  3. read the file under the lock (keeping that inode open) and apply the edit to what was just
 *     read, so an edit another tool made a moment ago is kept (in one pass over the bytes when
 *     amt_ini_scan() vouches for them, amt_ini_splice_set_values(); as a whole document
 *     otherwise). Programs that rewrite the file in
 *     place (a shell redirect, an editor, configparser, `aws configure set`) leave it empty or
 *     half written for a moment: a file shorter than, or missing keys of, what it held when last
 *     seen whole (amt_cred_store_remember_contents(), or our own last write) is waited for, up to
 *     5 s, until it is whole again; one that stays empty is left alone, with a sentence;
 *  4. write the result to ".credentials.amt-XXXXXX" in the same folder (O_CREAT|O_EXCL, 0600, or
 *     the original's mode when that is stricter, and the original's owner and group), fsync it;
 *     the lock file names it meanwhile, so that the next writer removes it if we are killed, and
 *     never a file of the user's that only looks like one;
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
/* statx(), for STATX_ATTR_MOUNT_ROOT: a file bind-mounted on its own. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "amt-aws-config.h"
#include "amt-cred-store.h"
#include "amt-ini.h"
#include "amt-ini-scan.h"

/* How long to wait for another writer of ours; a writer holds the lock for milliseconds. */
#define LOCK_TIMEOUT_USEC (15 * G_USEC_PER_SEC)
/* How often to start over when another program keeps changing the file under us. */
#define MAX_ATTEMPTS 8
/* The AWS CLI truncates the file before it writes it again; an empty file may be one that is
 * about to be written. */
#define EMPTY_FILE_PAUSE_USEC (20 * 1000)
/* How long a file that another program is rewriting in place (it is shorter than when it was
 * last seen whole, or lost keys) is waited for, and how often it is read meanwhile. */
#define SETTLE_TIMEOUT_USEC (5 * G_USEC_PER_SEC)
#define SETTLE_POLL_USEC (10 * 1000)
/* The errno our reads give for a file that is not a regular one: a FIFO, a device, a socket. */
#define ERRNO_NOT_REGULAR EINVAL
/* Files are compared with what we hold a block at a time, not as a second copy. */
#define COMPARE_BLOCK_SIZE (64 * 1024)

struct _AmtCredStore
{
  GObject     parent_instance;

  char       *path;

  GMutex      expected_lock;    /* writes run in worker threads */
  AmtIniKeySet *expected_keys;  /* see Expected below; NULL when never seen whole */
  gsize       expected_length;
  guint64     expected_fingerprint;
  gboolean    expected_by_scan; /* the keys came from the scanner: no [DEFAULT] to inherit */
};

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

static void
set_write_error (GError     **error,
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

static void
set_read_error (GError     **error,
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

/* Files */

/* Follows a chain of symlinks to the file that is to be replaced; a dangling link gives the
 * path it points to, which will be created. */
static char *
resolve_target (const char  *path,
                int         *saved_errno)
{
  g_autofree char *current = g_strdup (path);

  for (guint i = 0; i < 40; i++)
    {
      struct stat st;
      g_autofree char *link = NULL;

      if (lstat (current, &st) != 0)
        {
          if (errno == ENOENT)
            return g_steal_pointer (&current);
          *saved_errno = errno;
          return NULL;
        }

      if (!S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);

      link = g_file_read_link (current, NULL);
      if (link == NULL)
        {
          *saved_errno = EINVAL;
          return NULL;
        }

      if (g_path_is_absolute (link))
        {
          g_free (current);
          current = g_steal_pointer (&link);
        }
      else
        {
          g_autofree char *dir = g_path_get_dirname (current);

          g_free (current);
          current = g_build_filename (dir, link, NULL);
        }
    }

  *saved_errno = ELOOP;
  return NULL;
}

/* Reads all of @fd from its start. The buffers it grows through are wiped, as they may hold
 * secrets. */
static gboolean
read_all (int     fd,
          char  **data,
          gsize  *length,
          int    *saved_errno)
{
  gsize size = 4096;
  gsize used = 0;
  char *buffer;
  struct stat st;

  if (fstat (fd, &st) == 0 && st.st_size > 0 && (gsize) st.st_size < G_MAXSIZE / 2)
    size = (gsize) st.st_size + 4096;
  buffer = g_malloc (size);

  for (;;)
    {
      gssize n;

      if (used + 1 >= size)
        {
          char *bigger = g_malloc (size * 2);

          memcpy (bigger, buffer, used);
          amt_secret_free_sized (buffer, size);
          buffer = bigger;
          size *= 2;
        }

      n = pread (fd, buffer + used, size - used - 1, (off_t) used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *saved_errno = errno;
          amt_secret_free_sized (buffer, size);
          return FALSE;
        }
      if (n == 0)
        break;
      used += n;
    }

  buffer[used] = '\0';
  *data = buffer;
  *length = used;
  return TRUE;
}

typedef struct {
  gboolean  exists;
  char     *data;
  gsize     length;
  mode_t    mode;
  uid_t     uid;
  gid_t     gid;
  nlink_t   n_links;
  int       fd;        /* the inode read, kept open to see later writes into it; or -1 */
} FileContents;

#define FILE_CONTENTS_INIT { FALSE, NULL, 0, 0, 0, 0, 0, -1 }

static void
file_contents_clear_data (FileContents *contents)
{
  amt_secret_free_sized (contents->data, contents->length);
  contents->data = NULL;
  contents->length = 0;
}

static void
file_contents_clear (FileContents *contents)
{
  file_contents_clear_data (contents);
  contents->exists = FALSE;
  if (contents->fd >= 0)
    close (contents->fd);
  contents->fd = -1;
}

static gboolean
read_file (const char    *path,
           FileContents  *contents,
           int           *saved_errno)
{
  struct stat st;
  int fd;

  file_contents_clear (contents);

  /* O_NONBLOCK: opening a FIFO must not wait for a writer (with our lock held). */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      if (errno != ENOENT)
        {
          *saved_errno = errno;
          return FALSE;
        }
      contents->data = g_strdup ("");
      contents->mode = 0600;
      contents->uid = geteuid ();
      contents->gid = getegid ();
      contents->n_links = 1;
      return TRUE;
    }

  if (fstat (fd, &st) != 0)
    {
      *saved_errno = errno;
      close (fd);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      *saved_errno = S_ISDIR (st.st_mode) ? EISDIR : ERRNO_NOT_REGULAR;
      close (fd);
      return FALSE;
    }

  if (!read_all (fd, &contents->data, &contents->length, saved_errno))
    {
      close (fd);
      return FALSE;
    }

  contents->exists = TRUE;
  contents->fd = fd;
  /* Never looser than 0600, and as strict as the original when that is stricter. */
  contents->mode = st.st_mode & 0600;
  contents->uid = st.st_uid;
  contents->gid = st.st_gid;
  contents->n_links = st.st_nlink;
  return TRUE;
}

/* Reads again the inode @contents was read from (it may be gone from the folder by now). */
static gboolean
reread_inode (FileContents *contents)
{
  int saved_errno = 0;

  if (contents->fd < 0)
    return FALSE;

  file_contents_clear_data (contents);
  if (!read_all (contents->fd, &contents->data, &contents->length, &saved_errno))
    {
      contents->data = g_strdup ("");
      return FALSE;
    }
  return TRUE;
}

static gboolean
bytes_equal (const char *a,
             gsize       a_length,
             const char *b,
             gsize       b_length)
{
  return a_length == b_length && memcmp (a, b, a_length) == 0;
}

static gboolean
file_contents_equal (const FileContents *a,
                     const FileContents *b)
{
  return a->exists == b->exists && bytes_equal (a->data, a->length, b->data, b->length);
}

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

/* The temporary file a writer of ours is writing is named in the lock file while it exists,
 * so that the next writer removes a temporary file left by one that was killed, and never
 * a file of the user's that merely looks like one. */
static void
record_temp_file (int         lock_fd,
                  const char *name)
{
  if (ftruncate (lock_fd, 0) != 0)
    return;
  if (name != NULL && pwrite (lock_fd, name, strlen (name), 0) < 0)
    g_debug ("Could not note the temporary file in the lock file: %s", g_strerror (errno));
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
  g_autofree char *name = g_strconcat (".", base, AMT_CRED_STORE_TEMP_SUFFIX, NULL);
  g_autofree char *temp = g_build_filename (dir, name, NULL);
  g_autofree char *temp_name = NULL;
  gboolean ok = TRUE;
  int fd;

  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    {
      *saved_errno = errno;
      return NULL;
    }
  temp_name = g_path_get_basename (temp);
  record_temp_file (lock_fd, temp_name);

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

/* What the file held when it was last seen whole (amt_cred_store_remember_contents(), or our
 * own last write): every section and key (amt_ini_scan_keys()), its length, and a fingerprint
 * of its bytes, so that a file that is still those bytes needs no parse to be known whole. */

/* A 64-bit hash of the bytes, four words at a time so that it runs near memory speed. Not a
 * proof against an adversary: it only tells our own last bytes from a torn rewrite. */
static guint64
fingerprint (const char *data,
             gsize       length)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint64 h[4] = { length, 1, 2, 3 };
  guint64 tail = 0;
  gsize i = 0;

  for (; i + 32 <= length; i += 32)
    for (guint lane = 0; lane < 4; lane++)
      {
        guint64 word;

        memcpy (&word, data + i + 8 * lane, 8);
        h[lane] = (h[lane] ^ word) * k;
        h[lane] ^= h[lane] >> 32;
      }
  for (; i < length; i++)
    tail = (tail ^ (guchar) data[i]) * G_GUINT64_CONSTANT (0x100000001b3);

  return ((h[0] * k ^ h[1]) * k ^ h[2]) * k ^ h[3] ^ (tail * k);
}

static AmtIniKeySet *
document_keys (AmtIniDocument *doc)
{
  AmtIniKeySet *keys = amt_ini_key_set_new ();
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_auto(GStrv) names = amt_ini_document_get_keys (doc, sections[i]);
      gsize section_len = strlen (sections[i]);

      amt_ini_key_set_add (keys, sections[i], section_len, "", 0);
      for (guint j = 0; names != NULL && names[j] != NULL; j++)
        amt_ini_key_set_add (keys, sections[i], section_len, names[j], strlen (names[j]));
    }

  return keys;
}

/* The keys of @data, in one pass when the scanner vouches for the bytes; NULL when AWS tools
 * cannot read them. */
static AmtIniKeySet *
keys_of (const char *data,
         gsize       length,
         gboolean   *by_scan)
{
  g_autoptr(AmtIniDocument) doc = NULL;
  AmtIniKeySet *keys = amt_ini_scan_keys (data, length);

  *by_scan = keys != NULL;
  if (keys != NULL)
    return keys;

  doc = amt_ini_document_new_from_data (data, length);
  if (!amt_ini_document_check (doc, "", NULL))
    return NULL;
  return document_keys (doc);
}

/* Takes @keys; NULL (bytes AWS tools cannot read) changes nothing. */
static void
remember_keys_locked (AmtCredStore *self,
                      AmtIniKeySet *keys,
                      gboolean      by_scan,
                      const char   *data,
                      gsize         length)
{
  guint64 print;

  if (keys == NULL)
    return;
  print = fingerprint (data, length);

  g_mutex_lock (&self->expected_lock);
  g_clear_pointer (&self->expected_keys, amt_ini_key_set_free);
  self->expected_keys = keys;
  self->expected_length = length;
  self->expected_fingerprint = print;
  self->expected_by_scan = by_scan;
  g_mutex_unlock (&self->expected_lock);
}

static void
remember_locked (AmtCredStore   *self,
                 AmtIniDocument *doc,
                 const char     *data,
                 gsize           length)
{
  gboolean by_scan = FALSE;
  /* An edit spliced into the bytes has no document: the keys are read from what was written. */
  AmtIniKeySet *keys = doc != NULL ? document_keys (doc) : keys_of (data, length, &by_scan);

  remember_keys_locked (self, keys, by_scan, data, length);
}

/* A copy of the keys last seen whole when @contents is still those bytes and they came from
 * the scanner, so that a splice can update them without a scan of its output; or NULL. */
static AmtIniKeySet *
copy_expected_keys (AmtCredStore       *self,
                    const FileContents *contents)
{
  AmtIniKeySet *keys = NULL;
  guint64 print = fingerprint (contents->data, contents->length);

  g_mutex_lock (&self->expected_lock);
  if (self->expected_keys != NULL && self->expected_by_scan &&
      self->expected_length == contents->length && self->expected_fingerprint == print)
    keys = amt_ini_key_set_copy (self->expected_keys);
  g_mutex_unlock (&self->expected_lock);

  return keys;
}

/* Whether @contents looks like a file another program is rewriting in place right now: shorter
 * than it was when last seen whole (so also empty), unreadable by AWS tools, or missing keys it
 * had. Nothing is known of a file never seen whole. */
static gboolean
looks_torn (AmtCredStore       *self,
            const FileContents *contents)
{
  g_autoptr(AmtIniKeySet) keys = NULL;
  gboolean torn = FALSE;

  g_mutex_lock (&self->expected_lock);
  if (self->expected_keys != NULL && self->expected_length > 0)
    {
      if (contents->length < self->expected_length)
        torn = TRUE;
      else if (contents->length == self->expected_length &&
               fingerprint (contents->data, contents->length) == self->expected_fingerprint)
        torn = FALSE;   /* the very bytes last seen whole */
      else
        {
          gboolean by_scan;

          keys = keys_of (contents->data, contents->length, &by_scan);
          torn = keys == NULL || !amt_ini_key_set_contains_all (keys, self->expected_keys);
        }
    }
  g_mutex_unlock (&self->expected_lock);

  return torn;
}

typedef enum {
  SETTLED,           /* whole again */
  SETTLED_STABLE,    /* unchanged for the whole wait, but still shorter, missing keys or broken */
  NOT_SETTLED,       /* still empty, or still changing */
  SETTLE_FAILED,     /* could not be read */
} Settling;

/* Waits (a bounded time) until the file, or the inode @contents holds (@by_inode), is whole
 * again; @contents is then what it holds. Whether it stays so until the rename is checked
 * there (step 5). */
static Settling
wait_until_settled (AmtCredStore  *self,
                    const char    *target,
                    FileContents  *contents,
                    gboolean       by_inode,
                    int           *saved_errno)
{
  gint64 deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_USEC;
  gint64 unchanged_since = g_get_monotonic_time ();

  for (;;)
    {
      FileContents previous = FILE_CONTENTS_INIT;

      g_usleep (SETTLE_POLL_USEC);

      previous.exists = contents->exists;
      previous.data = contents->data;
      previous.length = contents->length;
      contents->data = NULL;
      contents->length = 0;

      if (by_inode)
        reread_inode (contents);
      else if (!read_file (target, contents, saved_errno))
        {
          file_contents_clear (&previous);
          return SETTLE_FAILED;
        }

      if (!looks_torn (self, contents))
        {
          file_contents_clear (&previous);
          return SETTLED;
        }
      if (!file_contents_equal (&previous, contents))
        unchanged_since = g_get_monotonic_time ();
      file_contents_clear (&previous);

      if (g_get_monotonic_time () > deadline)
        {
          /* A file that stayed the same for the whole wait was edited that way on purpose (or
           * is broken, which the caller says); an empty one may still be waiting for a slow
           * writer (`pass show aws > …` asking for a passphrase). */
          if (unchanged_since < deadline - SETTLE_TIMEOUT_USEC + 2 * SETTLE_POLL_USEC &&
              contents->length > 0)
            return SETTLED_STABLE;
          return NOT_SETTLED;
        }
    }
}

typedef gboolean (*EditFunc) (AmtIniDocument  *doc,
                              gconstpointer    user_data,
                              GError         **error);

static void
set_busy_error (GError     **error,
                const char  *display)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("Could not update %s: another program is rewriting it and has not finished. "
                 "It was left as that program wrote it; log in again in a moment."), display);
}

/* The same edit in one pass over the bytes, when amt_ini_scan() can vouch for them. */
/* When it is done and @keys is not NULL, the edit is applied to @keys too. */
typedef AmtIniSpliceResult (*SpliceFunc) (const char     *data,
                                          gsize           length,
                                          gconstpointer   user_data,
                                          AmtIniKeySet   *keys,
                                          char          **output,
                                          gsize          *output_length,
                                          GError        **error);

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
          if (!read_file (target, &original, &saved_errno))
            {
              set_read_error (error, saved_errno, display);
              goto out;
            }

          /* Step 3a: never edit a file another program has just emptied or cut short. */
          if (looks_torn (self, &original))
            {
              Settling settling = wait_until_settled (self, target, &original, FALSE, &saved_errno);

              if (settling == SETTLE_FAILED)
                {
                  set_read_error (error, saved_errno, display);
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
              if (!read_file (target, &original, &saved_errno))
                {
                  set_read_error (error, saved_errno, display);
                  goto out;
                }
            }
        }

      /* The keys of the output, kept up to date by the splice rather than scanned after it. */
      g_clear_pointer (&output_keys, amt_ini_key_set_free);
      if (splice != NULL && !from_old_inode && original.exists)
        output_keys = copy_expected_keys (self, &original);

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
          bytes_equal (output, output_length, original.data, original.length))
        {
          /* Nothing to change. */
          amt_secret_free_sized (output, output_length);
          remember_locked (self, doc, original.data, original.length);
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
              set_write_error (error, saved_errno, display);
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
                  set_write_error (error, saved_errno, display);
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
              set_write_error (error, saved_errno, display);
              goto out;
            }
          /* The inode read is the one written: no other program's bytes can hide in it. */
          if (output_keys != NULL)
            remember_keys_locked (self, g_steal_pointer (&output_keys), TRUE, output, output_length);
          else
            remember_locked (self, doc, output, output_length);
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
          settling = wait_until_settled (self, target, &original, TRUE, &saved_errno);
          if (settling == NOT_SETTLED || settling == SETTLE_FAILED)
            {
              set_busy_error (error, display);
              goto out;
            }
          from_old_inode = TRUE;
          continue;
        }

      /* Only now: the wait above measures the old inode against the file as it was read. */
      file_contents_clear_data (&original);
      if (output_keys != NULL)
        remember_keys_locked (self, g_steal_pointer (&output_keys), TRUE, written, written_length);
      else
        remember_locked (self, doc, written, written_length);
      ok = TRUE;
      goto out;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("Could not update %s: another program kept changing it. Log in again in a "
                 "moment."), display);

out:
  amt_ini_key_set_free (output_keys);
  amt_secret_free_sized (written, written_length);
  file_contents_clear (&original);
  return ok;
}

static gboolean
update_file (AmtCredStore   *self,
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

  target = resolve_target (self->path, &saved_errno);
  if (target == NULL)
    {
      set_read_error (error, saved_errno, display);
      return FALSE;
    }

  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) && g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_write_error (error, errno, display);
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
        set_write_error (error, saved_errno, display);
      return FALSE;
    }

  ok = update_locked (self, target, display, lock_fd, edit, splice, user_data, error);

  /* Closing the file releases the lock. */
  close (lock_fd);

  return ok;
}

typedef struct {
  const char           *section;
  const AmtCredentials *credentials;
} ReplaceData;

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

static gboolean
replace_section_edit (AmtIniDocument  *doc,
                      gconstpointer    user_data,
                      GError         **error)
{
  const ReplaceData *data = user_data;
  const AmtCredentials *credentials = data->credentials;
  g_autofree char *expiration = NULL;
  const char *pairs[8];

  if (!amt_ini_document_has_section (doc, data->section) &&
      !amt_ini_document_add_section (doc, data->section, error))
    return FALSE;

  /* One edit of the four keys: checked once, and all of them or none. */
  credentials_pairs (credentials, pairs, &expiration);

  return amt_ini_document_set_values (doc, data->section, pairs, 4, error);
}

static AmtIniSpliceResult
replace_section_splice (const char     *data,
                        gsize           length,
                        gconstpointer   user_data,
                        AmtIniKeySet   *keys,
                        char          **output,
                        gsize          *output_length,
                        GError        **error)
{
  const ReplaceData *replace = user_data;
  const AmtCredentials *credentials = replace->credentials;
  g_autofree char *expiration = NULL;
  const char *pairs[8];

  AmtIniSpliceResult result;

  credentials_pairs (credentials, pairs, &expiration);

  result = amt_ini_splice_set_values (data, length, replace->section, pairs, 4,
                                      output, output_length, error);
  if (result == AMT_INI_SPLICE_DONE && keys != NULL)
    amt_ini_key_set_set_values (keys, replace->section, pairs, 4);
  return result;
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
  ReplaceData data = { section, credentials };

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);
  g_return_val_if_fail (credentials->access_key_id != NULL, FALSE);
  g_return_val_if_fail (credentials->secret_access_key != NULL, FALSE);

  return update_file (self, replace_section_edit, replace_section_splice, &data, error);
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

  return update_file (self, remove_section_edit, NULL, section, error);
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
  const SetValuesData *data = user_data;

  if (!amt_ini_document_has_section (doc, data->section) &&
      !amt_ini_document_add_section (doc, data->section, error))
    return FALSE;

  return amt_ini_document_set_values (doc, data->section, data->pairs, data->n_pairs, error);
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
  SetValuesData data;

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (pairs != NULL || n_pairs == 0, FALSE);

  data.section = section;
  data.pairs = pairs;
  data.n_pairs = n_pairs;
  return update_file (self, set_values_edit, set_values_splice, &data, error);
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
  g_auto(GStrv) left = NULL;

  if (!amt_ini_document_has_section (doc, data->section))
    return TRUE;

  for (guint i = 0; data->keys[i] != NULL; i++)
    if (amt_ini_document_get_value (doc, data->section, data->keys[i]) != NULL &&
        !amt_ini_document_remove_key (doc, data->section, data->keys[i], error))
      return FALSE;

  left = amt_ini_document_get_keys (doc, data->section);
  if (left == NULL || left[0] == NULL)
    return amt_ini_document_remove_section (doc, data->section, error);

  return TRUE;
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
  RemoveKeysData data;

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);

  data.section = section;
  data.keys = keys;
  return update_file (self, remove_keys_edit, NULL, &data, error);
}

static gboolean
add_values_edit (AmtIniDocument  *doc,
                 gconstpointer    user_data,
                 GError         **error)
{
  const SetValuesData *data = user_data;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (guint i = 0; i < data->n_pairs; i++)
    if (!amt_ini_document_has_section (doc, data->section) ||
        amt_ini_document_get_value (doc, data->section, data->pairs[2 * i]) == NULL)
      {
        g_ptr_array_add (missing, (gpointer) data->pairs[2 * i]);
        g_ptr_array_add (missing, (gpointer) data->pairs[2 * i + 1]);
      }

  if (missing->len == 0)
    return TRUE;

  if (!amt_ini_document_has_section (doc, data->section) &&
      !amt_ini_document_add_section (doc, data->section, error))
    return FALSE;

  return amt_ini_document_set_values (doc, data->section, (const char * const *) missing->pdata,
                                      missing->len / 2, error);
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
  SetValuesData data;

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (pairs != NULL || n_pairs == 0, FALSE);

  data.section = section;
  data.pairs = pairs;
  data.n_pairs = n_pairs;
  return update_file (self, add_values_edit, NULL, &data, error);
}

typedef struct {
  ReplaceData  replace;
  const char  *from;
} MoveData;

static gboolean
move_session_edit (AmtIniDocument  *doc,
                   gconstpointer    user_data,
                   GError         **error)
{
  const MoveData *data = user_data;
  const char *remove[] = {
    AMT_AWS_KEY_ACCESS_KEY_ID, NULL, AMT_AWS_KEY_SECRET_ACCESS_KEY, NULL,
    AMT_AWS_KEY_SESSION_TOKEN, NULL, AMT_AWS_KEY_EXPIRATION, NULL,
  };
  g_auto(GStrv) left = NULL;

  if (!replace_section_edit (doc, &data->replace, error))
    return FALSE;
  if (!amt_ini_document_has_section (doc, data->from))
    return TRUE;

  /* Only the four keys this program wrote go; a section left empty goes with them. */
  if (!amt_ini_document_set_values (doc, data->from, remove, G_N_ELEMENTS (remove) / 2, error))
    return FALSE;
  left = amt_ini_document_get_keys (doc, data->from);
  if (left == NULL || left[0] == NULL)
    return amt_ini_document_remove_section (doc, data->from, error);

  return TRUE;
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
  MoveData data = { { section, credentials }, from };

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (from != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (from, section) != 0, FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);

  return update_file (self, move_session_edit, NULL, &data, error);
}

/* A document of @section alone when the file allows it (amt_ini_document_new_for_section()),
 * of the whole file otherwise. */
static AmtIniDocument *
read_document (AmtCredStore  *self,
               const char    *section,
               const char    *display,
               GError       **error)
{
  FileContents contents = FILE_CONTENTS_INIT;
  g_autoptr(AmtIniDocument) doc = NULL;
  int saved_errno = 0;

  /* No lock: the file is only ever replaced whole, by rename. */
  if (!read_file (self->path, &contents, &saved_errno))
    {
      set_read_error (error, saved_errno, display);
      return NULL;
    }

  doc = amt_ini_document_new_for_section (contents.data, contents.length, section);
  if (doc == NULL)
    doc = amt_ini_document_new_from_data (contents.data, contents.length);
  file_contents_clear (&contents);

  if (!amt_ini_document_check (doc, display, error))
    return NULL;

  return g_steal_pointer (&doc);
}

/**
 * amt_cred_store_read_section:
 * @self: a store
 * @section: a section
 * @error: return location for a #GError; %G_IO_ERROR_NOT_FOUND when the section is missing or
 *   lacks keys
 *
 * Returns: (transfer full) (nullable): the credentials in @section
 */
AmtCredentials *
amt_cred_store_read_section (AmtCredStore  *self,
                             const char    *section,
                             GError       **error)
{
  g_autofree char *display = NULL;
  g_autoptr(AmtIniDocument) doc = NULL;
  g_autoptr(GDateTime) expiration = NULL;
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;
  const char *expiration_text;

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  display = amt_aws_config_dup_display_path (self->path);
  doc = read_document (self, section, display, error);
  if (doc == NULL)
    return NULL;

  access_key_id = amt_ini_document_get_value (doc, section, AMT_AWS_KEY_ACCESS_KEY_ID);
  secret_access_key = amt_ini_document_get_value (doc, section, AMT_AWS_KEY_SECRET_ACCESS_KEY);
  session_token = amt_ini_document_get_value (doc, section, AMT_AWS_KEY_SESSION_TOKEN);
  /* botocore still reads the old name of the token. */
  if (session_token == NULL)
    session_token = amt_ini_document_get_value (doc, section, "aws_security_token");
  expiration_text = amt_ini_document_get_value (doc, section, AMT_AWS_KEY_EXPIRATION);

  if (access_key_id == NULL || secret_access_key == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s has no keys for the profile “%s”."), display, section);
      return NULL;
    }

  if (expiration_text != NULL)
    expiration = amt_credentials_parse_expiration (expiration_text);

  return amt_credentials_new (access_key_id, secret_access_key, session_token, expiration);
}

/**
 * amt_cred_store_read_expiration:
 * @self: a store
 * @section: a section
 * @expiration: (out) (transfer full) (optional) (nullable): the expiration of @section, or %NULL
 *   when it has none (or one that is no time)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the file could be read (or does not exist)
 */
gboolean
amt_cred_store_read_expiration (AmtCredStore  *self,
                                const char    *section,
                                GDateTime    **expiration,
                                GError       **error)
{
  g_autofree char *display = NULL;
  g_autoptr(AmtIniDocument) doc = NULL;
  const char *text;

  g_return_val_if_fail (AMT_IS_CRED_STORE (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  display = amt_aws_config_dup_display_path (self->path);
  doc = read_document (self, section, display, error);
  if (doc == NULL)
    return FALSE;

  text = amt_ini_document_get_value (doc, section, AMT_AWS_KEY_EXPIRATION);
  if (expiration != NULL)
    *expiration = text != NULL ? amt_credentials_parse_expiration (text) : NULL;

  return TRUE;
}

/**
 * amt_cred_store_remember_contents:
 * @self: a store
 *
 * Remembers which keys the file holds now, and its length, as what it holds when whole: a
 * later write that finds it shorter or missing keys waits (a few seconds) for the program
 * that is rewriting it in place to finish. Call it when the files are loaded.
 */
void
amt_cred_store_remember_contents (AmtCredStore *self)
{
  FileContents contents = FILE_CONTENTS_INIT;
  int saved_errno = 0;

  g_return_if_fail (AMT_IS_CRED_STORE (self));

  /* A file AWS tools cannot read is not remembered (keys_of() is NULL). */
  if (read_file (self->path, &contents, &saved_errno) && contents.exists)
    {
      gboolean by_scan;
      AmtIniKeySet *keys = keys_of (contents.data, contents.length, &by_scan);

      remember_keys_locked (self, keys, by_scan, contents.data, contents.length);
    }
  file_contents_clear (&contents);
}

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
  target = resolve_target (self->path, &saved_errno);
  if (target == NULL)
    {
      set_read_error (error, saved_errno, display);
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
      set_write_error (error, EROFS, display);
      return FALSE;
    }

  if (statx (AT_FDCWD, target, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_NLINK | STATX_SIZE, &stx) != 0)
    {
      if (errno != ENOENT)
        {
          set_read_error (error, errno, display);
          return FALSE;
        }
      if (access (dir, W_OK | X_OK) != 0)
        {
          set_write_error (error, errno, display);
          return FALSE;
        }
      return TRUE;
    }

  if (!S_ISREG (stx.stx_mode))
    {
      set_read_error (error, S_ISDIR (stx.stx_mode) ? EISDIR : ERRNO_NOT_REGULAR, display);
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
      set_write_error (error, errno, display);
      return FALSE;
    }

  /* The new file is the old one and our section: a few kilobytes more at most. */
  if (getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      stx.stx_size + 16 * 1024 > limit.rlim_cur)
    {
      set_write_error (error, EFBIG, display);
      return FALSE;
    }

  return TRUE;
}
