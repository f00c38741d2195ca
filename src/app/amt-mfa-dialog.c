/* amt-mfa-dialog.c
 *
 * The dialog that takes the codes of one AmtLogin (DESIGN.md "MFA dialog"): it says which
 * profiles the code refreshes and for how long, takes six digits (typed, or pasted with the
 * spaces and dashes authenticator apps put in), submits at the sixth digit or on Enter, shows
 * why AWS refused a code and asks again, asks for the code of each role that needs one of its
 * own, and responds GTK_RESPONSE_OK once every profile is refreshed. Any other response ends
 * the login (amt_login_cancel()); what was written stays written.
 *
 * The code lives in the entry's buffer (GtkEntryBuffer wipes the text it frees) and in one
 * copy handed to amt_login_submit_code_async(), wiped at once. It is never logged, and the
 * entry is emptied as soon as AWS has answered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-mfa-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-error-color.h"
#include "amt-mfa-code.h"
#include "amt-mfa-dialog.h"
#include "amt-secret.h"

#define CODE_LENGTH AMT_MFA_CODE_LENGTH

struct _AmtMfaDialog
{
  GtkDialog     parent_instance;

  AmtSessions  *sessions;
  AmtLogin     *login;
  gboolean      can_snooze;

  GCancellable *cancellable;   /* the submit in flight; cancelled when the dialog goes */
  gulong        finished_id;
  gboolean      busy;
  gboolean      outcome_shown; /* the login ended short of every profile: its result, Close */
  gboolean      responded;
  gboolean      blocked;       /* the code asked now would be refused before it is sent */

  GtkHeaderBar *header_bar;
  GtkWidget    *cancel_button;
  GtkWidget    *snooze_button;
  GtkWidget    *skip_button;
  GtkWidget    *login_button;
  GtkWidget    *close_button;
  GtkLabel     *purpose_label;
  GtkGrid      *profiles_grid;
  GtkLabel     *note_label;
  GtkLabel     *device_label;
  GtkWidget    *code_label;
  GtkEntry     *code_entry;
  GtkStack     *status_stack;
  GtkSpinner   *spinner;
  GtkWidget    *error_icon;
  GtkLabel     *error_label;
};

G_DEFINE_FINAL_TYPE (AmtMfaDialog, amt_mfa_dialog, GTK_TYPE_DIALOG)

enum {
  PROP_0,
  PROP_SESSIONS,
  PROP_LOGIN,
  PROP_CAN_SNOOZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The view */

static char *
item_status_text (AmtMfaDialog       *self,
                  const AmtLoginItem *item)
{
  guint step = amt_login_get_code_index (self->login);

  if (item->done)
    return g_strdup (_("Refreshed"));
  if (amt_login_is_finished (self->login) || item->code_index < step)
    return g_strdup (_("Not refreshed"));
  if (item->code_index == step)
    return NULL;
  if (item->code_index == 1)
    return g_strdup (_("Needs a second code"));
  /* Translators: a profile that takes the third (fourth…) code of this login */
  return g_strdup_printf (_("Needs code %u"), item->code_index + 1);
}

static GtkWidget *
profile_cell_new (const char *text,
                  gboolean    dim)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "label", text,
                                   "xalign", 0.0f,
                                   "ellipsize", PANGO_ELLIPSIZE_END,
                                   "visible", TRUE,
                                   NULL);

  if (dim)
    gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
  return label;
}

static void
remove_child_cb (GtkWidget *child,
                 gpointer   container)
{
  gtk_container_remove (GTK_CONTAINER (container), child);
}

/* One row per profile: its name, the time its session has left now, how long the new one
 * will last, and what the login has done with it or which later code it needs. The two
 * durations have column headings, so that nobody reads the new session's 12 h as time left. */
