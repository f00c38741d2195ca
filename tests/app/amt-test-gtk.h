/* amt-test-gtk.h: what the in-process GTK tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*AmtTestCondition) (gpointer data);

void        amt_test_spin_until        (AmtTestCondition  condition,
                                        gpointer          data,
                                        const char       *what);
void        amt_test_spin_for          (guint             milliseconds);
void        amt_test_drain_main_context (void);

GtkWidget  *amt_test_find_widget       (GtkWidget        *root,
                                        const char       *id);
const char *amt_test_label_text        (GtkWidget        *root,
                                        const char       *id);
gboolean    amt_test_widget_is_shown   (GtkWidget        *root,
                                        const char       *id);
char       *amt_test_profiles_text     (GtkWidget        *dialog);
char       *amt_test_profiles_now_text (GtkWidget       *dialog);
void        amt_test_assert_unique_mnemonics (GtkWidget *window);
void        amt_test_screenshot        (GtkWidget        *window,
                                        const char       *name);

char       *amt_test_write_alice_files (gboolean          long_role);

G_END_DECLS
