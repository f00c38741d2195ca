/* amt-login.c
 *
 * One login refreshes every managed profile of one MFA device (DESIGN.md "Sessions"):
 *
 *   code 1 → GetSessionToken with the long-term keys → the session profiles are written, and
 *            each role asking for at most an hour is assumed with that MFA-bearing session
 *            (AWS caps such chained role sessions at an hour) and written;
 *   code 2… → each role asking for more than an hour is assumed directly with the long-term
 *            keys and a code of its own.
 *
 * When no profile needs the MFA session, the first code goes to the first such role. A step
 * whose call fails (a wrong code, no network) stays where it is, so that the dialog can take
 * another code; a code is never sent twice. What was written stays written when a later step
 * fails or the login is cancelled, and those profiles are reported as failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-login"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-discovery.h"
#include "amt-file-keys.h"
#include "amt-format.h"
#include "amt-mfa-code.h"
#include "amt-sandbox.h"
#include "amt-login-private.h"
#include "amt-secret.h"
#include "amt-target-check.h"


G_DEFINE_FINAL_TYPE (AmtLogin, amt_login, G_TYPE_OBJECT)
G_DEFINE_QUARK (amt-login-error-quark, amt_login_error)

guint amt_login_signals[AMT_LOGIN_N_SIGNALS];

static void
login_item_free (AmtLoginItem *item)
{
  g_clear_object (&item->profile);
  g_free (item->error);
  g_free (item);
}

static void
amt_login_dispose (GObject *object)
{
  AmtLogin *self = (AmtLogin *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->clients);
  g_clear_object (&self->store);
  g_clear_pointer (&self->files, amt_aws_config_unref);
  g_clear_object (&self->keyring);

  G_OBJECT_CLASS (amt_login_parent_class)->dispose (object);
}

static void
amt_login_finalize (GObject *object)
{
  AmtLogin *self = (AmtLogin *)object;

  g_free (self->mfa_serial);
  g_free (self->mfa_process);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->mfa_session, amt_credentials_free);
  g_clear_object (&self->cancellable);
  g_free (self->last_error);
  g_clear_pointer (&self->first_keys, amt_credentials_free);

  G_OBJECT_CLASS (amt_login_parent_class)->finalize (object);
}

static void
amt_login_class_init (AmtLoginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = amt_login_dispose;
  object_class->finalize = amt_login_finalize;

  /**
   * AmtLogin::profile-refreshed:
   * @profile: the profile whose session was written
   * @expiration: when that session ends
   */
  amt_login_signals[AMT_LOGIN_SIGNAL_PROFILE_REFRESHED] =
    g_signal_new ("profile-refreshed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, AMT_TYPE_PROFILE, G_TYPE_DATE_TIME);

  /**
   * AmtLogin::profile-failed:
   * @profile: a profile the login did not refresh
   * @message: why, in one sentence
   *
   * Emitted as the login finishes, once per profile that failed.
   */
  amt_login_signals[AMT_LOGIN_SIGNAL_PROFILE_FAILED] =
    g_signal_new ("profile-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, AMT_TYPE_PROFILE, G_TYPE_STRING);

  /**
   * AmtLogin::step-written:
   *
   * The writes of one code's step are done (before #AmtLogin::finished, when it was the
   * last): the files now hold them.
   */
  amt_login_signals[AMT_LOGIN_SIGNAL_STEP_WRITTEN] =
    g_signal_new ("step-written",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * AmtLogin::finished:
   *
   * Every code was given, skipped, or the login was cancelled; amt_login_get_result() tells
   * what came of it.
   */
  amt_login_signals[AMT_LOGIN_SIGNAL_FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
amt_login_init (AmtLogin *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) login_item_free);
  self->steps = g_array_new (FALSE, TRUE, sizeof (Step));
  self->cancellable = g_cancellable_new ();
}

static guint
clamp_duration (guint requested,
                guint fallback,
                guint max)
{
  return CLAMP (requested != 0 ? requested : fallback, AMT_SESSION_DURATION_MIN, max);
}

static void finish_login      (AmtLogin     *self);
static void fail_step         (AmtLogin     *self,
                               GTask        *submit,
                               GError       *error);
static void send_code         (AmtLogin                *self,
                               GTask                   *submit,
                               const AmtCredentials    *long_term);

/* The profile whose keys sign the call of @step. */
static AmtProfile *
step_profile (AmtLogin *self,
              Step     *step)
{
  return step->kind == STEP_SESSION_TOKEN ? self->session_item->profile : step->role->profile;
}

static void
first_keys_found_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AmtLogin) self = user_data;
  g_autoptr(GTask) waiting = g_steal_pointer (&self->waiting_submit);
  GError *error = NULL;

  self->first_keys_pending = FALSE;
  self->first_keys = amt_key_source_lookup_finish (AMT_KEY_SOURCE (source), result, &error);
  if (self->first_keys != NULL)
    {
      if (waiting != NULL)
        send_code (self, waiting, self->first_keys);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (waiting != NULL)
        fail_step (self, waiting, error);
      else
        g_error_free (error);
      return;
    }

  /* No keys, no code: the login ends here, saying why (a waiting submit hears it too). */
  if (waiting != NULL)
    fail_step (self, waiting, error);
  else
    {
      amt_login_note_step_failure (self, error);
      g_error_free (error);
    }
  finish_login (self);
}

