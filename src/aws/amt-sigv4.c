/* amt-sigv4.c
 *
 * AWS Signature Version 4 over GnuTLS's SHA-256 and HMAC (through amt-https.c, which loads
 * GnuTLS with the rest of the HTTPS stack): the canonical request, the string to
 * sign, the derived signing key and the Authorization header, as
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * describes them and botocore computes them (tests/unit/test-sigv4.c, tests/sts/).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sigv4"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "amt-https.h"
#include "amt-secret.h"
#include "amt-sigv4.h"

#define SHA256_LEN AMT_HTTPS_SHA256_LEN

/* Headers that proxies may change or add: botocore leaves them out of the signature too. */
static const char * const unsigned_headers[] = {
  "authorization", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id",
};

/* ---------------------------------------------------------------------------------------- */
/* Requests                                                                                 */

typedef struct {
  char *name;
  char *value;
} Pair;

struct _AmtSigV4Request
{
  char       *method;
  char       *path;
  GArray     *query;    /* of Pair, decoded */
  GArray     *headers;  /* of Pair, in the order added, names as given */
  GByteArray *body;
};

static void
pair_clear (gpointer data)
{
  Pair *pair = data;

  g_clear_pointer (&pair->name, g_free);
  /* Header values include the session token and the Authorization header. */
  g_clear_pointer (&pair->value, amt_secret_free);
}

AmtSigV4Request *
amt_sigv4_request_new (const char *method,
                       const char *path)
{
  AmtSigV4Request *self;

  g_return_val_if_fail (method != NULL, NULL);

  self = g_new0 (AmtSigV4Request, 1);
  self->method = g_strdup (method);
  self->path = g_strdup (path != NULL && *path != '\0' ? path : "/");
  self->query = g_array_new (FALSE, TRUE, sizeof (Pair));
  g_array_set_clear_func (self->query, pair_clear);
  self->headers = g_array_new (FALSE, TRUE, sizeof (Pair));
  g_array_set_clear_func (self->headers, pair_clear);
  self->body = g_byte_array_new ();

  return self;
}

void
amt_sigv4_request_free (AmtSigV4Request *self)
{
  if (self == NULL)
    return;

  g_free (self->method);
  g_free (self->path);
  g_array_unref (self->query);
  g_array_unref (self->headers);
  /* The body carries the MFA code. */
  amt_secret_free_bytes (self->body);
  g_free (self);
}

void
amt_sigv4_request_add_query (AmtSigV4Request *self,
                             const char      *name,
                             const char      *value)
{
  Pair pair;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  pair.name = g_strdup (name);
  pair.value = g_strdup (value != NULL ? value : "");
  g_array_append_val (self->query, pair);
}

void
amt_sigv4_request_add_header (AmtSigV4Request *self,
                              const char      *name,
                              const char      *value)
{
  Pair pair;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  pair.name = g_strdup (name);
  pair.value = g_strdup (value);
  g_array_append_val (self->headers, pair);
}

/**
 * amt_sigv4_request_set_header:
 *
 * Replaces every header named @name (case-insensitively) with one, or removes them all when
 * @value is %NULL.
 */
void
amt_sigv4_request_set_header (AmtSigV4Request *self,
                              const char      *name,
                              const char      *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  for (guint i = self->headers->len; i > 0; i--)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i - 1);

      if (g_ascii_strcasecmp (pair->name, name) == 0)
        g_array_remove_index (self->headers, i - 1);
    }

  if (value != NULL)
    amt_sigv4_request_add_header (self, name, value);
}

const char *
amt_sigv4_request_get_header (AmtSigV4Request *self,
                              const char      *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);

      if (g_ascii_strcasecmp (pair->name, name) == 0)
        return pair->value;
    }

  return NULL;
}

guint
amt_sigv4_request_get_n_headers (AmtSigV4Request *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->headers->len;
}

void
amt_sigv4_request_get_header_at (AmtSigV4Request  *self,
                                 guint             index,
                                 const char      **name,
                                 const char      **value)
{
  Pair *pair;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->headers->len);

  pair = &g_array_index (self->headers, Pair, index);
  if (name != NULL)
    *name = pair->name;
  if (value != NULL)
    *value = pair->value;
}

