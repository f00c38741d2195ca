/* amt-login-report.c
 *
 * What a login says: what the code asked for now refreshes, the outcome, and AWS's refusal
 * of a duration said with what to change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-login"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-format.h"
#include "amt-login-private.h"

static char *
join_names (GPtrArray *names)
{
  if (names->len == 0)
    return g_strdup ("");
  if (names->len == 1)
    return g_strdup (g_ptr_array_index (names, 0));

  {
    g_autofree char *head = NULL;
    const char *last = g_ptr_array_index (names, names->len - 1);

    g_ptr_array_add (names, NULL);
    names->pdata[names->len - 2] = NULL;
    head = g_strjoinv (", ", (char **) names->pdata);
    names->pdata[names->len - 2] = (gpointer) last;
    g_ptr_array_remove_index (names, names->len - 1);
    /* Translators: the end of a list of profile names, "dev, prod and admin" */
    return g_strdup_printf (_("%s and %s"), head, last);
  }
}

/**
 * amt_login_dup_code_purpose:
 *
 * Returns: (transfer full): what the code asked for now refreshes, and why it is another
 *   code when it is not the first, as a sentence for the dialog and the terminal
 */
char *
amt_login_dup_code_purpose (AmtLogin *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Step *step;

  g_return_val_if_fail (AMT_IS_LOGIN (self), NULL);

  if (self->step >= self->steps->len)
    return g_strdup (_("Every profile of this device has been refreshed."));

  step = &g_array_index (self->steps, Step, self->step);
  if (step->kind == STEP_ASSUME_ROLE && self->step > 0)
    {
      g_autofree char *hours = amt_format_duration (step->role->duration);

      /* Translators: %1$s is a profile, %2$s a duration such as "12 h" */
      return g_strdup_printf (_("%1$s asks for %2$s, longer than the hour AWS allows a role assumed with another session, "
                                "so it needs a code of its own: wait for the next code."),
                              amt_profile_get_name (step->role->profile), hours);
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (item->code_index == self->step)
        {
          g_autofree char *duration = amt_format_duration (item->duration);

          /* Translators: a profile and how long its session will last, "dev (12 h)" */
          g_ptr_array_add (names, g_strdup_printf (_("%s (%s)"), amt_profile_get_name (item->profile), duration));
        }
    }

  {
    g_autofree char *list = join_names (names);

    /* Translators: %s is a list such as "dev (12 h) and admin (1 h)" */
    return g_strdup_printf (_("This code refreshes %s."), list);
  }
}

/**
 * amt_login_get_result:
 *
 * Returns: %TRUE when every profile was refreshed; otherwise %FALSE and @error says which
 *   were not and why (%AMT_LOGIN_ERROR_PARTIAL when some were), or that the login was
 *   cancelled (%G_IO_ERROR_CANCELLED) before anything was refreshed
 */
gboolean
amt_login_get_result (AmtLogin  *self,
                      GError   **error)
{
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  guint n_failed = 0;

  g_return_val_if_fail (AMT_IS_LOGIN (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    {
      AmtLoginItem *item = g_ptr_array_index (self->items, i);

      if (item->done)
        {
          g_ptr_array_add (done, (gpointer) amt_profile_get_name (item->profile));
          continue;
        }

      n_failed++;
      if (failures->len > 0)
        g_string_append_c (failures, ' ');
      if (item->error != NULL)
        /* Translators: a profile that was not refreshed, and why */
        g_string_append_printf (failures, _("%s was not refreshed: %s"),
                                amt_profile_get_name (item->profile), item->error);
      else
        g_string_append_printf (failures, _("%s was not refreshed."),
                                amt_profile_get_name (item->profile));
    }

  if (n_failed == 0)
    return TRUE;

  if (done->len == 0 && self->cancelled && self->last_error == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The login was cancelled."));
      return FALSE;
    }

  if (done->len > 0)
    {
      g_autofree char *names = join_names (done);

      g_autofree char *refreshed = NULL;

      /* Translators: %s is a profile, or a list of profiles */
      refreshed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s was refreshed.", "%s were refreshed.",
                                                done->len),
                                   names);
      g_set_error (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_PARTIAL, "%s %s", refreshed, failures->str);
      return FALSE;
    }

  /* Nothing was refreshed: one failure tells it all. */
  if (self->last_error != NULL)
    g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_PARTIAL, self->last_error);
  else
    g_set_error_literal (error, AMT_LOGIN_ERROR, AMT_LOGIN_ERROR_PARTIAL, failures->str);
  return FALSE;
}

/* AWS's refusal of a duration, said with what to change: the profile, the duration asked, the
 * key, and for a role that its MaxSessionDuration caps it (as the external-id error names
 * its key). Other errors pass as they are. */
void
amt_login_explain_duration_error (AmtProfile  *profile,
                        guint        duration,
                        gboolean     assume_role,
                        GError      *error)
{
  const AmtProfileConfig *config = amt_profile_get_config (profile);
  const char *name = amt_profile_get_name (profile);
  g_autofree char *asked = NULL;
  char *message;

  if (!g_error_matches (error, AMT_AWS_ERROR, AMT_AWS_ERROR_DURATION_TOO_LONG))
    return;

  asked = amt_format_duration (duration);
  if (assume_role)
    /* Translators: 1: a profile, 2: a duration such as "12 h", 3: seconds, 4: a role ARN */
    message = g_strdup_printf (_("AWS refused a session of %2$s (%3$u seconds) for %1$s: the role %4$s allows less "
                                 "(its MaxSessionDuration in IAM). Set duration_seconds in [profile %1$s] to at most "
                                 "the role's maximum, or raise the role's maximum session duration."),
                               name, asked, duration, config->role_arn);
  else
    /* Translators: 1: a profile, 2: a duration such as "12 h", 3: seconds */
    message = g_strdup_printf (_("AWS refused a session of %2$s (%3$u seconds) for %1$s: GetSessionToken allows at "
                                 "most 36 h, and 1 h for an account's root user. Set duration_seconds in "
                                 "[profile %1$s] lower."),
                               name, asked, duration);
  g_free (error->message);
  error->message = message;
}
