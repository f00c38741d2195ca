/* amt-preferences-dialog.c
 *
 * Every control is bound to its GSettings key; the application acts on the keys (the lead
 * time through the sessions model, start-at-login through amt-autostart). Durations are
 * shown in hours and stored in seconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-preferences-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-preferences-dialog.h"

struct _AmtPreferencesDialog
{
  GtkDialog  parent_instance;

  GSettings *settings;
  GtkWidget *list;
};

G_DEFINE_FINAL_TYPE (AmtPreferencesDialog, amt_preferences_dialog, GTK_TYPE_DIALOG)

static gboolean
seconds_to_hours (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 3600.0);
  return TRUE;
}

static GVariant *
hours_to_seconds (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) * 3600.0 + 0.5));
}

/* A row: a title, a dimmed explanation below it, and the control on the right. */
static void
add_row (AmtPreferencesDialog *self,
         const char           *title,
         const char           *subtitle,
         GtkWidget            *control)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = g_object_new (GTK_TYPE_GRID,
                                  "column-spacing", 24,
                                  "margin-start", 12, "margin-end", 12,
                                  "margin-top", 8, "margin-bottom", 8,
                                  NULL);
  GtkWidget *title_label = gtk_label_new_with_mnemonic (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0.0f);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title_label), control);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0.0f);
  gtk_label_set_line_wrap (GTK_LABEL (subtitle_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (subtitle_label), 48);
  gtk_style_context_add_class (gtk_widget_get_style_context (subtitle_label), "dim-label");
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  atk_object_set_description (gtk_widget_get_accessible (control), subtitle);

  gtk_grid_attach (GTK_GRID (grid), title_label, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), subtitle_label, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), control, 1, 0, 1, 2);
  gtk_container_add (GTK_CONTAINER (row), grid);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_show_all (row);
  gtk_container_add (GTK_CONTAINER (self->list), row);
}

static GtkWidget *
new_switch (AmtPreferencesDialog *self,
            const char           *key)
{
  GtkWidget *button = gtk_switch_new ();

  g_settings_bind (self->settings, key, button, "active", G_SETTINGS_BIND_DEFAULT);
  return button;
}

static GtkWidget *
new_spin (AmtPreferencesDialog *self,
          const char           *key,
          double                min,
          double                max,
          double                step,
          guint                 digits,
          gboolean              in_hours)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  if (in_hours)
    g_settings_bind_with_mapping (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT,
                                  seconds_to_hours, hours_to_seconds, NULL, NULL);
  else
    g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  return spin;
}

static void
amt_preferences_dialog_dispose (GObject *object)
{
  AmtPreferencesDialog *self = (AmtPreferencesDialog *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (amt_preferences_dialog_parent_class)->dispose (object);
}

static void
amt_preferences_dialog_class_init (AmtPreferencesDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = amt_preferences_dialog_dispose;
}

static void
amt_preferences_dialog_init (AmtPreferencesDialog *self)
{
}

static GtkWidget *
add_group (AmtPreferencesDialog *self,
           GtkWidget            *box,
           const char           *heading)
{
  GtkWidget *label = gtk_label_new (heading);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  gtk_label_set_attributes (GTK_LABEL (label), attrs);
  pango_attr_list_unref (attrs);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_set_margin_top (label, 12);
  gtk_container_add (GTK_CONTAINER (box), label);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->list), "frame");
  gtk_container_add (GTK_CONTAINER (box), self->list);
  return self->list;
}

AmtPreferencesDialog *
amt_preferences_dialog_new (GtkApplication *application,
                            GtkWindow      *parent,
                            GSettings      *settings)
{
  AmtPreferencesDialog *self;
  GtkWidget *box;

  self = g_object_new (AMT_TYPE_PREFERENCES_DIALOG,
                       "application", application,
                       "transient-for", parent,
                       "title", _("Preferences"),
                       "use-header-bar", TRUE,
                       "resizable", FALSE,
                       NULL);
  self->settings = g_object_ref (settings);

  box = g_object_new (GTK_TYPE_BOX,
                      "orientation", GTK_ORIENTATION_VERTICAL,
                      "spacing", 6,
                      "margin", 24,
                      "margin-top", 12,
                      NULL);

  add_group (self, box, _("Reminders"));
  add_row (self, _("_Remind before expiry (minutes)"),
           _("When a notification warns, and the code dialog opens, before a session ends."),
           new_spin (self, "lead-time-minutes", 1, 120, 1, 0, FALSE));
  add_row (self, _("_Open the code dialog by itself"),
           _("At the reminder, without waiting for a click; it takes the focus once per expiry."),
           new_switch (self, "auto-open-dialog"));
  add_row (self, _("Show _notifications"),
           _("Before a session expires, when it has expired, and when a refresh fails."),
           new_switch (self, "notifications-enabled"));

  add_group (self, box, _("Sessions"));
  add_row (self, _("_Session length (hours)"),
           _("Asked of AWS for the session of an MFA code, unless a profile sets duration_seconds; at most 36 h."),
           new_spin (self, "session-duration-seconds", 0.25, 36, 0.25, 2, TRUE));
  add_row (self, _("Rol_e session length (hours)"),
           _("For roles, unless the profile sets duration_seconds. Over 1 h, a role needs a code of its own."),
           new_spin (self, "role-duration-seconds", 0.25, 12, 0.25, 2, TRUE));

  add_group (self, box, _("System"));
  add_row (self, _("Start at _login"),
           _("Start in the tray when you log in to the desktop."),
           new_switch (self, "start-at-login"));

  gtk_widget_show_all (box);
  gtk_container_add (GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (self))), box);
  g_signal_connect (self, "response", G_CALLBACK (gtk_widget_destroy), NULL);

  return self;
}