static void
look_up_first_keys (AmtLogin *self)
{
  g_autoptr(AmtKeySource) keys = NULL;
  g_autofree char *holder = NULL;

  /* Without keys to find, the first submit says so. */
  if (self->steps->len == 0 ||
      (keys = amt_login_dup_key_source (self->files, self->keyring,
                                            step_profile (self, &g_array_index (self->steps, Step, 0)),
                                            &holder, NULL)) == NULL)
    return;

  self->first_keys_pending = TRUE;
  amt_key_source_lookup_async (keys, holder, self->cancellable, first_keys_found_cb,
                               g_object_ref (self));
}

/**
 * amt_login_new:
 * @services: what the login works with (it takes references)
 * @mfa_serial: the device
 * @profiles: (element-type AmtProfile): the managed profiles of @mfa_serial
 *
 * Plans the steps: see the top of this file.
 */
AmtLogin *
amt_login_new (const AmtLoginServices *services,
               const char             *mfa_serial,
               GPtrArray              *profiles)
{
  g_autoptr(AmtLogin) self = g_object_new (AMT_TYPE_LOGIN, NULL);
  guint session_duration = 0;
  gboolean needs_session = FALSE;
  guint next_code;

  g_return_val_if_fail (AMT_IS_CLIENT_POOL (services->clients), NULL);
  g_return_val_if_fail (AMT_IS_CRED_STORE (services->store), NULL);

  self->clients = g_object_ref (services->clients);
  self->store = g_object_ref (services->store);
  self->files = services->files != NULL ? amt_aws_config_ref (services->files) : NULL;
  self->keyring = services->keyring != NULL ? g_object_ref (services->keyring) : NULL;
  self->mfa_serial = g_strdup (mfa_serial);

  for (guint i = 0; i < profiles->len; i++)
    {
      AmtProfile *profile = g_ptr_array_index (profiles, i);
      const AmtProfileConfig *config = amt_profile_get_config (profile);
      AmtLoginItem *item = g_new0 (AmtLoginItem, 1);

      item->profile = g_object_ref (profile);
      if (config->kind == AMT_PROFILE_KIND_SESSION)
        {
          guint duration = clamp_duration (config->duration_seconds,
                                           services->session_duration,
                                           AMT_SESSION_DURATION_MAX);

          /* One GetSessionToken serves them all: the shortest duration any of them asks. */
          session_duration = session_duration == 0 ? duration : MIN (session_duration, duration);
          item->chained = FALSE;
          needs_session = TRUE;
          if (self->session_item == NULL)
            self->session_item = item;
        }
      else
        {
          item->duration = clamp_duration (config->duration_seconds,
                                           services->role_duration,
                                           AMT_ROLE_DURATION_MAX);
          item->chained = item->duration <= AMT_CHAINED_ROLE_DURATION_MAX;
          needs_session |= item->chained;
        }

      if (self->mfa_process == NULL && config->mfa_process != NULL)
        self->mfa_process = g_strdup (config->mfa_process);

      g_ptr_array_add (self->items, item);
    }

  if (session_duration == 0)
    session_duration = clamp_duration (0, services->session_duration,
                                       AMT_SESSION_DURATION_MAX);
  self->session_duration = session_duration;

  next_code = 0;
  if (needs_session)
    {
      Step step = { STEP_SESSION_TOKEN, NULL };

      g_array_append_val (self->steps, step);
      next_code = 1;
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (amt_profile_get_kind (item->profile) == AMT_PROFILE_KIND_SESSION)
        item->duration = session_duration;

      if (amt_profile_get_kind (item->profile) == AMT_PROFILE_KIND_SESSION || item->chained)
        {
          item->code_index = 0;
          /* GetSessionToken signs with a session profile's keys, else with the first chained
           * role's source. */
          if (self->session_item == NULL)
            self->session_item = item;
        }
      else
        {
          Step step = { STEP_ASSUME_ROLE, item };

          item->code_index = next_code++;
          g_array_append_val (self->steps, step);
        }
    }

  look_up_first_keys (self);
  return g_steal_pointer (&self);
}