static void
update_profiles (AmtMfaDialog *self)
{
  GPtrArray *items = amt_login_get_items (self->login);
  GtkWidget *heading;

  gtk_container_foreach (GTK_CONTAINER (self->profiles_grid), remove_child_cb, self->profiles_grid);

  /* Translators: a column heading of the code dialog: the time a session has left now */
  heading = profile_cell_new (_("Now"), TRUE);
  gtk_grid_attach (self->profiles_grid, heading, 1, 0, 1, 1);
  /* Translators: a column heading of the code dialog: how long the session the code makes lasts */
  heading = profile_cell_new (_("New session"), TRUE);
  gtk_grid_attach (self->profiles_grid, heading, 2, 0, 1, 1);

  for (guint i = 0; i < items->len; i++)
    {
      const AmtLoginItem *item = g_ptr_array_index (items, i);
      g_autofree char *now = amt_sessions_describe_profile (self->sessions, item->profile);
      g_autofree char *duration = amt_format_duration (item->duration);
      g_autofree char *status = item_status_text (self, item);
      GtkWidget *name_label = profile_cell_new (amt_profile_get_name (item->profile), FALSE);

      gtk_label_set_max_width_chars (GTK_LABEL (name_label), 20);
      gtk_grid_attach (self->profiles_grid, name_label, 0, i + 1, 1, 1);
      gtk_grid_attach (self->profiles_grid, profile_cell_new (now, TRUE), 1, i + 1, 1, 1);
      gtk_grid_attach (self->profiles_grid, profile_cell_new (duration, TRUE), 2, i + 1, 1, 1);
      if (status != NULL)
        gtk_grid_attach (self->profiles_grid, profile_cell_new (status, TRUE), 3, i + 1, 1, 1);
    }
}

/* Opened by a reminder: the session that made it open (of those the code refreshes, the one
 * that ends first), "prod expires in 9 min." */
static char *
dup_reason (AmtMfaDialog *self)
{
  GPtrArray *items = amt_login_get_items (self->login);
  AmtProfile *first = NULL;
  gint64 first_left = G_MAXINT64;
  g_autofree char *left = NULL;

  if (!self->can_snooze)
    return NULL;

  for (guint i = 0; i < items->len; i++)
    {
      AmtProfile *profile = ((AmtLoginItem *) g_ptr_array_index (items, i))->profile;
      gint64 seconds = amt_sessions_get_seconds_left (self->sessions, profile);

      /* One never logged in has no deadline that could have brought the reminder. */
      if (amt_profile_get_expiration (profile) == NULL)
        continue;
      if (first == NULL || seconds < first_left)
        {
          first = profile;
          first_left = seconds;
        }
    }

  if (first == NULL)
    return NULL;
  if (first_left <= 0)
    /* Translators: why the code dialog opened by itself; %s is a profile */
    return g_strdup_printf (_("%s has expired."), amt_profile_get_name (first));

  left = amt_format_duration (first_left);
  /* Translators: why the code dialog opened by itself; %1$s is a profile, %2$s a duration ("9 min") */
  return g_strdup_printf (_("%1$s expires in %2$s."), amt_profile_get_name (first), left);
}

/* Before the first code: why a role takes a code of its own. */
static void
update_note (AmtMfaDialog *self)
{
  GPtrArray *items = amt_login_get_items (self->login);
  g_autoptr(GString) note = g_string_new (NULL);

  if (amt_login_get_code_index (self->login) == 0 && !amt_login_is_finished (self->login))
    for (guint i = 0; i < items->len; i++)
      {
        const AmtLoginItem *item = g_ptr_array_index (items, i);
        g_autofree char *duration = NULL;

        if (item->code_index == 0)
          continue;

        duration = amt_format_duration (item->duration);
        if (note->len > 0)
          g_string_append_c (note, ' ');
        /* Translators: %1$s is a profile, %2$s a duration such as "2 h" */
        g_string_append_printf (note, _("%1$s asks for %2$s, and AWS caps a role assumed with another session at 1 h: it needs a code of its own, after this one."),
                                amt_profile_get_name (item->profile), duration);
      }

  gtk_label_set_text (self->note_label, note->str);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note->len > 0);
}

