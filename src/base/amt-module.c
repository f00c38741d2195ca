/* amt-module.c
 *
 * The libraries a command rarely needs are not linked to the program but kept in modules that
 * are opened the first time they are needed, and then stay: "aws-mfa-tray-https" (libcurl,
 * GnuTLS and the two dozen libraries they bring, amt-https.c) and "aws-mfa-tray-keyring"
 * (libsecret with libgcrypt, amt-keyring-keys.c). So `status` and a cached
 * `credential-process`, which every AWS command configured with it runs, start without them.
 *
 * A module is looked for in each folder of $AMT_MODULE_DIR when it is set (a list like PATH:
 * the build tree, for tests, benchmarks and ./run), and otherwise where it is installed,
 * LIBDIR/aws-mfa-tray.
 *
 * It is opened with every symbol bound at once (a library missing one fails here, not in the
 * middle of a request), its names kept out of the program's lookups, never unloaded (types
 * live in it), and with RTLD_DEEPBIND: the libraries it brings find each other's symbols
 * first, instead of first asking each of the twenty objects the program has already loaded.
 * For the HTTPS module that is about a fifth of its loading time (bench/README.md, d.); it
 * also keeps the program's own exported names (it links with --export-dynamic for its
 * modules) from ever standing in for a library's. Not under AddressSanitizer, whose allocator
 * must see every allocation and which refuses such modules.
 *
 * Every library a module brings is then bound against one search list, the module's, in the
 * order of their dependencies. A large library deep in it asks every object before it for each
 * of its own symbols: OpenSSL's libcrypto, which Debian's libcurl-gnutls brings through
 * libssh2, stands 23rd there, and its 3,400 references to itself made 75,000 of the 178,000
 * symbol lookups of a login. amt_module_open_first() opens such a library on its own first,
 * with a search list that starts with itself; the module then finds it loaded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-module"

#include "config.h"

#include <dlfcn.h>
#include <gmodule.h>

#include "amt-module.h"

#ifdef __SANITIZE_ADDRESS__
#define MODULE_FLAGS (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)
#else
#define MODULE_FLAGS (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE | RTLD_DEEPBIND)
#endif

/* The file of module @name: in the first folder of $AMT_MODULE_DIR that has it (the last one
 * when none has, for the message), or where it is installed. */
static char *
find_module (const char *name)
{
  const char *dirs = g_getenv ("AMT_MODULE_DIR");
  g_auto(GStrv) folders = NULL;
  char *path = NULL;

  if (dirs == NULL || dirs[0] == '\0')
    return g_module_build_path (AMT_MODULE_DIR, name);

  folders = g_strsplit (dirs, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      if (folders[i][0] == '\0')
        continue;
      g_free (path);
      path = g_module_build_path (folders[i], name);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        break;
    }

  return path != NULL ? path : g_module_build_path (AMT_MODULE_DIR, name);
}

/**
 * amt_module_open:
 * @name: the module, "aws-mfa-tray-https"
 * @path: (out) (transfer full): where it was looked for
 * @failure: (out) (transfer full) (optional): why it could not be opened, for the log
 *
 * Opens module @name; it stays for the life of the process. Blocks while the libraries it
 * brings are loaded: the HTTPS module's take ~5 ms and are opened on a worker thread,
 * libsecret's a fraction of a millisecond.
 *
 * Returns: (nullable): the module, or %NULL
 */
gpointer
amt_module_open (const char  *name,
                 char       **path,
                 char       **failure)
{
  void *module;

  *path = find_module (name);
  module = dlopen (*path, MODULE_FLAGS);
  if (module == NULL && failure != NULL)
    *failure = g_strdup (dlerror ());

  return module;
}

/**
 * amt_module_open_first:
 * @soname: a library that a module brings, by its soname ("libcrypto.so.3")
 *
 * Opens @soname as amt_module_open() opens a module, before the module that brings it (see
 * the top of this file); only an order of loading, so a library that cannot be opened is left
 * to the module's own opening to report.
 */
void
amt_module_open_first (const char *soname)
{
  if (dlopen (soname, MODULE_FLAGS) == NULL)
    g_debug ("%s not opened first: %s", soname, dlerror ());
}

/**
 * amt_module_symbols:
 * @module: a module amt_module_open() opened
 * @path: its file, for the message
 * @failure: (out) (transfer full) (optional): the first that is missing, for the log
 * @first_symbol: the name of a function @module exports
 * @...: where to put its address (a `gpointer *`), then more names and places, then %NULL
 *
 * Finds every function a caller takes from @module. When one is missing, none is set: every
 * place holds %NULL, so that the first one can say whether the module is usable.
 *
 * Returns: whether @module has them all
 */
gboolean
amt_module_symbols (gpointer     module,
                    const char  *path,
                    char       **failure,
                    const char  *first_symbol,
                    ...)
{
  const char *missing = NULL;
  const char *symbol;
  va_list args;

  va_start (args, first_symbol);
  for (symbol = first_symbol; symbol != NULL; symbol = va_arg (args, const char *))
    {
      gpointer *address = va_arg (args, gpointer *);

      *address = missing == NULL ? dlsym (module, symbol) : NULL;
      if (*address == NULL && missing == NULL)
        missing = symbol;
    }
  va_end (args);

  if (missing == NULL)
    return TRUE;

  va_start (args, first_symbol);
  for (symbol = first_symbol; symbol != NULL; symbol = va_arg (args, const char *))
    *va_arg (args, gpointer *) = NULL;
  va_end (args);

  if (failure != NULL)
    *failure = g_strdup_printf ("%s has no %s", path, missing);
  return FALSE;
}
