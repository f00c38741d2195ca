/* amt-key-actions.c: the window's way to move a profile's long-term keys
 *
 * The row menu's "Move Keys…": where the keys are now decides where they go (the row menu is
 * not rebuilt when they move, so its item cannot say it). One question, then
 * amt_sessions_move_keys_async(); a failure is said in a message dialog, with its sentence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-key-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-key-actions.h"
#include "amt-message-dialog.h"
#include "amt-sandbox.h"

typedef struct {
  GtkWindow   *parent;
  AmtSessions *sessions;
  char        *profile;
  AmtKeyPlace  to;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->sessions);
  g_free (data->profile);
  g_free (data);
}

static void
keys_moved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MoveData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!amt_sessions_move_keys_finish (AMT_SESSIONS (source), result, &error))
    amt_message_dialog_show (data->parent, GTK_MESSAGE_ERROR, _("The keys were not moved"),
                             error->message);

  move_data_free (data);
}

static void
move_response_cb (GtkDialog *dialog,
                  int        response,
                  MoveData  *data)
{
  AmtProfile *profile = amt_sessions_lookup_profile (data->sessions, data->profile);

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_ACCEPT || profile == NULL)
    {
      move_data_free (data);
      return;
    }

  amt_sessions_move_keys_async (data->sessions, profile, data->to, NULL, keys_moved_cb, data);
}

/**
 * amt_key_actions_ask_move:
 * @profile: a managed profile's name
 *
 * Asks whether to move @profile's long-term keys to the other place, and moves them.
 */
void
amt_key_actions_ask_move (GtkWindow   *parent,
                          AmtSessions *sessions,
                          const char  *profile)
{
  AmtProfile *found = amt_sessions_lookup_profile (sessions, profile);
  const AmtProfileConfig *config;
  GtkWidget *dialog;
  MoveData *data;

  g_return_if_fail (AMT_IS_SESSIONS (sessions));

  if (found == NULL)
    return;
  config = amt_profile_get_config (found);

  data = g_new0 (MoveData, 1);
  data->parent = parent != NULL ? g_object_ref (parent) : NULL;
  data->sessions = g_object_ref (sessions);
  data->profile = g_strdup (profile);
  data->to = amt_sessions_get_key_place (sessions, found) == AMT_KEY_PLACE_KEYRING ? AMT_KEY_PLACE_FILE
                                                                                  : AMT_KEY_PLACE_KEYRING;

  if (data->to == AMT_KEY_PLACE_KEYRING)
    {
      dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                       GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                       _("Keep the keys of %s in the keyring?"), profile);
      /* Inside Flatpak, libsecret keeps them in a keyring file of the app's own, whose key
       * comes from the desktop's keyring through the Secret portal (amt-keyring-keys.c). */
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                                amt_sandbox_is_flatpak ()
                                                ? _("The long-term keys in [%s] are stored in the app’s own keyring, locked with the desktop’s keyring, checked, and then taken out of the AWS files. "
                                                    "MFA Tray for AWS reads them from there to log in.")
                                                : _("The long-term keys in [%s] are stored in the desktop’s keyring, checked, and then taken out of the AWS files. "
                                                    "MFA Tray for AWS reads them from the keyring to log in."),
                                                config->source_profile);
      gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                              _("_Move to Keyring"), GTK_RESPONSE_ACCEPT, NULL);
    }
  else
    {
      dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                       GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                       _("Put the keys of %s back in the credentials file?"), profile);
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                                _("The long-term keys are written to [%s] of the credentials file, where every AWS tool can read them, and deleted from the keyring."),
                                                config->source_profile);
      gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                              _("_Move to File"), GTK_RESPONSE_ACCEPT, NULL);
    }
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (move_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
}
