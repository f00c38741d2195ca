/* amt-cred-tool.c: src/core's file handling from the command line, for the Python tests
 *
 *   amt-cred-tool dump FILE…           each file as botocore's raw_config_parse() sees it, one
 *                                      JSON object a line: {"sections": …} or {"error": …}
 *   amt-cred-tool roundtrip FILE       exit 0 when serializing gives back the same bytes
 *   amt-cred-tool write SECTION        write the credentials read from stdin, one a line:
 *                                      key ID, secret, token, expiration (ISO 8601)
 *   amt-cred-tool remove SECTION       remove a section
 *   amt-cred-tool read SECTION         the credentials of SECTION (JSON)
 *   amt-cred-tool loop SECTION COUNT [SAVE_DIR]
 *                                      write SECTION COUNT times with values ending in 1..COUNT,
 *                                      printing each number once it is written; with SAVE_DIR,
 *                                      copy the file to SAVE_DIR/N after write N. COUNT 0 means
 *                                      until SIGTERM, which ends the loop after a whole write
 *   amt-cred-tool profiles             the profile view of both files (JSON)
 *
 * The credentials file is $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials. Errors go to
 * stderr as the sentence the user would see; the exit status is then 1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-tool"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "amt-aws-config.h"
#include "amt-cred-store.h"
#include "amt-ini.h"

static int
fail (GError *error)
{
  /* Not g_printerr (): it converts to the locale's charset, and the tests want UTF-8. */
  fprintf (stderr, "%s\n", error->message);
  return 1;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fprintf (stdout, "%s\n", text);
}

static int
command_dump (const char *path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtIniDocument) doc = NULL;
  g_auto(GStrv) sections = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &error))
    return fail (error);

  doc = amt_ini_document_new_from_data (data, length);
  json_builder_begin_object (builder);
  if (!amt_ini_document_check (doc, path, &error))
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, error->code);
      json_builder_end_object (builder);
      print_json (builder);
      return 0;
    }

  json_builder_set_member_name (builder, "sections");
  json_builder_begin_object (builder);
  sections = amt_ini_document_get_sections (doc);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_auto(GStrv) keys = amt_ini_document_get_keys (doc, sections[i]);

      json_builder_set_member_name (builder, sections[i]);
      json_builder_begin_object (builder);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autoptr(GHashTable) nested = amt_ini_document_get_nested (doc, sections[i], keys[k]);

          json_builder_set_member_name (builder, keys[k]);
          if (nested != NULL)
            {
              GHashTableIter iter;
              gpointer name, value;

              json_builder_begin_object (builder);
              g_hash_table_iter_init (&iter, nested);
              while (g_hash_table_iter_next (&iter, &name, &value))
                {
                  json_builder_set_member_name (builder, name);
                  json_builder_add_string_value (builder, value);
                }
              json_builder_end_object (builder);
            }
          else
            {
              json_builder_add_string_value (builder,
                                             amt_ini_document_get_value (doc, sections[i], keys[k]));
            }
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  print_json (builder);

  return 0;
}

static int
command_roundtrip (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtIniDocument) doc = NULL;
  g_autofree char *data = NULL;
  char *output;
  gsize length, output_length;
  gboolean same;

  if (!g_file_get_contents (path, &data, &length, &error))
    return fail (error);

  doc = amt_ini_document_new_from_data (data, length);
  output = amt_ini_document_serialize (doc, &output_length);
  same = output_length == length && memcmp (output, data, length) == 0;
  amt_secret_free_sized (output, output_length);

  if (!same)
    {
      g_printerr ("%s: the serialized document differs from the file\n", path);
      return 1;
    }

  return 0;
}

static char *
read_line (void)
{
  char buffer[4096];
  gsize len;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;

  len = strlen (buffer);
  while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
    buffer[--len] = '\0';

  return g_strdup (buffer);
}

static int
command_write (AmtCredStore *store,
               const char   *section)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GDateTime) expiration = NULL;
  g_autofree char *key_id = read_line ();
  g_autofree char *secret = read_line ();
  g_autofree char *token = read_line ();
  g_autofree char *expiration_text = read_line ();

  if (key_id == NULL || secret == NULL)
    {
      g_printerr ("write: expected the key ID and the secret on stdin\n");
      return 2;
    }

  if (expiration_text != NULL && expiration_text[0] != '\0')
    {
      expiration = amt_credentials_parse_expiration (expiration_text);
      if (expiration == NULL)
        {
          g_printerr ("write: “%s” is no ISO 8601 time\n", expiration_text);
          return 2;
        }
    }

  credentials = amt_credentials_new (key_id, secret,
                                     token != NULL && token[0] != '\0' ? token : NULL,
                                     expiration);
  amt_secret_wipe (secret, strlen (secret));

  if (!amt_cred_store_replace_section (store, section, credentials, &error))
    return fail (error);

  return 0;
}

static int
command_remove (AmtCredStore *store,
                const char   *section)
{
  g_autoptr(GError) error = NULL;

  if (!amt_cred_store_remove_section (store, section, &error))
    return fail (error);

  return 0;
}

static int
command_read (AmtCredStore *store,
              const char   *section)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GDateTime) expiration = NULL;
  g_autofree char *expiration_text = NULL;

  credentials = amt_cred_store_read_section (store, section, &error);
  if (credentials == NULL)
    return fail (error);
  if (!amt_cred_store_read_expiration (store, section, &expiration, &error))
    return fail (error);

  if (expiration != NULL)
    expiration_text = amt_credentials_format_expiration (expiration);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "aws_access_key_id");
  json_builder_add_string_value (builder, credentials->access_key_id);
  json_builder_set_member_name (builder, "aws_secret_access_key");
  json_builder_add_string_value (builder, credentials->secret_access_key);
  json_builder_set_member_name (builder, "aws_session_token");
  json_builder_add_string_value (builder, credentials->session_token);
  json_builder_set_member_name (builder, "expiration");
  json_builder_add_string_value (builder, expiration_text);
  json_builder_end_object (builder);
  print_json (builder);

  return 0;
}

