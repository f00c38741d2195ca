/* amt-key-source.h: where a profile's long-term keys are kept (the AWS files, the keyring)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "amt-credentials.h"

G_BEGIN_DECLS

#define AMT_KEY_SOURCE_ERROR (amt_key_source_error_quark ())

typedef enum {
  AMT_KEY_SOURCE_ERROR_NOT_FOUND,    /* no keys for that profile here */
  AMT_KEY_SOURCE_ERROR_UNAVAILABLE,  /* no Secret Service on the bus */
  AMT_KEY_SOURCE_ERROR_LOCKED,       /* the unlock prompt was dismissed */
  AMT_KEY_SOURCE_ERROR_FAILED,
} AmtKeySourceError;

GQuark amt_key_source_error_quark (void);

#define AMT_TYPE_KEY_SOURCE (amt_key_source_get_type ())

G_DECLARE_INTERFACE (AmtKeySource, amt_key_source, AMT, KEY_SOURCE, GObject)

struct _AmtKeySourceInterface
{
  GTypeInterface parent_iface;

  void                (*lookup_async)  (AmtKeySource             *self,
                                        const char               *profile,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data);
  AmtCredentials     *(*lookup_finish) (AmtKeySource             *self,
                                        GAsyncResult             *result,
                                        GError                  **error);
  void                (*store_async)   (AmtKeySource             *self,
                                        const char               *profile,
                                        const AmtCredentials     *keys,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data);
  gboolean            (*store_finish)  (AmtKeySource             *self,
                                        GAsyncResult             *result,
                                        GError                  **error);
  void                (*delete_async)  (AmtKeySource             *self,
                                        const char               *profile,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data);
  gboolean            (*delete_finish) (AmtKeySource             *self,
                                        GAsyncResult             *result,
                                        GError                  **error);
};

void                amt_key_source_lookup_async  (AmtKeySource             *self,
                                                  const char               *profile,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
AmtCredentials     *amt_key_source_lookup_finish (AmtKeySource             *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);
void                amt_key_source_store_async   (AmtKeySource             *self,
                                                  const char               *profile,
                                                  const AmtCredentials     *keys,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
gboolean            amt_key_source_store_finish  (AmtKeySource             *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);
void                amt_key_source_delete_async  (AmtKeySource             *self,
                                                  const char               *profile,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
gboolean            amt_key_source_delete_finish (AmtKeySource             *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

G_END_DECLS
