/* amt-bench-login-cycles.c: the leak benchmark (bench/README.md)
 *
 *   amt-bench-login-cycles CONFIG CYCLES [WARMUP]
 *
 * Runs WARMUP login cycles (default 10), notes the resident set size, runs CYCLES more, and
 * prints one JSON object: the RSS after the warm-up and every 10% of the cycles, the time
 * per cycle (each cycle's too, up to 100 cycles), and the time the HTTPS module took to load
 * (amt-https.c; before the first cycle, which would otherwise include it). Under valgrind (memcheck) run it with
 * WARMUP 0: every leak then shows as lost.
 *
 * CONFIG is a key file (mode 0600: it holds a secret, which never goes on a command line):
 *
 *   [login]
 *   access_key_id=AKIA…         long-term keys of the stand-in's account
 *   secret_access_key=…
 *   serial_number=arn:aws:iam::111111111111:mfa/bob
 *   code=123456                 the stand-in runs with --accept-any-code
 *   region=us-east-1
 *   endpoint_url=https://127.0.0.1:PORT
 *   ca_bundle=/…/ca.pem
 *   credentials_file=/…/credentials
 *   section=bench
 *
 * One cycle is what a login does from "code submitted" to "credentials written": a client,
 * GetSessionToken on its worker thread, then the credentials store. All of it is in
 * login_cycle(), the one function to change when the loop moves to the sessions API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-bench-login-cycles"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amt-aws-client.h"
#include "amt-cred-store.h"
#include "amt-https.h"
#include "amt-secret.h"

typedef struct {
  AmtCredentials    *long_term;
  char              *serial_number;
  char              *code;
  char              *region;
  char              *endpoint_url;
  char              *ca_bundle;
  char              *credentials_file;
  char              *section;
} LoginBench;

static void
login_bench_free (LoginBench *bench)
{
  g_clear_pointer (&bench->long_term, amt_credentials_free);
  g_free (bench->serial_number);
  g_clear_pointer (&bench->code, amt_secret_free);
  g_free (bench->region);
  g_free (bench->endpoint_url);
  g_free (bench->ca_bundle);
  g_free (bench->credentials_file);
  g_free (bench->section);
  g_free (bench);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoginBench, login_bench_free)

static LoginBench *
login_bench_load (const char  *path,
                  GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(LoginBench) bench = g_new0 (LoginBench, 1);
  g_autofree char *access_key_id = NULL;
  char *secret = NULL;

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, error))
    return NULL;

#define GET(field, key) \
  if ((bench->field = g_key_file_get_string (keys, "login", key, error)) == NULL) \
    return NULL;
  GET (serial_number, "serial_number");
  GET (code, "code");
  GET (region, "region");
  GET (endpoint_url, "endpoint_url");
  GET (ca_bundle, "ca_bundle");
  GET (credentials_file, "credentials_file");
  GET (section, "section");
#undef GET

  access_key_id = g_key_file_get_string (keys, "login", "access_key_id", error);
  if (access_key_id == NULL)
    return NULL;
  secret = g_key_file_get_string (keys, "login", "secret_access_key", error);
  if (secret == NULL)
    return NULL;
  bench->long_term = amt_credentials_new (access_key_id, secret, NULL, NULL);
  amt_secret_free (secret);

  return g_steal_pointer (&bench);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* One login, from the code to the credentials file. */
static gboolean
login_cycle (LoginBench  *bench,
             GError     **error)
{
  g_autoptr(AmtAwsClient) client = NULL;
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AmtCredentials) session = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;

  client = amt_aws_client_new (bench->region, bench->endpoint_url, bench->ca_bundle);
  amt_aws_client_get_session_token_async (client, bench->long_term, bench->serial_number,
                                          bench->code, 43200, cancellable,
                                          store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  session = amt_aws_client_get_session_token_finish (client, result, error);
  if (session == NULL)
    return FALSE;

  credentials = amt_credentials_new (session->access_key_id, session->secret_access_key,
                                     session->session_token, session->expiration);
  store = amt_cred_store_new (bench->credentials_file);
  return amt_cred_store_replace_section (store, bench->section, credentials, error);
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  return line != NULL ? strtol (line + strlen ("\nVmRSS:"), NULL, 10) : -1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LoginBench) bench = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) samples = g_string_new (NULL);
  g_autoptr(GString) times = g_string_new (NULL);
  guint64 cycles, warmup = 10;
  guint sample_every;
  long rss_start, rss_after_warmup;
  gint64 started;
  double module_seconds;

  if ((argc != 3 && argc != 4) ||
      !g_ascii_string_to_unsigned (argv[2], 10, 1, 10000000, &cycles, NULL) ||
      (argc == 4 && !g_ascii_string_to_unsigned (argv[3], 10, 0, 10000000, &warmup, NULL)))
    {
      g_printerr ("usage: amt-bench-login-cycles CONFIG CYCLES [WARMUP]\n");
      return 2;
    }
  signal (SIGXFSZ, SIG_IGN);

  bench = login_bench_load (argv[1], &error);
  if (bench == NULL)
    {
      g_printerr ("amt-bench-login-cycles: %s: %s\n", argv[1], error->message);
      return 2;
    }

  started = g_get_monotonic_time ();
  if (!amt_https_load (&error))
    {
      g_printerr ("amt-bench-login-cycles: %s\n", error->message);
      return 1;
    }
  module_seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  rss_start = rss_kib ();
  for (guint64 i = 0; i < warmup; i++)
    if (!login_cycle (bench, &error))
      {
        g_printerr ("amt-bench-login-cycles: warm-up cycle %" G_GUINT64_FORMAT ": %s\n",
                    i + 1, error->message);
        return 1;
      }
  rss_after_warmup = rss_kib ();

  sample_every = MAX (1, cycles / 10);
  started = g_get_monotonic_time ();
  for (guint64 i = 0; i < cycles; i++)
    {
      gint64 cycle_started = g_get_monotonic_time ();

      if (!login_cycle (bench, &error))
        {
          g_printerr ("amt-bench-login-cycles: cycle %" G_GUINT64_FORMAT ": %s\n",
                      i + 1, error->message);
          return 1;
        }
      if (cycles <= 100)
        g_string_append_printf (times, "%s%.6f", times->len > 0 ? ", " : "",
                                (g_get_monotonic_time () - cycle_started) / (double) G_USEC_PER_SEC);
      if ((i + 1) % sample_every == 0 || i + 1 == cycles)
        g_string_append_printf (samples, "%s[%" G_GUINT64_FORMAT ", %ld]",
                                samples->len > 0 ? ", " : "", i + 1, rss_kib ());
    }

  printf ("{\"cycles\": %" G_GUINT64_FORMAT ", \"warmup\": %" G_GUINT64_FORMAT ", "
          "\"rss_start_kib\": %ld, \"rss_after_warmup_kib\": %ld, \"rss_end_kib\": %ld, "
          "\"rss_samples_kib\": [%s], \"cycle_seconds\": [%s], \"seconds_per_cycle\": %.6f, "
          "\"module_load_seconds\": %.6f}\n",
          cycles, warmup, rss_start, rss_after_warmup, rss_kib (), samples->str, times->str,
          (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC / (double) cycles,
          module_seconds);
  return 0;
}
