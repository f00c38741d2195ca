/* amt-profile-dialog.c
 *
 * Add: a name, the IAM user's long-term access key and, optionally, the MFA device and a
 * region. Saved the aws-mfa way with standard keys (amt_profile_edit_save_new()); when the
 * device is left empty, AWS is asked (GetCallerIdentity, ListMFADevices): one device is taken,
 * several are offered to choose from, none is said. Then the code dialog opens
 * (app.login): from nothing to a session in three steps.
 *
 * Edit: the device (with Find), the region, and, for a profile whose keys we keep, new keys.
 *
 * Every save is written on a worker (amt_sessions_apply_edit_async()); Save waits for it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-profile-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-keyring-keys.h"
#include "amt-profile-dialog.h"
#include "amt-sandbox.h"

struct _AmtProfileDialog
{
  GtkDialog     parent_instance;

  AmtSessions  *sessions;
  AmtProfile   *profile;       /* NULL when adding */
  char         *saved_name;    /* the profile saved, once it is */
  GCancellable *cancellable;
  GCancellable *reach_cancellable;  /* the question whether a keyring is there */
  gboolean      login_after;   /* log in once the device is known */
  gboolean      finishing;     /* the OK response that ends the dialog */

  GtkWidget    *intro_label;
  GtkWidget    *name_entry;
  GtkWidget    *key_label;
  GtkWidget    *key_entry;
  GtkWidget    *secret_label;
  GtkWidget    *secret_entry;
  GtkWidget    *keyring_label;
  GtkWidget    *keyring_box;
  GtkWidget    *keyring_switch;
  GtkWidget    *keyring_note;
  GtkWidget    *device_combo;
  GtkWidget    *device_entry;
  GtkWidget    *find_button;
  GtkWidget    *region_entry;
  GtkWidget    *spinner;
  GtkWidget    *message_label;
  GtkWidget    *save_button;
};

G_DEFINE_FINAL_TYPE (AmtProfileDialog, amt_profile_dialog, GTK_TYPE_DIALOG)

static void
set_busy (AmtProfileDialog *self,
          const char       *message)
{
  gboolean busy = message != NULL;

  gtk_widget_set_visible (self->spinner, busy);
  if (busy)
    gtk_spinner_start (GTK_SPINNER (self->spinner));
  else
    gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_sensitive (self->save_button, !busy);
  gtk_widget_set_sensitive (self->find_button, !busy);
  gtk_style_context_remove_class (gtk_widget_get_style_context (self->message_label), "error");
  gtk_label_set_text (GTK_LABEL (self->message_label), busy ? message : "");
}

static void
show_error (AmtProfileDialog *self,
            const char       *message)
{
  set_busy (self, NULL);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->message_label), "error");
  gtk_label_set_text (GTK_LABEL (self->message_label), message);
}

static const char *
entry_text (GtkWidget *entry)
{
  return gtk_entry_get_text (GTK_ENTRY (entry));
}

static char *
stripped (GtkWidget *entry)
{
  return g_strstrip (g_strdup (entry_text (entry)));
}

/* The profile this dialog is about now: the one edited, or the one just added. */
static AmtProfile *
current_profile (AmtProfileDialog *self)
{
  const char *name = self->saved_name != NULL ? self->saved_name
                     : self->profile != NULL ? amt_profile_get_name (self->profile) : NULL;

  return name != NULL ? amt_sessions_lookup_profile (self->sessions, name) : NULL;
}

static void
login_idle_cb (gpointer user_data)
{
  g_autofree char *name = user_data;
  GApplication *application = g_application_get_default ();

  if (application != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (application), "login", g_variant_new_string (name));
}

