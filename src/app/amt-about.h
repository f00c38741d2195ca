/* amt-about.h: the About dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void amt_about_show (GtkApplication *application,
                     GtkWindow      *parent);

G_END_DECLS
