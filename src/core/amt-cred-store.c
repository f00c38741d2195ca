/* amt-cred-store.c
 *
 * Writes session credentials into the shared credentials file without ever damaging it
 * (DESIGN.md "Files"):
 *
 *  1. follow a symlinked file to its target (the symlink stays a symlink), and create the
 *     folder (0700) when it is missing;
 *  2. take an advisory lock (flock) on a sibling lock file, ".credentials.amt-lock", so that our
 *     writers (two windows, the applet and a `login` subcommand) take turns;
 *  3. read the file under the lock and apply the edit to what was just read, so an edit another
 *     tool made a moment ago is kept (in one pass over the bytes when amt_ini_scan() vouches
 *     for them, amt_ini_splice_set_values(); as a whole document otherwise);
 *  4. write the result to ".credentials.amt-XXXXXX" in the same folder (O_CREAT|O_EXCL, 0600, or
 *     the original's mode when that is stricter), fsync it;
 *  5. read the file again: the AWS CLI does not lock (`aws configure set` truncates the file and
 *     writes it again in place), so if the file changed meanwhile, start over from 3;
 *  6. rename the temporary file over the original and fsync the folder.
 *
 * A failure at any step leaves the original as it was, removes the temporary file and comes
 * back as one sentence saying what went wrong and what to do. A writer killed at any point
 * leaves either the old or the new file under the real name, never a torn one.
 *
 * A write beyond the file size limit (ulimit -f) raises SIGXFSZ, which kills the process unless
 * it is ignored; programs using this store ignore it, so that write() fails with EFBIG instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "amt-aws-config.h"
#include "amt-cred-store.h"
#include "amt-ini.h"

/* How long to wait for another writer of ours; a writer holds the lock for milliseconds. */
#define LOCK_TIMEOUT_USEC (15 * G_USEC_PER_SEC)
/* How often to start over when another program keeps changing the file under us. */
#define MAX_ATTEMPTS 8
/* The AWS CLI truncates the file before it writes it again; an empty file may be one that is
 * about to be written. */
#define EMPTY_FILE_PAUSE_USEC (20 * 1000)

struct _AmtCredStore
{
  GObject  parent_instance;

  char    *path;
};

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