const char *
amt_login_get_mfa_serial (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), NULL);

  return self->mfa_serial;
}

/**
 * amt_login_get_items:
 *
 * Returns: (transfer none) (element-type AmtLoginItem): the profiles this login refreshes, with
 *   their durations and the code each needs
 */
GPtrArray *
amt_login_get_items (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), NULL);

  return self->items;
}

guint
amt_login_get_n_codes (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), 0);

  return self->steps->len;
}

/* Returns: the code asked for now, from 0 */
guint
amt_login_get_code_index (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), 0);

  return self->step;
}

gboolean
amt_login_get_has_mfa_process (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), FALSE);

  return self->mfa_process != NULL;
}

gboolean
amt_login_is_finished (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), TRUE);

  return self->finished;
}

/* Returns: whether a code is being checked by AWS right now */
gboolean
amt_login_is_busy (AmtLogin *self)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), FALSE);

  return self->busy;
}



/**
 * amt_login_check_code:
 * @code: what the user typed or pasted
 * @normalized: (out) (optional): the six digits, without the spaces people paste
 *
 * Returns: whether @code is six digits (spaces and dashes aside: amt-mfa-code.c); AWS is not
 *   asked otherwise
 */
gboolean
amt_login_check_code (const char  *code,
                      char       **normalized,
                      GError     **error)
{
  char digits[AMT_MFA_CODE_LENGTH + 1];

  g_return_val_if_fail (code != NULL, FALSE);

  if (amt_mfa_code_normalize (code, -1, digits) != AMT_MFA_CODE_LENGTH)
    {
      g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_MALFORMED_CODE,
                           _("An MFA code is six digits: type the code your device shows now."));
      return FALSE;
    }

  if (normalized != NULL)
    *normalized = g_strdup (digits);
  amt_secret_wipe (digits, sizeof digits);
  return TRUE;
}

static void
finish_login (AmtLogin *self)
{
  if (self->finished)
    return;

  self->finished = TRUE;
  self->busy = FALSE;
  g_clear_pointer (&self->mfa_session, amt_credentials_free);

  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (!item->done && item->error != NULL)
        g_signal_emit (self, amt_login_signals[AMT_LOGIN_SIGNAL_PROFILE_FAILED], 0, item->profile, item->error);
    }

  g_signal_emit (self, amt_login_signals[AMT_LOGIN_SIGNAL_FINISHED], 0);
}


/* The submit in progress: which items still wait for AWS or the disk. */
typedef struct {
  char         *code;
  GCancellable *caller_cancellable;
  gulong        cancelled_id;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  amt_secret_free (data->code);
  if (data->caller_cancellable != NULL)
    g_cancellable_disconnect (data->caller_cancellable, data->cancelled_id);
  g_clear_object (&data->caller_cancellable);
  g_free (data);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *own_cancellable)
{
  g_cancellable_cancel (own_cancellable);
}


static void
item_op_free (ItemOp *op)
{
  g_clear_object (&op->submit);
  g_free (op);
}

static void
step_done (AmtLogin *self,
           GTask    *submit)
{
  g_signal_emit (self, amt_login_signals[AMT_LOGIN_SIGNAL_STEP_WRITTEN], 0);
  self->step++;
  self->busy = FALSE;
  g_clear_pointer (&self->last_error, g_free);
  if (self->step >= self->steps->len)
    finish_login (self);
  g_task_return_boolean (submit, TRUE);
}