static void
finish (AmtProfileDialog *self)
{
  AmtProfile *profile = current_profile (self);

  /* Straight on to the code: that is what a new profile is for. Once this dialog is gone, so
   * that the code dialog keeps the focus. */
  if (self->login_after && profile != NULL && amt_profile_get_mfa_serial (profile) != NULL)
    g_idle_add_once (login_idle_cb, g_strdup (amt_profile_get_name (profile)));

  self->finishing = TRUE;
  gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

/* A save runs on a worker: Save (and Find) wait for it; it goes on with @then once written. */
typedef void (*SavedFunc) (AmtProfileDialog *self);

typedef struct {
  AmtProfileDialog *self;
  SavedFunc         then;
} SaveData;

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(AmtProfileDialog) self = data->self;
  g_autoptr(GError) error = NULL;
  SavedFunc then = data->then;

  g_free (data);
  if (!amt_sessions_apply_edit_finish (AMT_SESSIONS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  gtk_widget_set_sensitive (self->save_button, TRUE);
  gtk_widget_set_sensitive (self->find_button, TRUE);
  then (self);
}

static void
save (AmtProfileDialog *self,
      AmtProfileEdit   *edit,
      SavedFunc         then)
{
  SaveData *data = g_new0 (SaveData, 1);

  data->self = g_object_ref (self);
  data->then = then;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  gtk_widget_set_sensitive (self->find_button, FALSE);
  amt_sessions_apply_edit_async (self->sessions, edit, self->cancellable, saved_cb, data);
}

/* Saves the device, then finishes. */
static void
save_device (AmtProfileDialog *self,
             const char       *serial)
{
  AmtProfile *profile = current_profile (self);

  if (profile == NULL)
    return;

  save (self,
        amt_profile_edit_save_mfa_device (amt_sessions_get_aws_config (self->sessions),
                                          amt_sessions_get_cred_store (self->sessions),
                                          profile, serial),
        finish);
}

static void
devices_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AmtProfileDialog) self = user_data;
  g_auto(GStrv) serials = NULL;
  g_autoptr(GError) error = NULL;

  serials = amt_sessions_find_mfa_devices_finish (AMT_SESSIONS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (serials == NULL)
    {
      show_error (self, error->message);
      return;
    }

  gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (self->device_combo));
  for (guint i = 0; serials[i] != NULL; i++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (self->device_combo), serials[i]);
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->device_combo), 0);
  set_busy (self, NULL);

  if (serials[1] != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->message_label),
                          _("This user has several MFA devices: choose the one to use, then save."));
      gtk_widget_grab_focus (self->device_combo);
      gtk_combo_box_popup (GTK_COMBO_BOX (self->device_combo));
      return;
    }

  /* One device: it is the one. A profile already saved gets it at once. */
  if (self->saved_name != NULL || (self->profile != NULL && self->login_after))
    save_device (self, serials[0]);
  else
    gtk_label_set_text (GTK_LABEL (self->message_label), _("Found the MFA device of this user."));
}

static void
find_devices (AmtProfileDialog *self)
{
  AmtProfile *profile = current_profile (self);

  if (profile == NULL)
    {
      show_error (self, _("Save the profile first: its keys are needed to ask AWS."));
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, _("Asking AWS for the MFA devices of this user…"));
  amt_sessions_find_mfa_devices_async (self->sessions, profile, self->cancellable,
                                       devices_found_cb, g_object_ref (self));
}

static void
find_clicked_cb (AmtProfileDialog *self)
{
  find_devices (self);
}

/**
 * amt_profile_dialog_find_mfa_device:
 *
 * Asks AWS for the device at once; the one found is saved and the login follows.
 */
void
amt_profile_dialog_find_mfa_device (AmtProfileDialog *self)
{
  g_return_if_fail (AMT_IS_PROFILE_DIALOG (self));

  self->login_after = TRUE;
  find_devices (self);
}

/* New keys go to the keyring when there is one; otherwise the form says so. Inside Flatpak,
 * libsecret keeps them in the app's own keyring file, whose key the desktop's keyring gives
 * through the Secret portal (amt-keyring-keys.c). */
static void
keyring_reach_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AmtProfileDialog) self = user_data;
  gboolean in_flatpak = amt_sandbox_is_flatpak ();
  g_autoptr(GError) error = NULL;
  gboolean reachable = amt_keyring_keys_is_reachable_finish (result, &error);

  /* Closed, or saved meanwhile: the switch has no say any more. */
  if (error != NULL || self->saved_name != NULL)
    return;

  if (reachable)
    {
      gtk_widget_set_sensitive (self->keyring_switch, TRUE);
      gtk_label_set_text (GTK_LABEL (self->keyring_note),
                          in_flatpak ? _("In the app’s own keyring, locked with the desktop’s keyring; not in the credentials file.")
                                     : _("In the desktop’s keyring, not in the credentials file."));
      return;
    }

  gtk_switch_set_active (GTK_SWITCH (self->keyring_switch), FALSE);
  gtk_label_set_text (GTK_LABEL (self->keyring_note),
                      in_flatpak ? _("Inside Flatpak, the keyring is reached only through the desktop’s Secret portal, which this desktop does not offer: the keys go to the credentials file.")
                                 : _("No keyring answers on this desktop: the keys go to the credentials file."));
}