static void
set_entry_description (AmtMfaDialog *self,
                       const char   *description)
{
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (self->code_entry));

  atk_object_set_description (accessible, description);
}

static void show_error (AmtMfaDialog *self, const char *message);

/* A problem found before the code is sent (the credentials file became a FIFO, say, while the
 * dialog was open) is said now, and Log In waits until it is gone: no code typed in vain. */
static void
update_blocked (AmtMfaDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean was_blocked = self->blocked;

  self->blocked = !amt_login_check_targets (self->login, &error);
  gtk_widget_set_sensitive (self->login_button, !self->busy && !self->blocked);

  if (self->blocked)
    {
      if (g_strcmp0 (gtk_label_get_text (self->error_label), error->message) != 0 || !was_blocked)
        show_error (self, error->message);
    }
  else if (was_blocked && !self->busy)
    gtk_stack_set_visible_child_name (self->status_stack, "hint");
}

static void
update_for_step (AmtMfaDialog *self)
{
  guint step = amt_login_get_code_index (self->login);
  guint n_codes = amt_login_get_n_codes (self->login);
  g_autofree char *purpose = amt_login_dup_code_purpose (self->login);
  g_autofree char *subtitle = NULL;

  update_profiles (self);
  update_note (self);

  if (step == 0)
    {
      g_autofree char *reason = dup_reason (self);
      const char *ask = _("Enter the code that your MFA device shows now.");
      g_autofree char *text = reason != NULL ? g_strconcat (reason, " ", ask, NULL) : g_strdup (ask);

      gtk_label_set_text (self->purpose_label, text);
    }
  else
    gtk_label_set_text (self->purpose_label, purpose);
  set_entry_description (self, purpose);

  if (n_codes > 1)
    /* Translators: the header bar's subtitle when a login takes several codes */
    subtitle = g_strdup_printf (_("Code %1$u of %2$u"), MIN (step + 1, n_codes), n_codes);
  gtk_header_bar_set_subtitle (self->header_bar, subtitle);

  gtk_widget_set_visible (self->snooze_button, self->can_snooze && step == 0);
  gtk_widget_set_visible (self->skip_button, step > 0);

  update_blocked (self);
}

static void
set_busy (AmtMfaDialog *self,
          gboolean      busy)
{
  self->busy = busy;

  gtk_widget_set_sensitive (GTK_WIDGET (self->code_entry), !busy);
  gtk_widget_set_sensitive (self->login_button, !busy && !self->blocked);
  gtk_widget_set_sensitive (self->skip_button, !busy);
  gtk_widget_set_sensitive (self->snooze_button, !busy);

  if (busy)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->status_stack, "busy");
    }
  else
    {
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->status_stack, "hint");
    }
}

static void
show_error (AmtMfaDialog *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->status_stack, "error");
  set_entry_description (self, message);
  gtk_widget_error_bell (GTK_WIDGET (self->code_entry));
}

static void
clear_code (AmtMfaDialog *self)
{
  gtk_entry_set_text (self->code_entry, "");
}

static void
focus_code (AmtMfaDialog *self)
{
  GtkWidget *entry = GTK_WIDGET (self->code_entry);

  if (!gtk_widget_get_sensitive (entry))
    return;

  /* Without selecting what is there: the next digit goes after the ones typed. */
  if (!gtk_widget_is_focus (entry))
    gtk_widget_grab_focus (entry);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
}

static void
respond (AmtMfaDialog *self,
         int           response_id)
{
  if (self->responded)
    return;

  gtk_dialog_response (GTK_DIALOG (self), response_id);
}

/* The login ended without refreshing everything: say what it did, and offer Close. */
static void
show_outcome (AmtMfaDialog *self,
              const char   *message)
{
  self->outcome_shown = TRUE;
  set_busy (self, FALSE);
  clear_code (self);

  update_profiles (self);
  update_note (self);
  gtk_label_set_text (self->purpose_label, message);
  gtk_header_bar_set_subtitle (self->header_bar, NULL);

  gtk_widget_hide (self->code_label);
  gtk_widget_hide (GTK_WIDGET (self->code_entry));
  gtk_widget_hide (GTK_WIDGET (self->status_stack));
  gtk_widget_hide (self->cancel_button);
  gtk_widget_hide (self->snooze_button);
  gtk_widget_hide (self->skip_button);
  gtk_widget_hide (self->login_button);
  gtk_widget_show (self->close_button);
  gtk_widget_grab_default (self->close_button);
  gtk_widget_grab_focus (self->close_button);
}

