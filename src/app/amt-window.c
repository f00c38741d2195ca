/* amt-window.c
 *
 * The "Sessions" window: every managed profile with its state, its details and a Log In
 * button; Refresh All, Add, Edit, Remove; the empty state for a first start, which leads from
 * an access key to a session in three steps (Add Profile…, the form, the code); and a bar
 * that says when the AWS files cannot be read. Its size is kept in GSettings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-window"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-candidate-list.h"
#include "amt-error-color.h"
#include "amt-key-actions.h"
#include "amt-message-dialog.h"
#include "amt-profile-dialog.h"
#include "amt-profile-row.h"
#include "amt-window.h"

struct _AmtWindow
{
  GtkApplicationWindow  parent_instance;

  AmtSessions          *sessions;
  GSettings            *settings;

  GtkBox               *content_box;
  GtkStack             *stack;
  GtkListBox           *profile_list;
  GtkInfoBar           *load_error_bar;
  GtkLabel             *load_error_label;
};

G_DEFINE_FINAL_TYPE (AmtWindow, amt_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_profile_row_cb (gpointer item,
                       gpointer user_data)
{
  AmtWindow *self = user_data;

  return amt_profile_row_new (self->sessions, AMT_PROFILE (item));
}

static void
amt_window_update_page (AmtWindow *self)
{
  GListModel *profiles = amt_sessions_get_profiles (self->sessions);
  const char *load_error = amt_sessions_get_load_error (self->sessions);

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (profiles) > 0 ? "profiles" : "empty");
  gtk_label_set_text (self->load_error_label, load_error != NULL ? load_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->load_error_bar), load_error != NULL);
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
load_error_cb (AmtWindow   *self,
               GParamSpec  *pspec,
               AmtSessions *sessions)
{
  amt_window_update_page (self);
}

static AmtProfileDialog *
open_profile_dialog (AmtWindow  *self,
                     AmtProfile *profile)
{
  AmtProfileDialog *dialog = amt_profile_dialog_new (GTK_WINDOW (self), self->sessions, profile);

  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/**
 * amt_window_add_profile:
 *
 * Opens the form for a new profile; once saved, the code dialog follows.
 */
void
amt_window_add_profile (AmtWindow *self)
{
  g_return_if_fail (AMT_IS_WINDOW (self));

  open_profile_dialog (self, NULL);
}

/**
 * amt_window_find_mfa_device:
 *
 * Opens @profile's form and asks AWS for its MFA device.
 */
void
amt_window_find_mfa_device (AmtWindow  *self,
                            AmtProfile *profile)
{
  g_return_if_fail (AMT_IS_WINDOW (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  amt_profile_dialog_find_mfa_device (open_profile_dialog (self, profile));
}

static void
edit_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  AmtWindow *self = AMT_WINDOW (user_data);
  AmtProfile *profile = amt_sessions_lookup_profile (self->sessions, g_variant_get_string (parameter, NULL));

  if (profile != NULL)
    open_profile_dialog (self, profile);
}

typedef struct {
  AmtWindow  *self;
  AmtProfile *profile;
} RemoveData;

static void
profile_removed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AmtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (amt_sessions_apply_edit_finish (AMT_SESSIONS (source), result, &error))
    return;

  amt_message_dialog_show (GTK_WINDOW (self), GTK_MESSAGE_ERROR,
                           _("The profile could not be removed"), error->message);
}

static void
remove_response_cb (GtkDialog  *dialog,
                    int         response,
                    RemoveData *data)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));

  /* Written on a worker: the window stays responsive while the files are synced. */
  if (response == GTK_RESPONSE_ACCEPT)
    amt_sessions_apply_edit_async (data->self->sessions,
                                   amt_profile_edit_forget (amt_sessions_get_aws_config (data->self->sessions),
                                                            amt_sessions_get_cred_store (data->self->sessions),
                                                            amt_sessions_get_keyring (data->self->sessions),
                                                            data->profile),
                                   NULL, profile_removed_cb, g_object_ref (data->self));

  g_object_unref (data->profile);
  g_object_unref (data->self);
  g_free (data);
}

static void
remove_profile_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AmtWindow *self = AMT_WINDOW (user_data);
  AmtProfile *profile = amt_sessions_lookup_profile (self->sessions, g_variant_get_string (parameter, NULL));
  const AmtProfileConfig *config;
  g_autofree char *long_term = NULL;
  GtkWidget *dialog;
  RemoveData *data;

  if (profile == NULL)
    return;

  config = amt_profile_get_config (profile);
  long_term = g_strconcat (amt_profile_get_name (profile), "-long-term", NULL);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Remove %s?"), amt_profile_get_name (profile));
  if (g_strcmp0 (config->source_profile, long_term) == 0 &&
      amt_sessions_get_key_place (self->sessions, profile) == AMT_KEY_PLACE_KEYRING)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                              _("Its long-term keys are deleted from the keyring, and its session ([%s]) from the credentials file. "
                                                "Keep a copy of the keys if you still need them."),
                                              config->target);
  else if (g_strcmp0 (config->source_profile, long_term) == 0)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                              _("Its long-term keys ([%s]) and its session ([%s]) are deleted from the credentials file. "
                                                "Keep a copy of the keys if you still need them."),
                                              long_term, config->target);
  else
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                              _("Its session keys in [%s] are deleted, and the profile is marked mfa_tray_ignore so that it is no longer refreshed. "
                                                "The rest of your configuration stays."),
                                              config->target);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Remove"), GTK_RESPONSE_ACCEPT,
                          NULL);
  gtk_style_context_add_class (gtk_widget_get_style_context (
                                 gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT)),
                               "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);

  data = g_new0 (RemoveData, 1);
  data->self = g_object_ref (self);
  data->profile = g_object_ref (profile);
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Ctrl+W (the application's accelerator for win.close; GTK 3 windows have no close action of their own). */
static void
close_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
}

static void
move_keys_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  AmtWindow *self = AMT_WINDOW (user_data);

  amt_key_actions_ask_move (GTK_WINDOW (self), self->sessions, g_variant_get_string (parameter, NULL));
}

static const GActionEntry win_actions[] = {
  { "close", close_action },
  { "edit-profile", edit_profile_action, "s" },
  { "remove-profile", remove_profile_action, "s" },
  { "move-keys", move_keys_action, "s" },
};

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
  g_signal_connect_object (self->sessions, "notify::load-error",
                           G_CALLBACK (load_error_cb),
                           self, G_CONNECT_SWAPPED);
  amt_window_update_page (self);

  /* Below the sessions (or the empty page): profiles that could be used with MFA. */
  gtk_container_add (GTK_CONTAINER (self->content_box), amt_candidate_list_new (self->sessions));
}

static void
amt_window_dispose (GObject *object)
{
  AmtWindow *self = (AmtWindow *)object;

  /* Kept for the next time it opens; saved once, not at every resize. */
  if (self->settings != NULL)
    {
      gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
      int width, height;

      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      if (!maximized && gtk_widget_get_realized (GTK_WIDGET (self)))
        {
          gtk_window_get_size (GTK_WINDOW (self), &width, &height);
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
  g_clear_object (&self->sessions);
  g_clear_object (&self->settings);

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
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, profile_list);
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, load_error_bar);
  gtk_widget_class_bind_template_child (widget_class, AmtWindow, load_error_label);
}

static void
amt_window_init (AmtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  amt_error_color_follow_theme (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
}

AmtWindow *
amt_window_new (GtkApplication *application,
                AmtSessions    *sessions)
{
  return g_object_new (AMT_TYPE_WINDOW,
                       "application", application,
                       "sessions", sessions,
                       NULL);
}
