/* test-key-move.c: moving long-term keys between the credentials file and a keyring
 *
 * The order that keeps keys from being lost (amt-key-move.c): stored, read back and compared,
 * marked, and only then taken out of the file. The keyring here is an in-memory AmtKeySource
 * that can be told to fail or to give back other keys, which no real keyring does on demand;
 * tests/cli/test_keyring.py moves keys through gnome-keyring itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "amt-key-move.h"
#include "amt-key-source.h"

/* An in-memory keyring */

#define TEST_TYPE_MEMORY_KEYS (test_memory_keys_get_type ())
G_DECLARE_FINAL_TYPE (TestMemoryKeys, test_memory_keys, TEST, MEMORY_KEYS, GObject)

struct _TestMemoryKeys
{
  GObject     parent_instance;
  GHashTable *items;           /* profile → AmtCredentials */
  gboolean    fail_store;
  gboolean    change_on_store; /* keeps another secret than it was given */
};

static void test_memory_keys_source_init (AmtKeySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMemoryKeys, test_memory_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_KEY_SOURCE, test_memory_keys_source_init))

static void
test_memory_keys_finalize (GObject *object)
{
  g_hash_table_unref (TEST_MEMORY_KEYS (object)->items);
  G_OBJECT_CLASS (test_memory_keys_parent_class)->finalize (object);
}

static void
test_memory_keys_class_init (TestMemoryKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_memory_keys_finalize;
}

static void
test_memory_keys_init (TestMemoryKeys *self)
{
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) amt_credentials_free);
}

static void
memory_lookup_async (AmtKeySource *source, const char *profile, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  AmtCredentials *keys = g_hash_table_lookup (TEST_MEMORY_KEYS (source)->items, profile);

  if (keys == NULL)
    g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_NOT_FOUND, "none");
  else
    g_task_return_pointer (task, amt_credentials_copy (keys), (GDestroyNotify) amt_credentials_free);
}

