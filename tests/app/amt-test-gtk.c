/* amt-test-gtk.c: main-loop waits, widget lookups, screenshots and the AWS files of the
 * in-process GTK tests (test-application, test-mfa-dialog, test-translation)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "amt-test-gtk.h"

#define ALICE_KEY_ID  "AKIAALICE0EXAMPLE001"
#define ALICE_SECRET  "ocihcQIAk0Ud6KDXGz9WvuS1hRfF+0I0EXAMPLEK"
#define ALICE_MFA     "arn:aws:iam::111111111111:mfa/alice"
#define ADMIN_ROLE    "arn:aws:iam::222222222222:role/Admin"
#define DEPLOY_ROLE   "arn:aws:iam::222222222222:role/Deploy"

/* Main loop */

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * amt_test_spin_until:
 *
 * Runs the main context until @condition holds for @data; fails the test after 20 s.
 */
void
amt_test_spin_until (AmtTestCondition  condition,
                     gpointer          data,
                     const char       *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint wake_up_id = g_timeout_add (20, wake_up_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake_up_id);
}

static gboolean
stop_spinning_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
amt_test_spin_for (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, stop_spinning_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs everything that is ready now, idles included. */
void
amt_test_drain_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Widgets, by their ids in a .ui file */

typedef struct {
  const char *id;
  GtkWidget  *found;
} FindData;

static void
find_widget_cb (GtkWidget *widget,
                gpointer   data)
{
  FindData *find = data;
  const char *id;

  if (find->found != NULL)
    return;

  id = gtk_buildable_get_name (GTK_BUILDABLE (widget));
  if (id != NULL && g_str_equal (id, find->id))
    {
      find->found = widget;
      return;
    }

  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_widget_cb, find);
}

/* Returns: (transfer none): the widget @id inside @root; fails the test when there is none */
GtkWidget *
amt_test_find_widget (GtkWidget  *root,
                      const char *id)
{
  FindData find = { id, NULL };

  g_assert_nonnull (root);
  gtk_container_forall (GTK_CONTAINER (root), find_widget_cb, &find);
  if (find.found == NULL)
    g_error ("No widget “%s” in the window", id);
  return find.found;
}

const char *
amt_test_label_text (GtkWidget  *root,
                     const char *id)
{
  return gtk_label_get_text (GTK_LABEL (amt_test_find_widget (root, id)));
}

gboolean
amt_test_widget_is_shown (GtkWidget  *root,
                          const char *id)
{
  GtkWidget *widget = amt_test_find_widget (root, id);

  return gtk_widget_is_visible (widget) && gtk_widget_get_mapped (widget);
}

/* The MFA dialog's profiles grid, one "name new-session-duration [status]" line per profile
 * (the headings' row and the "Now" column left out: amt_test_profiles_now_text() has those). */
char *
amt_test_profiles_text (GtkWidget *dialog)
{
  GtkGrid *grid = GTK_GRID (amt_test_find_widget (dialog, "profiles_grid"));
  GString *text = g_string_new (NULL);

  for (int row = 1; gtk_grid_get_child_at (grid, 0, row) != NULL; row++)
    {
      for (int column = 0; column < 4; column++)
        {
          GtkWidget *cell = gtk_grid_get_child_at (grid, column, row);

          if (column != 1 && cell != NULL)
            g_string_append_printf (text, "%s%s", column > 0 ? " " : "", gtk_label_get_text (GTK_LABEL (cell)));
        }
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

/* The headings and the "Now" column of the MFA dialog's profiles: "Now|New session\n" then one
 * "name|time left now" line per profile. */
char *
amt_test_profiles_now_text (GtkWidget *dialog)
{
  GtkGrid *grid = GTK_GRID (amt_test_find_widget (dialog, "profiles_grid"));
  GString *text = g_string_new (NULL);
  GtkWidget *now = gtk_grid_get_child_at (grid, 1, 0);
  GtkWidget *next = gtk_grid_get_child_at (grid, 2, 0);

  g_string_append_printf (text, "%s|%s\n", now != NULL ? gtk_label_get_text (GTK_LABEL (now)) : "",
                          next != NULL ? gtk_label_get_text (GTK_LABEL (next)) : "");
  for (int row = 1; gtk_grid_get_child_at (grid, 0, row) != NULL; row++)
    g_string_append_printf (text, "%s|%s\n",
                            gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 0, row))),
                            gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 1, row))));

  return g_string_free (text, FALSE);
}

