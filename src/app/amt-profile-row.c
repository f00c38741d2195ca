/* amt-profile-row.c
 *
 *   ● dev                                    3 h 12 min left   [Log In]  [⋮]
 *     Session · from dev-long-term · device …:mfa/alice · eu-west-1 · until 22:04 · writes [dev]
 *
 * The state words and the details come from the model; the row updates when the profile
 * notifies and when the sessions model says the minutes changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-profile-row"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-error-color.h"
#include "amt-profile-row.h"
#include "amt-session-actions.h"

struct _AmtProfileRow
{
  GtkListBoxRow  parent_instance;

  AmtSessions   *sessions;
  AmtProfile    *profile;

  GtkWidget     *state_icon;
  GtkWidget     *name_label;
  GtkWidget     *state_label;
  GtkWidget     *details_label;
  GtkWidget     *error_label;
  GtkWidget     *login_button;
  GMenu         *session_section;   /* Open Console, Copy as Environment Variables */
  AmtProfileKind session_section_kind;
};

G_DEFINE_FINAL_TYPE (AmtProfileRow, amt_profile_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
state_icon_name (AmtSessionState state)
{
  switch (state)
    {
    case AMT_SESSION_STATE_VALID:
      return APP_ID "-valid-symbolic";
    case AMT_SESSION_STATE_EXPIRING:
      return APP_ID "-expiring-symbolic";
    case AMT_SESSION_STATE_NEVER_LOGGED_IN:
    case AMT_SESSION_STATE_EXPIRED:
      return APP_ID "-expired-symbolic";
    case AMT_SESSION_STATE_ERROR:
    default:
      return APP_ID "-error-symbolic";
    }
}

/* "arn:aws:iam::222222222222:role/team/Ops" → "team/Ops (222222222222)": the part people
 * recognize; the whole ARN is in the tooltip. */
static char *
short_arn (const char *arn)
{
  g_auto(GStrv) fields = arn != NULL ? g_strsplit (arn, ":", 6) : NULL;
  const char *resource;

  if (fields == NULL || g_strv_length (fields) != 6)
    return g_strdup (arn);

  resource = strchr (fields[5], '/');
  /* Translators: a short form of an AWS ARN, "Admin (222222222222)" */
  return g_strdup_printf (_("%s (%s)"), resource != NULL ? resource + 1 : fields[5], fields[4]);
}

static char *
format_details (AmtProfileRow *self,
                gboolean       full)
{
  const AmtProfileConfig *config = amt_profile_get_config (self->profile);
  GDateTime *expiration = amt_profile_get_expiration (self->profile);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (config->kind == AMT_PROFILE_KIND_ROLE)
    {
      g_autofree char *role = full ? g_strdup (config->role_arn) : short_arn (config->role_arn);

      /* Translators: the role a profile assumes */
      g_ptr_array_add (parts, g_strdup_printf (_("Role %s"), role));
    }
  else
    g_ptr_array_add (parts, g_strdup (_("Session")));

  if (config->source_profile != NULL)
    /* Translators: the profile whose long-term keys are used */
    g_ptr_array_add (parts, g_strdup_printf (_("keys of %s"), config->source_profile));

  if (config->mfa_serial != NULL)
    {
      g_autofree char *device = full ? g_strdup (config->mfa_serial) : short_arn (config->mfa_serial);

      /* Translators: the MFA device */
      g_ptr_array_add (parts, g_strdup_printf (_("device %s"), device));
    }
  else
    g_ptr_array_add (parts, g_strdup (_("no MFA device yet")));

  /* The region clients get with the written profile (AWS_PROFILE=TARGET). */
  if (config->target_region != NULL)
    g_ptr_array_add (parts, g_strdup (config->target_region));

  if (expiration != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (expiration);
      /* Translators: when a session ends, in the window's rows: a g_date_time_format()
       * format, "Dec 1, 19:45"; e.g. German "%-d. %b, %H:%M" */
      g_autofree char *when = g_date_time_format (local, full ? "%c" : _("%b %-d, %H:%M"));

      /* Translators: when the session ends */
      g_ptr_array_add (parts, g_strdup_printf (_("until %s"), when));
    }

  if (config->target != NULL)
    /* Translators: the credentials section the session is written to, "[admin-mfa]" */
    g_ptr_array_add (parts, g_strdup_printf (_("writes [%s]"), config->target));

  if (config->moved_from != NULL)
    /* Translators: 1: the section an earlier version wrote, 2: the new one */
    g_ptr_array_add (parts, g_strdup_printf (_("the next login moves the session from [%1$s] to [%2$s], which Terraform can read"),
                                             config->moved_from, config->target));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
amt_profile_row_update (AmtProfileRow *self)
{
  AmtSessionState state = amt_profile_get_state (self->profile);
  const char *error = amt_profile_get_error (self->profile);
  g_autofree char *description = amt_sessions_describe_profile (self->sessions, self->profile);
  g_autofree char *details = format_details (self, FALSE);
  g_autofree char *full_details = format_details (self, TRUE);
  GtkStyleContext *context = gtk_widget_get_style_context (self->state_label);

  gtk_image_set_from_icon_name (GTK_IMAGE (self->state_icon), state_icon_name (state), GTK_ICON_SIZE_BUTTON);
  gtk_label_set_text (GTK_LABEL (self->state_label), description);
  gtk_label_set_text (GTK_LABEL (self->details_label), details);
  gtk_widget_set_tooltip_text (self->details_label, full_details);

  gtk_label_set_text (GTK_LABEL (self->error_label), error != NULL ? error : "");
  gtk_widget_set_visible (self->error_label, error != NULL);

  /* The theme's error colour, made readable by amt_error_color_follow_theme() (the window). */
  if (state == AMT_SESSION_STATE_ERROR)
    gtk_style_context_add_class (context, AMT_ERROR_TEXT_CLASS);
  else
    gtk_style_context_remove_class (context, AMT_ERROR_TEXT_CLASS);
  if (state == AMT_SESSION_STATE_EXPIRING)
    gtk_style_context_add_class (context, "warning");
  else
    gtk_style_context_remove_class (context, "warning");

  /* The console line depends on the kind, which an edit of the files may change. */
  if (amt_profile_get_kind (self->profile) != self->session_section_kind)
    {
      self->session_section_kind = amt_profile_get_kind (self->profile);
      g_menu_remove_all (self->session_section);
      amt_session_actions_append_menu_items (self->session_section, self->profile);
    }

  /* A profile that cannot be refreshed as configured has nothing to log in. Its button has
   * no action then: an enabled action would make it sensitive again once the row is shown. */
  if (amt_profile_get_config (self->profile)->problem != NULL)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->login_button), NULL);
  else if (gtk_actionable_get_action_name (GTK_ACTIONABLE (self->login_button)) == NULL)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->login_button), "app.login");
  gtk_widget_set_sensitive (self->login_button, amt_profile_get_config (self->profile)->problem == NULL);
  if (state == AMT_SESSION_STATE_VALID)
    gtk_style_context_remove_class (gtk_widget_get_style_context (self->login_button), "suggested-action");
  else
    gtk_style_context_add_class (gtk_widget_get_style_context (self->login_button), "suggested-action");

  {
    /* Translators: the accessible name of a row, "dev: 3 h 12 min left" */
    g_autofree char *name = g_strdup_printf (_("%s: %s"), amt_profile_get_name (self->profile), description);

    atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), name);
  }
}

