/* amt-tray-indicator.c
 *
 * AppIndicator menus must be GtkMenus (libdbusmenu-gtk exports them over D-Bus), so the
 * GMenuModel given to us is turned into plain GtkMenuItems whose "activate" activates the
 * named action on the application's action group. Items without an action are information
 * lines and are insensitive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-tray-indicator"

#include "config.h"

#include <gtk/gtk.h>
#include <libayatana-appindicator/app-indicator.h>

#include "amt-tray-indicator.h"

/* An AppIndicator without GtkStatusIcon fallback. With no StatusNotifierWatcher,
 * libayatana-appindicator makes a deprecated GtkStatusIcon (an XEmbed icon that today's
 * panels do not show, and whose GTK code leaks at every notify). We tell the user ourselves
 * where the applet is when no tray is there (AmtTrayWatch, AmtReminders). */
typedef struct { AppIndicator parent_instance; } AmtAppIndicator;
typedef struct { AppIndicatorClass parent_class; } AmtAppIndicatorClass;

static GType amt_app_indicator_get_type (void);
G_DEFINE_TYPE (AmtAppIndicator, amt_app_indicator, APP_INDICATOR_TYPE)

static GtkStatusIcon *
amt_app_indicator_fallback (AppIndicator *indicator)
{
  return NULL;
}

static void
amt_app_indicator_unfallback (AppIndicator  *indicator,
                              GtkStatusIcon *status_icon)
{
}

static void
amt_app_indicator_class_init (AmtAppIndicatorClass *klass)
{
  APP_INDICATOR_CLASS (klass)->fallback = amt_app_indicator_fallback;
  APP_INDICATOR_CLASS (klass)->unfallback = amt_app_indicator_unfallback;
}

static void
amt_app_indicator_init (AmtAppIndicator *self)
{
}

struct _AmtTrayIndicator
{
  GObject       parent_instance;

  GActionGroup *actions;
  AppIndicator *indicator;
  GMenuModel   *menu_model;
  char         *icon_theme_path;
  guint         rebuild_menu_id;
  GtkWidget    *secondary_item;  /* during a rebuild: the item a middle click activates */
  gboolean      has_menu;        /* AppIndicator has its D-Bus path only once a menu is set */
  char         *pending_icon;    /* a status given before that, applied after the first menu */
  char         *pending_title;
};

static void amt_tray_indicator_iface_init (AmtTrayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtTrayIndicator, amt_tray_indicator, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_TRAY, amt_tray_indicator_iface_init))

typedef struct
{
  GActionGroup *actions;
  char         *action_name;
  GVariant     *target;
} ItemAction;

static void
item_action_free (gpointer data)
{
  ItemAction *item_action = data;

  g_clear_object (&item_action->actions);
  g_clear_pointer (&item_action->action_name, g_free);
  g_clear_pointer (&item_action->target, g_variant_unref);
  g_free (item_action);
}

static void
menu_item_activate_cb (GtkMenuItem *menu_item,
                       ItemAction  *item_action)
{
  g_action_group_activate_action (item_action->actions,
                                  item_action->action_name,
                                  item_action->target);
}

static void append_menu_model (AmtTrayIndicator *self,
                               GtkMenuShell     *shell,
                               GMenuModel       *model);

static void
append_menu_item (AmtTrayIndicator *self,
                  GtkMenuShell     *shell,
                  GMenuModel       *model,
                  int               index)
{
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GMenuModel) submenu = NULL;
  gboolean secondary = FALSE;
  GtkWidget *menu_item;

  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_ACTION, "s", &action);
  target = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_TARGET, NULL);
  submenu = g_menu_model_get_item_link (model, index, G_MENU_LINK_SUBMENU);
  g_menu_model_get_item_attribute (model, index, "x-amt-secondary", "b", &secondary);

  menu_item = gtk_menu_item_new_with_mnemonic (label != NULL ? label : "");

  if (submenu != NULL)
    {
      GtkWidget *child_menu = gtk_menu_new ();

      append_menu_model (self, GTK_MENU_SHELL (child_menu), submenu);
      gtk_menu_item_set_submenu (GTK_MENU_ITEM (menu_item), child_menu);
    }
  else if (action != NULL && g_str_has_prefix (action, "app."))
    {
      ItemAction *item_action = g_new0 (ItemAction, 1);
      const char *name = action + strlen ("app.");

      item_action->actions = g_object_ref (self->actions);
      item_action->action_name = g_strdup (name);
      item_action->target = g_steal_pointer (&target);
      gtk_widget_set_sensitive (menu_item, g_action_group_get_action_enabled (self->actions, name));
      g_signal_connect_data (menu_item, "activate",
                             G_CALLBACK (menu_item_activate_cb),
                             item_action, (GClosureNotify) (void (*) (void)) item_action_free, 0);
    }
  else
    {
      if (action != NULL)
        g_warning ("Tray menu item %s has an action outside app.: %s", label, action);
      gtk_widget_set_sensitive (menu_item, FALSE);
    }

  gtk_widget_show (menu_item);
  gtk_menu_shell_append (shell, menu_item);

  /* What a middle click on the icon activates, once the menu holding it is the indicator's. */
  if (secondary)
    self->secondary_item = menu_item;
}