static void
collect_mnemonics (GtkWidget *widget,
                   gpointer   data)
{
  GHashTable *seen = data;

  if (!gtk_widget_is_visible (widget))
    return;

  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint keyval = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)));
      const char *text = gtk_label_get_label (GTK_LABEL (widget));
      const char *other;

      if (keyval != GDK_KEY_VoidSymbol)
        {
          other = g_hash_table_lookup (seen, GUINT_TO_POINTER (keyval));
          if (other != NULL)
            g_error ("Two mnemonics on Alt+%s: \"%s\" and \"%s\"", gdk_keyval_name (keyval), other, text);
          g_hash_table_insert (seen, GUINT_TO_POINTER (keyval), (gpointer) text);
        }
    }

  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_mnemonics, seen);
}

/**
 * amt_test_assert_unique_mnemonics:
 *
 * Fails when two widgets shown in @window answer the same Alt+letter.
 */
void
amt_test_assert_unique_mnemonics (GtkWidget *window)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  collect_mnemonics (window, seen);
  g_assert_cmpuint (g_hash_table_size (seen), >, 0);
}

/**
 * amt_test_screenshot:
 *
 * Photographs @window, and nothing around it, into @name in $AMT_SCREENSHOT_DIR (the build
 * tree's screenshots/, tests/app/meson.build), for the README and the metainfo
 * (`./run screenshots` copies them into data/screenshots). Flathub asks for the light theme
 * and the default size: the window is never resized, and the theme is checked (a dark one only
 * under a name ending in "-dark.png").
 */
void
amt_test_screenshot (GtkWidget  *window,
                     const char *name)
{
  const char *dir = g_getenv ("AMT_SCREENSHOT_DIR");
  g_autofree char *theme = NULL;
  gboolean dark = TRUE;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (dir == NULL)
    return;

  g_object_get (gtk_widget_get_settings (window), "gtk-theme-name", &theme,
                "gtk-application-prefer-dark-theme", &dark, NULL);
  g_assert_cmpstr (theme, ==, "Adwaita");
  /* Flathub asks for the light theme: a dark picture says so in its name, so that none can
   * stand in for the metainfo's (which name no "-dark" file). */
  g_assert_true (dark == g_str_has_suffix (name, "-dark.png"));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* As it looks with a window manager: focused (not in the backdrop), and drawn. */
  gdk_window_focus (gtk_widget_get_window (window), GDK_CURRENT_TIME);
  amt_test_spin_for (400);

  /* GTK draws the window itself, so another test's window on the same display (they run in
   * parallel) cannot cover it, as it would in a grab of the screen. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                        gtk_widget_get_allocated_width (window),
                                        gtk_widget_get_allocated_height (window));
  cr = cairo_create (surface);
  gtk_widget_draw (window, cr);
  cairo_destroy (cr);
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("screenshot: %s", path);
}

/**
 * amt_test_write_alice_files:
 * @long_role: also a [profile deploy] that asks for 2 h, more than the hour AWS allows a
 *   chained role: a second code
 *
 * Writes the stand-in's user alice into ~/.aws (the test's own HOME, tests/isolate): her
 * long-term keys in [dev-long-term] (the aws-mfa convention), and a role assumed with the
 * session of the same code.
 *
 * Returns: (transfer full): the path of the credentials file
 */
char *
amt_test_write_alice_files (gboolean long_role)
{
  g_autofree char *aws_dir = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autofree char *config_path = g_build_filename (aws_dir, "config", NULL);
  char *credentials_path = g_build_filename (aws_dir, "credentials", NULL);
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);

  g_string_append (config,
                   "[profile dev]\n"
                   "region = us-east-1\n"
                   "\n"
                   "[profile admin]\n"
                   "role_arn = " ADMIN_ROLE "\n"
                   "source_profile = dev\n"
                   "mfa_serial = " ALICE_MFA "\n");
  if (long_role)
    g_string_append (config,
                     "\n"
                     "[profile deploy]\n"
                     "role_arn = " DEPLOY_ROLE "\n"
                     "source_profile = dev\n"
                     "mfa_serial = " ALICE_MFA "\n"
                     "duration_seconds = 7200\n");
  g_file_set_contents (config_path, config->str, -1, &error);
  g_assert_no_error (error);

  g_file_set_contents (credentials_path,
                       "# Alice's keys; this comment stays\n"
                       "[dev-long-term]\n"
                       "aws_access_key_id = " ALICE_KEY_ID "\n"
                       "aws_secret_access_key = " ALICE_SECRET "\n"
                       "aws_mfa_device = " ALICE_MFA "\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (credentials_path, 0600), ==, 0);

  return credentials_path;
}
