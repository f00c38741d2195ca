/* amt-failure-state.c
 *
 * Why the last refresh of a profile failed, kept in $XDG_STATE_HOME/aws-mfa-tray/failures so
 * that a half-done login is told by `status` in any process, and by the applet after it starts
 * again, not only by the process that ran it. One group per profile and credentials file (the
 * same name may be a profile of two files), named by a hash of the file's path:
 *
 *   [3f2a…/dev]
 *   message=Could not update ~/.aws/credentials: …
 *   expiration=1764700000000000
 *
 * The file is replaced whole (g_file_set_contents: a temporary file renamed over it), under an
 * advisory lock so that two processes recording at once keep both records. It holds messages,
 * never a secret. A missing or unreadable file is an empty one: it is only ever a hint.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-failure-state"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "amt-failure-state.h"

AmtFailure *
amt_failure_new (const char *message,
                 gint64      expiration)
{
  AmtFailure *failure = g_new0 (AmtFailure, 1);

  failure->message = g_strdup (message);
  failure->expiration = expiration;
  return failure;
}

void
amt_failure_free (AmtFailure *failure)
{
  if (failure == NULL)
    return;
  g_free (failure->message);
  g_free (failure);
}

static char *
dup_state_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "aws-mfa-tray", NULL);
}

/**
 * amt_failure_state_dup_path:
 *
 * Returns: (transfer full): the file the failures are kept in, for a monitor to watch
 */
char *
amt_failure_state_dup_path (void)
{
  g_autofree char *dir = dup_state_dir ();

  return g_build_filename (dir, "failures", NULL);
}

static char *
group_prefix (const char *credentials_path)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, credentials_path, -1);

  return g_strdup_printf ("%.16s/", digest);
}

/* [PREFIX/PROFILE]: @profile's group, for the credentials file at @credentials_path. */
static char *
failure_group (const char *credentials_path,
               const char *profile)
{
  g_autofree char *prefix = group_prefix (credentials_path);

  return g_strconcat (prefix, profile, NULL);
}

/* Takes the lock and reads the file; returns the lock's fd, or -1 (then nothing is written). */
static int
open_locked (GKeyFile **key_file)
{
  g_autofree char *dir = dup_state_dir ();
  g_autofree char *lock_path = g_build_filename (dir, "failures.lock", NULL);
  g_autofree char *path = amt_failure_state_dup_path ();
  int fd;

  *key_file = g_key_file_new ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return -1;
  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0)
    return -1;
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        close (fd);
        return -1;
      }

  g_key_file_load_from_file (*key_file, path, G_KEY_FILE_NONE, NULL);
  return fd;
}

static void
save_and_unlock (GKeyFile *key_file,
                 int       fd)
{
  g_autofree char *path = amt_failure_state_dup_path ();
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  data = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (path, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    g_debug ("Could not keep the last failures in %s: %s", path, error->message);
  close (fd);
}

/**
 * amt_failure_state_load:
 * @credentials_path: the credentials file the profiles are written to
 *
 * Returns: (transfer full) (element-type utf8 AmtFailure): profile name → its last failure
 */
GHashTable *
amt_failure_state_load (const char *credentials_path)
{
  GHashTable *failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) amt_failure_free);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = amt_failure_state_dup_path ();
  g_autofree char *prefix = group_prefix (credentials_path);
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (credentials_path != NULL, failures);

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return failures;

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *message = NULL;
      gint64 expiration;

      if (!g_str_has_prefix (groups[i], prefix))
        continue;
      message = g_key_file_get_string (key_file, groups[i], "message", NULL);
      expiration = g_key_file_get_int64 (key_file, groups[i], "expiration", NULL);
      if (message != NULL)
        g_hash_table_replace (failures, g_strdup (groups[i] + strlen (prefix)),
                              amt_failure_new (message, expiration));
    }

  return failures;
}

/**
 * amt_failure_state_record:
 *
 * Keeps @failure as the last failure of @profile (in the file at @credentials_path).
 */
void
amt_failure_state_record (const char       *credentials_path,
                          const char       *profile,
                          const AmtFailure *failure)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autofree char *group = NULL;
  int fd;

  g_return_if_fail (credentials_path != NULL);
  g_return_if_fail (profile != NULL);
  g_return_if_fail (failure != NULL);

  group = failure_group (credentials_path, profile);
  /* A name GKeyFile cannot hold as a group is not kept; the failure is still shown here. */
  if (strpbrk (group, "[]\n\r") != NULL)
    return;

  fd = open_locked (&key_file);
  if (fd < 0)
    return;
  g_key_file_set_string (key_file, group, "message", failure->message);
  g_key_file_set_int64 (key_file, group, "expiration", failure->expiration);
  save_and_unlock (key_file, fd);
}

/**
 * amt_failure_state_forget:
 *
 * @profile was refreshed: its last failure is history.
 */
void
amt_failure_state_forget (const char *credentials_path,
                          const char *profile)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autofree char *group = NULL;
  int fd;

  g_return_if_fail (credentials_path != NULL);
  g_return_if_fail (profile != NULL);

  group = failure_group (credentials_path, profile);
  fd = open_locked (&key_file);
  if (fd < 0)
    return;
  if (g_key_file_has_group (key_file, group))
    {
      g_key_file_remove_group (key_file, group, NULL);
      save_and_unlock (key_file, fd);
      return;
    }
  close (fd);
}