void
amt_sigv4_request_set_body (AmtSigV4Request *self,
                            const void      *body,
                            gsize            len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (body != NULL || len == 0);

  amt_secret_wipe (self->body->data, self->body->len);
  g_byte_array_set_size (self->body, 0);
  if (len > 0)
    g_byte_array_append (self->body, body, len);
}

const char *
amt_sigv4_request_get_method (AmtSigV4Request *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->method;
}

const guint8 *
amt_sigv4_request_get_body (AmtSigV4Request *self,
                            gsize           *len)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (len != NULL)
    *len = self->body->len;
  return self->body->data;
}

/**
 * amt_sigv4_request_dup_path_and_query:
 *
 * Returns: (transfer full): the path, and `?` and the canonical query string when there is
 *   one: what goes into the URL, encoded exactly as it was signed
 */
char *
amt_sigv4_request_dup_path_and_query (AmtSigV4Request *self)
{
  g_autofree char *query = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  query = amt_sigv4_canonical_query (self);
  if (*query == '\0')
    return g_strdup (self->path);
  return g_strconcat (self->path, "?", query, NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Canonical forms                                                                          */

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~';
}

/**
 * amt_sigv4_uri_encode:
 * @keep_slash: leave `/` as it is (for paths)
 *
 * Returns: (transfer full): @text with every byte but the unreserved characters
 *   `A-Za-z0-9-_.~` percent-encoded in upper-case hex, as SigV4 requires
 */
char *
amt_sigv4_uri_encode (const char *text,
                      gboolean    keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 8);
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (is_unreserved (*p) || (keep_slash && *p == '/'))
        {
          g_string_append_c (out, *p);
        }
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 0xf]);
        }
    }

  return g_string_free (out, FALSE);
}

typedef struct {
  char *name;
  char *value;
} EncodedPair;

static int
encoded_pair_compare (gconstpointer a,
                      gconstpointer b)
{
  const EncodedPair *pa = a;
  const EncodedPair *pb = b;
  int cmp = strcmp (pa->name, pb->name);

  return cmp != 0 ? cmp : strcmp (pa->value, pb->value);
}

static char *
encode_sorted (const char * const *names,
               const char * const *values,
               guint               n,
               gboolean            sort)
{
  g_autofree EncodedPair *pairs = g_new0 (EncodedPair, MAX (n, 1));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      pairs[i].name = amt_sigv4_uri_encode (names[i], FALSE);
      pairs[i].value = amt_sigv4_uri_encode (values[i], FALSE);
    }

  if (sort)
    qsort (pairs, n, sizeof (EncodedPair), encoded_pair_compare);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append (out, pairs[i].name);
      g_string_append_c (out, '=');
      g_string_append (out, pairs[i].value);
      g_free (pairs[i].name);
      amt_secret_free (pairs[i].value);
    }

  return g_string_free (out, FALSE);
}

/**
 * amt_sigv4_form_encode:
 * @pairs: name, value, name, value, …, %NULL
 *
 * Returns: (transfer full): an `application/x-www-form-urlencoded` body in the given order,
 *   encoded the SigV4 way (a space as `%20`, never `+`)
 */
char *
amt_sigv4_form_encode (const char * const *pairs)
{
  guint n;
  g_autofree const char **names = NULL;
  g_autofree const char **values = NULL;

  g_return_val_if_fail (pairs != NULL, NULL);

  n = g_strv_length ((char **) pairs);
  g_return_val_if_fail (n % 2 == 0, NULL);

  names = g_new0 (const char *, n / 2 + 1);
  values = g_new0 (const char *, n / 2 + 1);
  for (guint i = 0; i < n / 2; i++)
    {
      names[i] = pairs[2 * i];
      values[i] = pairs[2 * i + 1];
    }

  return encode_sorted (names, values, n / 2, FALSE);
}

/**
 * amt_sigv4_canonical_query:
 *
 * Returns: (transfer full): the canonical query string: each name and value encoded, sorted
 *   by name and then by value
 */
