/* amt-discovery.h: which profiles of the AWS files this program manages, and how
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "amt-aws-config.h"
#include "amt-profile.h"
#include "amt-target-rule.h"

G_BEGIN_DECLS

/* The keys of this program's own (AMT_KEY_PREFIX, amt-target-rule.h), in either file. */
#define AMT_KEY_IGNORE           AMT_KEY_PREFIX "ignore"   /* "true": not managed */

#define AMT_SESSION_DURATION_MIN 900
#define AMT_SESSION_DURATION_MAX 129600
#define AMT_ROLE_DURATION_MAX    43200
/* AWS caps a role assumed with the credentials of another session at one hour. */
#define AMT_CHAINED_ROLE_DURATION_MAX 3600

GPtrArray  *amt_discover_profiles          (AmtAwsConfig *config);
GPtrArray  *amt_discover_candidates        (AmtAwsConfig *config,
                                            GPtrArray    *managed);
char       *amt_discover_long_term_source  (AmtAwsConfig *config,
                                            const char   *profile);
gboolean    amt_discover_parse_duration    (const char   *text,
                                            guint         max,
                                            guint        *seconds);

G_END_DECLS
