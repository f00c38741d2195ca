/* amt-secret.c: wiping secrets before their memory is freed
 *
 * Keys, tokens, MFA codes and the text of the credentials file are wiped where they are
 * freed, so that a heap that is reused (or, were it ever written, a core file:
 * amt-hardening.c) holds none of them. This is the one place that wipes: the credentials type
 * (amt-credentials.c), the INI document, the signer and the front ends all come here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-secret"

#include "config.h"

#include <string.h>

#include "amt-secret.h"

/**
 * amt_secret_wipe:
 * @data: (nullable): the memory to wipe
 * @len: its length in bytes
 *
 * Overwrites @len bytes at @data with zeros in a way the compiler may not drop, although
 * nothing reads them afterwards (explicit_bzero(), unlike memset()).
 */
void
amt_secret_wipe (gpointer data,
                 gsize    len)
{
  if (data == NULL)
    return;

  explicit_bzero (data, len);
}

/**
 * amt_secret_free:
 * @secret: (nullable) (transfer full): a nul-terminated secret
 *
 * Wipes and frees a secret string.
 */
void
amt_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  amt_secret_wipe (secret, strlen (secret));
  g_free (secret);
}

/**
 * amt_secret_free_sized:
 * @data: (nullable) (transfer full): a buffer allocated with g_malloc()
 * @len: how many of its bytes to wipe (the text in it may hold nul bytes, or none at the end)
 *
 * Wipes and frees a buffer that holds secrets, such as the bytes of the credentials file.
 */
void
amt_secret_free_sized (gpointer data,
                       gsize    len)
{
  if (data == NULL)
    return;

  amt_secret_wipe (data, len);
  g_free (data);
}

/**
 * amt_secret_free_gstring:
 * @secret: (nullable) (transfer full): a string that holds a secret
 *
 * Wipes the whole allocation of @secret, not only its length (text that was truncated or
 * erased stays behind the end), and frees it. A GString that grew has left its old blocks
 * unwiped: size such a string before writing a secret into it.
 */
void
amt_secret_free_gstring (GString *secret)
{
  if (secret == NULL)
    return;

  amt_secret_wipe (secret->str, secret->allocated_len);
  g_string_free (secret, TRUE);
}

/**
 * amt_secret_free_bytes:
 * @secret: (nullable) (transfer full): a byte array that holds a secret (a request body with an
 *   MFA code, a response with a session)
 *
 * Wipes the bytes of @secret and drops the reference: the caller holds the only one.
 */
void
amt_secret_free_bytes (GByteArray *secret)
{
  if (secret == NULL)
    return;

  amt_secret_wipe (secret->data, secret->len);
  g_byte_array_unref (secret);
}
