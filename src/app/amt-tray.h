/* amt-tray.h: what the application needs from a tray icon
 *
 * An interface so that tests can use a fake: a real AppIndicator inside a unit test warns,
 * and GTest makes warnings fatal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-session-state.h"

G_BEGIN_DECLS

#define AMT_TYPE_TRAY (amt_tray_get_type ())

G_DECLARE_INTERFACE (AmtTray, amt_tray, AMT, TRAY, GObject)

struct _AmtTrayInterface
{
  GTypeInterface parent_iface;

  void (*set_status) (AmtTray    *self,
                      const char *icon_name,
                      const char *title);
  void (*set_menu)   (AmtTray    *self,
                      GMenuModel *menu);
  void (*set_needs_attention) (AmtTray *self,
                               gboolean needs_attention);
};

void        amt_tray_set_status      (AmtTray          *self,
                                      const char       *icon_name,
                                      const char       *title);
void        amt_tray_set_menu        (AmtTray          *self,
                                      GMenuModel       *menu);
void        amt_tray_set_needs_attention (AmtTray      *self,
                                      gboolean          needs_attention);
const char *amt_tray_icon_name_for   (gboolean          have_profiles,
                                      AmtSessionState   worst);

G_END_DECLS