static void
login_finished_cb (AmtMfaDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (self->responded || self->outcome_shown)
    return;

  if (amt_login_get_result (self->login, &error))
    respond (self, GTK_RESPONSE_OK);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Cancelled elsewhere (the application quits, or another window took over). */
    respond (self, GTK_RESPONSE_CANCEL);
  else
    show_outcome (self, error->message);
}

static void
code_submitted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(AmtMfaDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean taken;

  taken = amt_login_submit_code_finish (AMT_LOGIN (source), result, &error);

  /* The dialog answered (cancelled, or the login finished and it went away). */
  if (self->responded || self->outcome_shown)
    return;

  set_busy (self, FALSE);
  clear_code (self);

  if (amt_login_is_finished (self->login))
    {
      login_finished_cb (self);
      return;
    }

  if (!taken)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
      focus_code (self);
      return;
    }

  /* Taken, and another code follows. */
  update_for_step (self);
  focus_code (self);
}

static void
submit_code (AmtMfaDialog *self)
{
  g_autoptr(GError) error = NULL;
  char *digits = NULL;

  if (self->busy || self->outcome_shown || self->responded || amt_login_is_finished (self->login))
    return;
  if (self->blocked)
    {
      update_blocked (self);
      if (self->blocked)
        return;
    }

  if (!amt_login_check_code (gtk_entry_get_text (self->code_entry), &digits, &error))
    {
      show_error (self, error->message);
      focus_code (self);
      return;
    }

  set_busy (self, TRUE);
  amt_login_submit_code_async (self->login, digits, self->cancellable,
                               code_submitted_cb, g_object_ref (self));
  amt_secret_free (digits);
}

/* A minute passed, or a file was re-read: the times shown follow. */
static void
sessions_changed_cb (AmtMfaDialog *self)
{
  if (self->responded || self->outcome_shown || self->busy)
    return;

  update_for_step (self);
}

/* Signal handlers of the template */

static void
code_entry_insert_text_cb (GtkEditable  *editable,
                           const char   *text,
                           int           length,
                           int          *position,
                           AmtMfaDialog *self)
{
  char digits[CODE_LENGTH + 1];
  int n_digits;
  glong n_chars;

  if (length < 0)
    length = strlen (text);
  n_chars = g_utf8_strlen (text, length);

  /* A typed ASCII digit: GtkEntry inserts it (or rings, past max-length). */
  if (n_chars == 1 && g_ascii_isdigit (text[0]))
    return;

  g_signal_stop_emission_by_name (editable, "insert-text");
  n_digits = amt_mfa_code_normalize (text, length, digits);

  g_signal_handlers_block_by_func (editable, code_entry_insert_text_cb, self);
  if (n_chars > 1 && n_digits == CODE_LENGTH)
    {
      /* A pasted code: it replaces whatever was typed. */
      int start = 0;

      gtk_editable_delete_text (editable, 0, -1);
      gtk_editable_insert_text (editable, digits, CODE_LENGTH, &start);
      *position = start;
    }
  else
    {
      /* A letter, a separator typed on its own, or a paste that is not a code. */
      gtk_widget_error_bell (GTK_WIDGET (editable));
    }
  g_signal_handlers_unblock_by_func (editable, code_entry_insert_text_cb, self);

  amt_secret_wipe (digits, sizeof digits);
}

static void
code_entry_changed_cb (AmtMfaDialog *self)
{
  /* The sixth digit logs in. */
  if (gtk_entry_get_text_length (self->code_entry) == CODE_LENGTH)
    submit_code (self);
}