static void
append_menu_model (AmtTrayIndicator *self,
                   GtkMenuShell     *shell,
                   GMenuModel       *model)
{
  int n_items = g_menu_model_get_n_items (model);

  for (int i = 0; i < n_items; i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (section != NULL)
        {
          g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (shell));

          /* Sections are separated from what comes before them, as in GtkMenu's own rendering. */
          if (children != NULL && g_menu_model_get_n_items (section) > 0)
            {
              GtkWidget *separator = gtk_separator_menu_item_new ();

              gtk_widget_show (separator);
              gtk_menu_shell_append (shell, separator);
            }
          append_menu_model (self, shell, section);
        }
      else
        {
          append_menu_item (self, shell, model, i);
        }
    }
}

static void
amt_tray_indicator_rebuild_menu (gpointer user_data)
{
  AmtTrayIndicator *self = user_data;
  GtkWidget *menu = gtk_menu_new ();

  self->rebuild_menu_id = 0;
  self->secondary_item = NULL;

  if (self->menu_model != NULL)
    append_menu_model (self, GTK_MENU_SHELL (menu), self->menu_model);

  /* The indicator takes ownership of the floating menu and drops the previous one. It walks
   * up from the secondary target to its menu whenever the target's parent or the menu changes,
   * through each submenu's attach widget: an item of a menu being torn down (a submenu already
   * detached) or of one not yet set gives it a NULL widget (a gtk_widget_get_parent critical).
   * So the old target goes first, then the new menu, then the new target. */
  app_indicator_set_secondary_activate_target (self->indicator, NULL);
  app_indicator_set_menu (self->indicator, GTK_MENU (menu));
  app_indicator_set_secondary_activate_target (self->indicator, self->secondary_item);
  self->secondary_item = NULL;

  if (!self->has_menu)
    {
      self->has_menu = TRUE;
      if (self->pending_icon != NULL)
        {
          app_indicator_set_icon_full (self->indicator, self->pending_icon, self->pending_title);
          app_indicator_set_attention_icon_full (self->indicator, self->pending_icon, self->pending_title);
          app_indicator_set_title (self->indicator, self->pending_title);
        }
      g_clear_pointer (&self->pending_icon, g_free);
      g_clear_pointer (&self->pending_title, g_free);
    }
}

/* Every change that reaches the menu goes through one idle, so a burst of changes (a login
 * that refreshes ten profiles) exports one new layout over D-Bus, not ten. */
static void
amt_tray_indicator_schedule_rebuild_menu (AmtTrayIndicator *self)
{
  if (self->rebuild_menu_id == 0)
    self->rebuild_menu_id = g_idle_add_once (amt_tray_indicator_rebuild_menu, self);
}

static void
action_enabled_changed_cb (AmtTrayIndicator *self,
                           const char       *action_name,
                           gboolean          enabled,
                           GActionGroup     *actions)
{
  amt_tray_indicator_schedule_rebuild_menu (self);
}

/* Hosts (the panel) run in another process and may not share our icon theme, e.g. when we run
 * from the source tree: tell them the directory that holds the icon we use. */
