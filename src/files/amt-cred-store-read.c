/* amt-cred-store-read.c
 *
 * Reading the credentials file: following a symlinked file to its target, reading all of it
 * into a buffer that is wiped when freed, keeping the inode read open (so that the write
 * protocol sees what a program writing in place puts there later), and the sections read back
 * without the lock (the file is only ever replaced whole, by rename).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "amt-aws-config.h"
#include "amt-cred-store-private.h"
#include "amt-secret.h"

/* Follows a chain of symlinks to the file that is to be replaced; a dangling link gives the
 * path it points to, which will be created. */
char *
amt_cred_store_resolve_target (const char  *path,
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

void
amt_cred_store_clear_data (FileContents *contents)
{
  amt_secret_free_sized (contents->data, contents->length);
  contents->data = NULL;
  contents->length = 0;
}

void
amt_cred_store_clear_contents (FileContents *contents)
{
  amt_cred_store_clear_data (contents);
  contents->exists = FALSE;
  if (contents->fd >= 0)
    close (contents->fd);
  contents->fd = -1;
}

gboolean
amt_cred_store_read_file (const char    *path,
                          FileContents  *contents,
                          int           *saved_errno)
{
  struct stat st;
  int fd;

  amt_cred_store_clear_contents (contents);

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
gboolean
amt_cred_store_reread_inode (FileContents *contents)
{
  int saved_errno = 0;

  if (contents->fd < 0)
    return FALSE;

  amt_cred_store_clear_data (contents);
  if (!read_all (contents->fd, &contents->data, &contents->length, &saved_errno))
    {
      contents->data = g_strdup ("");
      return FALSE;
    }
  return TRUE;
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
  if (!amt_cred_store_read_file (self->path, &contents, &saved_errno))
    {
      amt_cred_store_set_read_error (error, saved_errno, display);
      return NULL;
    }

  doc = amt_ini_document_new_for_section (contents.data, contents.length, section);
  if (doc == NULL)
    doc = amt_ini_document_new_from_data (contents.data, contents.length);
  amt_cred_store_clear_contents (&contents);

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
