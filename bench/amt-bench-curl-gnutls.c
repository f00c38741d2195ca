/* amt-bench-curl-gnutls.c: the refresh floor's request made with libcurl's GnuTLS flavour
 * (bench/README.md, d.)
 *
 *   amt-bench-curl-gnutls CONFIG
 *   amt-bench-curl-gnutls --version     start, print libcurl's version, exit (as curl --version)
 *
 * Debian's curl program uses OpenSSL; aws-mfa-tray uses libcurl-gnutls. To tell the cost of
 * the TLS library from ours, this program does what `curl -K CONFIG` does in the refresh
 * benchmark — one POST signed with CURLOPT_AWS_SIGV4 ("aws:amz:us-east-1:sts"), the answer
 * written to a file — linked like curl (libcurl at start, nothing else) but with
 * libcurl-gnutls. It is a diagnostic beside the floor, not the floor.
 *
 * CONFIG (mode 0600: it holds the secret key) has one "name=value" per line: url, cacert,
 * user (KEY:SECRET), data, output. Prints libcurl's time_total in seconds; exit 1 on failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#define MAX_LINE 4096

static char *
value_of (char       lines[][MAX_LINE],
          int         n_lines,
          const char *name)
{
  size_t len = strlen (name);

  for (int i = 0; i < n_lines; i++)
    if (strncmp (lines[i], name, len) == 0 && lines[i][len] == '=')
      return lines[i] + len + 1;
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  static char lines[8][MAX_LINE];
  int n_lines = 0;
  char *url, *cacert, *user, *data, *output;
  double total = 0;
  long status = 0;
  CURLcode res;
  FILE *in, *out;
  CURL *curl;

  if (argc == 2 && strcmp (argv[1], "--version") == 0)
    {
      printf ("%s\n", curl_version ());
      return 0;
    }
  if (argc != 2 || (in = fopen (argv[1], "r")) == NULL)
    {
      fprintf (stderr, "usage: %s CONFIG\n", argv[0]);
      return 2;
    }
  while (n_lines < 8 && fgets (lines[n_lines], MAX_LINE, in) != NULL)
    {
      lines[n_lines][strcspn (lines[n_lines], "\n")] = '\0';
      n_lines++;
    }
  fclose (in);

  url = value_of (lines, n_lines, "url");
  cacert = value_of (lines, n_lines, "cacert");
  user = value_of (lines, n_lines, "user");
  data = value_of (lines, n_lines, "data");
  output = value_of (lines, n_lines, "output");
  if (url == NULL || cacert == NULL || user == NULL || data == NULL || output == NULL ||
      (out = fopen (output, "w")) == NULL)
    {
      fprintf (stderr, "%s: url, cacert, user, data and output are needed\n", argv[1]);
      return 2;
    }

  curl_global_init (CURL_GLOBAL_DEFAULT);
  curl = curl_easy_init ();
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, cacert);
  /* Only the bundle, as ours and as curl's OpenSSL flavour in effect (it looks into its CA
   * directory only for an issuer the bundle lacks; the GnuTLS flavour would read all of it). */
  curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
  curl_easy_setopt (curl, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:sts");
  curl_easy_setopt (curl, CURLOPT_USERPWD, user);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_FAILONERROR, 1L);
  res = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_TOTAL_TIME, &total);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_global_cleanup ();
  memset (lines, 0, sizeof lines);

  if (fclose (out) != 0 || res != CURLE_OK)
    {
      fprintf (stderr, "curl-gnutls: %s (HTTP %ld)\n", curl_easy_strerror (res), status);
      return 1;
    }
  printf ("%.6f\n", total);
  return 0;
}
