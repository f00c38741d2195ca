/* amt-error-color.c
 *
 * Adwaita's error colour is #cc0000 in both variants: 5.1:1 on the light background, but
 * 2.1:1 on the dark one (#353535), below WCAG's 4.5:1 for text. So error text takes the
 * theme's @error_color, moved towards the theme's text colour only as far as it needs to
 * reach 4.5:1 on the theme's background: unchanged in Adwaita, lighter red in Adwaita-dark,
 * and right for any other theme. It follows theme changes (style-updated).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-error-color"

#include "config.h"

#include <math.h>

#include "amt-error-color.h"

#define PROVIDER_KEY "amt-error-color-provider"

/* WCAG 2 relative luminance of an sRGB colour */
static double
channel_luminance (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * channel_luminance (c->red) + 0.7152 * channel_luminance (c->green) +
         0.0722 * channel_luminance (c->blue);
}

/**
 * amt_contrast_ratio:
 *
 * Returns: WCAG 2's contrast ratio of two opaque colours, 1 to 21
 */
double
amt_contrast_ratio (const GdkRGBA *a,
                    const GdkRGBA *b)
{
  double la = luminance (a);
  double lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static void
mix (const GdkRGBA *from,
     const GdkRGBA *to,
     double         amount,
     GdkRGBA       *out)
{
  out->red = from->red + (to->red - from->red) * amount;
  out->green = from->green + (to->green - from->green) * amount;
  out->blue = from->blue + (to->blue - from->blue) * amount;
  out->alpha = 1.0;
}

static void
apply_readable_error_color (GtkWidget *toplevel)
{
  GtkStyleContext *context = gtk_widget_get_style_context (toplevel);
  GtkCssProvider *provider = g_object_get_data (G_OBJECT (toplevel), PROVIDER_KEY);
  GdkRGBA error, background, foreground, readable;
  g_autofree char *color = NULL;
  g_autofree char *css = NULL;
  double amount = 0.0;

  if (!gtk_style_context_lookup_color (context, "error_color", &error) ||
      !gtk_style_context_lookup_color (context, "theme_bg_color", &background) ||
      !gtk_style_context_lookup_color (context, "theme_fg_color", &foreground))
    {
      /* A theme without GTK's named colours: its own .error rule applies. */
      if (provider != NULL)
        gtk_css_provider_load_from_data (provider, "", -1, NULL);
      return;
    }

  readable = error;
  while (amount < 1.0 && amt_contrast_ratio (&readable, &background) < AMT_MIN_TEXT_CONTRAST)
    {
      amount += 0.05;
      mix (&error, &foreground, MIN (amount, 1.0), &readable);
    }

  color = gdk_rgba_to_string (&readable);
  css = g_strdup_printf ("." AMT_ERROR_TEXT_CLASS " { color: %s; }", color);
  if (g_strcmp0 (g_object_get_data (G_OBJECT (toplevel), "amt-error-color-css"), css) == 0)
    return;   /* style-updated again, for our own change */

  gtk_css_provider_load_from_data (provider, css, -1, NULL);
  g_object_set_data_full (G_OBJECT (toplevel), "amt-error-color-css", g_steal_pointer (&css), g_free);
}

static void
toplevel_destroy_cb (GtkWidget *toplevel)
{
  GtkCssProvider *provider = g_object_get_data (G_OBJECT (toplevel), PROVIDER_KEY);

  if (provider != NULL)
    gtk_style_context_remove_provider_for_screen (gtk_widget_get_screen (toplevel),
                                                  GTK_STYLE_PROVIDER (provider));
  g_object_set_data (G_OBJECT (toplevel), PROVIDER_KEY, NULL);
}

/**
 * amt_error_color_follow_theme:
 * @toplevel: a window whose error text carries the %AMT_ERROR_TEXT_CLASS style class
 *
 * Gives that text the theme's error colour, made readable (at least 4.5:1) on the theme's
 * background, now and after every theme change.
 */
void
amt_error_color_follow_theme (GtkWidget *toplevel)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  g_return_if_fail (GTK_IS_WIDGET (toplevel));

  /* On the screen, so that it reaches every widget of the window, until the window goes. */
  g_object_set_data_full (G_OBJECT (toplevel), PROVIDER_KEY, g_object_ref (provider), g_object_unref);
  gtk_style_context_add_provider_for_screen (gtk_widget_get_screen (toplevel), GTK_STYLE_PROVIDER (provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_signal_connect (toplevel, "style-updated", G_CALLBACK (apply_readable_error_color), NULL);
  g_signal_connect (toplevel, "destroy", G_CALLBACK (toplevel_destroy_cb), NULL);
  apply_readable_error_color (toplevel);
}
