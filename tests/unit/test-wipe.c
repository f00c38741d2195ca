/* test-wipe.c: a login's secrets are wiped before their memory is freed
 *
 * Runs under wipe-check-preload.c (it starts itself again with LD_PRELOAD when the shim is not
 * loaded), which looks in every block freed for a marker: the session's secret access key, then
 * its token, as a fake transport answers them. One login: GetSessionToken through the AWS client
 * (XML, then JSON), the session written into a credentials file and read back, everything freed.
 * The first case shows the shim finds a block freed unwiped, so that the others can fail; the
 * last ones free the credentials type (and its copies) and amt-secret's buffers on their own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "amt-aws-client.h"
#include "amt-cred-store.h"
#include "amt-secret.h"
#include "amt-session-env.h"

#define SESSION_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETMARK"
#define SESSION_TOKEN  "FwoGZXIvYXdzEXAMPLETOKENMARKER+/0123456789abcdefghijklmnop"

#define CREDENTIALS_XML \
  "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetSessionTokenResult>" \
  "<Credentials><AccessKeyId>ASIASESSIONEXAMPLE01</AccessKeyId><SecretAccessKey>" SESSION_SECRET "</SecretAccessKey>" \
  "<SessionToken>" SESSION_TOKEN "</SessionToken><Expiration>2026-11-24T04:29:20Z</Expiration></Credentials>" \
  "</GetSessionTokenResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetSessionTokenResponse>"

#define CREDENTIALS_JSON \
  "{\"GetSessionTokenResponse\":{\"GetSessionTokenResult\":{\"Credentials\":{" \
  "\"AccessKeyId\":\"ASIASESSIONEXAMPLE01\",\"SecretAccessKey\":\"" SESSION_SECRET "\"," \
  "\"SessionToken\":\"" SESSION_TOKEN "\",\"Expiration\":1.7959553600E9}}," \
  "\"ResponseMetadata\":{\"RequestId\":\"rid\"}}}"

typedef void (*SetMarker) (const char *marker);
typedef int  (*GetFound)  (void);

static SetMarker set_marker;
static GetFound  get_found;

/* ---------------------------------------------------------------------------------------- */
/* A transport that answers one canned body from static storage (no copy of ours to free)   */

#define FAKE_TYPE_HTTP (fake_http_get_type ())
G_DECLARE_FINAL_TYPE (FakeHttp, fake_http, FAKE, HTTP, GObject)

struct _FakeHttp
{
  GObject     parent_instance;
  const char *body;
  const char *content_type;
};

static void fake_http_iface_init (AmtHttpTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeHttp, fake_http, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_HTTP_TRANSPORT, fake_http_iface_init))

static AmtHttpResponse *
fake_http_send (AmtHttpTransport      *transport,
                const AmtHttpRequest  *request,
                GCancellable          *cancellable,
                GError               **error)
{
  FakeHttp *self = FAKE_HTTP (transport);
  GHashTable *headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (headers, g_strdup ("content-type"), g_strdup (self->content_type));
  g_hash_table_insert (headers, g_strdup ("x-amzn-requestid"), g_strdup ("fake-request-id"));
  return amt_http_response_new (200, headers, self->body, strlen (self->body));
}

static void
fake_http_iface_init (AmtHttpTransportInterface *iface)
{
  iface->send = fake_http_send;
}

static void
fake_http_class_init (FakeHttpClass *klass)
{
}

static void
fake_http_init (FakeHttp *self)
{
}

/* ---------------------------------------------------------------------------------------- */

static void
test_shim_finds_unwiped (void)
{
  char *copy;
  int before = get_found ();

  set_marker (SESSION_SECRET);
  copy = g_strdup ("key " SESSION_SECRET " in a block nobody wiped");
  g_free (copy);
  set_marker (NULL);

  g_assert_cmpint (get_found (), ==, before + 1);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
login_once (const char *body,
            const char *content_type)
{
  const char * const env[] = { NULL };
  g_autoptr(FakeHttp) http = g_object_new (FAKE_TYPE_HTTP, NULL);
  g_autoptr(AmtAwsClient) client = NULL;
  g_autoptr(AmtCredentials) alice = amt_credentials_new ("AKIAALICE0EXAMPLE001",
                                                         "ocihcQIAk0Ud6KDXGz9WvuS1hRfF+0I0EXAMPLEK", NULL, NULL);
  g_autoptr(AmtCredentials) session = NULL;
  g_autoptr(AmtCredentials) written = NULL;
  g_autoptr(AmtCredentials) read_back = NULL;
  g_autoptr(AmtCredStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("amt-wipe-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "credentials", NULL);
  g_file_set_contents (path, "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n", -1, &error);
  g_assert_no_error (error);

  http->body = body;
  http->content_type = content_type;
  client = amt_aws_client_new_full (AMT_HTTP_TRANSPORT (http), "eu-west-1", NULL, NULL, env);

  amt_aws_client_get_session_token_async (client, alice, "arn:aws:iam::111111111111:mfa/alice", "123456",
                                          3600, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  session = amt_aws_client_get_session_token_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->secret_access_key, ==, SESSION_SECRET);
  g_assert_cmpstr (session->session_token, ==, SESSION_TOKEN);

  store = amt_cred_store_new (path);
  written = amt_credentials_new (session->access_key_id, session->secret_access_key,
                                 session->session_token, session->expiration);
  g_assert_true (amt_cred_store_replace_section (store, "dev", written, &error));
  g_assert_no_error (error);
  read_back = amt_cred_store_read_section (store, "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read_back->secret_access_key, ==, SESSION_SECRET);

  g_clear_object (&store);
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, &error);
    const char *name;

    g_assert_no_error (error);
    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);

        g_assert_cmpint (g_unlink (file), ==, 0);
      }
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_login (gconstpointer data)
{
  const char * const *answer = data;
  const char *markers[] = { SESSION_SECRET, SESSION_TOKEN };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      int before = get_found ();

      set_marker (markers[i]);
      login_once (answer[0], answer[1]);
      /* Worker threads of the client are done by now (the result came back). */
      set_marker (NULL);
      g_assert_cmpint (get_found (), ==, before);
    }
}

/* `session --format json` (and credential-process, with the same writer): the text is wiped
 * by its caller, and no copy is left on the way. */
static void
test_session_env_json (void)
{
  static const char * const variables[] = {
    "AWS_ACCESS_KEY_ID=ASIASESSIONEXAMPLE01",
    "AWS_SECRET_ACCESS_KEY=" SESSION_SECRET,
    "AWS_SESSION_TOKEN=" SESSION_TOKEN,
    NULL,
  };
  const char *markers[] = { SESSION_SECRET, SESSION_TOKEN };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      int before = get_found ();
      char *text;

      set_marker (markers[i]);
      text = amt_session_env_format (variables, AMT_SESSION_ENV_FORMAT_JSON);
      g_assert_nonnull (strstr (text, "\"AWS_SECRET_ACCESS_KEY\": \"" SESSION_SECRET "\""));
      amt_secret_free (text);
      set_marker (NULL);
      g_assert_cmpint (get_found (), ==, before);
    }
}

