/* test-cred-store-race.c: the moments of the write protocol (amt-cred-store-write.c) that a
 * race reaches only by chance, made to happen every time.
 *
 * A program that rewrites the credentials file in place (configparser, an editor, `aws
 * configure set`) and had it open before our rename writes its bytes into the inode we read,
 * which the rename has just taken out of the folder. Here libc's rename() is wrapped: it opens
 * the file being replaced, lets the real rename happen, and then writes "the other program's"
 * version into that old inode, in place, exactly in that window. The store must notice, apply
 * its edit to those bytes, and write again, so that both changes are in the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "amt-cred-store.h"

/* What the other program writes, and into which file; NULL: rename() only renames. */
static const char *other_program_writes;
static const char *other_program_file;
static guint renames;

/* Interposes libc's rename() (declared in <stdio.h>) for the store linked into this test. */
int
rename (const char *from,
        const char *to)
{
  int held = -1;
  int result;

  renames++;
  if (other_program_writes != NULL && g_strcmp0 (to, other_program_file) == 0)
    held = open (to, O_WRONLY | O_CLOEXEC);

  result = (int) syscall (SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 0);

  if (held >= 0)
    {
      /* Truncate, then write: in place, into the inode that is no longer the file. */
      g_assert_cmpint (ftruncate (held, 0), ==, 0);
      g_assert_cmpint (write (held, other_program_writes, strlen (other_program_writes)), ==,
                       (gssize) strlen (other_program_writes));
      close (held);
      /* Once: the store's second write is not raced. */
      other_program_writes = NULL;
    }

  return result;
}

static void
test_write_into_old_inode (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "old-inode", NULL);
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GDateTime) expiration = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[base]\naws_access_key_id = AKIABASE\n"
                                            "aws_secret_access_key = base\n", -1, NULL));
  store = amt_cred_store_new (path);
  amt_cred_store_remember_contents (store);
  credentials = amt_credentials_new ("ASIANEW", "secret", "token", expiration);

  other_program_file = path;
  other_program_writes = "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base\n"
                         "\n[added]\nregion = eu-west-1\n";
  renames = 0;
  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  /* Their change and ours, in one file: the edit was applied again to their bytes. */
  g_assert_cmpstr (text, ==,
                   "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base\n"
                   "\n[added]\nregion = eu-west-1\n"
                   "\n[dev]\naws_access_key_id = ASIANEW\naws_secret_access_key = secret\n"
                   "aws_session_token = token\nexpiration = 2026-11-23T18:04:05Z\n");
  g_assert_cmpuint (renames, ==, 2);
}

static void
test_no_race_one_rename (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "no-race", NULL);
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(AmtCredentials) credentials = amt_credentials_new ("ASIANEW", "secret", "token", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[base]\naws_access_key_id = AKIABASE\n", -1, NULL));
  store = amt_cred_store_new (path);
  other_program_writes = NULL;
  renames = 0;
  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (renames, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cred-store-race/no-race-one-rename", test_no_race_one_rename);
  g_test_add_func ("/cred-store-race/write-into-old-inode", test_write_into_old_inode);

  return g_test_run ();
}
