/* amt-code-ledger.c
 *
 * AWS refuses a code it has seen for a while after its 30-second step; a code sent twice is a
 * wasted attempt and a confusing error. The ledger keeps each sent code for ten minutes of
 * wall-clock time (the clock is injectable, so tests move it) and forgets it after that. The
 * codes are secrets of a sort: they are wiped when forgotten.
 *
 * The AWS client records a code as it sends it, and forgets it again only when the answer
 * proves that AWS never looked at it (amt-aws-client.c, finish_call()); a login asks before
 * it does anything for a code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-code-ledger"

#include "config.h"

#include "amt-code-ledger.h"
#include "amt-secret.h"

#define MEMORY_USEC (10 * 60 * G_USEC_PER_SEC)

struct _AmtCodeLedger
{
  GObject     parent_instance;

  AmtClock   *clock;
  GHashTable *sent;   /* "serial\ncode" → gint64 wall time it was sent */
};

G_DEFINE_FINAL_TYPE (AmtCodeLedger, amt_code_ledger, G_TYPE_OBJECT)

static void
amt_code_ledger_finalize (GObject *object)
{
  AmtCodeLedger *self = (AmtCodeLedger *)object;

  g_clear_object (&self->clock);
  g_hash_table_unref (self->sent);

  G_OBJECT_CLASS (amt_code_ledger_parent_class)->finalize (object);
}

static void
amt_code_ledger_class_init (AmtCodeLedgerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = amt_code_ledger_finalize;
}

static void
amt_code_ledger_init (AmtCodeLedger *self)
{
  self->sent = g_hash_table_new_full (g_str_hash, g_str_equal,
                                      (GDestroyNotify) amt_secret_free, g_free);
}

AmtCodeLedger *
amt_code_ledger_new (AmtClock *clock)
{
  AmtCodeLedger *self;

  g_return_val_if_fail (AMT_IS_CLOCK (clock), NULL);

  self = g_object_new (AMT_TYPE_CODE_LEDGER, NULL);
  self->clock = g_object_ref (clock);
  return self;
}

static void
forget_old_codes (AmtCodeLedger *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = amt_clock_get_now (self->clock);

  g_hash_table_iter_init (&iter, self->sent);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now - *(gint64 *) value > MEMORY_USEC)
      g_hash_table_iter_remove (&iter);
}

gboolean
amt_code_ledger_was_sent (AmtCodeLedger *self,
                          const char    *serial,
                          const char    *code)
{
  g_autofree char *key = NULL;
  gboolean sent;

  g_return_val_if_fail (AMT_IS_CODE_LEDGER (self), FALSE);

  key = g_strconcat (serial, "\n", code, NULL);
  forget_old_codes (self);
  sent = g_hash_table_contains (self->sent, key);
  amt_secret_free (g_steal_pointer (&key));
  return sent;
}

void
amt_code_ledger_remember (AmtCodeLedger *self,
                          const char    *serial,
                          const char    *code)
{
  gint64 *when;

  g_return_if_fail (AMT_IS_CODE_LEDGER (self));

  when = g_new (gint64, 1);
  *when = amt_clock_get_now (self->clock);
  g_hash_table_replace (self->sent, g_strconcat (serial, "\n", code, NULL), when);
}

/* AWS never saw this code (the call was refused before it was checked): it may be sent. */
void
amt_code_ledger_forget (AmtCodeLedger *self,
                        const char    *serial,
                        const char    *code)
{
  g_autofree char *key = NULL;

  g_return_if_fail (AMT_IS_CODE_LEDGER (self));

  key = g_strconcat (serial, "\n", code, NULL);
  g_hash_table_remove (self->sent, key);
  amt_secret_free (g_steal_pointer (&key));
}
