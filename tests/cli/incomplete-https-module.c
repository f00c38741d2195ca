/* incomplete-https-module.c: an "aws-mfa-tray-https" module that has the first two functions
 * the program takes from the real one (src/aws/amt-https-module.c) but not the others, as a
 * module of another version would: test_cli.py's https_module_missing opens it instead. The
 * program must see that it is incomplete before it calls anything in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

void *amt_https_module_transport_new (void);
int   amt_https_module_sha256        (void);

void *
amt_https_module_transport_new (void)
{
  abort ();
}

int
amt_https_module_sha256 (void)
{
  abort ();
}
