/* amt-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-window"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-window.h"

struct _AmtWindow
{
  GtkApplicationWindow  parent_instance;

  AmtSessions          *sessions;

  GtkStack             *stack;
  GtkListBox           *profile_list;
};

G_DEFINE_FINAL_TYPE (AmtWindow, amt_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
profile_row_update (GtkLabel   *state_label,
                    GParamSpec *pspec,
                    AmtProfile *profile)
{
  gtk_label_set_text (state_label, amt_session_state_to_label (amt_profile_get_state (profile)));
}

static GtkWidget *
create_profile_row_cb (gpointer item,
                       gpointer user_data)
{
  AmtProfile *profile = AMT_PROFILE (item);
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *name_label;
  GtkWidget *state_label;

  box = g_object_new (GTK_TYPE_BOX,
                      "orientation", GTK_ORIENTATION_HORIZONTAL,
                      "spacing", 12,
                      "margin", 12,
                      "visible", TRUE,
                      NULL);
  name_label = g_object_new (GTK_TYPE_LABEL,
                             "label", amt_profile_get_name (profile),
                             "xalign", 0.0f,
                             "hexpand", TRUE,
                             "ellipsize", PANGO_ELLIPSIZE_END,
                             "visible", TRUE,
                             NULL);
  state_label = g_object_new (GTK_TYPE_LABEL,
                              "xalign", 1.0f,
                              "visible", TRUE,
                              NULL);
  gtk_style_context_add_class (gtk_widget_get_style_context (state_label), "dim-label");
  profile_row_update (GTK_LABEL (state_label), NULL, profile);
  g_signal_connect_object (profile, "notify::state",
                           G_CALLBACK (profile_row_update),
                           state_label, G_CONNECT_SWAPPED);

  gtk_container_add (GTK_CONTAINER (box), name_label);
  gtk_container_add (GTK_CONTAINER (box), state_label);

  row = gtk_list_box_row_new ();
  gtk_container_add (GTK_CONTAINER (row), box);
  gtk_widget_show (row);

  return row;
}

static void
amt_window_update_page (AmtWindow *self)
{
  GListModel *profiles = amt_sessions_get_profiles (self->sessions);

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (profiles) > 0 ? "profiles" : "empty");
}

static void
profiles_items_changed_cb (AmtWindow  *self,
                           guint       position,
                           guint       removed,
                           guint       added,
                           GListModel *profiles)
{
  amt_window_update_page (self);
}

static void
amt_window_constructed (GObject *object)
{
  AmtWindow *self = (AmtWindow *)object;
  GListModel *profiles;

  G_OBJECT_CLASS (amt_window_parent_class)->constructed (object);

  g_assert (AMT_IS_SESSIONS (self->sessions));

  profiles = amt_sessions_get_profiles (self->sessions);
  gtk_list_box_bind_model (self->profile_list, profiles,
                           create_profile_row_cb, self, NULL);
  g_signal_connect_object (profiles, "items-changed",
                           G_CALLBACK (profiles_items_changed_cb),
                           self, G_CONNECT_SWAPPED);
  amt_window_update_page (self);
}

static void
amt_window_dispose (GObject *object)
{
  AmtWindow *self = (AmtWindow *)object;

  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (amt_window_parent_class)->dispose (object);
}

static void
amt_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AmtWindow *self = AMT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSIONS:
      g_value_set_object (value, self->sessions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AmtWindow *self = AMT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSIONS:
      self->sessions = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_window_class_init (AmtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amt_window_constructed;
  object_class->dispose = amt_window_dispose;
  object_class->get_property = amt_window_get_property;
  object_class->set_property = amt_window_set_property;

  properties[PROP_SESSIONS] =
    g_param_spec_object ("sessions", NULL, NULL,
                         AMT_TYPE_SESSIONS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/amt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, profile_list);
}

static void
amt_window_init (AmtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AmtWindow *
amt_window_new (GtkApplication *application,
                AmtSessions    *sessions)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);

  return g_object_new (AMT_TYPE_WINDOW,
                       "application", application,
                       "sessions", sessions,
                       NULL);
}
