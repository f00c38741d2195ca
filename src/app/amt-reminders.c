/* amt-reminders.c
 *
 * What happens when a session nears its end (AmtSessions::expiry-near, at the lead time) and
 * when it ends (AmtSessions::expired): a notification with a "Log In Now" button, and, when
 * the preference says so, the code dialog opening by itself (app.remind-login). Each happens
 * once per deadline, a deadline being one device's expiry time: a second signal for the same
 * expiry (a file re-read, a profile of the same device) neither notifies nor steals the focus
 * again. "Snooze" brings the dialog back after snooze-minutes, unless the session was
 * refreshed meanwhile. A profile with an mfa_process needs no one: it is refreshed at once.
 *
 * Notification servers that speak body markup (GNOME Shell, Plasma, most of those on
 * org.freedesktop.Notifications) read "<" and "&" in a body as markup: a profile named
 * "a&b" or an error quoting XML would show garbled or not at all. The body is escaped unless
 * the server says it has no "body-markup"; until its answer, notifications wait for it.
 * A notification's text never goes stale: it names the clock time a session ends, is
 * replaced by the next one of the same device, withdrawn when the session is refreshed, and
 * every one still shown is withdrawn when the applet quits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-reminders"

#include "config.h"

#include <glib/gi18n.h>

#include "amt-reminders.h"

/* Profiles named in a notification; more are "and N more". */
#define MAX_NAMES_IN_NOTIFICATION 3

#define NO_TRAY_NOTIFICATION_ID "no-tray"

typedef enum {
  BODY_MARKUP_UNKNOWN,
  BODY_MARKUP_YES,
  BODY_MARKUP_NO,
} BodyMarkup;

typedef struct {
  char          *id;
  GNotification *notification;
  char          *body;
} PendingNotification;

struct _AmtReminders
{
  GObject       parent_instance;

  GApplication *application;   /* not owned: the application owns us */
  AmtSessions  *sessions;
  GSettings    *settings;
  GHashTable   *warned;        /* "near:KEY:EXPIRY" and "expired:KEY:EXPIRY" */
  GHashTable   *snoozes;       /* profile name → source id */
  GHashTable   *shown;         /* ids of the notifications sent and not withdrawn */
  GCancellable *cancellable;   /* the question to the notification server */
  BodyMarkup    body_markup;
  GPtrArray    *pending;       /* PendingNotification, while body_markup is unknown */
  gboolean      told_no_tray;
  gboolean      told_keeps_running;
};

G_DEFINE_FINAL_TYPE (AmtReminders, amt_reminders, G_TYPE_OBJECT)

/* One device, one deadline: the profiles one login refreshes share the reminder. */
static char *
deadline_key (const char *kind,
              AmtProfile *profile)
{
  GDateTime *expiration = amt_profile_get_expiration (profile);
  const char *serial = amt_profile_get_mfa_serial (profile);

  return g_strdup_printf ("%s:%s:%" G_GINT64_FORMAT, kind,
                          serial != NULL ? serial : amt_profile_get_name (profile),
                          expiration != NULL ? g_date_time_to_unix (expiration) : 0);
}

static char *
notification_id (AmtProfile *profile)
{
  const char *serial = amt_profile_get_mfa_serial (profile);

  return g_strdup_printf ("session-%s", serial != NULL ? serial : amt_profile_get_name (profile));
}

/* "dev, prod, admin and 26 more": a device's profiles, at most three by name. */
static char *
group_names (AmtReminders *self,
             AmtProfile   *profile)
{
  g_autoptr(GPtrArray) group = amt_sessions_get_group (self->sessions, profile);

  return amt_format_profile_names (group, MAX_NAMES_IN_NOTIFICATION);
}

static void
pending_notification_free (gpointer data)
{
  PendingNotification *pending = data;

  g_free (pending->id);
  g_clear_object (&pending->notification);
  g_free (pending->body);
  g_free (pending);
}

static void
deliver_notification (AmtReminders  *self,
                      const char    *id,
                      GNotification *notification,
                      const char    *body)
{
  if (self->body_markup == BODY_MARKUP_NO)
    {
      g_notification_set_body (notification, body);
    }
  else
    {
      g_autofree char *escaped = g_markup_escape_text (body, -1);

      g_notification_set_body (notification, escaped);
    }
  g_application_send_notification (self->application, id, notification);
  g_hash_table_add (self->shown, g_strdup (id));
}

