/* amt-bench-credproc-floor.c: the floor of the cached credential-process benchmark
 * (bench/README.md, f.)
 *
 *   amt-bench-credproc-floor PROFILE
 *
 * What `aws-mfa-tray credential-process --profile PROFILE` must do when the session in the
 * file is still good, done with GLib alone: read the config file and the credentials file
 * ($AWS_CONFIG_FILE and $AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/), parse both (GKeyFile),
 * check that PROFILE is an MFA profile ([profile PROFILE] in config, [PROFILE-long-term] with
 * aws_mfa_device in credentials), take the session of [PROFILE], check that its expiration is
 * more than the lead time (10 minutes, the default) away, and print the credential_process
 * JSON. The file buffers and the JSON are wiped before they are freed, as ours does. Exit 1
 * with a line on standard error when there is no such session.
 *
 * Links GLib only (no GObject, GIO, json-glib, libsecret): the least a GLib program pays.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#define LEAD_TIME_SECONDS (10 * 60)

static char *
file_path (const char *variable,
           const char *name)
{
  const char *path = g_getenv (variable);

  if (path != NULL && path[0] != '\0')
    return g_strdup (path);
  return g_build_filename (g_get_home_dir (), ".aws", name, NULL);
}

static GKeyFile *
load (const char *variable,
      const char *name)
{
  g_autofree char *path = file_path (variable, name);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;
  gboolean ok;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      return NULL;
    }
  ok = g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, &error);
  memset (data, 0, length);
  g_free (data);
  if (!ok)
    {
      g_printerr ("%s: %s\n", path, error->message);
      return NULL;
    }
  return g_steal_pointer (&file);
}

static void
append_json_string (GString    *out,
                    const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GKeyFile) config = NULL;
  g_autoptr(GKeyFile) credentials = NULL;
  g_autofree char *config_section = NULL;
  g_autofree char *long_term_section = NULL;
  g_autofree char *device = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expiration_text = NULL;
  g_autoptr(GDateTime) expiration = NULL;
  g_autoptr(GDateTime) now = NULL;
  GString *out;

  if (argc != 2)
    {
      g_printerr ("usage: %s PROFILE\n", argv[0]);
      return 2;
    }

  config = load ("AWS_CONFIG_FILE", "config");
  credentials = load ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  if (config == NULL || credentials == NULL)
    return 1;

  config_section = g_strdup_printf ("profile %s", argv[1]);
  long_term_section = g_strdup_printf ("%s-long-term", argv[1]);
  device = g_key_file_get_value (credentials, long_term_section, "aws_mfa_device", NULL);
  if (!g_key_file_has_group (config, config_section) || device == NULL)
    {
      g_printerr ("%s is not an MFA profile\n", argv[1]);
      return 1;
    }

  key_id = g_key_file_get_value (credentials, argv[1], "aws_access_key_id", NULL);
  secret = g_key_file_get_value (credentials, argv[1], "aws_secret_access_key", NULL);
  token = g_key_file_get_value (credentials, argv[1], "aws_session_token", NULL);
  expiration_text = g_key_file_get_value (credentials, argv[1], "expiration", NULL);
  if (expiration_text != NULL)
    expiration = g_date_time_new_from_iso8601 (expiration_text, NULL);
  now = g_date_time_new_now_utc ();
  if (key_id == NULL || secret == NULL || token == NULL || expiration == NULL ||
      g_date_time_difference (expiration, now) <= LEAD_TIME_SECONDS * G_USEC_PER_SEC)
    {
      g_printerr ("%s has no session valid beyond the lead time\n", argv[1]);
      return 1;
    }

  /* Sized so that it never grows (a realloc would leave an unwiped copy), as ours is. */
  out = g_string_sized_new (8192);
  g_string_append (out, "{\"Version\": 1, \"AccessKeyId\": ");
  append_json_string (out, key_id);
  g_string_append (out, ", \"SecretAccessKey\": ");
  append_json_string (out, secret);
  g_string_append (out, ", \"SessionToken\": ");
  append_json_string (out, token);
  g_string_append (out, ", \"Expiration\": ");
  append_json_string (out, expiration_text);
  g_string_append (out, "}\n");
  fputs (out->str, stdout);
  memset (out->str, 0, out->allocated_len);
  g_string_free (out, TRUE);
  memset (secret, 0, strlen (secret));
  memset (token, 0, strlen (token));

  return fflush (stdout) == 0 ? 0 : 1;
}