static void
amt_profile_row_dispose (GObject *object)
{
  AmtProfileRow *self = (AmtProfileRow *)object;

  g_clear_object (&self->profile);
  g_clear_object (&self->sessions);
  g_clear_object (&self->session_section);

  G_OBJECT_CLASS (amt_profile_row_parent_class)->dispose (object);
}

static void
amt_profile_row_class_init (AmtProfileRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = amt_profile_row_dispose;
}

static void
amt_profile_row_init (AmtProfileRow *self)
{
}

static GtkWidget *
new_label (float       xalign,
           const char *style_class)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "xalign", xalign,
                                   "visible", TRUE,
                                   NULL);

  if (style_class != NULL)
    gtk_style_context_add_class (gtk_widget_get_style_context (label), style_class);
  return label;
}

GtkWidget *
amt_profile_row_new (AmtSessions *sessions,
                     AmtProfile  *profile)
{
  AmtProfileRow *self = g_object_new (AMT_TYPE_PROFILE_ROW, "activatable", FALSE, NULL);
  g_autoptr(GMenu) menu = g_menu_new ();
  const char *name = amt_profile_get_name (profile);
  GtkWidget *grid;
  GtkWidget *menu_button;
  GtkWidget *buttons;
  PangoAttrList *attrs;

  self->sessions = g_object_ref (sessions);
  self->profile = g_object_ref (profile);

  grid = g_object_new (GTK_TYPE_GRID,
                       "column-spacing", 12,
                       "row-spacing", 2,
                       "margin-start", 12, "margin-end", 12, "margin-top", 10, "margin-bottom", 10,
                       "visible", TRUE,
                       NULL);

  self->state_icon = gtk_image_new ();
  gtk_widget_show (self->state_icon);
  gtk_widget_set_valign (self->state_icon, GTK_ALIGN_CENTER);

  self->name_label = new_label (0.0f, NULL);
  gtk_label_set_text (GTK_LABEL (self->name_label), name);
  gtk_label_set_ellipsize (GTK_LABEL (self->name_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->name_label, TRUE);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  gtk_label_set_attributes (GTK_LABEL (self->name_label), attrs);
  pango_attr_list_unref (attrs);

  self->state_label = new_label (1.0f, NULL);
  self->details_label = new_label (0.0f, "dim-label");
  gtk_label_set_line_wrap (GTK_LABEL (self->details_label), TRUE);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  gtk_label_set_attributes (GTK_LABEL (self->details_label), attrs);
  pango_attr_list_unref (attrs);

  self->error_label = new_label (0.0f, AMT_ERROR_TEXT_CLASS);
  gtk_label_set_line_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);

  /* No access key: every row has this button, and one Alt+L shared by thirty rows would only
   * cycle the focus among them. */
  self->login_button = gtk_button_new_with_label (_("Log In…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->login_button), "app.login");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->login_button), "s", name);
  gtk_widget_set_valign (self->login_button, GTK_ALIGN_CENTER);
  gtk_widget_show (self->login_button);
  {
    /* Translators: the accessible name of a row's button, "Log in to dev" */
    g_autofree char *accessible = g_strdup_printf (_("Log in to %s"), name);

    atk_object_set_name (gtk_widget_get_accessible (self->login_button), accessible);
  }

  {
    g_autoptr(GMenuItem) edit = g_menu_item_new (_("_Edit…"), NULL);
    g_autoptr(GMenuItem) remove = g_menu_item_new (_("_Remove…"), NULL);
    g_autoptr(GMenuItem) move_keys = g_menu_item_new (_("Move _Keys…"), NULL);
    g_autoptr(GMenu) edit_section = g_menu_new ();

    g_menu_item_set_action_and_target (edit, "win.edit-profile", "s", name);
    g_menu_item_set_action_and_target (remove, "win.remove-profile", "s", name);
    /* Into the keyring or back to the file, whichever they are not in (amt-key-actions.c). */
    g_menu_item_set_action_and_target (move_keys, "win.move-keys", "s", name);
    self->session_section = g_menu_new ();
    self->session_section_kind = amt_profile_get_kind (profile);
    amt_session_actions_append_menu_items (self->session_section, profile);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (self->session_section));
    g_menu_append_item (edit_section, edit);
    g_menu_append_item (edit_section, move_keys);
    g_menu_append_item (edit_section, remove);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (edit_section));
  }
  menu_button = g_object_new (GTK_TYPE_MENU_BUTTON,
                              "menu-model", menu,
                              "valign", GTK_ALIGN_CENTER,
                              "visible", TRUE,
                              NULL);
  gtk_button_set_image (GTK_BUTTON (menu_button),
                        gtk_image_new_from_icon_name ("view-more-symbolic", GTK_ICON_SIZE_BUTTON));
  gtk_style_context_add_class (gtk_widget_get_style_context (menu_button), "flat");
  {
    /* Translators: the accessible name of a row's menu button, "More for dev" */
    g_autofree char *accessible = g_strdup_printf (_("More for %s"), name);

    gtk_widget_set_tooltip_text (menu_button, _("Open the console, copy the session, edit or remove"));
    atk_object_set_name (gtk_widget_get_accessible (menu_button), accessible);
  }

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_show (buttons);
  gtk_container_add (GTK_CONTAINER (buttons), self->login_button);
  gtk_container_add (GTK_CONTAINER (buttons), menu_button);

  gtk_grid_attach (GTK_GRID (grid), self->state_icon, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->name_label, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->state_label, 2, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), buttons, 3, 0, 1, 2);
  gtk_grid_attach (GTK_GRID (grid), self->details_label, 1, 1, 2, 1);
  gtk_grid_attach (GTK_GRID (grid), self->error_label, 1, 2, 3, 1);
  gtk_container_add (GTK_CONTAINER (self), grid);

  g_signal_connect_object (profile, "notify", G_CALLBACK (amt_profile_row_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sessions, "changed", G_CALLBACK (amt_profile_row_update),
                           self, G_CONNECT_SWAPPED);
  amt_profile_row_update (self);

  return GTK_WIDGET (self);
}
