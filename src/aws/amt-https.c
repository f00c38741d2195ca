/* amt-https.c
 *
 * libcurl, GnuTLS and the two dozen libraries they bring map about 5 MiB and take about 5 ms
 * to load, and the applet may run for days before it calls AWS. So they are not linked to the
 * program: the module "aws-mfa-tray-https" (amt-https-module.c: the libcurl transport, and
 * GnuTLS's SHA-256 and HMAC for the signatures) is loaded on the first call to AWS, from the
 * worker thread that makes it, and stays for the life of the process.
 *
 * Where it is looked for and how it is opened: amt-module.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-https"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-aws-error.h"
#include "amt-https.h"
#include "amt-module.h"

typedef AmtHttpTransport *(*TransportNewFunc) (void);
typedef int               (*Sha256Func)       (const void *data,
                                               gsize       len,
                                               guint8     *digest);
typedef int               (*HmacSha256Func)   (const void *key,
                                               gsize       key_len,
                                               const void *data,
                                               gsize       data_len,
                                               guint8     *digest);
typedef gint64            (*HttpDateFunc)     (const char *date);

static struct {
  TransportNewFunc  transport_new;
  Sha256Func        sha256;
  HmacSha256Func    hmac_sha256;
  HttpDateFunc      http_date;
  AmtHttpTransport *transport;   /* stateless, so one serves every thread */
  char             *failure;     /* why it could not be loaded, for the log */
  char             *path;
} https;

/* What the module takes from the program, in a table the linker must keep
 * (amt-https-exports.c): referenced here, so that every program that can load the module
 * links it. */
extern gpointer const amt_https_used_by_module[];

static void
load_once (void)
{
  gpointer module;

  /* The table of what the module takes from us is linked (amt-https-exports.c). */
  g_assert (amt_https_used_by_module[0] != NULL);

#ifdef AMT_HTTPS_OPEN_FIRST
  /* Found in libcurl's libraries at configuration (meson.build); see amt-module.c. */
  amt_module_open_first (AMT_HTTPS_OPEN_FIRST);
#endif
  module = amt_module_open ("aws-mfa-tray-https", &https.path, &https.failure);
  if (module == NULL)
    return;

  if (!amt_module_symbols (module, https.path, &https.failure,
                           "amt_https_module_transport_new", (gpointer *) &https.transport_new,
                           "amt_https_module_sha256", (gpointer *) &https.sha256,
                           "amt_https_module_hmac_sha256", (gpointer *) &https.hmac_sha256,
                           "amt_https_module_http_date", (gpointer *) &https.http_date,
                           NULL))
    return;

  https.transport = https.transport_new ();
}

/**
 * amt_https_load:
 * @error: return location for a #GError
 *
 * Loads the HTTPS stack, once per process; thread-safe. Blocks for the time it takes (about
 * 5 ms): call it from a worker thread.
 *
 * Returns: %TRUE when it is loaded
 */
gboolean
amt_https_load (GError **error)
{
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      load_once ();
      g_once_init_leave (&loaded, 1);
    }

  if (https.transport != NULL)
    return TRUE;

  g_debug ("Could not load %s: %s", https.path, https.failure);
  g_set_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_NETWORK,
               /* Translators: %s is a file, "/usr/lib/aws-mfa-tray/libaws-mfa-tray-https.so" */
               _("Could not load the part of MFA Tray for AWS that connects to AWS (%s); "
                 "reinstall the application."),
               https.path);
  return FALSE;
}

/**
 * amt_https_dup_transport:
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the libcurl transport, or %NULL when the HTTPS stack
 *   could not be loaded
 */
AmtHttpTransport *
amt_https_dup_transport (GError **error)
{
  if (!amt_https_load (error))
    return NULL;

  return g_object_ref (https.transport);
}

/* The signatures are made right before a request is sent, so the stack is loaded by then; a
 * caller that signs without sending (the unit tests) loads it here. */
static void
ensure_loaded (void)
{
  g_autoptr(GError) error = NULL;

  if (!amt_https_load (&error))
    g_error ("%s", error->message);
}

/**
 * amt_https_sha256:
 *
 * GnuTLS's SHA-256 of @data.
 */
void
amt_https_sha256 (const void *data,
                  gsize       len,
                  guint8      digest[AMT_HTTPS_SHA256_LEN])
{
  int ret;

  ensure_loaded ();
  ret = https.sha256 (data, len, digest);
  g_assert (ret == 0);
}

/**
 * amt_https_hmac_sha256:
 *
 * GnuTLS's HMAC-SHA256 of @data under @key; GnuTLS wipes its state of the key.
 */
void
amt_https_hmac_sha256 (const void *key,
                       gsize       key_len,
                       const void *data,
                       gsize       data_len,
                       guint8      digest[AMT_HTTPS_SHA256_LEN])
{
  int ret;

  ensure_loaded ();
  ret = https.hmac_sha256 (key, key_len, data, data_len, digest);
  g_assert (ret == 0);
}

/**
 * amt_https_parse_http_date:
 * @date: an HTTP Date header, "Wed, 02 Dec 2026 16:23:01 GMT"
 * @unix_time: (out): the time it names, in seconds since 1970
 *
 * Returns: %TRUE when @date is a time libcurl reads
 */
gboolean
amt_https_parse_http_date (const char *date,
                           gint64     *unix_time)
{
  gint64 parsed;

  ensure_loaded ();
  parsed = https.http_date (date);
  if (parsed == -1)
    return FALSE;

  *unix_time = parsed;
  return TRUE;
}
