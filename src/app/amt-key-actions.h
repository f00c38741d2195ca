/* amt-key-actions.h: the window's way to move a profile's long-term keys (keyring or file)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

void amt_key_actions_ask_move (GtkWindow   *parent,
                               AmtSessions *sessions,
                               const char  *profile);

G_END_DECLS
