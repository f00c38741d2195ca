/* amt-secret.c: wiping secrets before their memory is freed
 *
 * Keys, tokens and MFA codes are wiped where they are freed, so that a heap that is reused
 * (or, were it ever written, a core file: amt-hardening.c) holds none of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-secret"

#include "config.h"

#include <string.h>

#include "amt-secret.h"

/**
 * amt_secret_wipe:
 *
 * Overwrites @len bytes at @data with zeros in a way the compiler may not drop.
 */
void
amt_secret_wipe (gpointer data,
                 gsize    len)
{
  volatile guint8 *p = data;

  if (data == NULL)
    return;

  while (len-- > 0)
    *p++ = 0;
}

/**
 * amt_secret_free:
 *
 * Wipes and frees a secret string (NULL is fine).
 */
void
amt_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  amt_secret_wipe (secret, strlen (secret));
  g_free (secret);
}
