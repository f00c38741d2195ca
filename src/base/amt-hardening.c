/* amt-hardening.c
 *
 * Called first thing in main(), for the applet and every subcommand alike:
 *
 *  - standard input, output and error that were closed when we were started point at /dev/null,
 *    opened for reading only, so that the next file opened (GLib's eventfd, the credentials
 *    file) never takes fd 0, 1 or 2: a read of "standard input" would then wait forever on the
 *    eventfd, and a print would write into the file. Reading gives end of file ("no code was
 *    given"); a write fails, so that `status` and `credential-process` still exit non-zero when
 *    their output went nowhere;
 *  - SIGXFSZ is ignored: a write beyond the file size limit (ulimit -f) then fails with EFBIG,
 *    which the credential store turns into a sentence, instead of killing us midway;
 *  - the process is not dumpable and writes no core file: a crash must not put the long-term
 *    keys or a session on disk (this also keeps other processes of the user from reading our
 *    memory through ptrace or /proc).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-hardening"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "amt-hardening.h"

static void
open_closed_standard_fds (void)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      int null_fd;

      if (fcntl (fd, F_GETFD) != -1 || errno != EBADF)
        continue;

      /* The lowest free number is taken: this one, as the lower ones are open by now. */
      null_fd = open ("/dev/null", O_RDONLY);
      if (null_fd >= 0 && null_fd != fd)
        {
          dup2 (null_fd, fd);
          close (null_fd);
        }
    }
}

void
amt_hardening_apply (void)
{
  struct rlimit no_core = { 0, 0 };

  open_closed_standard_fds ();

  signal (SIGXFSZ, SIG_IGN);

  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_debug ("Could not make the process undumpable: %s", g_strerror (errno));
  if (setrlimit (RLIMIT_CORE, &no_core) != 0)
    g_debug ("Could not turn core files off: %s", g_strerror (errno));
}