static void
login_button_clicked_cb (AmtMfaDialog *self)
{
  submit_code (self);
}

static void
cancel_button_clicked_cb (AmtMfaDialog *self)
{
  respond (self, GTK_RESPONSE_CANCEL);
}

static void
snooze_button_clicked_cb (AmtMfaDialog *self)
{
  respond (self, AMT_MFA_DIALOG_RESPONSE_SNOOZE);
}

static void
close_button_clicked_cb (AmtMfaDialog *self)
{
  respond (self, GTK_RESPONSE_CLOSE);
}

static void
skip_button_clicked_cb (AmtMfaDialog *self)
{
  if (self->busy)
    return;

  /* May end the login: login_finished_cb() then shows what was refreshed. */
  amt_login_skip_code (self->login);
  if (!self->responded && !self->outcome_shown)
    {
      clear_code (self);
      update_for_step (self);
      focus_code (self);
    }
}

/* Runs before the caller's handlers (connected first), which may destroy the dialog. */
static void
dialog_response_cb (AmtMfaDialog *self,
                    int           response_id)
{
  self->responded = TRUE;
  clear_code (self);

  if (response_id != GTK_RESPONSE_OK && !amt_login_is_finished (self->login))
    amt_login_cancel (self->login);
}

/* GtkDialog */

static void
amt_mfa_dialog_close (GtkDialog *dialog)
{
  AmtMfaDialog *self = AMT_MFA_DIALOG (dialog);

  /* Escape */
  respond (self, self->outcome_shown ? GTK_RESPONSE_CLOSE : GTK_RESPONSE_CANCEL);
}

/* GObject */

/* "Snooze 5 min", with the minutes of the preference. */
static void
set_snooze_label (AmtMfaDialog *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  guint minutes = g_settings_get_uint (settings, "snooze-minutes");
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;

  /* Translators: a button of the code dialog; %u is a number of minutes */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "S_nooze %u min", "S_nooze %u min", minutes), minutes);
  tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ask again in %u minute", "Ask again in %u minutes",
                                          minutes),
                             minutes);
  gtk_button_set_label (GTK_BUTTON (self->snooze_button), label);
  gtk_widget_set_tooltip_text (self->snooze_button, tooltip);
}

static void
amt_mfa_dialog_constructed (GObject *object)
{
  AmtMfaDialog *self = (AmtMfaDialog *)object;

  G_OBJECT_CLASS (amt_mfa_dialog_parent_class)->constructed (object);

  g_assert (AMT_IS_SESSIONS (self->sessions));
  g_assert (AMT_IS_LOGIN (self->login));

  gtk_label_set_text (self->device_label, amt_login_get_mfa_serial (self->login));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->device_label), amt_login_get_mfa_serial (self->login));
  set_snooze_label (self);
  self->finished_id = g_signal_connect_swapped (self->login, "finished",
                                                G_CALLBACK (login_finished_cb), self);
  g_signal_connect_object (self->sessions, "changed", G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);

  update_for_step (self);
  if (amt_login_is_finished (self->login))
    {
      g_autoptr(GError) error = NULL;

      show_outcome (self, amt_login_get_result (self->login, &error)
                          ? _("Every profile of this device has been refreshed.")
                          : error->message);
      return;
    }

  gtk_widget_grab_default (self->login_button);
  /* GtkDialog's constructed took it off every header bar button but its default response's,
   * and Log In is not a response (it submits). */
  gtk_style_context_add_class (gtk_widget_get_style_context (self->login_button),
                               GTK_STYLE_CLASS_SUGGESTED_ACTION);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
}

static void
amt_mfa_dialog_dispose (GObject *object)
{
  AmtMfaDialog *self = (AmtMfaDialog *)object;

  self->responded = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->login != NULL)
    {
      g_clear_signal_handler (&self->finished_id, self->login);
      /* Nobody is left to give the code. */
      if (!amt_login_is_finished (self->login))
        amt_login_cancel (self->login);
    }

  g_clear_object (&self->sessions);
  g_clear_object (&self->login);

  G_OBJECT_CLASS (amt_mfa_dialog_parent_class)->dispose (object);
}

