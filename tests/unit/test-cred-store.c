/* test-cred-store.c: atomic, locked updates of the credentials file
 *
 * Runs with a throw-away HOME (tests/isolate). Faults (full disk, read-only, permissions,
 * ulimit -f), crashes and races are in tests/files/, driven from Python.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "amt-cred-store.h"
#include "amt-ini.h"

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (g_get_home_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static AmtCredentials *
make_credentials (const char *suffix)
{
  g_autoptr(GDateTime) expiration = g_date_time_new_utc (2026, 11, 23, 18, 4, 5);
  g_autofree char *key_id = g_strconcat ("ASIA", suffix, NULL);
  g_autofree char *secret = g_strconcat ("secret/", suffix, "+x", NULL);
  g_autofree char *token = g_strconcat ("FwoGZXIvYXdzE", suffix, "//==", NULL);

  return amt_credentials_new (key_id, secret, token, expiration);
}

static char *
read_text (const char *path)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
assert_only_file (const char *dir,
                  const char *name)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autofree char *lock = g_strconcat (".", name, AMT_CRED_STORE_LOCK_SUFFIX, NULL);
  const char *entry;

  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      if (!g_str_equal (entry, name) && !g_str_equal (entry, lock))
        g_error ("unexpected file %s in %s", entry, dir);
    }
}

static void
test_cred_store_expiration_format (void)
{
  g_autoptr(GDateTime) iso = amt_credentials_parse_expiration ("2026-11-23T18:04:05Z");
  g_autoptr(GDateTime) aws_mfa = amt_credentials_parse_expiration ("2026-11-23 18:04:05");
  g_autoptr(GDateTime) offset = amt_credentials_parse_expiration ("2026-11-23T20:04:05+02:00");
  g_autoptr(GDateTime) fraction = amt_credentials_parse_expiration ("2026-11-23T18:04:05.000Z");
  g_autofree char *text = NULL;

  g_assert_nonnull (iso);
  g_assert_nonnull (aws_mfa);
  g_assert_true (g_date_time_equal (iso, aws_mfa));
  g_assert_true (g_date_time_equal (iso, offset));
  g_assert_true (g_date_time_equal (iso, fraction));
  g_assert_null (amt_credentials_parse_expiration ("tomorrow"));
  g_assert_null (amt_credentials_parse_expiration (""));

  text = amt_credentials_format_expiration (offset);
  g_assert_cmpstr (text, ==, "2026-11-23T18:04:05Z");
}

static void
test_cred_store_create (void)
{
  g_autofree char *root = fresh_dir ("create");
  g_autofree char *dir = g_build_filename (root, "nested", ".aws", NULL);
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("ONE");
  g_autoptr(AmtCredentials) read_back = NULL;
  g_autoptr(GDateTime) expiration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  struct stat st;

  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);

  text = read_text (path);
  g_assert_cmpstr (text, ==,
                   "[dev]\n"
                   "aws_access_key_id = ASIAONE\n"
                   "aws_secret_access_key = secret/ONE+x\n"
                   "aws_session_token = FwoGZXIvYXdzEONE//==\n"
                   "expiration = 2026-11-23T18:04:05Z\n");

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_only_file (dir, "credentials");

  read_back = amt_cred_store_read_section (store, "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read_back->access_key_id, ==, "ASIAONE");
  g_assert_cmpstr (read_back->secret_access_key, ==, "secret/ONE+x");
  g_assert_cmpstr (read_back->session_token, ==, "FwoGZXIvYXdzEONE//==");
  g_assert_true (g_date_time_equal (read_back->expiration, credentials->expiration));

  g_assert_true (amt_cred_store_read_expiration (store, "dev", &expiration, &error));
  g_assert_true (g_date_time_equal (expiration, credentials->expiration));
  g_clear_pointer (&expiration, g_date_time_unref);
  g_assert_true (amt_cred_store_read_expiration (store, "nobody", &expiration, &error));
  g_assert_null (expiration);

  g_assert_null (amt_cred_store_read_section (store, "nobody", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_cred_store_replace_keeps_the_rest (void)
{
  const char *before =
    "# my credentials\r\n"
    "[default]\r\n"
    "aws_access_key_id = AKIADEFAULT\r\n"
    "aws_secret_access_key = defaultsecret\r\n"
    "\r\n"
    "; the session, written by a tool\r\n"
    "[dev]\r\n"
    "region = eu-west-1\r\n"
    "AWS_ACCESS_KEY_ID=OLD\r\n"
    "# a comment inside\r\n"
    "aws_secret_access_key=OLDSECRET\r\n"
    "expiration = 2020-01-01 00:00:00\r\n"
    "\r\n"
    "[prod-long-term]\r\n"
    "aws_access_key_id = AKIAPROD\r\n"
    "aws_secret_access_key = prodsecret";
  g_autofree char *dir = fresh_dir ("replace");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("TWO");
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *second = NULL;

  g_assert_true (g_file_set_contents (path, before, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  after = read_text (path);
  g_assert_cmpstr (after, ==,
                   "# my credentials\r\n"
                   "[default]\r\n"
                   "aws_access_key_id = AKIADEFAULT\r\n"
                   "aws_secret_access_key = defaultsecret\r\n"
                   "\r\n"
                   "; the session, written by a tool\r\n"
                   "[dev]\r\n"
                   "region = eu-west-1\r\n"
                   "AWS_ACCESS_KEY_ID = ASIATWO\r\n"
                   "# a comment inside\r\n"
                   "aws_secret_access_key = secret/TWO+x\r\n"
                   "expiration = 2026-11-23T18:04:05Z\r\n"
                   "aws_session_token = FwoGZXIvYXdzETWO//==\r\n"
                   "\r\n"
                   "[prod-long-term]\r\n"
                   "aws_access_key_id = AKIAPROD\r\n"
                   "aws_secret_access_key = prodsecret");

  /* A new section goes at the end, after one blank line and a final line ending. */
  g_assert_true (amt_cred_store_replace_section (store, "prod", credentials, &error));
  g_assert_no_error (error);
  second = read_text (path);
  g_assert_true (g_str_has_prefix (second, after));
  g_assert_cmpstr (second + strlen (after), ==,
                   "\r\n"
                   "\r\n"
                   "[prod]\r\n"
                   "aws_access_key_id = ASIATWO\r\n"
                   "aws_secret_access_key = secret/TWO+x\r\n"
                   "aws_session_token = FwoGZXIvYXdzETWO//==\r\n"
                   "expiration = 2026-11-23T18:04:05Z\r\n");

  /* The same credentials again: nothing to write. */
  g_assert_true (amt_cred_store_replace_section (store, "prod", credentials, &error));
  g_assert_no_error (error);

  g_assert_true (amt_cred_store_remove_section (store, "prod", &error));
  g_assert_no_error (error);
  g_free (second);
  second = read_text (path);
  /* As before, but for the final line ending it gained. */
  g_assert_true (g_str_has_prefix (second, after));
  g_assert_cmpstr (second + strlen (after), ==, "\r\n");
  g_assert_true (amt_cred_store_remove_section (store, "prod", &error));
}