void
amt_login_item_op_complete (ItemOp *op)
{
  AmtLogin *self = g_task_get_source_object (op->submit);

  g_assert (self->pending > 0);
  if (--self->pending == 0)
    step_done (self, op->submit);
  item_op_free (op);
}

void
amt_login_item_failed (AmtLogin     *self,
             AmtLoginItem *item,
             const GError *error)
{
  g_free (item->error);
  item->error = g_strdup (error->message);
  g_debug ("%s not refreshed: %s", amt_profile_get_name (item->profile), error->message);
}



static char *
role_session_name (AmtLoginItem *item)
{
  const AmtProfileConfig *config = amt_profile_get_config (item->profile);

  if (config->role_session_name != NULL)
    return g_strdup (config->role_session_name);

  return amt_aws_default_role_session_name (NULL);
}


static void
chained_role_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ItemOp *op = user_data;
  AmtLogin *self = g_task_get_source_object (op->submit);
  g_autoptr(AmtCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = amt_aws_client_assume_role_finish (AMT_AWS_CLIENT (source), result, &error);
  if (credentials == NULL)
    {
      amt_login_explain_duration_error (op->item->profile, op->item->duration, TRUE, error);
      amt_login_item_failed (self, op->item, error);
      amt_login_item_op_complete (op);
      return;
    }

  amt_login_write_item (self, op, credentials);
}

static void
start_chained_role (AmtLogin     *self,
                    GTask        *submit,
                    AmtLoginItem *item)
{
  const AmtProfileConfig *config = amt_profile_get_config (item->profile);
  g_autofree char *session_name = role_session_name (item);
  ItemOp *op = g_new0 (ItemOp, 1);

  op->submit = g_object_ref (submit);
  op->item = item;
  self->pending++;
  amt_aws_client_assume_role_async (amt_client_pool_get_client (self->clients, item->profile),
                                    self->mfa_session, config->role_arn, session_name, config->external_id,
                                    item->duration, NULL, NULL,
                                    self->cancellable, chained_role_done_cb, op);
}

/* Why the code asked for now could not be used, remembered for the profiles it was for,
 * should the login end here. */
void
amt_login_note_step_failure (AmtLogin     *self,
                             const GError *error)
{
  Step *step;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->step >= self->steps->len)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (error->message);

  step = &g_array_index (self->steps, Step, self->step);
  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (step->kind == STEP_SESSION_TOKEN ? item->code_index == 0 && self->step == 0
                                           : item == step->role)
        amt_login_item_failed (self, item, error);
    }
}

static void
fail_step (AmtLogin *self,
           GTask    *submit,
           GError   *error)
{
  self->busy = FALSE;
  amt_login_note_step_failure (self, error);
  g_task_return_error (submit, error);
}

static void
session_token_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) submit = user_data;
  AmtLogin *self = g_task_get_source_object (submit);
  GError *error = NULL;

  self->mfa_session = amt_aws_client_get_session_token_finish (AMT_AWS_CLIENT (source), result, &error);
  if (self->mfa_session == NULL)
    {
      amt_login_explain_duration_error (self->session_item->profile, self->session_duration, FALSE, error);
      fail_step (self, submit, error);
      return;
    }

  /* Held until every write and chained role has begun, so the step cannot end early. */
  self->pending = 1;
  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (item->code_index != 0)
        continue;

      if (amt_profile_get_kind (item->profile) == AMT_PROFILE_KIND_SESSION)
        {
          ItemOp *op = g_new0 (ItemOp, 1);

          op->submit = g_object_ref (submit);
          op->item = item;
          self->pending++;
          amt_login_write_item (self, op, self->mfa_session);
        }
      else if (item->chained)
        start_chained_role (self, submit, item);
    }

  /* The hold taken above: the step ends here when nothing was left to wait for. */
  if (--self->pending == 0)
    step_done (self, submit);
}