/* @body is plain text. */
static void
post_notification (AmtReminders  *self,
                   const char    *id,
                   GNotification *notification,
                   const char    *body)
{
  if (self->body_markup == BODY_MARKUP_UNKNOWN)
    {
      PendingNotification *pending = g_new0 (PendingNotification, 1);

      /* A later one with the same id replaces it, as the server would. */
      for (guint i = 0; i < self->pending->len; i++)
        if (g_str_equal (((PendingNotification *) g_ptr_array_index (self->pending, i))->id, id))
          g_ptr_array_remove_index (self->pending, i--);
      pending->id = g_strdup (id);
      pending->notification = g_object_ref (notification);
      pending->body = g_strdup (body);
      g_ptr_array_add (self->pending, pending);
      return;
    }

  deliver_notification (self, id, notification, body);
}

static void
capabilities_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree const char **capabilities = NULL;
  AmtReminders *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;

  /* No answer (no such server, or a sandbox that hides it): the portal or GNOME Shell
   * shows the notification, and both read body markup. */
  self->body_markup = BODY_MARKUP_YES;
  if (reply != NULL)
    {
      g_variant_get (reply, "(^a&s)", &capabilities);
      if (!g_strv_contains (capabilities, "body-markup"))
        self->body_markup = BODY_MARKUP_NO;
    }
  else
    g_debug ("The notification server's capabilities are unknown: %s", error->message);

  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (pending_notification_free);
  for (guint i = 0; i < pending->len; i++)
    {
      PendingNotification *p = g_ptr_array_index (pending, i);

      deliver_notification (self, p->id, p->notification, p->body);
    }
}

static void
ask_body_markup (AmtReminders *self)
{
  GDBusConnection *connection = g_application_get_dbus_connection (self->application);

  if (connection == NULL)
    {
      self->body_markup = BODY_MARKUP_YES;
      return;
    }

  g_dbus_connection_call (connection, "org.freedesktop.Notifications",
                          "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                          "GetCapabilities", NULL, G_VARIANT_TYPE ("(as)"),
                          G_DBUS_CALL_FLAGS_NONE, 5000, self->cancellable,
                          capabilities_cb, self);
}

static void
send_notification (AmtReminders *self,
                   AmtProfile   *profile,
                   const char   *title,
                   const char   *body,
                   GNotificationPriority priority)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autoptr(GIcon) icon = g_themed_icon_new (APP_ID);
  g_autofree char *id = notification_id (profile);
  const char *name = amt_profile_get_name (profile);

  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, priority);
  g_notification_set_default_action_and_target (notification, "app.login", "s", name);
  g_notification_add_button_with_target (notification, _("Log In Now"), "app.login", "s", name);
  post_notification (self, id, notification, body);
}

static gboolean
notifications_enabled (AmtReminders *self)
{
  return g_settings_get_boolean (self->settings, "notifications-enabled");
}

static void
open_dialog (AmtReminders *self,
             AmtProfile   *profile)
{
  g_action_group_activate_action (G_ACTION_GROUP (self->application), "remind-login",
                                  g_variant_new_string (amt_profile_get_name (profile)));
}

