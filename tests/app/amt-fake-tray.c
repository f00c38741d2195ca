/* amt-fake-tray.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "amt-fake-tray.h"

struct _AmtFakeTray
{
  GObject     parent_instance;

  char       *icon_name;
  char       *title;
  GMenuModel *menu;
  guint       n_menu_sets;
  gboolean    needs_attention;
};

static void amt_fake_tray_iface_init (AmtTrayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmtFakeTray, amt_fake_tray, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AMT_TYPE_TRAY, amt_fake_tray_iface_init))

static void
amt_fake_tray_set_status (AmtTray    *tray,
                          const char *icon_name,
                          const char *title)
{
  AmtFakeTray *self = AMT_FAKE_TRAY (tray);

  g_free (self->icon_name);
  self->icon_name = g_strdup (icon_name);
  g_free (self->title);
  self->title = g_strdup (title);
}

static void
amt_fake_tray_set_menu (AmtTray    *tray,
                        GMenuModel *menu)
{
  AmtFakeTray *self = AMT_FAKE_TRAY (tray);

  g_set_object (&self->menu, menu);
  self->n_menu_sets++;
}

static void
amt_fake_tray_set_needs_attention (AmtTray  *tray,
                                   gboolean  needs_attention)
{
  AMT_FAKE_TRAY (tray)->needs_attention = needs_attention;
}

static void
amt_fake_tray_iface_init (AmtTrayInterface *iface)
{
  iface->set_status = amt_fake_tray_set_status;
  iface->set_menu = amt_fake_tray_set_menu;
  iface->set_needs_attention = amt_fake_tray_set_needs_attention;
}

static void
amt_fake_tray_finalize (GObject *object)
{
  AmtFakeTray *self = (AmtFakeTray *)object;

  g_clear_pointer (&self->icon_name, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->menu);

  G_OBJECT_CLASS (amt_fake_tray_parent_class)->finalize (object);
}

static void
amt_fake_tray_class_init (AmtFakeTrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = amt_fake_tray_finalize;
}

static void
amt_fake_tray_init (AmtFakeTray *self)
{
}

AmtFakeTray *
amt_fake_tray_new (void)
{
  return g_object_new (AMT_TYPE_FAKE_TRAY, NULL);
}

const char *
amt_fake_tray_get_icon_name (AmtFakeTray *self)
{
  return self->icon_name;
}

gboolean
amt_fake_tray_get_needs_attention (AmtFakeTray *self)
{
  return self->needs_attention;
}

const char *
amt_fake_tray_get_title (AmtFakeTray *self)
{
  return self->title;
}

GMenuModel *
amt_fake_tray_get_menu (AmtFakeTray *self)
{
  return self->menu;
}

guint
amt_fake_tray_get_n_menu_sets (AmtFakeTray *self)
{
  return self->n_menu_sets;
}

static void
dump_menu (GString    *out,
           GMenuModel *model,
           const char *indent)
{
  int n_items = g_menu_model_get_n_items (model);

  for (int i = 0; i < n_items; i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;
      g_autofree char *target_text = NULL;
      gboolean secondary = FALSE;

      if (section != NULL)
        {
          if (out->len > 0 && !g_str_has_suffix (out->str, ">\n"))
            g_string_append_printf (out, "%s--\n", indent);
          dump_menu (out, section, indent);
          continue;
        }

      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      if (submenu != NULL)
        {
          g_autofree char *deeper = g_strconcat (indent, "  ", NULL);

          g_string_append_printf (out, "%s%s >\n", indent, label);
          dump_menu (out, submenu, deeper);
          continue;
        }

      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      g_menu_model_get_item_attribute (model, i, "x-amt-secondary", "b", &secondary);
      target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      if (target != NULL)
        target_text = g_variant_print (target, FALSE);
      g_string_append_printf (out, "%s%s [%s%s%s%s]%s\n", indent, label, action != NULL ? action : "-",
                              target_text != NULL ? "(" : "", target_text != NULL ? target_text : "",
                              target_text != NULL ? ")" : "", secondary ? " (middle click)" : "");
    }
}

/* The menu as text, one "label [action(target)]" line per item, "--" between sections,
 * "(middle click)" after the item the tray activates on a middle click, and a submenu as
 * "label >" followed by its items indented by two spaces. */
char *
amt_fake_tray_dump_menu (AmtFakeTray *self)
{
  GString *out = g_string_new (NULL);

  if (self->menu != NULL)
    dump_menu (out, self->menu, "");

  return g_string_free (out, FALSE);
}
