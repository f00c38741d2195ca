/* amt-reminders.h: notifications before and at expiry, and when the dialog opens by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-sessions.h"

G_BEGIN_DECLS

#define AMT_TYPE_REMINDERS (amt_reminders_get_type ())

G_DECLARE_FINAL_TYPE (AmtReminders, amt_reminders, AMT, REMINDERS, GObject)

AmtReminders *amt_reminders_new             (GApplication *application,
                                             AmtSessions  *sessions,
                                             GSettings    *settings);
void          amt_reminders_snooze          (AmtReminders *self,
                                             AmtProfile   *profile);
void          amt_reminders_login_failed    (AmtReminders *self,
                                             AmtLogin     *login,
                                             const char   *message);
void          amt_reminders_withdraw        (AmtReminders *self,
                                             AmtProfile   *profile);
void          amt_reminders_withdraw_all    (AmtReminders *self);
void          amt_reminders_tell_no_tray    (AmtReminders *self);
void          amt_reminders_tell_keeps_running (AmtReminders *self);
void          amt_reminders_tray_appeared   (AmtReminders *self);

G_END_DECLS
