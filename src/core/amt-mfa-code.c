/* amt-mfa-code.c
 *
 * The one rule for an MFA code, used by the code dialog (as it is typed or pasted), the login
 * and the command line (amt_login_check_code()): ASCII digits, with the separators people and
 * authenticator apps put in left out: any Unicode space (apps copy "123 456", sometimes with a
 * no-break or thin space, and a pasted line ends in a newline), '-', the Unicode hyphens and
 * dashes U+2010–U+2015 and the minus sign U+2212. Nothing else: AWS takes ASCII digits only,
 * and a code in another script is refused rather than guessed at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-mfa-code"

#include "config.h"

#include <string.h>

#include "amt-mfa-code.h"

static gboolean
is_separator (gunichar c)
{
  return g_unichar_isspace (c) || c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/**
 * amt_mfa_code_normalize:
 * @text: what was typed or pasted (UTF-8)
 * @length: its length in bytes, or -1 when it ends with a NUL
 * @digits: (out caller-allocates): the digits, NUL-terminated
 *
 * Returns: how many digits @text holds (written to @digits), separators left out; -1 when it
 *   holds anything else, is not UTF-8, or has more than six
 */
int
amt_mfa_code_normalize (const char *text,
                        gssize      length,
                        char        digits[AMT_MFA_CODE_LENGTH + 1])
{
  const char *end;
  int n = 0;

  g_return_val_if_fail (text != NULL, -1);

  if (length < 0)
    length = strlen (text);
  end = text + length;
  digits[0] = '\0';
  if (!g_utf8_validate (text, length, NULL))
    return -1;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_separator (c))
        continue;
      if (c > 0x7f || !g_ascii_isdigit (c) || n == AMT_MFA_CODE_LENGTH)
        {
          digits[0] = '\0';
          return -1;
        }
      digits[n++] = (char) c;
    }

  digits[n] = '\0';
  return n;
}
