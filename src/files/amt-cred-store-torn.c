/* amt-cred-store-torn.c
 *
 * What the credentials file held when it was last seen whole (amt_cred_store_remember_contents(),
 * or our own last write): every section and key (amt_ini_scan_keys()), its length, and a
 * fingerprint of its bytes, so that a file that is still those bytes needs no parse to be known
 * whole. Programs that rewrite the file in place (a shell redirect, an editor, configparser,
 * `aws configure set`) leave it empty or half written for a moment: a file shorter than, or
 * missing keys of, what it held when last seen whole is waited for, up to 5 s, until it is
 * whole again (step 3a of the write protocol, amt-cred-store-write.c); one that stays empty is
 * left alone, with a sentence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-cred-store"

#include "config.h"

#include <string.h>

#include "amt-cred-store-private.h"

/* How long a file that another program is rewriting in place (it is shorter than when it was
 * last seen whole, or lost keys) is waited for, and how often it is read meanwhile. */
#define SETTLE_TIMEOUT_USEC (5 * G_USEC_PER_SEC)
#define SETTLE_POLL_USEC (10 * 1000)

/* A 64-bit hash of the bytes, four words at a time so that it runs near memory speed. Not a
 * proof against an adversary: it only tells our own last bytes from a torn rewrite. */
static guint64
fingerprint (const char *data,
             gsize       length)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint64 h[4] = { length, 1, 2, 3 };
  guint64 tail = 0;
  gsize i = 0;

  for (; i + 32 <= length; i += 32)
    for (guint lane = 0; lane < 4; lane++)
      {
        guint64 word;

        memcpy (&word, data + i + 8 * lane, 8);
        h[lane] = (h[lane] ^ word) * k;
        h[lane] ^= h[lane] >> 32;
      }
  for (; i < length; i++)
    tail = (tail ^ (guchar) data[i]) * G_GUINT64_CONSTANT (0x100000001b3);

  return ((h[0] * k ^ h[1]) * k ^ h[2]) * k ^ h[3] ^ (tail * k);
}

static AmtIniKeySet *
document_keys (AmtIniDocument *doc)
{
  AmtIniKeySet *keys = amt_ini_key_set_new ();
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_auto(GStrv) names = amt_ini_document_get_keys (doc, sections[i]);
      gsize section_len = strlen (sections[i]);

      amt_ini_key_set_add (keys, sections[i], section_len, "", 0);
      for (guint j = 0; names != NULL && names[j] != NULL; j++)
        amt_ini_key_set_add (keys, sections[i], section_len, names[j], strlen (names[j]));
    }

  return keys;
}

/* The keys of @data, in one pass when the scanner vouches for the bytes; NULL when AWS tools
 * cannot read them. */
static AmtIniKeySet *
keys_of (const char *data,
         gsize       length,
         gboolean   *by_scan)
{
  g_autoptr(AmtIniDocument) doc = NULL;
  AmtIniKeySet *keys = amt_ini_scan_keys (data, length);

  *by_scan = keys != NULL;
  if (keys != NULL)
    return keys;

  doc = amt_ini_document_new_from_data (data, length);
  if (!amt_ini_document_check (doc, "", NULL))
    return NULL;
  return document_keys (doc);
}

/* Remembers @data as the file seen whole, with its @keys (taken); NULL keys (bytes AWS tools
 * cannot read) change nothing. */
void
amt_cred_store_remember_keys (AmtCredStore *self,
                              AmtIniKeySet *keys,
                              gboolean      by_scan,
                              const char   *data,
                              gsize         length)
{
  guint64 print;

  if (keys == NULL)
    return;
  print = fingerprint (data, length);

  g_mutex_lock (&self->expected_lock);
  g_clear_pointer (&self->expected_keys, amt_ini_key_set_free);
  self->expected_keys = keys;
  self->expected_length = length;
  self->expected_fingerprint = print;
  self->expected_by_scan = by_scan;
  g_mutex_unlock (&self->expected_lock);
}

/* Remembers @data as the file seen whole: the keys of @doc, when the edit made one. */
void
amt_cred_store_remember (AmtCredStore   *self,
                         AmtIniDocument *doc,
                         const char     *data,
                         gsize           length)
{
  gboolean by_scan = FALSE;
  /* An edit spliced into the bytes has no document: the keys are read from what was written. */
  AmtIniKeySet *keys = doc != NULL ? document_keys (doc) : keys_of (data, length, &by_scan);

  amt_cred_store_remember_keys (self, keys, by_scan, data, length);
}

/* A copy of the keys last seen whole when @contents is still those bytes and they came from
 * the scanner, so that a splice can update them without a scan of its output; or NULL. */