char *
amt_sigv4_canonical_query (AmtSigV4Request *self)
{
  g_autofree const char **names = NULL;
  g_autofree const char **values = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  names = g_new0 (const char *, self->query->len + 1);
  values = g_new0 (const char *, self->query->len + 1);
  for (guint i = 0; i < self->query->len; i++)
    {
      names[i] = g_array_index (self->query, Pair, i).name;
      values[i] = g_array_index (self->query, Pair, i).value;
    }

  return encode_sorted (names, values, self->query->len, TRUE);
}

/* Trims the value and folds each run of whitespace inside it into one space. */
static char *
canonical_header_value (const char *value)
{
  GString *out = g_string_new (NULL);
  gboolean pending_space = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          pending_space = out->len > 0;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_signed_header (const char *lower_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (unsigned_headers); i++)
    if (strcmp (lower_name, unsigned_headers[i]) == 0)
      return FALSE;
  return TRUE;
}

static int
header_name_compare (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (((const Pair *) a)->name, ((const Pair *) b)->name);
}

static char *
hex_encode (const guint8 *data,
            gsize         len)
{
  static const char hex[] = "0123456789abcdef";
  char *out = g_malloc (2 * len + 1);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = hex[data[i] >> 4];
      out[2 * i + 1] = hex[data[i] & 0xf];
    }
  out[2 * len] = '\0';

  return out;
}

/**
 * amt_sigv4_sha256_hex:
 *
 * Returns: (transfer full): the lower-case hex SHA-256 of @data
 */
char *
amt_sigv4_sha256_hex (const void *data,
                      gsize       len)
{
  guint8 digest[SHA256_LEN];

  amt_https_sha256 (data, len, digest);

  return hex_encode (digest, sizeof digest);
}

static void
hmac_sha256 (const void *key,
             gsize       key_len,
             const void *data,
             gsize       data_len,
             guint8      out[SHA256_LEN])
{
  amt_https_hmac_sha256 (key, key_len, data, data_len, out);
}

/**
 * amt_sigv4_canonical_request:
 * @signed_headers: (out) (optional): the `SignedHeaders` list (`host;x-amz-date`)
 *
 * Returns: (transfer full): the canonical request over the request's current headers (all but
 *   Authorization, User-Agent, Expect, Transfer-Encoding and X-Amzn-Trace-Id)
 */
char *
amt_sigv4_canonical_request (AmtSigV4Request  *self,
                             char            **signed_headers)
{
  g_autoptr(GArray) headers = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *query = NULL;
  g_autofree char *payload_hash = NULL;
  GString *names;
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  headers = g_array_new (FALSE, TRUE, sizeof (Pair));
  g_array_set_clear_func (headers, pair_clear);
  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);
      Pair lower;

      lower.name = g_ascii_strdown (pair->name, -1);
      if (!is_signed_header (lower.name))
        {
          g_free (lower.name);
          continue;
        }
      lower.value = canonical_header_value (pair->value);
      g_array_append_val (headers, lower);
    }
  /* g_array_sort() is stable (GLib ≥ 2.32): repeated headers keep their order when their
   * values are joined. */
  g_array_sort (headers, header_name_compare);

  uri = amt_sigv4_uri_encode (self->path, TRUE);
  query = amt_sigv4_canonical_query (self);
  payload_hash = amt_sigv4_sha256_hex (self->body->data, self->body->len);

  out = g_string_new (self->method);
  g_string_append_c (out, '\n');
  g_string_append (out, uri);
  g_string_append_c (out, '\n');
  g_string_append (out, query);
  g_string_append_c (out, '\n');

  names = g_string_new (NULL);
  for (guint i = 0; i < headers->len; i++)
    {
      Pair *pair = &g_array_index (headers, Pair, i);

      if (i > 0 && strcmp (pair->name, g_array_index (headers, Pair, i - 1).name) == 0)
        {
          g_string_append_c (out, ',');
          g_string_append (out, pair->value);
          continue;
        }
      if (i > 0)
        {
          g_string_append_c (out, '\n');
          g_string_append_c (names, ';');
        }
      g_string_append (out, pair->name);
      g_string_append_c (out, ':');
      g_string_append (out, pair->value);
      g_string_append (names, pair->name);
    }
  if (headers->len > 0)
    g_string_append_c (out, '\n');
  g_string_append_c (out, '\n');
  g_string_append (out, names->str);
  g_string_append_c (out, '\n');
  g_string_append (out, payload_hash);

  if (signed_headers != NULL)
    *signed_headers = g_string_free (names, FALSE);
  else
    g_string_free (names, TRUE);

  return g_string_free (out, FALSE);
}