/* Saved: the name and keys are fixed from now on, and the secret is gone from the form. */
static void
new_profile_saved (AmtProfileDialog *self,
                   const char       *name)
{
  self->saved_name = g_strdup (name);
  gtk_widget_set_sensitive (self->name_entry, FALSE);
  gtk_widget_set_sensitive (self->key_entry, FALSE);
  gtk_widget_set_sensitive (self->secret_entry, FALSE);
  gtk_widget_set_sensitive (self->keyring_switch, FALSE);
  gtk_entry_set_text (GTK_ENTRY (self->secret_entry), "");
}

/* On to the device (asked of AWS when none was given), then the login. */
static void
continue_after_save (AmtProfileDialog *self,
                     const char       *device)
{
  self->login_after = TRUE;
  if (*device == '\0')
    {
      find_devices (self);
      return;
    }

  finish (self);
}

/* The new profile is written (amt_sessions_apply_edit_async(), or its keys stored in the
 * keyring and the files marked): on to the device, the code. */
static void
new_profile_written (AmtProfileDialog *self)
{
  g_autofree char *name = stripped (self->name_entry);
  g_autofree char *device = stripped (self->device_entry);

  new_profile_saved (self, name);
  continue_after_save (self, device);
}

static void
new_profile_saved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AmtProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!amt_sessions_save_new_profile_in_keyring_finish (AMT_SESSIONS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  set_busy (self, NULL);
  new_profile_written (self);
}

static void
save_new (AmtProfileDialog *self)
{
  g_autofree char *name = stripped (self->name_entry);
  g_autofree char *key = stripped (self->key_entry);
  g_autofree char *secret = stripped (self->secret_entry);
  g_autofree char *device = stripped (self->device_entry);
  g_autofree char *region = stripped (self->region_entry);
  g_autoptr(GError) error = NULL;
  AmtProfileEdit *edit;

  if (self->saved_name == NULL && gtk_switch_get_active (GTK_SWITCH (self->keyring_switch)))
    {
      /* The keyring may ask to be unlocked first: the rest follows in new_profile_saved_cb. */
      set_busy (self, _("Storing the keys in the keyring…"));
      if (self->cancellable == NULL)
        self->cancellable = g_cancellable_new ();
      amt_sessions_save_new_profile_in_keyring_async (self->sessions, name, key, secret, device, region,
                                                      self->cancellable, new_profile_saved_cb,
                                                      g_object_ref (self));
      return;
    }

  if (self->saved_name == NULL)
    {
      edit = amt_profile_edit_save_new (amt_sessions_get_aws_config (self->sessions),
                                        amt_sessions_get_cred_store (self->sessions),
                                        name, key, secret, device, region, &error);
      if (edit == NULL)
        {
          show_error (self, error->message);
          return;
        }
      save (self, edit, new_profile_written);
      return;
    }

  self->login_after = TRUE;
  if (*device == '\0')
    find_devices (self);
  else
    save_device (self, device);
}

static void
edit_saved (AmtProfileDialog *self)
{
  self->finishing = TRUE;
  gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

static void
save_edit (AmtProfileDialog *self)
{
  g_autofree char *key = stripped (self->key_entry);
  g_autofree char *secret = stripped (self->secret_entry);
  g_autofree char *device = stripped (self->device_entry);
  g_autofree char *region = stripped (self->region_entry);
  g_autoptr(GError) error = NULL;
  AmtProfileEdit *edit;

  edit = amt_profile_edit_update (amt_sessions_get_aws_config (self->sessions),
                                  amt_sessions_get_cred_store (self->sessions),
                                  self->profile,
                                  *key != '\0' ? key : NULL,
                                  *key != '\0' ? secret : NULL,
                                  *device != '\0' ? device : NULL,
                                  region, &error);
  if (edit == NULL)
    {
      show_error (self, error->message);
      return;
    }

  save (self, edit, edit_saved);
}

/* Connected first, so that it runs before the owner's handler: an OK that saves stops here,
 * and the dialog ends with the OK that finish() gives once everything is saved. */
static void
response_cb (AmtProfileDialog *self,
             int               response)
{
  if (response != GTK_RESPONSE_OK)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }
  if (self->finishing)
    return;

  g_signal_stop_emission_by_name (self, "response");
  if (self->profile == NULL)
    save_new (self);
  else
    save_edit (self);
}

