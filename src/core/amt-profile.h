/* amt-profile.h: one managed profile and the state of its session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-session-state.h"

G_BEGIN_DECLS

#define AMT_TYPE_PROFILE (amt_profile_get_type ())

G_DECLARE_FINAL_TYPE (AmtProfile, amt_profile, AMT, PROFILE, GObject)

AmtProfile      *amt_profile_new            (const char      *name);
const char      *amt_profile_get_name       (AmtProfile      *self);
AmtSessionState  amt_profile_get_state      (AmtProfile      *self);
void             amt_profile_set_state      (AmtProfile      *self,
                                             AmtSessionState  state);
GDateTime       *amt_profile_get_expiration (AmtProfile      *self);
void             amt_profile_set_expiration (AmtProfile      *self,
                                             GDateTime       *expiration);

G_END_DECLS