AmtIniKeySet *
amt_cred_store_copy_expected_keys (AmtCredStore       *self,
                                   const FileContents *contents)
{
  AmtIniKeySet *keys = NULL;
  guint64 print = fingerprint (contents->data, contents->length);

  g_mutex_lock (&self->expected_lock);
  if (self->expected_keys != NULL && self->expected_by_scan &&
      self->expected_length == contents->length && self->expected_fingerprint == print)
    keys = amt_ini_key_set_copy (self->expected_keys);
  g_mutex_unlock (&self->expected_lock);

  return keys;
}

/* Whether @contents looks like a file another program is rewriting in place right now: shorter
 * than it was when last seen whole (so also empty), unreadable by AWS tools, or missing keys it
 * had. Nothing is known of a file never seen whole. */
gboolean
amt_cred_store_looks_torn (AmtCredStore       *self,
                           const FileContents *contents)
{
  g_autoptr(AmtIniKeySet) keys = NULL;
  gboolean torn = FALSE;

  g_mutex_lock (&self->expected_lock);
  if (self->expected_keys != NULL && self->expected_length > 0)
    {
      if (contents->length < self->expected_length)
        torn = TRUE;
      else if (contents->length == self->expected_length &&
               fingerprint (contents->data, contents->length) == self->expected_fingerprint)
        torn = FALSE;   /* the very bytes last seen whole */
      else
        {
          gboolean by_scan;

          keys = keys_of (contents->data, contents->length, &by_scan);
          torn = keys == NULL || !amt_ini_key_set_contains_all (keys, self->expected_keys);
        }
    }
  g_mutex_unlock (&self->expected_lock);

  return torn;
}

static gboolean
file_contents_equal (const FileContents *a,
                     const FileContents *b)
{
  return a->exists == b->exists &&
         amt_cred_store_bytes_equal (a->data, a->length, b->data, b->length);
}

/* Waits (a bounded time) until the file, or the inode @contents holds (@by_inode), is whole
 * again; @contents is then what it holds. Whether it stays so until the rename is checked
 * there (step 5). */
Settling
amt_cred_store_wait_until_settled (AmtCredStore  *self,
                                   const char    *target,
                                   FileContents  *contents,
                                   gboolean       by_inode,
                                   int           *saved_errno)
{
  gint64 deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_USEC;
  gint64 unchanged_since = g_get_monotonic_time ();

  for (;;)
    {
      FileContents previous = FILE_CONTENTS_INIT;

      g_usleep (SETTLE_POLL_USEC);

      previous.exists = contents->exists;
      previous.data = contents->data;
      previous.length = contents->length;
      contents->data = NULL;
      contents->length = 0;

      if (by_inode)
        amt_cred_store_reread_inode (contents);
      else if (!amt_cred_store_read_file (target, contents, saved_errno))
        {
          amt_cred_store_clear_contents (&previous);
          return SETTLE_FAILED;
        }

      if (!amt_cred_store_looks_torn (self, contents))
        {
          amt_cred_store_clear_contents (&previous);
          return SETTLED;
        }
      if (!file_contents_equal (&previous, contents))
        unchanged_since = g_get_monotonic_time ();
      amt_cred_store_clear_contents (&previous);

      if (g_get_monotonic_time () > deadline)
        {
          /* A file that stayed the same for the whole wait was edited that way on purpose (or
           * is broken, which the caller says); an empty one may still be waiting for a slow
           * writer (`pass show aws > …` asking for a passphrase). */
          if (unchanged_since < deadline - SETTLE_TIMEOUT_USEC + 2 * SETTLE_POLL_USEC &&
              contents->length > 0)
            return SETTLED_STABLE;
          return NOT_SETTLED;
        }
    }
}

/**
 * amt_cred_store_remember_contents:
 * @self: a store
 *
 * Remembers which keys the file holds now, and its length, as what it holds when whole: a
 * later write that finds it shorter or missing keys waits (a few seconds) for the program
 * that is rewriting it in place to finish. Call it when the files are loaded.
 */
void
amt_cred_store_remember_contents (AmtCredStore *self)
{
  FileContents contents = FILE_CONTENTS_INIT;
  int saved_errno = 0;

  g_return_if_fail (AMT_IS_CRED_STORE (self));

  /* A file AWS tools cannot read is not remembered (keys_of() is NULL). */
  if (amt_cred_store_read_file (self->path, &contents, &saved_errno) && contents.exists)
    {
      gboolean by_scan;
      AmtIniKeySet *keys = keys_of (contents.data, contents.length, &by_scan);

      amt_cred_store_remember_keys (self, keys, by_scan, contents.data, contents.length);
    }
  amt_cred_store_clear_contents (&contents);
}