static void
amt_profile_dialog_dispose (GObject *object)
{
  AmtProfileDialog *self = (AmtProfileDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->reach_cancellable);
  g_clear_object (&self->reach_cancellable);
  g_clear_object (&self->sessions);
  g_clear_object (&self->profile);
  g_clear_pointer (&self->saved_name, g_free);

  G_OBJECT_CLASS (amt_profile_dialog_parent_class)->dispose (object);
}

static void
amt_profile_dialog_class_init (AmtProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = amt_profile_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/amt-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, key_label);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, key_entry);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, secret_label);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, secret_entry);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, keyring_label);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, keyring_box);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, keyring_switch);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, keyring_note);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, device_combo);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, device_entry);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, find_button);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, region_entry);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, AmtProfileDialog, save_button);
}

static void
amt_profile_dialog_init (AmtProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->reach_cancellable = g_cancellable_new ();
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
  g_signal_connect_swapped (self->find_button, "clicked", G_CALLBACK (find_clicked_cb), self);
}

/**
 * amt_profile_dialog_new:
 * @profile: (nullable): the profile to edit; %NULL to add one
 */
AmtProfileDialog *
amt_profile_dialog_new (GtkWindow   *parent,
                        AmtSessions *sessions,
                        AmtProfile  *profile)
{
  AmtProfileDialog *self;
  const AmtProfileConfig *config;
  gboolean keys_are_ours;

  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);

  self = g_object_new (AMT_TYPE_PROFILE_DIALOG,
                       "transient-for", parent,
                       "use-header-bar", TRUE,
                       NULL);
  self->sessions = g_object_ref (sessions);

  if (profile == NULL)
    {
      /* The switch waits for the bus to say whether a keyring is there (keyring_reach_cb). */
      gtk_widget_set_sensitive (self->keyring_switch, FALSE);
      gtk_label_set_text (GTK_LABEL (self->keyring_note), _("Looking for the keyring…"));
      amt_keyring_keys_is_reachable_async (amt_sandbox_is_flatpak (), self->reach_cancellable,
                                           keyring_reach_cb, g_object_ref (self));
      gtk_widget_grab_focus (self->name_entry);
      return self;
    }

  gtk_widget_set_visible (self->keyring_label, FALSE);
  gtk_widget_set_visible (self->keyring_box, FALSE);

  self->profile = g_object_ref (profile);
  config = amt_profile_get_config (profile);

  gtk_window_set_title (GTK_WINDOW (self), _("Edit Profile"));
  gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Save"));
  gtk_entry_set_text (GTK_ENTRY (self->name_entry), amt_profile_get_name (profile));
  gtk_widget_set_sensitive (self->name_entry, FALSE);
  if (config->mfa_serial != NULL)
    gtk_entry_set_text (GTK_ENTRY (self->device_entry), config->mfa_serial);
  if (config->region != NULL)
    gtk_entry_set_text (GTK_ENTRY (self->region_entry), config->region);

  /* New keys only where this program keeps them: an aws-mfa long-term section. */
  keys_are_ours = config->source_profile != NULL &&
                  g_str_has_suffix (config->source_profile, "-long-term") &&
                  config->kind == AMT_PROFILE_KIND_SESSION &&
                  amt_sessions_get_key_place (sessions, profile) == AMT_KEY_PLACE_FILE;
  gtk_widget_set_visible (self->key_label, keys_are_ours);
  gtk_widget_set_visible (self->key_entry, keys_are_ours);
  gtk_widget_set_visible (self->secret_label, keys_are_ours);
  gtk_widget_set_visible (self->secret_entry, keys_are_ours);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->key_entry), _("Unchanged"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->secret_entry), _("Unchanged"));

  if (config->kind == AMT_PROFILE_KIND_ROLE)
    gtk_label_set_text (GTK_LABEL (self->intro_label),
                        _("This role profile is defined in ~/.aws/config; its role and source profile are edited there."));
  else
    gtk_label_set_text (GTK_LABEL (self->intro_label),
                        _("Give new keys after rotating them in the IAM console; empty fields stay as they are."));

  gtk_widget_grab_focus (self->device_entry);
  return self;
}
