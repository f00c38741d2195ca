/* amt-tray.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-tray"

#include "config.h"

#include "amt-tray.h"

G_DEFINE_INTERFACE (AmtTray, amt_tray, G_TYPE_OBJECT)

static void
amt_tray_default_init (AmtTrayInterface *iface)
{
}

/**
 * amt_tray_set_status:
 * @icon_name: a themed icon name (see amt_tray_icon_name_for())
 * @title: what the tray shows as the item's title and tooltip
 */
void
amt_tray_set_status (AmtTray    *self,
                     const char *icon_name,
                     const char *title)
{
  g_return_if_fail (AMT_IS_TRAY (self));
  g_return_if_fail (icon_name != NULL);
  g_return_if_fail (title != NULL);

  AMT_TRAY_GET_IFACE (self)->set_status (self, icon_name, title);
}

/**
 * amt_tray_set_menu:
 * @menu: the menu to show. Items with an action activate it on the application; items
 *   without one are shown as insensitive lines of information.
 */
void
amt_tray_set_menu (AmtTray    *self,
                   GMenuModel *menu)
{
  g_return_if_fail (AMT_IS_TRAY (self));
  g_return_if_fail (G_IS_MENU_MODEL (menu));

  AMT_TRAY_GET_IFACE (self)->set_menu (self, menu);
}

/**
 * amt_tray_set_needs_attention:
 * @needs_attention: a session is expiring or has expired: hosts may draw the item so that
 *   it catches the eye (StatusNotifierItem's NeedsAttention status)
 */
void
amt_tray_set_needs_attention (AmtTray  *self,
                              gboolean  needs_attention)
{
  g_return_if_fail (AMT_IS_TRAY (self));

  if (AMT_TRAY_GET_IFACE (self)->set_needs_attention != NULL)
    AMT_TRAY_GET_IFACE (self)->set_needs_attention (self, needs_attention);
}

/* The icon that tells the worst state at a glance (data/icons/hicolor/scalable/status). */
const char *
amt_tray_icon_name_for (gboolean        have_profiles,
                        AmtSessionState worst)
{
  if (!have_profiles)
    return APP_ID "-symbolic";

  switch (worst)
    {
    case AMT_SESSION_STATE_VALID:
      return APP_ID "-valid";
    case AMT_SESSION_STATE_EXPIRING:
      return APP_ID "-expiring";
    case AMT_SESSION_STATE_NEVER_LOGGED_IN:
    case AMT_SESSION_STATE_EXPIRED:
      return APP_ID "-expired";
    case AMT_SESSION_STATE_ERROR:
    default:
      return APP_ID "-error";
    }
}
