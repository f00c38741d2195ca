/* amt-target-rule.h: which section a profile's session is written to, and what goes with it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-aws-config.h"

G_BEGIN_DECLS

/* The keys of this program's own, in either file; AWS tools ignore them. */
#define AMT_KEY_PREFIX           "mfa_tray_"
#define AMT_KEY_TARGET           AMT_KEY_PREFIX "target"   /* the section a session goes to */
/* The section a session goes to when NAME itself cannot hold it: NAME + this. */
#define AMT_TARGET_SUFFIX        "-mfa"

char *amt_target_rule_pick             (AmtAwsConfig *config,
                                        const char   *profile);
char *amt_target_rule_find_old_session (AmtAwsConfig *config,
                                        const char   *profile,
                                        const char   *target);
char *amt_target_rule_pick_region      (AmtAwsConfig *config,
                                        const char   *profile,
                                        const char   *source);

G_END_DECLS
