/* amt-profile.h: one managed profile, how it is refreshed, and the state of its session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-session-state.h"

G_BEGIN_DECLS

typedef enum
{
  AMT_PROFILE_KIND_SESSION,  /* GetSessionToken with the long-term keys of its source */
  AMT_PROFILE_KIND_ROLE,     /* AssumeRole, with the MFA session or with its own code */
} AmtProfileKind;

/* The configuration of a profile, as read from the AWS files. Strings are nullable. */
typedef struct
{
  AmtProfileKind  kind;
  char           *target;            /* the credentials section we write */
  char           *target_region;     /* the region the written profile resolves to (added to
                                      * [profile TARGET] by the login when it has none) */
  char           *moved_from;        /* a section holding a session written by the old rule,
                                      * which the next login moves to target */
  char           *source_profile;    /* the profile holding the long-term keys */
  char           *mfa_serial;
  char           *role_arn;
  char           *external_id;
  char           *role_session_name;
  char           *region;
  char           *endpoint_url;
  char           *ca_bundle;
  char           *mfa_process;
  guint           duration_seconds;  /* 0: the default of the settings */
  char           *problem;           /* why it cannot be refreshed as configured */
} AmtProfileConfig;

void              amt_profile_config_clear   (AmtProfileConfig       *config);
gboolean          amt_profile_config_equal   (const AmtProfileConfig *a,
                                              const AmtProfileConfig *b);

#define AMT_TYPE_PROFILE (amt_profile_get_type ())

G_DECLARE_FINAL_TYPE (AmtProfile, amt_profile, AMT, PROFILE, GObject)

AmtProfile             *amt_profile_new            (const char        *name);
AmtProfile             *amt_profile_new_with_config (const char       *name,
                                                    AmtProfileConfig  *config);
const char             *amt_profile_get_name       (AmtProfile        *self);
const AmtProfileConfig *amt_profile_get_config     (AmtProfile        *self);
void                    amt_profile_set_config     (AmtProfile        *self,
                                                    AmtProfileConfig  *config);
void                    amt_profile_set_duration_seconds (AmtProfile  *self,
                                                          guint        seconds);
AmtProfileKind          amt_profile_get_kind       (AmtProfile        *self);
const char             *amt_profile_get_target     (AmtProfile        *self);
const char             *amt_profile_get_mfa_serial (AmtProfile        *self);

AmtSessionState         amt_profile_get_state      (AmtProfile        *self);
void                    amt_profile_set_state      (AmtProfile        *self,
                                                    AmtSessionState    state);
GDateTime              *amt_profile_get_expiration (AmtProfile        *self);
void                    amt_profile_set_expiration (AmtProfile        *self,
                                                    GDateTime         *expiration);
const char             *amt_profile_get_error      (AmtProfile        *self);
void                    amt_profile_set_error      (AmtProfile        *self,
                                                    const char        *error);

G_END_DECLS