static void
amt_tray_indicator_update_icon_theme_path (AmtTrayIndicator *self,
                                           const char       *icon_name)
{
  g_autoptr(GtkIconInfo) info = NULL;
  g_autofree char *theme_path = NULL;
  const char *filename;
  const char *icons_dir;

  info = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_default (), icon_name, 22, 0);
  if (info == NULL)
    {
      g_warning ("Icon %s is not installed; the tray shows a generic icon", icon_name);
      return;
    }

  filename = gtk_icon_info_get_filename (info);
  if (filename == NULL || (icons_dir = g_strrstr (filename, "/icons/")) == NULL)
    return;

  theme_path = g_strndup (filename, icons_dir - filename + strlen ("/icons"));
  /* The host resolves it in its own working directory: it must be absolute. */
  if (!g_path_is_absolute (theme_path))
    {
      char *absolute = g_canonicalize_filename (theme_path, NULL);

      g_free (theme_path);
      theme_path = absolute;
    }
  if (g_strcmp0 (theme_path, self->icon_theme_path) == 0)
    return;

  g_free (self->icon_theme_path);
  self->icon_theme_path = g_steal_pointer (&theme_path);
  app_indicator_set_icon_theme_path (self->indicator, self->icon_theme_path);
}

static void
amt_tray_indicator_set_status (AmtTray    *tray,
                               const char *icon_name,
                               const char *title)
{
  AmtTrayIndicator *self = AMT_TRAY_INDICATOR (tray);

  amt_tray_indicator_update_icon_theme_path (self, icon_name);

  /* Before its first menu, AppIndicator may already have its bus connection but no object
   * path, and a change would emit a signal on a NULL path (a critical). */
  if (!self->has_menu)
    {
      g_free (self->pending_icon);
      g_free (self->pending_title);
      self->pending_icon = g_strdup (icon_name);
      self->pending_title = g_strdup (title);
      return;
    }

  app_indicator_set_icon_full (self->indicator, icon_name, title);
  /* In NeedsAttention hosts show the attention icon: the state icon already tells it. */
  app_indicator_set_attention_icon_full (self->indicator, icon_name, title);
  app_indicator_set_title (self->indicator, title);
}

static void
amt_tray_indicator_set_menu (AmtTray    *tray,
                             GMenuModel *menu)
{
  AmtTrayIndicator *self = AMT_TRAY_INDICATOR (tray);

  g_set_object (&self->menu_model, menu);
  amt_tray_indicator_schedule_rebuild_menu (self);
}

static void
amt_tray_indicator_set_needs_attention (AmtTray  *tray,
                                        gboolean  needs_attention)
{
  AmtTrayIndicator *self = AMT_TRAY_INDICATOR (tray);

  app_indicator_set_status (self->indicator, needs_attention ? APP_INDICATOR_STATUS_ATTENTION
                                                             : APP_INDICATOR_STATUS_ACTIVE);
}

static void
amt_tray_indicator_iface_init (AmtTrayInterface *iface)
{
  iface->set_status = amt_tray_indicator_set_status;
  iface->set_menu = amt_tray_indicator_set_menu;
  iface->set_needs_attention = amt_tray_indicator_set_needs_attention;
}

static void
amt_tray_indicator_dispose (GObject *object)
{
  AmtTrayIndicator *self = (AmtTrayIndicator *)object;

  if (self->actions != NULL)
    g_signal_handlers_disconnect_by_data (self->actions, self);

  g_clear_handle_id (&self->rebuild_menu_id, g_source_remove);
  g_clear_object (&self->indicator);
  g_clear_object (&self->menu_model);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->icon_theme_path, g_free);
  g_clear_pointer (&self->pending_icon, g_free);
  g_clear_pointer (&self->pending_title, g_free);

  G_OBJECT_CLASS (amt_tray_indicator_parent_class)->dispose (object);
}

static void
amt_tray_indicator_class_init (AmtTrayIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_tray_indicator_dispose;
}

static void
amt_tray_indicator_init (AmtTrayIndicator *self)
{
  self->indicator = g_object_new (amt_app_indicator_get_type (),
                                  "id", APP_ID,
                                  "icon-name", APP_ID "-symbolic",
                                  "category", "ApplicationStatus",
                                  NULL);
  app_indicator_set_status (self->indicator, APP_INDICATOR_STATUS_ACTIVE);
}

/**
 * amt_tray_indicator_new:
 * @actions: where the menu's `app.` actions are activated (the application)
 */
AmtTray *
amt_tray_indicator_new (GActionGroup *actions)
{
  AmtTrayIndicator *self;

  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  self = g_object_new (AMT_TYPE_TRAY_INDICATOR, NULL);
  self->actions = g_object_ref (actions);
  g_signal_connect_object (actions, "action-enabled-changed",
                           G_CALLBACK (action_enabled_changed_cb),
                           self, G_CONNECT_SWAPPED);

  return AMT_TRAY (self);
}
