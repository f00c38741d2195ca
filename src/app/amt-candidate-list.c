/* amt-candidate-list.c
 *
 *   Not Used with MFA Yet
 *   work                                                     [Use with MFA]
 *     Long-term keys · the session would go to [work-mfa]
 *
 * Profiles that have long-term keys (their own, a source_profile's, or a role's source) and
 * no mfa_serial, as amt_discover_candidates() finds them (e.g. made by `aws configure`).
 * "Use with MFA" does what `aws-mfa-tray login --profile NAME` does: asks AWS for the IAM
 * user's devices (GetCallerIdentity, ListMFADevices); one is saved as mfa_serial in
 * [profile NAME], said, and the code dialog follows (app.login); several are named with the
 * key to set; none is said. Hidden while there is no such profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-candidate-list"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-candidate-list.h"
#include "amt-message-dialog.h"

struct _AmtCandidateList
{
  GtkBox        parent_instance;

  AmtSessions  *sessions;
  GtkListBox   *list;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (AmtCandidateList, amt_candidate_list, GTK_TYPE_BOX)

/* The reply to one click, and the profile it was for. */
typedef struct {
  AmtCandidateList *self;
  char             *name;
  GtkWidget        *button;
} FindData;

static void
find_data_free (FindData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->button);
  g_free (data->name);
  g_free (data);
}

static void
show_message (AmtCandidateList *self,
              GtkMessageType    type,
              const char       *title,
              const char       *text)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  amt_message_dialog_show (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, type, title, text);
}

static void
device_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FindData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!amt_sessions_apply_edit_finish (AMT_SESSIONS (source), result, &error))
    show_message (data->self, GTK_MESSAGE_ERROR, _("The MFA device could not be saved"), error->message);
  /* Saved and reloaded: the profile is managed now; its first login follows. */
  else if (g_application_get_default () != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "login",
                                    g_variant_new_string (data->name));

  find_data_free (data);
}

static void
devices_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FindData *data = user_data;
  AmtCandidateList *self = data->self;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) serials = NULL;
  AmtProfile *profile;

  serials = amt_sessions_find_mfa_devices_finish (AMT_SESSIONS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  gtk_widget_set_sensitive (data->button, TRUE);

  if (serials == NULL)
    {
      show_message (self, GTK_MESSAGE_ERROR, _("No MFA device found"), error->message);
      goto out;
    }

  if (serials[1] != NULL)
    {
      g_autofree char *list = g_strjoinv ("\n", serials);
      g_autofree char *text = NULL;

      /* Translators: 1: a profile, 2: the devices, one per line */
      text = g_strdup_printf (_("The IAM user of %1$s has several MFA devices:\n%2$s\n\n"
                                "Set mfa_serial in [profile %1$s] of ~/.aws/config to the one to use."),
                              data->name, list);
      show_message (self, GTK_MESSAGE_INFO, _("Choose an MFA Device"), text);
      goto out;
    }

  profile = amt_sessions_lookup_candidate (self->sessions, data->name);
  if (profile == NULL)
    goto out;
  /* Written on a worker; the data goes on to device_saved_cb. */
  amt_sessions_apply_edit_async (self->sessions,
                                 amt_profile_edit_save_mfa_device (amt_sessions_get_aws_config (self->sessions),
                                                                   amt_sessions_get_cred_store (self->sessions),
                                                                   profile, serials[0]),
                                 NULL, device_saved_cb, data);
  return;

out:
  find_data_free (data);
}