/* The credentials type, its copies (as a function and as a boxed type) and its free. */
static void
test_credentials (void)
{
  const char *markers[] = { SESSION_SECRET, SESSION_TOKEN };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      g_autoptr(GDateTime) expiration = g_date_time_new_utc (2026, 11, 24, 4, 29, 20);
      int before = get_found ();
      AmtCredentials *session;
      AmtCredentials *copy;
      AmtCredentials *boxed;

      set_marker (markers[i]);
      session = amt_credentials_new ("ASIASESSIONEXAMPLE01", SESSION_SECRET, SESSION_TOKEN, expiration);
      copy = amt_credentials_copy (session);
      boxed = g_boxed_copy (AMT_TYPE_CREDENTIALS, copy);
      amt_credentials_free (session);
      amt_credentials_free (copy);
      g_boxed_free (AMT_TYPE_CREDENTIALS, boxed);
      set_marker (NULL);
      g_assert_cmpint (get_found (), ==, before);
    }
}

/* The buffers of amt-secret: a GString is wiped to the end of its block, where text it no
 * longer holds (truncated here) stays until then. */
static void
test_secret_buffers (void)
{
  int before = get_found ();
  GString *text = g_string_sized_new (256);
  GByteArray *bytes = g_byte_array_new ();
  char *buffer = g_strdup ("aws_secret_access_key = " SESSION_SECRET "\n");

  set_marker (SESSION_SECRET);
  g_string_append (text, "aws_secret_access_key = " SESSION_SECRET "\n");
  g_string_truncate (text, 0);
  amt_secret_free_gstring (text);
  g_byte_array_append (bytes, (const guint8 *) SESSION_SECRET, strlen (SESSION_SECRET) + 1);
  amt_secret_free_bytes (bytes);
  amt_secret_free_sized (buffer, strlen (buffer));
  set_marker (NULL);
  g_assert_cmpint (get_found (), ==, before);
}

static void
skip_under_asan (void)
{
  g_test_skip ("AddressSanitizer owns free() and realloc(): the shim cannot interpose them");
}

int
main (int   argc,
      char *argv[])
{
  static const char * const xml[] = { CREDENTIALS_XML, "text/xml" };
  static const char * const json[] = { CREDENTIALS_JSON, "application/json" };
#if defined(__SANITIZE_ADDRESS__)
  const gboolean under_asan = TRUE;
#else
  const gboolean under_asan = FALSE;
#endif

  if (under_asan)
    {
      g_test_init (&argc, &argv, NULL);
      g_test_add_func ("/wipe/login", skip_under_asan);
      return g_test_run ();
    }

  set_marker = (SetMarker) dlsym (RTLD_DEFAULT, "amt_wipe_check_set_marker");
  get_found = (GetFound) dlsym (RTLD_DEFAULT, "amt_wipe_check_get_found");
  if (set_marker == NULL || get_found == NULL)
    {
      /* Not under the shim yet: again, with it. */
      if (g_getenv ("AMT_WIPE_CHECK_REEXEC") != NULL)
        g_error ("LD_PRELOAD=%s did not load the shim", AMT_WIPE_CHECK_PRELOAD);
      g_setenv ("AMT_WIPE_CHECK_REEXEC", "1", TRUE);
      g_setenv ("LD_PRELOAD", AMT_WIPE_CHECK_PRELOAD, TRUE);
      execv ("/proc/self/exe", argv);
      g_error ("Could not start again under the shim: %s", g_strerror (errno));
    }
  g_unsetenv ("LD_PRELOAD");

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wipe/shim-finds-unwiped", test_shim_finds_unwiped);
  g_test_add_data_func ("/wipe/login-xml", xml, test_login);
  g_test_add_data_func ("/wipe/login-json", json, test_login);
  g_test_add_func ("/wipe/session-env-json", test_session_env_json);
  g_test_add_func ("/wipe/credentials", test_credentials);
  g_test_add_func ("/wipe/secret-buffers", test_secret_buffers);
  return g_test_run ();
}