static void
amt_mfa_dialog_finalize (GObject *object)
{
  AmtMfaDialog *self = (AmtMfaDialog *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (amt_mfa_dialog_parent_class)->finalize (object);
}

static void
amt_mfa_dialog_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AmtMfaDialog *self = AMT_MFA_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSIONS:
      g_value_set_object (value, self->sessions);
      break;

    case PROP_LOGIN:
      g_value_set_object (value, self->login);
      break;

    case PROP_CAN_SNOOZE:
      g_value_set_boolean (value, self->can_snooze);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_mfa_dialog_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AmtMfaDialog *self = AMT_MFA_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSIONS:
      self->sessions = g_value_dup_object (value);
      break;

    case PROP_LOGIN:
      self->login = g_value_dup_object (value);
      break;

    case PROP_CAN_SNOOZE:
      self->can_snooze = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amt_mfa_dialog_class_init (AmtMfaDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);

  object_class->constructed = amt_mfa_dialog_constructed;
  object_class->dispose = amt_mfa_dialog_dispose;
  object_class->finalize = amt_mfa_dialog_finalize;
  object_class->get_property = amt_mfa_dialog_get_property;
  object_class->set_property = amt_mfa_dialog_set_property;

  dialog_class->close = amt_mfa_dialog_close;

  properties[PROP_SESSIONS] =
    g_param_spec_object ("sessions", NULL, NULL,
                         AMT_TYPE_SESSIONS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN] =
    g_param_spec_object ("login", NULL, NULL,
                         AMT_TYPE_LOGIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_SNOOZE] =
    g_param_spec_boolean ("can-snooze", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/amt-mfa-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, header_bar);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, snooze_button);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, skip_button);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, login_button);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, purpose_label);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, profiles_grid);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, note_label);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, device_label);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, code_label);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, status_stack);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, error_icon);
  gtk_widget_class_bind_template_child (widget_class, AmtMfaDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, code_entry_insert_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, login_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, snooze_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, skip_button_clicked_cb);
}

static GtkCssProvider *
get_css_provider (void)
{
  static GtkCssProvider *provider;

  if (provider == NULL)
    {
      provider = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (provider, APP_PATH "/amt-mfa-dialog.css");
    }

  return provider;
}

static void
amt_mfa_dialog_init (AmtMfaDialog *self)
{
  GtkCssProvider *provider = get_css_provider ();

  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_style_context_add_provider (gtk_widget_get_style_context (GTK_WIDGET (self->code_entry)),
                                  GTK_STYLE_PROVIDER (provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  amt_error_color_follow_theme (GTK_WIDGET (self));

  /* First of the "response" handlers: it ends the login before the caller destroys us. */
  g_signal_connect (self, "response", G_CALLBACK (dialog_response_cb), NULL);
}

/**
 * amt_mfa_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @login: the login it takes the codes of
 * @can_snooze: whether to offer "Snooze 5 min" (%AMT_MFA_DIALOG_RESPONSE_SNOOZE)
 *
 * Returns: (transfer floating): a new dialog; destroy it on #GtkDialog::response
 */
AmtMfaDialog *
amt_mfa_dialog_new (GtkWindow   *parent,
                    AmtSessions *sessions,
                    AmtLogin    *login,
                    gboolean     can_snooze)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (AMT_IS_SESSIONS (sessions), NULL);
  g_return_val_if_fail (AMT_IS_LOGIN (login), NULL);

  return g_object_new (AMT_TYPE_MFA_DIALOG,
                       "use-header-bar", TRUE,
                       "transient-for", parent,
                       "sessions", sessions,
                       "login", login,
                       "can-snooze", can_snooze,
                       NULL);
}

AmtLogin *
amt_mfa_dialog_get_login (AmtMfaDialog *self)
{
  g_return_val_if_fail (AMT_IS_MFA_DIALOG (self), NULL);

  return self->login;
}
