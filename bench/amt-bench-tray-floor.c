/* amt-bench-tray-floor.c: the floor of the start-up, memory and idle benchmarks
 * (bench/README.md)
 *
 *   amt-bench-tray-floor
 *
 * The least a GTK 3 tray applet can be: gtk_init(), one AppIndicator with a menu of 20 plain
 * items (as many as the profiles of the benchmark), gtk_main(). No GApplication, no window, no
 * files, no timers. Quits on SIGTERM or SIGINT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-bench-tray-floor"

#include <glib-unix.h>
#include <gtk/gtk.h>
#include <libayatana-appindicator/app-indicator.h>

#define N_ITEMS 20

static gboolean
quit_cb (gpointer user_data)
{
  gtk_main_quit ();
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  AppIndicator *indicator;
  GtkWidget *menu;

  gtk_init (&argc, &argv);

  indicator = app_indicator_new ("amt-bench-tray-floor", "dialog-password",
                                 APP_INDICATOR_CATEGORY_APPLICATION_STATUS);
  menu = gtk_menu_new ();
  for (int i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *label = g_strdup_printf ("profile-%02d — valid", i + 1);
      GtkWidget *item = gtk_menu_item_new_with_label (label);

      gtk_menu_shell_append (GTK_MENU_SHELL (menu), item);
    }
  gtk_widget_show_all (menu);
  app_indicator_set_menu (indicator, GTK_MENU (menu));
  app_indicator_set_title (indicator, "Bench floor");
  app_indicator_set_status (indicator, APP_INDICATOR_STATUS_ACTIVE);

  g_unix_signal_add (SIGTERM, quit_cb, NULL);
  g_unix_signal_add (SIGINT, quit_cb, NULL);
  gtk_main ();

  g_object_unref (indicator);
  return 0;
}
