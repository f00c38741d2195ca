/* amt-session-actions.h: open the AWS Console with a profile's session, copy it as variables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_SESSION_ACTIONS_CLIPBOARD_SECONDS 60

#define AMT_TYPE_SESSION_ACTIONS (amt_session_actions_get_type ())

G_DECLARE_FINAL_TYPE (AmtSessionActions, amt_session_actions, AMT, SESSION_ACTIONS, GObject)

AmtSessionActions *amt_session_actions_new                (GApplication      *application,
                                                           AmtSessions       *sessions);
void               amt_session_actions_add_to             (AmtSessionActions *self,
                                                           GActionMap        *map);
void               amt_session_actions_open_console       (AmtSessionActions *self,
                                                           const char        *profile);
void               amt_session_actions_copy_environment   (AmtSessionActions *self,
                                                           const char        *profile);
void               amt_session_actions_append_menu_items  (GMenu             *menu,
                                                           AmtProfile        *profile);

G_END_DECLS