/* Reads all of @fd. The buffers it grows through are wiped, as they may hold secrets. */
static gboolean
read_all (int     fd,
          char  **data,
          gsize  *length,
          int    *saved_errno)
{
  gsize size = 4096;
  gsize used = 0;
  char *buffer = g_malloc (size);
  struct stat st;

  if (fstat (fd, &st) == 0 && st.st_size > 0 && (gsize) st.st_size < G_MAXSIZE / 2)
    {
      size = (gsize) st.st_size + 4096;
      g_free (buffer);
      buffer = g_malloc (size);
    }

  for (;;)
    {
      gssize n;

      if (used + 1 >= size)
        {
          char *bigger = g_malloc (size * 2);

          memcpy (bigger, buffer, used);
          amt_ini_wipe_and_free (buffer, size);
          buffer = bigger;
          size *= 2;
        }

      n = read (fd, buffer + used, size - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *saved_errno = errno;
          amt_ini_wipe_and_free (buffer, size);
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
} FileContents;

static void
file_contents_clear (FileContents *contents)
{
  amt_ini_wipe_and_free (contents->data, contents->length);
  contents->data = NULL;
  contents->length = 0;
  contents->exists = FALSE;
}

static gboolean
read_file (const char    *path,
           FileContents  *contents,
           int           *saved_errno)
{
  struct stat st;
  int fd;
  gboolean ok;

  file_contents_clear (contents);

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      if (errno != ENOENT)
        {
          *saved_errno = errno;
          return FALSE;
        }
      contents->data = g_strdup ("");
      contents->mode = 0600;
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
      *saved_errno = S_ISDIR (st.st_mode) ? EISDIR : EINVAL;
      close (fd);
      return FALSE;
    }

  ok = read_all (fd, &contents->data, &contents->length, saved_errno);
  close (fd);
  if (!ok)
    return FALSE;

  contents->exists = TRUE;
  /* Never looser than 0600, and as strict as the original when that is stricter. */
  contents->mode = st.st_mode & 0600;
  return TRUE;
}

/* Step 5 without a second copy of the file in memory (at 100k profiles it is 26 MB): the file
 * is compared with @original a block at a time; any failure to read it counts as a change. */
#define COMPARE_BLOCK_SIZE (64 * 1024)

static gboolean
file_unchanged (const char         *path,
                const FileContents *original)
{
  struct stat st;
  char *block;
  gsize offset = 0;
  gboolean same;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return errno == ENOENT && !original->exists;

  same = original->exists && fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
  block = g_malloc (COMPARE_BLOCK_SIZE);
  while (same)
    {
      gssize n = read (fd, block, COMPARE_BLOCK_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          same = n == 0 && offset == original->length;
          break;
        }
      same = (gsize) n <= original->length - offset &&
             memcmp (block, original->data + offset, n) == 0;
      offset += n;
    }
  amt_ini_wipe_and_free (block, COMPARE_BLOCK_SIZE);
  close (fd);

  return same;
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

/* Our temporary files are ".NAME.amt-XXXXXX"; under the lock no writer of ours has one open,
 * so any that is there was left by a writer that was killed. */
static void
remove_stale_temp_files (const char *dir,
                         const char *base)
{
  g_autofree char *prefix = g_strconcat (".", base, ".amt-", NULL);
  gsize prefix_len = strlen (prefix);
  DIR *listing = opendir (dir);
  struct dirent *entry;

  if (listing == NULL)
    return;

  while ((entry = readdir (listing)) != NULL)
    {
      if (strncmp (entry->d_name, prefix, prefix_len) == 0 &&
          strlen (entry->d_name) == prefix_len + 6 &&
          strcmp (entry->d_name + prefix_len, "lock") != 0)
        {
          g_autofree char *stale = g_build_filename (dir, entry->d_name, NULL);

          g_debug ("Removing %s, left by a writer that did not finish", entry->d_name);
          g_unlink (stale);
        }
    }

  closedir (listing);
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

/* Writes @data to a new temporary file next to @target; returns its path. */
static char *
write_temp_file (const char  *dir,
                 const char  *base,
                 const char  *data,
                 gsize        length,
                 mode_t       mode,
                 int         *saved_errno)
{
  g_autofree char *name = g_strconcat (".", base, AMT_CRED_STORE_TEMP_SUFFIX, NULL);
  g_autofree char *temp = g_build_filename (dir, name, NULL);
  gboolean ok = TRUE;
  int fd;

  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    {
      *saved_errno = errno;
      return NULL;
    }

  if (fchmod (fd, mode) != 0)
    ok = FALSE, *saved_errno = errno;
  else if (!write_all (fd, data, length, saved_errno))
    ok = FALSE;
  else if (fsync (fd) != 0)
    ok = FALSE, *saved_errno = errno;

  if (!ok)
    {
      close (fd);
      g_unlink (temp);
      return NULL;
    }

  if (close (fd) != 0)
    {
      *saved_errno = errno;
      g_unlink (temp);
      return NULL;
    }

  return g_steal_pointer (&temp);
}

typedef gboolean (*EditFunc) (AmtIniDocument  *doc,
                              gconstpointer    user_data,
                              GError         **error);

/* The same edit in one pass over the bytes, when amt_ini_scan() can vouch for them. */
typedef AmtIniSpliceResult (*SpliceFunc) (const char     *data,
                                          gsize           length,
                                          gconstpointer   user_data,
                                          char          **output,
                                          gsize          *output_length,
                                          GError        **error);

/* Step 3 onwards of the discipline at the top, with the lock held. */
static gboolean
update_locked (const char     *target,
               const char     *display,
               EditFunc        edit,
               SpliceFunc      splice,
               gconstpointer   user_data,
               GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  FileContents original = { FALSE, NULL, 0, 0 };
  gboolean ok = FALSE;
  int saved_errno = 0;

  remove_stale_temp_files (dir, base);

  for (guint attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
    {
      g_autoptr(AmtIniDocument) doc = NULL;
      g_autofree char *temp = NULL;
      char *output = NULL;
      gsize output_length = 0;

      if (!read_file (target, &original, &saved_errno))
        {
          set_read_error (error, saved_errno, display);
          goto out;
        }
      if (original.exists && original.length == 0)
        {
          g_usleep (EMPTY_FILE_PAUSE_USEC);
          if (!read_file (target, &original, &saved_errno))
            {
              set_read_error (error, saved_errno, display);
              goto out;
            }
        }

      switch (splice != NULL
              ? splice (original.data, original.length, user_data, &output, &output_length, error)
              : AMT_INI_SPLICE_NEEDS_DOCUMENT)
        {
        case AMT_INI_SPLICE_DONE:
          break;
        case AMT_INI_SPLICE_FAILED:
          goto out;
        case AMT_INI_SPLICE_NEEDS_DOCUMENT:
        default:
          doc = amt_ini_document_new_from_data (original.data, original.length);
          if (!amt_ini_document_check (doc, display, error) ||
              !edit (doc, user_data, error))
            goto out;
          output = amt_ini_document_serialize (doc, &output_length);
        }

      if (original.exists && output_length == original.length &&
          memcmp (output, original.data, output_length) == 0)
        {
          /* Nothing to change. */
          amt_ini_wipe_and_free (output, output_length);
          ok = TRUE;
          goto out;
        }

      temp = write_temp_file (dir, base, output, output_length, original.mode, &saved_errno);
      amt_ini_wipe_and_free (output, output_length);
      if (temp == NULL)
        {
          set_write_error (error, saved_errno, display);
          goto out;
        }

      /* Another program may have written the file since we read it (step 5). */
      if (!file_unchanged (target, &original))
        {
          g_debug ("%s changed while we were writing it; starting over", display);
          g_unlink (temp);
          continue;
        }

      if (rename (temp, target) != 0)
        {
          saved_errno = errno;
          g_unlink (temp);
          set_write_error (error, saved_errno, display);
          goto out;
        }

      sync_directory (dir);
      ok = TRUE;
      goto out;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("Could not update %s: another program kept changing it. Log in again in a "
                 "moment."), display);

out:
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

  ok = update_locked (target, display, edit, splice, user_data, error);

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
                        char          **output,
                        gsize          *output_length,
                        GError        **error)
{
  const ReplaceData *replace = user_data;
  const AmtCredentials *credentials = replace->credentials;
  g_autofree char *expiration = NULL;
  const char *pairs[8];

  credentials_pairs (credentials, pairs, &expiration);

  return amt_ini_splice_set_values (data, length, replace->section, pairs, 4,
                                    output, output_length, error);
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
                   char          **output,
                   gsize          *output_length,
                   GError        **error)
{
  const SetValuesData *set = user_data;

  return amt_ini_splice_set_values (data, length, set->section, set->pairs, set->n_pairs,
                                    output, output_length, error);
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

/* A document of @section alone when the file allows it (amt_ini_document_new_for_section()),
 * of the whole file otherwise. */
static AmtIniDocument *
read_document (AmtCredStore  *self,
               const char    *section,
               const char    *display,
               GError       **error)
{
  FileContents contents = { FALSE, NULL, 0, 0 };
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
