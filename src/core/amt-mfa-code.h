/* amt-mfa-code.h: what the user typed or pasted as an MFA code, as the six ASCII digits AWS takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AMT_MFA_CODE_LENGTH 6

int amt_mfa_code_normalize (const char *text,
                            gssize      length,
                            char        digits[AMT_MFA_CODE_LENGTH + 1]);

G_END_DECLS