static void
direct_role_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) submit = user_data;
  AmtLogin *self = g_task_get_source_object (submit);
  Step *step = &g_array_index (self->steps, Step, self->step);
  g_autoptr(AmtCredentials) credentials = NULL;
  GError *error = NULL;
  ItemOp *op;

  credentials = amt_aws_client_assume_role_finish (AMT_AWS_CLIENT (source), result, &error);
  if (credentials == NULL)
    {
      amt_login_explain_duration_error (step->role->profile, step->role->duration, TRUE, error);
      fail_step (self, submit, error);
      return;
    }

  op = g_new0 (ItemOp, 1);
  op->submit = g_object_ref (submit);
  op->item = step->role;
  self->pending = 1;
  amt_login_write_item (self, op, credentials);
}

/**
 * amt_login_dup_key_source:
 * @files: (nullable): the AWS files
 * @keyring: (nullable): the keyring, for keys the files mark as kept there
 * @holder: (out): the profile that holds the keys (@profile's source)
 *
 * Returns: (transfer full): where the keys @profile signs its calls with are kept: the keyring
 *   when their holder says so (mfa_tray_keys), the AWS files otherwise; %NULL and an error
 *   that names the profile without keys
 */
AmtKeySource *
amt_login_dup_key_source (AmtAwsConfig  *files,
                          AmtKeySource  *keyring,
                          AmtProfile    *profile,
                          char         **holder,
                          GError       **error)
{
  const char *source = amt_profile_get_config (profile)->source_profile;

  if (files == NULL || source == NULL)
    {
      g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_NOT_REFRESHABLE,
                   _("The profile %s has no long-term keys (aws_access_key_id and aws_secret_access_key) to log in with."),
                   source != NULL ? source : amt_profile_get_name (profile));
      return NULL;
    }

  *holder = g_strdup (source);
  if (keyring != NULL && amt_aws_config_keys_in_keyring (files, source))
    return g_object_ref (keyring);

  return AMT_KEY_SOURCE (amt_file_keys_new (files));
}

/* Everything known now about the writes this code leads to: a code is not spent on a write
 * bound to fail (amt-target-check.c). */
static gboolean
check_step_targets (AmtLogin  *self,
                    Step      *step,
                    GError   **error)
{
  AmtCredStore *store = self->store;

  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (step->kind == STEP_SESSION_TOKEN ? item->code_index != 0 : item != step->role)
        continue;
      if (!amt_target_check (store, amt_profile_get_name (item->profile),
                             amt_profile_get_target (item->profile), error))
        return FALSE;
    }

  return TRUE;
}

static void long_term_found_cb (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data);

/**
 * amt_login_check_targets:
 *
 * What the code asked now would be checked against before it is sent (the sections it writes,
 * the credentials file), for a dialog to say before anyone types it.
 *
 * Returns: %FALSE with one sentence when the code would be refused; %TRUE when the login is
 *   over or nothing known stands in the way
 */
gboolean
amt_login_check_targets (AmtLogin  *self,
                         GError   **error)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), FALSE);

  if (self->finished || self->step >= self->steps->len)
    return TRUE;
  return check_step_targets (self, &g_array_index (self->steps, Step, self->step), error);
}

/**
 * amt_login_submit_code_async:
 * @code: the six digits for the code asked now (amt_login_get_code_index())
 *
 * Sends the code with the call it is for, then writes what it refreshes. On failure the login
 * stays at this code, ready for another one.
 */
