/* amt-error-color.h: error text in the theme's error colour, readable on its background
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AMT_ERROR_TEXT_CLASS "amt-error-text"
#define AMT_MIN_TEXT_CONTRAST 4.5

double amt_contrast_ratio            (const GdkRGBA *a,
                                      const GdkRGBA *b);
void   amt_error_color_follow_theme  (GtkWidget     *toplevel);

G_END_DECLS
