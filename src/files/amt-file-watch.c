/* amt-file-watch.c: the AWS files, watched for changes by anyone
 *
 * Each file is watched when its folder exists, else the nearest folder that does (GLib would
 * poll a missing path). Attribute changes are not changes; everything else is reported at
 * once, and the owner waits for the burst (a write is several events) to end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-file-watch"

#include "config.h"

#include "amt-file-watch.h"

struct _AmtFileWatch
{
  GObject    parent_instance;

  GPtrArray *monitors;       /* GFileMonitor */
  GPtrArray *watched_paths;  /* what each monitor watches */
};

G_DEFINE_FINAL_TYPE (AmtFileWatch, amt_file_watch, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
amt_file_watch_dispose (GObject *object)
{
  AmtFileWatch *self = (AmtFileWatch *)object;

  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_pointer (&self->watched_paths, g_ptr_array_unref);

  G_OBJECT_CLASS (amt_file_watch_parent_class)->dispose (object);
}

static void
amt_file_watch_class_init (AmtFileWatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = amt_file_watch_dispose;

  /**
   * AmtFileWatch::changed:
   *
   * One of the files (or a folder on the way to one that does not exist yet) changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
amt_file_watch_init (AmtFileWatch *self)
{
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched_paths = g_ptr_array_new_with_free_func (g_free);
}

AmtFileWatch *
amt_file_watch_new (void)
{
  return g_object_new (AMT_TYPE_FILE_WATCH, NULL);
}

static void
file_changed_cb (AmtFileWatch      *self,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 GFileMonitor      *monitor)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;

  g_signal_emit (self, signals[CHANGED], 0);
}

/* Watches the file when its folder exists, else the nearest folder that does, so that a
 * missing ~/.aws costs nothing (GLib would poll a missing path every few seconds). */
static char *
path_to_watch (const char *path,
               gboolean   *is_file)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      *is_file = TRUE;
      return g_strdup (path);
    }

  *is_file = FALSE;
  while (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      char *parent = g_path_get_dirname (dir);

      if (g_strcmp0 (parent, dir) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (dir);
      dir = parent;
    }

  return g_steal_pointer (&dir);
}

/**
 * amt_file_watch_set_paths:
 * @paths: (array zero-terminated=1): the files
 *
 * Watches these files from now on (once each, when some are the same); nothing changes when
 * they are what is watched already.
 */
void
amt_file_watch_set_paths (AmtFileWatch       *self,
                          const char * const *paths)
{
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) wanted_is_file = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean same;

  g_return_if_fail (AMT_IS_FILE_WATCH (self));

  for (guint i = 0; paths[i] != NULL; i++)
    {
      gboolean is_file = FALSE;
      char *watch = path_to_watch (paths[i], &is_file);

      if (g_ptr_array_find_with_equal_func (wanted, watch, g_str_equal, NULL))
        {
          g_free (watch);
          continue;
        }
      g_ptr_array_add (wanted, watch);
      g_array_append_val (wanted_is_file, is_file);
    }

  same = wanted->len == self->watched_paths->len;
  for (guint i = 0; same && i < wanted->len; i++)
    same = g_str_equal (g_ptr_array_index (wanted, i), g_ptr_array_index (self->watched_paths, i));
  if (same)
    return;

  g_ptr_array_set_size (self->monitors, 0);
  g_ptr_array_set_size (self->watched_paths, 0);

  for (guint i = 0; i < wanted->len; i++)
    {
      const char *watch = g_ptr_array_index (wanted, i);
      g_autoptr(GFile) file = g_file_new_for_path (watch);
      g_autoptr(GError) error = NULL;
      GFileMonitor *monitor;

      if (g_array_index (wanted_is_file, gboolean, i))
        monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      else
        monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);

      if (monitor == NULL)
        {
          g_debug ("Cannot watch %s: %s", watch, error->message);
          continue;
        }

      g_signal_connect_object (monitor, "changed", G_CALLBACK (file_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->monitors, monitor);
      g_ptr_array_add (self->watched_paths, g_strdup (watch));
    }
}