static void
unwatched_login_finished_cb (AmtLogin     *login,
                             AmtReminders *self)
{
  g_autoptr(GError) error = NULL;

  if (!amt_login_get_result (login, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    amt_reminders_login_failed (self, login, error->message);
}

static void
expiry_near_cb (AmtReminders *self,
                AmtProfile   *profile,
                AmtSessions  *sessions)
{
  g_autofree char *key = deadline_key ("near", profile);
  g_autofree char *names = NULL;
  g_autofree char *at = NULL;
  GDateTime *expiration;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmtLogin) login = NULL;

  if (g_hash_table_contains (self->warned, key))
    return;
  g_hash_table_add (self->warned, g_steal_pointer (&key));

  login = amt_sessions_create_login (sessions, amt_profile_get_name (profile), NULL);
  if (login != NULL && amt_login_get_has_mfa_process (login))
    {
      g_autoptr(AmtLogin) started = NULL;

      g_debug ("%s: refreshing with mfa_process", amt_profile_get_name (profile));
      g_clear_object (&login);
      started = amt_sessions_request_login (sessions, amt_profile_get_name (profile), &error);
      if (started != NULL)
        {
          g_signal_connect_object (started, "finished", G_CALLBACK (unwatched_login_finished_cb),
                                   self, 0);
          return;
        }
    }

  names = group_names (self, profile);
  expiration = amt_profile_get_expiration (profile);
  if (expiration != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (expiration);

      at = g_date_time_format (local, "%H:%M");
    }
  /* A clock time, not "in 9 min": the notification stays true for as long as it is shown.
   * Translators: a notification's title; %1$s is a profile, %2$s a time of day ("14:32") */
  title = g_strdup_printf (_("AWS session %1$s expires at %2$s"), amt_profile_get_name (profile),
                           at != NULL ? at : "?");
  /* Translators: %s lists profiles, "dev, admin" */
  body = g_strdup_printf (_("Log in with your MFA code to keep %s working."), names);

  if (notifications_enabled (self))
    send_notification (self, profile, title, body, G_NOTIFICATION_PRIORITY_HIGH);
  if (g_settings_get_boolean (self->settings, "auto-open-dialog"))
    open_dialog (self, profile);
}

static void
expired_cb (AmtReminders *self,
            AmtProfile   *profile,
            AmtSessions  *sessions)
{
  g_autofree char *key = deadline_key ("expired", profile);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (g_hash_table_contains (self->warned, key))
    return;
  g_hash_table_add (self->warned, g_steal_pointer (&key));

  if (!notifications_enabled (self))
    return;

  /* Translators: a notification's title; %s is a profile */
  title = g_strdup_printf (_("AWS session %s has expired"), amt_profile_get_name (profile));
  body = g_strdup (_("Tools using this profile are refused by AWS until you log in again."));
  send_notification (self, profile, title, body, G_NOTIFICATION_PRIORITY_URGENT);
}

/* A refreshed session has no reminder left to show. */
static void
profile_state_cb (AmtReminders *self,
                  GParamSpec   *pspec,
                  AmtProfile   *profile)
{
  if (amt_profile_get_state (profile) == AMT_SESSION_STATE_VALID)
    amt_reminders_withdraw (self, profile);
}

static void
profiles_changed_cb (AmtReminders *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *profiles)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(AmtProfile) profile = g_list_model_get_item (profiles, i);

      g_signal_connect_object (profile, "notify::state", G_CALLBACK (profile_state_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

static void
amt_reminders_dispose (GObject *object)
{
  AmtReminders *self = (AmtReminders *)object;

  if (self->snoozes != NULL)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, self->snoozes);
      while (g_hash_table_iter_next (&iter, NULL, &id))
        g_source_remove (GPOINTER_TO_UINT (id));
      g_clear_pointer (&self->snoozes, g_hash_table_unref);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sessions);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->warned, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (amt_reminders_parent_class)->dispose (object);
}

static void
amt_reminders_class_init (AmtRemindersClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = amt_reminders_dispose;
}

static void
amt_reminders_init (AmtReminders *self)
{
  self->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->snoozes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_ptr_array_new_with_free_func (pending_notification_free);
  self->cancellable = g_cancellable_new ();
}

AmtReminders *
amt_reminders_new (GApplication *application,
                   AmtSessions  *sessions,
                   GSettings    *settings)
{
  AmtReminders *self = g_object_new (AMT_TYPE_REMINDERS, NULL);
  GListModel *profiles = amt_sessions_get_profiles (sessions);

  self->application = application;
  self->sessions = g_object_ref (sessions);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (sessions, "expiry-near", G_CALLBACK (expiry_near_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sessions, "expired", G_CALLBACK (expired_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (profiles, "items-changed", G_CALLBACK (profiles_changed_cb),
                           self, G_CONNECT_SWAPPED);
  profiles_changed_cb (self, 0, 0, g_list_model_get_n_items (profiles), profiles);
  ask_body_markup (self);

  return self;
}

typedef struct {
  AmtReminders *self;
  char         *name;
} Snooze;

static void
snooze_free (Snooze *snooze)
{
  g_free (snooze->name);
  g_free (snooze);
}

static gboolean
snooze_over_cb (gpointer user_data)
{
  Snooze *snooze = user_data;
  AmtReminders *self = snooze->self;
  AmtProfile *profile = amt_sessions_lookup_profile (self->sessions, snooze->name);

  g_hash_table_remove (self->snoozes, snooze->name);
  if (profile != NULL && amt_profile_get_state (profile) != AMT_SESSION_STATE_VALID)
    open_dialog (self, profile);

  return G_SOURCE_REMOVE;
}

/**
 * amt_reminders_snooze:
 *
 * The user put the dialog off: it comes back after the snooze time, if still needed.
 */
void
amt_reminders_snooze (AmtReminders *self,
                      AmtProfile   *profile)
{
  Snooze *snooze;
  guint id;

  g_return_if_fail (AMT_IS_REMINDERS (self));
  g_return_if_fail (AMT_IS_PROFILE (profile));

  if (g_hash_table_contains (self->snoozes, amt_profile_get_name (profile)))
    return;

  snooze = g_new0 (Snooze, 1);
  snooze->self = self;
  snooze->name = g_strdup (amt_profile_get_name (profile));
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                   g_settings_get_uint (self->settings, "snooze-minutes") * 60,
                                   snooze_over_cb, snooze, (GDestroyNotify) snooze_free);
  g_hash_table_insert (self->snoozes, g_strdup (snooze->name), GUINT_TO_POINTER (id));
}

/**
 * amt_reminders_login_failed:
 * @message: why, in a sentence
 *
 * A refresh that nobody watched (one run with mfa_process) failed.
 */
void
amt_reminders_login_failed (AmtReminders *self,
                            AmtLogin     *login,
                            const char   *message)
{
  GPtrArray *items;
  AmtProfile *profile;
  g_autofree char *title = NULL;

  g_return_if_fail (AMT_IS_REMINDERS (self));

  items = amt_login_get_items (login);
  if (items->len == 0 || !notifications_enabled (self))
    return;

  profile = ((AmtLoginItem *) g_ptr_array_index (items, 0))->profile;
  /* Translators: a notification's title; %s is a profile */
  title = g_strdup_printf (_("AWS session %s could not be refreshed"), amt_profile_get_name (profile));
  send_notification (self, profile, title, message, G_NOTIFICATION_PRIORITY_HIGH);
}

void
amt_reminders_withdraw (AmtReminders *self,
                        AmtProfile   *profile)
{
  g_autofree char *id = NULL;

  g_return_if_fail (AMT_IS_REMINDERS (self));

  id = notification_id (profile);
  g_application_withdraw_notification (self->application, id);
  g_hash_table_remove (self->shown, id);
}

/**
 * amt_reminders_withdraw_all:
 *
 * The applet quits: no notification of ours stays behind to offer a login nobody would take.
 */
void
amt_reminders_withdraw_all (AmtReminders *self)
{
  GHashTableIter iter;
  const char *id;

  g_return_if_fail (AMT_IS_REMINDERS (self));

  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_application_withdraw_notification (self->application, id);
  g_hash_table_remove_all (self->shown);
}

static void
send_about_applet (AmtReminders *self,
                   const char   *title,
                   const char   *body)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autoptr(GIcon) icon = g_themed_icon_new (APP_ID);

  g_notification_set_icon (notification, icon);
  g_notification_set_default_action (notification, "app.open-window");
  g_notification_add_button (notification, _("Open Window"), "app.open-window");
  post_notification (self, NO_TRAY_NOTIFICATION_ID, notification, body);
}

/**
 * amt_reminders_tell_no_tray:
 *
 * Started in the background where no tray shows our icon: say once where the applet lives.
 */
void
amt_reminders_tell_no_tray (AmtReminders *self)
{
  g_return_if_fail (AMT_IS_REMINDERS (self));

  if (self->told_no_tray)
    return;
  self->told_no_tray = TRUE;

  send_about_applet (self, _("MFA Tray for AWS is running without a tray icon"),
                     _("Open MFA Tray for AWS from your apps to see your sessions. It reminds you before a session expires."));
}

/**
 * amt_reminders_tell_keeps_running:
 *
 * The window was closed where no tray shows our icon: say once that the applet goes on, and
 * how to quit it.
 */
void
amt_reminders_tell_keeps_running (AmtReminders *self)
{
  g_return_if_fail (AMT_IS_REMINDERS (self));

  if (self->told_keeps_running)
    return;
  self->told_keeps_running = TRUE;

  send_about_applet (self, _("MFA Tray for AWS keeps running"),
                     _("It reminds you before a session expires. To quit it, open MFA Tray for AWS from your apps and choose Quit in its menu."));
}

/**
 * amt_reminders_tray_appeared:
 *
 * A tray shows the icon now: what was said about its absence is no longer true.
 */
void
amt_reminders_tray_appeared (AmtReminders *self)
{
  g_return_if_fail (AMT_IS_REMINDERS (self));

  for (guint i = 0; i < self->pending->len; i++)
    if (g_str_equal (((PendingNotification *) g_ptr_array_index (self->pending, i))->id, NO_TRAY_NOTIFICATION_ID))
      g_ptr_array_remove_index (self->pending, i--);
  if (g_hash_table_remove (self->shown, NO_TRAY_NOTIFICATION_ID))
    g_application_withdraw_notification (self->application, NO_TRAY_NOTIFICATION_ID);
}
