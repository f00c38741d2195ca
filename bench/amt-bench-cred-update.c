/* amt-bench-cred-update.c: "ours" of the credentials-file benchmark (bench/README.md)
 *
 *   amt-bench-cred-update FILE SECTION RUNS
 *
 * Times RUNS calls of amt_cred_store_replace_section() on FILE, each writing fresh session
 * credentials into SECTION, and prints the seconds of each call, one line per run. Every run
 * writes values of the same lengths, so the file keeps its size from run to run. The last line,
 * "vmhwm-kib N", is the peak resident set of the process. The values
 * are made up here (no real or stand-in key is involved).
 *
 * Under callgrind, `--toggle-collect=amt_cred_store_replace_section` counts the instructions
 * of the call alone, without the start-up of the process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-bench-cred-update"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amt-cred-store.h"

static const char alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* @length characters of @prefix then base64-like noise from @rand. */
static char *
make_value (GRand      *rand,
            const char *prefix,
            guint       length,
            guint       n_symbols)
{
  GString *value = g_string_new (prefix);

  while (value->len < length)
    g_string_append_c (value, alphabet[g_rand_int_range (rand, 0, (gint32) n_symbols)]);

  return g_string_free (value, FALSE);
}

static AmtCredentials *
make_credentials (guint run)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (run + 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add_hours (now, 12);
  g_autofree char *key_id = make_value (rand, "ASIA", 20, 26);
  g_autofree char *secret = make_value (rand, "", 40, 64);
  g_autofree char *token = make_value (rand, "IQoJb3JpZ2luX2VjE", 480, 64);

  return amt_credentials_new (key_id, secret, token, expiration);
}

/* The process's own peak RSS, VmHWM. The ru_maxrss that wait4() reports for it also counts the
 * memory of the (Python) process it was forked from, which exec() carries over. */
static void
print_peak_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  line = strstr (status, "\nVmHWM:");
  if (line != NULL)
    printf ("vmhwm-kib %" G_GUINT64_FORMAT "\n", g_ascii_strtoull (line + 7, NULL, 10));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AmtCredStore) store = NULL;
  const char *section;
  guint64 runs;

  if (argc != 4 || !g_ascii_string_to_unsigned (argv[3], 10, 1, 1000000, &runs, NULL))
    {
      g_printerr ("usage: amt-bench-cred-update FILE SECTION RUNS\n");
      return 2;
    }
  section = argv[2];
  /* What programs using the store do (amt-cred-store-write.c): EFBIG instead of a signal. */
  signal (SIGXFSZ, SIG_IGN);

  store = amt_cred_store_new (argv[1]);

  for (guint run = 0; run < runs; run++)
    {
      g_autoptr(AmtCredentials) credentials = make_credentials (run);
      g_autoptr(GError) error = NULL;
      gint64 started = g_get_monotonic_time ();

      if (!amt_cred_store_replace_section (store, section, credentials, &error))
        {
          g_printerr ("amt-bench-cred-update: %s\n", error->message);
          return 1;
        }
      printf ("%.9f\n", (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
    }

  print_peak_rss ();
  return 0;
}
