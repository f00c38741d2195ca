/* wipe-check-preload.c: an LD_PRELOAD shim, built only for tests (test-wipe.c)
 *
 * Interposes free() and realloc(), and looks in every block freed (malloc_usable_size() bytes)
 * for a marker the test sets (or either half of it, what a reused buffer keeps): a secret that
 * must have been wiped before the block went back to the allocator. A realloc() that grows always moves, so that the old block is looked at
 * too (glibc may move it); one that shrinks stays in place in glibc, and only the tail it gives
 * back is looked at. Each finding is counted and told on stderr with a backtrace. glibc only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void  amt_wipe_check_set_marker (const char *marker);
int   amt_wipe_check_get_found  (void);

static void (*real_free) (void *);
static void *(*real_realloc) (void *, size_t);
static const char *marker;       /* not copied: the test keeps it in static storage */
static size_t marker_len;
static int found;
static __thread int inside;

__attribute__((constructor)) static void
init (void)
{
  void *frames[1];

  real_free = (void (*) (void *)) dlsym (RTLD_NEXT, "free");
  real_realloc = (void *(*) (void *, size_t)) dlsym (RTLD_NEXT, "realloc");
  /* backtrace() loads libgcc on its first call, which allocates: not inside free(). */
  backtrace (frames, 1);
}

void
amt_wipe_check_set_marker (const char *text)
{
  marker_len = text != NULL ? strlen (text) : 0;
  marker = text;
}

int
amt_wipe_check_get_found (void)
{
  return found;
}

static void
check_bytes (const void *bytes,
             size_t      size)
{
  static const char message[] = "wipe-check: a block holding the secret was freed unwiped:\n";
  void *frames[32];
  int n;

  if (marker == NULL || bytes == NULL || inside)
    return;
  /* Either half: a reused buffer may hold what is left of the secret after a shorter text. */
  if (memmem (bytes, size, marker, marker_len / 2) == NULL &&
      memmem (bytes, size, marker + marker_len / 2, marker_len - marker_len / 2) == NULL)
    return;

  inside = 1;
  __atomic_add_fetch (&found, 1, __ATOMIC_SEQ_CST);
  if (write (STDERR_FILENO, message, sizeof message - 1) < 0)
    { /* nothing to do about it */ }
  n = backtrace (frames, 32);
  backtrace_symbols_fd (frames, n, STDERR_FILENO);
  inside = 0;
}

void
free (void *block)
{
  if (real_free == NULL)
    return;  /* only while dlsym() resolves it: a block leaked, not a crash */
  if (block != NULL)
    check_bytes (block, malloc_usable_size (block));
  real_free (block);
}

void *
realloc (void *block,
         size_t size)
{
  void *moved;
  size_t old_size;

  if (block == NULL)
    return malloc (size);
  if (size == 0)
    {
      free (block);
      return NULL;
    }

  old_size = malloc_usable_size (block);
  if (size <= old_size && real_realloc != NULL)
    {
      check_bytes ((const char *) block + size, old_size - size);
      return real_realloc (block, size);
    }

  moved = malloc (size);
  if (moved == NULL)
    return NULL;
  memcpy (moved, block, old_size < size ? old_size : size);
  free (block);
  return moved;
}