/**
 * amt_sigv4_string_to_sign:
 * @amz_date: `20150830T123600Z`
 * @scope: `20150830/us-east-1/service/aws4_request`
 */
char *
amt_sigv4_string_to_sign (const char *amz_date,
                          const char *scope,
                          const char *canonical_request)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (amz_date != NULL, NULL);
  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (canonical_request != NULL, NULL);

  hash = amt_sigv4_sha256_hex (canonical_request, strlen (canonical_request));

  return g_strconcat ("AWS4-HMAC-SHA256\n", amz_date, "\n", scope, "\n", hash, NULL);
}

/**
 * amt_sigv4_format_amz_date:
 *
 * Returns: (transfer full): @when in UTC as `20150830T123600Z`
 */
char *
amt_sigv4_format_amz_date (GDateTime *when)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (when != NULL, NULL);

  utc = g_date_time_to_utc (when);
  return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
}

/**
 * amt_sigv4_signing_key:
 * @date: `20150830`
 * @key: (out caller-allocates): the derived key; wipe it after use
 */
void
amt_sigv4_signing_key (const char *secret_access_key,
                       const char *date,
                       const char *region,
                       const char *service,
                       guint8      key[32])
{
  g_autofree char *k_secret = NULL;
  guint8 k_date[SHA256_LEN];
  guint8 k_region[SHA256_LEN];
  guint8 k_service[SHA256_LEN];

  k_secret = g_strconcat ("AWS4", secret_access_key, NULL);
  hmac_sha256 (k_secret, strlen (k_secret), date, strlen (date), k_date);
  hmac_sha256 (k_date, sizeof k_date, region, strlen (region), k_region);
  hmac_sha256 (k_region, sizeof k_region, service, strlen (service), k_service);
  hmac_sha256 (k_service, sizeof k_service, "aws4_request", strlen ("aws4_request"), key);

  amt_secret_wipe (k_secret, strlen (k_secret));
  amt_secret_wipe (k_date, sizeof k_date);
  amt_secret_wipe (k_region, sizeof k_region);
  amt_secret_wipe (k_service, sizeof k_service);
}

/**
 * amt_sigv4_sign:
 * @when: the signing time (the local clock corrected by any known skew)
 *
 * Sets the `X-Amz-Date` header, `X-Amz-Security-Token` for temporary credentials, and the
 * `Authorization` header over every other header of the request: add `Host` (exactly as the
 * transport will send it) and the body first.
 */
void
amt_sigv4_sign (AmtSigV4Request         *self,
                const AmtCredentials    *credentials,
                const char              *region,
                const char              *service,
                GDateTime               *when)
{
  g_autofree char *amz_date = NULL;
  g_autofree char *date = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;
  guint8 key[SHA256_LEN];
  guint8 mac[SHA256_LEN];

  g_return_if_fail (self != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (region != NULL && service != NULL && when != NULL);

  amz_date = amt_sigv4_format_amz_date (when);
  date = g_strndup (amz_date, 8);
  scope = g_strconcat (date, "/", region, "/", service, "/aws4_request", NULL);

  amt_sigv4_request_set_header (self, "Authorization", NULL);
  amt_sigv4_request_set_header (self, "X-Amz-Date", amz_date);
  amt_sigv4_request_set_header (self, "X-Amz-Security-Token", credentials->session_token);

  canonical = amt_sigv4_canonical_request (self, &signed_headers);
  string_to_sign = amt_sigv4_string_to_sign (amz_date, scope, canonical);

  amt_sigv4_signing_key (credentials->secret_access_key, date, region, service, key);
  hmac_sha256 (key, sizeof key, string_to_sign, strlen (string_to_sign), mac);
  amt_secret_wipe (key, sizeof key);
  signature = hex_encode (mac, sizeof mac);

  authorization = g_strdup_printf ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                                   "Signature=%s",
                                   credentials->access_key_id, scope, signed_headers, signature);
  amt_sigv4_request_add_header (self, "Authorization", authorization);
  amt_secret_wipe (canonical, strlen (canonical));
}