void
amt_login_submit_code_async (AmtLogin            *self,
                             const char          *code,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AmtKeySource) keys = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *digits = NULL;
  SubmitData *data;
  GError *error = NULL;
  Step *step;

  g_return_if_fail (AMT_IS_LOGIN (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, amt_login_submit_code_async);

  if (self->finished)
    {
      /* Ended by a failure before this code came (its keys could not be read): that. */
      if (self->last_error != NULL)
        g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_FINISHED, "%s", self->last_error);
      else
        g_task_return_new_error (task, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_FINISHED,
                                 _("This login is over: start a new one."));
      return;
    }
  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The previous code is still being checked."));
      return;
    }
  if (!amt_login_check_code (code, &digits, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (amt_code_ledger_was_sent (amt_client_pool_get_code_ledger (self->clients), self->mfa_serial, digits))
    {
      g_task_return_error (task, amt_aws_error_new_simple (AMT_AWS_ERROR_MFA_CODE_REUSED));
      amt_secret_free (g_steal_pointer (&digits));
      return;
    }

  step = &g_array_index (self->steps, Step, self->step);
  keys = amt_login_dup_key_source (self->files, self->keyring,
                                       step->kind == STEP_SESSION_TOKEN ? self->session_item->profile
                                                                        : step->role->profile,
                                       &holder, &error);
  if (keys == NULL)
    {
      fail_step (self, task, error);
      amt_secret_free (g_steal_pointer (&digits));
      return;
    }

  if (!check_step_targets (self, step, &error))
    {
      fail_step (self, task, error);
      amt_secret_free (g_steal_pointer (&digits));
      return;
    }

  /* The calls run under the login's own cancellable (amt_login_cancel()), which the caller's
   * cancels too for as long as this submit runs. */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }

  data = g_new0 (SubmitData, 1);
  data->code = g_steal_pointer (&digits);
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (self->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);

  self->busy = TRUE;

  /* The keys first (the keyring may ask to be unlocked): a code is spent only once they
   * are at hand. The first code's were looked up when the login was made. */
  if (self->step == 0 && self->first_keys_pending)
    {
      self->waiting_submit = g_steal_pointer (&task);
      return;
    }
  if (self->step == 0 && self->first_keys != NULL)
    {
      send_code (self, task, self->first_keys);
      return;
    }

  amt_key_source_lookup_async (keys, holder, self->cancellable, long_term_found_cb,
                               g_steal_pointer (&task));
}

static void
long_term_found_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AmtLogin *self = g_task_get_source_object (task);
  g_autoptr(AmtCredentials) long_term = NULL;
  GError *error = NULL;

  long_term = amt_key_source_lookup_finish (AMT_KEY_SOURCE (source), result, &error);
  if (long_term == NULL)
    {
      fail_step (self, task, error);
      return;
    }

  send_code (self, task, long_term);
}

/* Sends the submit's code with the call of the current step, signed with @long_term. */
static void
send_code (AmtLogin                *self,
           GTask                   *submit,
           const AmtCredentials    *long_term)
{
  g_autoptr(GTask) task = g_object_ref (submit);
  SubmitData *data = g_task_get_task_data (task);
  Step *step = &g_array_index (self->steps, Step, self->step);

  /* The client records the code in the ledger as it sends it. */

  if (step->kind == STEP_SESSION_TOKEN)
    {
      amt_aws_client_get_session_token_async (amt_client_pool_get_client (self->clients, self->session_item->profile),
                                              long_term, self->mfa_serial, data->code,
                                              self->session_duration,
                                              self->cancellable, session_token_done_cb,
                                              g_steal_pointer (&task));
    }
  else
    {
      const AmtProfileConfig *config = amt_profile_get_config (step->role->profile);
      g_autofree char *session_name = role_session_name (step->role);

      amt_aws_client_assume_role_async (amt_client_pool_get_client (self->clients, step->role->profile),
                                        long_term, config->role_arn, session_name,
                                        config->external_id, step->role->duration,
                                        self->mfa_serial, data->code,
                                        self->cancellable, direct_role_done_cb,
                                        g_steal_pointer (&task));
    }
}

/**
 * amt_login_submit_code_finish:
 *
 * Returns: %TRUE when the code was taken (see amt_login_is_finished() for whether another
 *   is needed); %FALSE with the reason, in a sentence for the user, otherwise
 */
gboolean
amt_login_submit_code_finish (AmtLogin      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (AMT_IS_LOGIN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * amt_login_skip_code:
 *
 * Gives up on the role that the code asked for now would refresh; the login goes on with the
 * next code, or ends.
 */
void
amt_login_skip_code (AmtLogin *self)
{
  g_return_if_fail (AMT_IS_LOGIN (self));
  g_return_if_fail (!self->busy);

  if (self->finished)
    return;

  self->step++;
  if (self->step >= self->steps->len)
    finish_login (self);
}

/**
 * amt_login_cancel:
 *
 * Ends the login: a call in flight is cancelled (a write in progress completes), and what was
 * written stays written.
 */
void
amt_login_cancel (AmtLogin *self)
{
  g_return_if_fail (AMT_IS_LOGIN (self));

  if (self->finished)
    return;

  self->cancelled = TRUE;
  g_cancellable_cancel (self->cancellable);
  finish_login (self);
}