static AmtCredentials *
memory_lookup_finish (AmtKeySource *source, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
memory_store_async (AmtKeySource *source, const char *profile, const AmtCredentials *keys,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  TestMemoryKeys *self = TEST_MEMORY_KEYS (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  if (self->fail_store)
    {
      g_task_return_new_error (task, AMT_KEY_SOURCE_ERROR, AMT_KEY_SOURCE_ERROR_UNAVAILABLE, "no keyring");
      return;
    }
  g_hash_table_replace (self->items, g_strdup (profile),
                        amt_credentials_new (keys->access_key_id,
                                             self->change_on_store ? "another-secret" : keys->secret_access_key,
                                             NULL, NULL));
  g_task_return_boolean (task, TRUE);
}

static gboolean
memory_finish_boolean (AmtKeySource *source, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
memory_delete_async (AmtKeySource *source, const char *profile, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_hash_table_remove (TEST_MEMORY_KEYS (source)->items, profile);
  g_task_return_boolean (task, TRUE);
}

static void
test_memory_keys_source_init (AmtKeySourceInterface *iface)
{
  iface->lookup_async = memory_lookup_async;
  iface->lookup_finish = memory_lookup_finish;
  iface->store_async = memory_store_async;
  iface->store_finish = memory_finish_boolean;
  iface->delete_async = memory_delete_async;
  iface->delete_finish = memory_finish_boolean;
}

/* Files and running a move */

static const char credentials_text[] =
  "# my keys\n"
  "[other]\n"
  "aws_access_key_id = AKIAOTHER00000000001\n"
  "aws_secret_access_key = other-secret\n"
  "\n"
  "[base]\n"
  "aws_access_key_id = AKIABASE000000000001\n"
  "aws_secret_access_key = base-secret\n"
  "\n"
  "[tail]\n"
  "region = eu-west-1\n";

static const char config_text[] =
  "[profile dev]\n"
  "source_profile = base\n"
  "mfa_serial = arn:aws:iam::111111111111:mfa/bob\n";

typedef struct {
  char *config;
  char *credentials;
} Files;

static void
files_write (Files      *files,
             const char *config,
             const char *credentials)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), ".aws", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  files->config = g_build_filename (dir, "config", NULL);
  files->credentials = g_build_filename (dir, "credentials", NULL);
  g_assert_true (g_file_set_contents (files->config, config, -1, NULL));
  g_assert_true (g_file_set_contents (files->credentials, credentials, -1, NULL));
}

static void
files_clear (Files *files)
{
  g_free (files->config);
  g_free (files->credentials);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Files, files_clear)

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
moved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
move (Files         *files,
      AmtKeyPlace    to,
      AmtKeySource  *keyring,
      GError       **error)
{
  g_autoptr(AmtAwsConfig) config = amt_aws_config_load_files (files->config, files->credentials, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_nonnull (config);
  amt_key_move_async (config, "base", to, keyring, NULL, moved_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return amt_key_move_finish (result, error);
}

static void
test_there_and_back (void)
{
  g_autoptr(TestMemoryKeys) keyring = g_object_new (TEST_TYPE_MEMORY_KEYS, NULL);
  g_auto(Files) files = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *config = NULL;
  AmtCredentials *kept;

  files_write (&files, config_text, credentials_text);

  g_assert_true (move (&files, AMT_KEY_PLACE_KEYRING, AMT_KEY_SOURCE (keyring), &error));
  g_assert_no_error (error);
  kept = g_hash_table_lookup (keyring->items, "base");
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->access_key_id, ==, "AKIABASE000000000001");
  g_assert_cmpstr (kept->secret_access_key, ==, "base-secret");

  /* The section went with its keys; every other byte stayed. */
  credentials = read_text (files.credentials);
  g_assert_cmpstr (credentials, ==,
                   "# my keys\n"
                   "[other]\n"
                   "aws_access_key_id = AKIAOTHER00000000001\n"
                   "aws_secret_access_key = other-secret\n"
                   "\n"
                   "[tail]\n"
                   "region = eu-west-1\n");
  config = read_text (files.config);
  g_assert_nonnull (strstr (config, "[profile base]\nmfa_tray_keys = keyring\n"));
  g_assert_true (g_str_has_prefix (config, config_text));

  /* Twice is said, and changes nothing. */
  g_assert_false (move (&files, AMT_KEY_PLACE_KEYRING, AMT_KEY_SOURCE (keyring), &error));
  g_assert_nonnull (strstr (error->message, "already"));
  g_clear_error (&error);

  /* Back: the standard keys, the mark gone with the section it made, the item deleted. */
  g_assert_true (move (&files, AMT_KEY_PLACE_FILE, AMT_KEY_SOURCE (keyring), &error));
  g_assert_no_error (error);
  g_clear_pointer (&credentials, g_free);
  g_clear_pointer (&config, g_free);
  credentials = read_text (files.credentials);
  g_assert_nonnull (strstr (credentials, "[base]\naws_access_key_id = AKIABASE000000000001\n"
                                         "aws_secret_access_key = base-secret\n"));
  config = read_text (files.config);
  g_assert_cmpstr (config, ==, config_text);
  g_assert_cmpuint (g_hash_table_size (keyring->items), ==, 0);
}

/* A keyring that fails, or keeps other keys than it was given: the file is left as it was. */
static void
test_nothing_lost (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(TestMemoryKeys) keyring = g_object_new (TEST_TYPE_MEMORY_KEYS, NULL);
      g_auto(Files) files = { NULL, };
      g_autoptr(GError) error = NULL;
      g_autofree char *credentials = NULL;
      g_autofree char *config = NULL;

      keyring->fail_store = i == 0;
      keyring->change_on_store = i == 1;
      files_write (&files, config_text, credentials_text);

      g_assert_false (move (&files, AMT_KEY_PLACE_KEYRING, AMT_KEY_SOURCE (keyring), &error));
      g_assert_nonnull (error);
      if (i == 1)
        g_assert_nonnull (strstr (error->message, "other keys"));
      credentials = read_text (files.credentials);
      config = read_text (files.config);
      g_assert_cmpstr (credentials, ==, credentials_text);
      g_assert_cmpstr (config, ==, config_text);
    }
}

/* A profile resolving through the keys without MFA blocks the move. */
static void
test_used_without_mfa (void)
{
  g_autoptr(TestMemoryKeys) keyring = g_object_new (TEST_TYPE_MEMORY_KEYS, NULL);
  g_auto(Files) files = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *config_with_plain = g_strconcat (config_text, "[profile plain]\nsource_profile = base\n"
                                                    "role_arn = arn:aws:iam::222222222222:role/Deploy\n", NULL);
  g_autofree char *credentials = NULL;

  files_write (&files, config_with_plain, credentials_text);
  g_assert_false (move (&files, AMT_KEY_PLACE_KEYRING, AMT_KEY_SOURCE (keyring), &error));
  g_assert_nonnull (strstr (error->message, "plain"));
  credentials = read_text (files.credentials);
  g_assert_cmpstr (credentials, ==, credentials_text);
  g_assert_cmpuint (g_hash_table_size (keyring->items), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/key-move/there-and-back", test_there_and_back);
  g_test_add_func ("/key-move/nothing-lost", test_nothing_lost);
  g_test_add_func ("/key-move/used-without-mfa", test_used_without_mfa);

  return g_test_run ();
}
