/* test-hardening.c: what amt_hardening_apply() (called first in main()) does to the process.
 * Each case runs in a subprocess of its own, as the changes last for the process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "amt-hardening.h"

/* Beyond `ulimit -f`, a write fails with EFBIG instead of SIGXFSZ killing the process. */
static void
test_file_size_limit (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = g_build_filename (g_get_home_dir (), "big", NULL);
      struct rlimit limit = { 16, 16 };
      char data[64];
      gssize n;
      int fd;

      memset (data, 'x', sizeof data);
      amt_hardening_apply ();
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      g_assert_cmpint (fd, >=, 0);
      n = write (fd, data, sizeof data);
      g_assert_cmpint (n, ==, 16);
      n = write (fd, data, sizeof data);
      g_assert_cmpint (n, ==, -1);
      g_assert_cmpint (errno, ==, EFBIG);
      close (fd);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* No core file, and no reading of our memory by other processes of the user. */
static void
test_not_dumpable (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit core;

      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
      amt_hardening_apply ();
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
      g_assert_cmpint (getrlimit (RLIMIT_CORE, &core), ==, 0);
      g_assert_cmpuint (core.rlim_cur, ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Closed standard fds are taken by /dev/null before anything else can take them: reading gives
 * the end, writing fails. */
static void
test_closed_standard_fds (void)
{
  if (g_test_subprocess ())
    {
      char c;
      int fd;

      close (STDIN_FILENO);
      close (STDOUT_FILENO);
      amt_hardening_apply ();
      g_assert_cmpint (read (STDIN_FILENO, &c, 1), ==, 0);
      g_assert_cmpint (write (STDOUT_FILENO, "x", 1), ==, -1);
      /* The next file opened gets a number above 2. */
      fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      g_assert_cmpint (fd, >, 2);
      close (fd);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hardening/file-size-limit", test_file_size_limit);
  g_test_add_func ("/hardening/not-dumpable", test_not_dumpable);
  g_test_add_func ("/hardening/closed-standard-fds", test_closed_standard_fds);

  return g_test_run ();
}