static volatile sig_atomic_t stop_requested;

static void
stop_handler (int signum)
{
  stop_requested = 1;
}

static int
command_loop (AmtCredStore *store,
              const char   *section,
              guint         count,
              const char   *save_dir)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  struct sigaction action = { .sa_handler = stop_handler };

  sigaction (SIGTERM, &action, NULL);

  for (guint i = 1; (count == 0 || i <= count) && !stop_requested; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) expiration = g_date_time_new (utc, 2026, 1, 1, 0, 0, 0);
      g_autoptr(GDateTime) later = g_date_time_add_seconds (expiration, i);
      g_autofree char *key_id = g_strdup_printf ("AKIA-%s-%u", section, i);
      g_autofree char *secret = g_strdup_printf ("secret/%s+%u", section, i);
      g_autofree char *token = g_strdup_printf ("token-%s-%u//%0200u", section, i, i);
      g_autoptr(AmtCredentials) credentials = amt_credentials_new (key_id, secret, token, later);

      if (!amt_cred_store_replace_section (store, section, credentials, &error))
        return fail (error);

      if (save_dir != NULL)
        {
          g_autofree char *data = NULL;
          g_autofree char *name = g_strdup_printf ("%u", i);
          g_autofree char *copy = g_build_filename (save_dir, name, NULL);
          gsize length;

          if (!g_file_get_contents (amt_cred_store_get_path (store), &data, &length, &error) ||
              !g_file_set_contents (copy, data, length, &error))
            return fail (error);
        }

      g_print ("%u\n", i);
      fflush (stdout);
    }

  return 0;
}

static const char * const listed_keys[] = {
  AMT_AWS_KEY_ACCESS_KEY_ID, AMT_AWS_KEY_SECRET_ACCESS_KEY, AMT_AWS_KEY_SESSION_TOKEN,
  AMT_AWS_KEY_EXPIRATION, AMT_AWS_KEY_MFA_SERIAL, AMT_AWS_KEY_SOURCE_PROFILE,
  AMT_AWS_KEY_ROLE_ARN, AMT_AWS_KEY_EXTERNAL_ID, AMT_AWS_KEY_ROLE_SESSION_NAME,
  AMT_AWS_KEY_DURATION_SECONDS, AMT_AWS_KEY_REGION, AMT_AWS_KEY_STS_REGIONAL_ENDPOINTS,
  AMT_AWS_KEY_CA_BUNDLE, AMT_AWS_KEY_ENDPOINT_URL, AMT_AWS_KEY_MFA_PROCESS,
  AMT_AWS_KEY_CREDENTIAL_PROCESS,
};

static int
command_profiles (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtAwsConfig) config = amt_aws_config_load (&error);
  g_auto(GStrv) names = NULL;

  if (config == NULL)
    return fail (error);

  names = amt_aws_config_get_profile_names (config);
  json_builder_begin_object (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *elsewhere = NULL;
      const char *serial = amt_aws_config_get_mfa_serial (config, names[i]);

      json_builder_set_member_name (builder, names[i]);
      json_builder_begin_object (builder);
      for (guint k = 0; k < G_N_ELEMENTS (listed_keys); k++)
        {
          const char *value = amt_aws_config_get (config, names[i], listed_keys[k]);

          if (value == NULL)
            continue;
          json_builder_set_member_name (builder, listed_keys[k]);
          json_builder_add_string_value (builder, value);
        }
      json_builder_set_member_name (builder, "@source");
      json_builder_add_int_value (builder, amt_aws_config_get_credential_source (config, names[i]));
      json_builder_set_member_name (builder, "@elsewhere");
      amt_aws_config_resolves_elsewhere (config, names[i], &elsewhere);
      json_builder_add_string_value (builder, elsewhere);
      json_builder_set_member_name (builder, "@mfa_serial");
      json_builder_add_string_value (builder, serial);
      json_builder_set_member_name (builder, "@long_term");
      json_builder_add_boolean_value (builder, amt_aws_config_has_long_term (config, names[i]));
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  print_json (builder);

  return 0;
}

static int
usage (void)
{
  g_printerr ("usage: amt-cred-tool dump FILE… | roundtrip FILE | write SECTION | remove SECTION"
              " | read SECTION | loop SECTION COUNT [SAVE_DIR] | profiles\n");
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AmtCredStore) store = NULL;
  const char *command;

  /* Beyond `ulimit -f`, write() must fail with EFBIG rather than the process die. */
  signal (SIGXFSZ, SIG_IGN);

  if (argc < 2)
    return usage ();

  command = argv[1];
  store = amt_cred_store_new_default ();

  if (g_str_equal (command, "dump") && argc >= 3)
    {
      for (int i = 2; i < argc; i++)
        if (command_dump (argv[i]) != 0)
          return 1;
      return 0;
    }
  if (g_str_equal (command, "roundtrip") && argc == 3)
    return command_roundtrip (argv[2]);
  if (g_str_equal (command, "write") && argc == 3)
    return command_write (store, argv[2]);
  if (g_str_equal (command, "remove") && argc == 3)
    return command_remove (store, argv[2]);
  if (g_str_equal (command, "read") && argc == 3)
    return command_read (store, argv[2]);
  if (g_str_equal (command, "loop") && (argc == 4 || argc == 5))
    return command_loop (store, argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10),
                         argc == 5 ? argv[4] : NULL);
  if (g_str_equal (command, "profiles") && argc == 2)
    return command_profiles ();

  return usage ();
}