static void
use_with_mfa_clicked_cb (GtkButton        *button,
                         AmtCandidateList *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "amt-profile-name");
  AmtProfile *profile = amt_sessions_lookup_candidate (self->sessions, name);
  FindData *data;

  if (profile == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  data = g_new0 (FindData, 1);
  data->self = g_object_ref (self);
  data->name = g_strdup (name);
  data->button = g_object_ref (GTK_WIDGET (button));
  amt_sessions_find_mfa_devices_async (self->sessions, profile, self->cancellable,
                                       devices_found_cb, data);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  AmtCandidateList *self = user_data;
  AmtProfile *profile = AMT_PROFILE (item);
  const AmtProfileConfig *config = amt_profile_get_config (profile);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *name = gtk_label_new (amt_profile_get_name (profile));
  GtkWidget *details;
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Use with MFA"));
  g_autofree char *text = NULL;

  if (config->kind == AMT_PROFILE_KIND_ROLE)
    /* Translators: 1: a role ARN, 2: a profile, 3: a section */
    text = g_strdup_printf (_("Role %1$s with the keys of %2$s · the session would go to [%3$s]"),
                            config->role_arn, config->source_profile, config->target);
  else if (g_strcmp0 (config->source_profile, amt_profile_get_name (profile)) == 0)
    /* Translators: %s is a section of the credentials file */
    text = g_strdup_printf (_("Long-term keys · the session would go to [%s]"), config->target);
  else
    /* Translators: 1: a profile, 2: a section */
    text = g_strdup_printf (_("Long-term keys of %1$s · the session would go to [%2$s]"),
                            config->source_profile, config->target);
  details = gtk_label_new (text);

  gtk_widget_set_halign (name, GTK_ALIGN_START);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_halign (details, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (details, text);
  gtk_style_context_add_class (gtk_widget_get_style_context (details), "dim-label");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Find this IAM user’s MFA device, save it as mfa_serial, and log in"));
  g_object_set_data_full (G_OBJECT (button), "amt-profile-name",
                          g_strdup (amt_profile_get_name (profile)), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (use_with_mfa_clicked_cb), self);

  g_object_set (grid, "margin", 8, "column-spacing", 12, "row-spacing", 2, NULL);
  gtk_grid_attach (GTK_GRID (grid), name, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), details, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), button, 1, 0, 1, 2);
  gtk_container_add (GTK_CONTAINER (row), grid);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_show_all (row);

  return row;
}

static void
candidates_changed_cb (AmtCandidateList *self,
                       guint             position,
                       guint             removed,
                       guint             added,
                       GListModel       *candidates)
{
  gtk_widget_set_visible (GTK_WIDGET (self), g_list_model_get_n_items (candidates) > 0);
}

static void
amt_candidate_list_dispose (GObject *object)
{
  AmtCandidateList *self = AMT_CANDIDATE_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (amt_candidate_list_parent_class)->dispose (object);
}

static void
amt_candidate_list_class_init (AmtCandidateListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = amt_candidate_list_dispose;
}

static void
amt_candidate_list_init (AmtCandidateList *self)
{
  GtkWidget *heading = gtk_label_new (_("Not Used with MFA Yet"));
  GtkWidget *frame = gtk_frame_new (NULL);

  self->cancellable = g_cancellable_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  g_object_set (self, "margin", 12, NULL);

  gtk_widget_set_halign (heading, GTK_ALIGN_START);
  gtk_style_context_add_class (gtk_widget_get_style_context (heading), "heading");
  {
    PangoAttrList *attributes = pango_attr_list_new ();

    pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
    gtk_label_set_attributes (GTK_LABEL (heading), attributes);
    pango_attr_list_unref (attributes);
  }

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_container_add (GTK_CONTAINER (frame), GTK_WIDGET (self->list));

  gtk_container_add (GTK_CONTAINER (self), heading);
  gtk_container_add (GTK_CONTAINER (self), frame);
  gtk_widget_show_all (GTK_WIDGET (self));
}

/**
 * amt_candidate_list_new:
 * @sessions: the model whose candidates are listed
 *
 * Returns: (transfer floating): the list, visible while there is a candidate
 */
GtkWidget *
amt_candidate_list_new (AmtSessions *sessions)
{
  AmtCandidateList *self;
  GListModel *candidates;

  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);

  self = g_object_new (AMT_TYPE_CANDIDATE_LIST, NULL);
  self->sessions = g_object_ref (sessions);
  candidates = amt_sessions_get_candidates (sessions);
  gtk_list_box_bind_model (self->list, candidates, create_row_cb, self, NULL);
  g_signal_connect_object (candidates, "items-changed", G_CALLBACK (candidates_changed_cb),
                           self, G_CONNECT_SWAPPED);
  candidates_changed_cb (self, 0, 0, 0, candidates);

  return GTK_WIDGET (self);
}
