/* test-secret.c: the one module that wipes secrets (src/base/amt-secret.c)
 *
 * What is wiped, and how much of it. That the blocks freed hold no secret afterwards (a
 * string, a sized buffer, a GString's whole block, the credentials type) is test-wipe.c's
 * part: it looks into every block freed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-secret.h"

static gboolean
is_zero (const guint8 *data,
         gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != 0)
      return FALSE;
  return TRUE;
}

static void
test_wipe_exactly (void)
{
  char buffer[] = "123456|next";

  amt_secret_wipe (buffer, 6);
  g_assert_true (is_zero ((const guint8 *) buffer, 6));
  g_assert_cmpstr (buffer + 6, ==, "|next");

  amt_secret_wipe (buffer, 0);
  g_assert_cmpstr (buffer + 6, ==, "|next");
  amt_secret_wipe (NULL, 8);
}

/* Every free function takes NULL, as g_free() does, so that g_clear_pointer() and
 * g_autoptr-like cleanups need no test of their own. */
static void
test_free_null (void)
{
  amt_secret_free (NULL);
  amt_secret_free_sized (NULL, 16);
  amt_secret_free_gstring (NULL);
  amt_secret_free_bytes (NULL);
}

/* The bytes are wiped before the reference is dropped, whoever holds the others: here the
 * test, so that it can look at them. */
static void
test_free_bytes_wipes_before_unref (void)
{
  static const char secret[] = "TokenCode=123456";
  GByteArray *array = g_byte_array_new ();
  GByteArray *kept;

  g_byte_array_append (array, (const guint8 *) secret, sizeof secret - 1);
  kept = g_byte_array_ref (array);
  amt_secret_free_bytes (array);

  /* The reference the test held keeps the block: it is wiped, all of it. */
  g_assert_cmpuint (kept->len, ==, sizeof secret - 1);
  g_assert_true (is_zero (kept->data, kept->len));
  g_byte_array_unref (kept);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secret/wipe-exactly", test_wipe_exactly);
  g_test_add_func ("/secret/free-null", test_free_null);
  g_test_add_func ("/secret/free-bytes-wipes-before-unref", test_free_bytes_wipes_before_unref);
  return g_test_run ();
}
