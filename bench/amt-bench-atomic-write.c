/* amt-bench-atomic-write.c: the floor of the credentials-file benchmark (bench/README.md)
 *
 *   amt-bench-atomic-write FILE RUNS
 *
 * The least work any safe update of FILE must do: read it whole, write the same bytes to a new
 * temporary file beside it (O_CREAT | O_EXCL, 0600), fsync it, rename it over FILE and fsync
 * the folder. No parsing, no lock. Prints the seconds of each run, one line per run.
 *
 * Plain C and libc only, so that nothing but the system calls is measured. Under callgrind,
 * `--toggle-collect=rewrite_atomically` counts the instructions of one update alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int
read_whole (int     fd,
            char  **data,
            size_t *length)
{
  struct stat st;
  size_t size, used = 0;
  char *buffer;

  if (fstat (fd, &st) != 0)
    return -1;
  size = (size_t) st.st_size + 1;
  buffer = malloc (size);
  if (buffer == NULL)
    return -1;

  for (;;)
    {
      ssize_t n;

      if (used == size)
        {
          char *bigger = realloc (buffer, size * 2);

          if (bigger == NULL)
            {
              free (buffer);
              return -1;
            }
          buffer = bigger;
          size *= 2;
        }
      n = read (fd, buffer + used, size - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          free (buffer);
          return -1;
        }
      if (n == 0)
        break;
      used += (size_t) n;
    }

  *data = buffer;
  *length = used;
  return 0;
}

static int
write_whole (int         fd,
             const char *data,
             size_t      length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      data += n;
      length -= (size_t) n;
    }
  return 0;
}

__attribute__((noinline)) static int
rewrite_atomically (const char *path,
                    const char *dir)
{
  char temp[4096];
  char *data = NULL;
  size_t length = 0;
  int fd, out, dir_fd, status = -1;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  if (read_whole (fd, &data, &length) != 0)
    {
      close (fd);
      return -1;
    }
  close (fd);

  snprintf (temp, sizeof temp, "%s/.bench-atomic-write.%ld", dir, (long) getpid ());
  out = open (temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0)
    goto out;
  if (write_whole (out, data, length) != 0 || fsync (out) != 0)
    {
      close (out);
      unlink (temp);
      goto out;
    }
  if (close (out) != 0 || rename (temp, path) != 0)
    {
      unlink (temp);
      goto out;
    }

  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  status = 0;

out:
  free (data);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  char *copy;
  const char *dir;
  long runs;

  if (argc != 3 || (runs = strtol (argv[2], NULL, 10)) < 1)
    {
      fprintf (stderr, "usage: amt-bench-atomic-write FILE RUNS\n");
      return 2;
    }
  copy = strdup (argv[1]);
  dir = dirname (copy);

  for (long run = 0; run < runs; run++)
    {
      struct timespec t0, t1;

      clock_gettime (CLOCK_MONOTONIC, &t0);
      if (rewrite_atomically (argv[1], dir) != 0)
        {
          fprintf (stderr, "amt-bench-atomic-write: %s: %s\n", argv[1], strerror (errno));
          return 1;
        }
      clock_gettime (CLOCK_MONOTONIC, &t1);
      printf ("%.9f\n", (double) (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    }

  free (copy);
  return 0;
}
