/* amt-code-ledger.h: the MFA codes sent, per device, so that none is sent twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-clock.h"

G_BEGIN_DECLS

#define AMT_TYPE_CODE_LEDGER (amt_code_ledger_get_type ())

G_DECLARE_FINAL_TYPE (AmtCodeLedger, amt_code_ledger, AMT, CODE_LEDGER, GObject)

AmtCodeLedger *amt_code_ledger_new      (AmtClock      *clock);
gboolean       amt_code_ledger_was_sent (AmtCodeLedger *self,
                                         const char    *serial,
                                         const char    *code);
void           amt_code_ledger_remember (AmtCodeLedger *self,
                                         const char    *serial,
                                         const char    *code);
void           amt_code_ledger_forget   (AmtCodeLedger *self,
                                         const char    *serial,
                                         const char    *code);

G_END_DECLS