static void
test_cred_store_modes (void)
{
  g_autofree char *dir = fresh_dir ("modes");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("MODE");
  g_autoptr(GError) error = NULL;
  struct stat st;

  /* A stricter mode is kept ... */
  g_assert_true (g_file_set_contents (path, "[a]\nk = v\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0400), ==, 0);
  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0400);

  /* ... a looser one is tightened. */
  g_assert_cmpint (g_chmod (path, 0666), ==, 0);
  g_assert_true (amt_cred_store_remove_section (store, "dev", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_cred_store_symlink (void)
{
  g_autofree char *dir = fresh_dir ("symlink");
  g_autofree char *real_dir = fresh_dir ("symlink-target");
  g_autofree char *target = g_build_filename (real_dir, "real-credentials", NULL);
  g_autofree char *middle = g_build_filename (dir, "middle", NULL);
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("LINK");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *link = NULL;
  struct stat st;

  /* credentials -> middle (relative) -> real-credentials (absolute), not there yet */
  g_assert_cmpint (symlink ("middle", path), ==, 0);
  g_assert_cmpint (symlink (target, middle), ==, 0);

  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (lstat (middle, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  link = g_file_read_link (path, NULL);
  g_assert_cmpstr (link, ==, "middle");

  text = read_text (target);
  g_assert_true (g_str_has_prefix (text, "[dev]\naws_access_key_id = ASIALINK\n"));
  assert_only_file (real_dir, "real-credentials");
}

static void
test_cred_store_refuses_broken_file (void)
{
  const char *broken = "[dev]\nk = 1\n[dev]\nk = 2\n";
  g_autofree char *dir = fresh_dir ("broken");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("X");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  g_assert_false (amt_cred_store_replace_section (store, "other", credentials, &error));
  g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_DUPLICATE_SECTION);
  g_assert_true (g_str_has_suffix (error->message,
                                   "line 3: the section [dev] appears twice (first on line 1); "
                                   "remove one of them."));
  text = read_text (path);
  g_assert_cmpstr (text, ==, broken);
  assert_only_file (dir, "credentials");

  g_clear_error (&error);
  g_assert_null (amt_cred_store_read_section (store, "dev", &error));
  g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_DUPLICATE_SECTION);
}

static void
test_cred_store_stale_temp_files (void)
{
  g_autofree char *dir = fresh_dir ("stale");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autofree char *lock = g_build_filename (dir, ".credentials.amt-lock", NULL);
  g_autofree char *stale = g_build_filename (dir, ".credentials.amt-Ab12Cd", NULL);
  g_autofree char *users = g_build_filename (dir, ".credentials.amt-backup", NULL);
  g_autofree char *unrelated = g_build_filename (dir, ".credentials.amt-keep-me", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("S");
  g_autoptr(GError) error = NULL;
  g_autofree char *lock_contents = NULL;

  /* A writer killed after making its temporary file left its name in the lock file. */
  g_assert_true (g_file_set_contents (stale, "[half", -1, NULL));
  g_assert_true (g_file_set_contents (lock, ".credentials.amt-Ab12Cd", -1, NULL));
  /* Named like ours, but not made by us: a user's backup stays. */
  g_assert_true (g_file_set_contents (users, "[mine]\n", -1, NULL));
  g_assert_true (g_file_set_contents (unrelated, "x", -1, NULL));
  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (users, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (unrelated, G_FILE_TEST_EXISTS));
  /* Nothing is named once the write is done. */
  g_assert_true (g_file_get_contents (lock, &lock_contents, NULL, NULL));
  g_assert_cmpstr (lock_contents, ==, "");
}

static void
test_cred_store_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_home_dir (), "custom", "creds", NULL);
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(AmtCredentials) credentials = make_credentials ("ENV");
  g_autoptr(GError) error = NULL;

  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "~/custom/creds", TRUE);
  store = amt_cred_store_new_default ();
  g_assert_cmpstr (amt_cred_store_get_path (store), ==, expected);
  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
}

static gpointer
writer_thread (gpointer data)
{
  AmtCredStore *store = data;
  g_autofree char *section = g_strdup_printf ("thread-%p", (void *) g_thread_self ());

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *suffix = g_strdup_printf ("%u", i);
      g_autoptr(AmtCredentials) credentials = make_credentials (suffix);
      g_autoptr(GError) error = NULL;

      g_assert_true (amt_cred_store_replace_section (store, section, credentials, &error));
      g_assert_no_error (error);
    }

  return g_steal_pointer (&section);
}

static void
test_cred_store_threads (void)
{
  g_autofree char *dir = fresh_dir ("threads");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  GThread *threads[4];

  /* The lock is per open file, so threads of one process take turns too. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("writer", writer_thread, store);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *section = g_thread_join (threads[i]);
      g_autoptr(AmtCredentials) credentials = amt_cred_store_read_section (store, section, NULL);

      g_assert_nonnull (credentials);
      g_assert_cmpstr (credentials->access_key_id, ==, "ASIA49");
    }
  assert_only_file (dir, "credentials");
}

/* The whole file, and the same number of bytes without the key region of [other]: what a
 * program rewriting the file in place may leave for a moment. The same length, so that only
 * the key set (not the length, not the fingerprint of the bytes last seen whole) tells it. */
#define WHOLE_FILE "[base]\naws_access_key_id = AKIABASE\n\n[other]\nregion = eu-west-1\n"
#define TORN_FILE  "[base]\naws_access_key_id = AKIABASE\n\n[other]\n# region eu-west-1\n"

static gpointer
restore_whole_file (gpointer path)
{
  /* Later than the store's first read, long before its wait gives up. */
  g_usleep (100 * 1000);
  g_assert_true (g_file_set_contents (path, WHOLE_FILE, -1, NULL));
  return NULL;
}

static void
test_cred_store_same_length_torn (void)
{
  g_autofree char *dir = fresh_dir ("same-length-torn");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  g_autoptr(AmtCredentials) credentials = make_credentials ("1");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GThread *thread;

  g_assert_cmpuint (strlen (WHOLE_FILE), ==, strlen (TORN_FILE));
  g_assert_true (g_file_set_contents (path, WHOLE_FILE, -1, NULL));
  amt_cred_store_remember_contents (store);
  g_assert_true (g_file_set_contents (path, TORN_FILE, -1, NULL));

  thread = g_thread_new ("other-program", restore_whole_file, path);
  g_assert_true (amt_cred_store_replace_section (store, "dev", credentials, &error));
  g_assert_no_error (error);
  g_thread_join (thread);

  /* The edit went into the whole file, not into the torn one. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, WHOLE_FILE "\n[dev]\n"));
}

/* Removing keys removes what the section itself has, as one edit: a key it only inherits
 * from [DEFAULT] is no error and [DEFAULT] keeps it; a section left without keys goes. (One
 * that still inherits keys from [DEFAULT] is not empty, and stays.) */
static void
test_cred_store_remove_keys (void)
{
  g_autofree char *dir = fresh_dir ("remove-keys");
  g_autofree char *path = g_build_filename (dir, "credentials", NULL);
  g_autoptr(AmtCredStore) store = amt_cred_store_new (path);
  const char *keys[] = { "aws_session_token", "region", "expiration", NULL };
  const char *last[] = { "aws_access_key_id", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *emptied = NULL;

  g_assert_true (g_file_set_contents (path,
                                      "[DEFAULT]\nregion = eu-west-1\n\n"
                                      "[dev]\n# mine\naws_access_key_id = AKIADEV\n"
                                      "aws_session_token = FwoG\n  continued\n\n"
                                      "[prod]\naws_access_key_id = AKIAPROD\n", -1, NULL));

  g_assert_true (amt_cred_store_remove_keys (store, "dev", keys, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_cmpstr (text, ==,
                   "[DEFAULT]\nregion = eu-west-1\n\n"
                   "[dev]\n# mine\naws_access_key_id = AKIADEV\n\n"
                   "[prod]\naws_access_key_id = AKIAPROD\n");

  /* A missing section is no error, and changes nothing. */
  g_assert_true (amt_cred_store_remove_keys (store, "staging", keys, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (path,
                                      "[dev]\naws_access_key_id = AKIADEV\n\n"
                                      "[prod]\naws_access_key_id = AKIAPROD\n", -1, NULL));
  /* A store that has not seen the longer file: this one would wait for it to be whole. */
  g_clear_object (&store);
  store = amt_cred_store_new (path);
  g_assert_true (amt_cred_store_remove_keys (store, "prod", last, &error));
  g_assert_no_error (error);
  emptied = read_text (path);
  g_assert_cmpstr (emptied, ==, "[dev]\naws_access_key_id = AKIADEV\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cred-store/expiration-format", test_cred_store_expiration_format);
  g_test_add_func ("/cred-store/create", test_cred_store_create);
  g_test_add_func ("/cred-store/replace-keeps-the-rest", test_cred_store_replace_keeps_the_rest);
  g_test_add_func ("/cred-store/modes", test_cred_store_modes);
  g_test_add_func ("/cred-store/symlink", test_cred_store_symlink);
  g_test_add_func ("/cred-store/refuses-broken-file", test_cred_store_refuses_broken_file);
  g_test_add_func ("/cred-store/stale-temp-files", test_cred_store_stale_temp_files);
  g_test_add_func ("/cred-store/default-path", test_cred_store_default_path);
  g_test_add_func ("/cred-store/threads", test_cred_store_threads);
  g_test_add_func ("/cred-store/same-length-torn", test_cred_store_same_length_torn);
  g_test_add_func ("/cred-store/remove-keys", test_cred_store_remove_keys);

  return g_test_run ();
}
