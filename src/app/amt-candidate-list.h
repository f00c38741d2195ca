/* amt-candidate-list.h: the profiles with long-term keys and no MFA device yet, each with a
 * "Use with MFA" button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_TYPE_CANDIDATE_LIST (amt_candidate_list_get_type ())

G_DECLARE_FINAL_TYPE (AmtCandidateList, amt_candidate_list, AMT, CANDIDATE_LIST, GtkBox)

GtkWidget  *amt_candidate_list_new  (AmtSessions  *sessions);

G_END_DECLS
