/* amt-cred-store-private.h
 *
 * The fields and shared steps of AmtCredStore, for the files it is split over
 * (amt-cred-store.c: the object and its errors; -read.c: reading the file and the sections;
 * -torn.c: the file as last seen whole, and waiting for a torn one; -write.c: the write
 * protocol; -edits.c: the edits written through it; -check.c: what would stop a write). Only
 * those files include it: no other class reaches into the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <sys/types.h>

#include "amt-cred-store.h"
#include "amt-ini.h"
#include "amt-ini-scan.h"

G_BEGIN_DECLS

/* The errno our reads give for a file that is not a regular one: a FIFO, a device, a socket. */
#define ERRNO_NOT_REGULAR EINVAL

struct _AmtCredStore
{
  GObject     parent_instance;

  char       *path;

  GMutex      expected_lock;    /* writes run in worker threads */
  AmtIniKeySet *expected_keys;  /* see amt-cred-store-torn.c; NULL when never seen whole */
  gsize       expected_length;
  guint64     expected_fingerprint;
  gboolean    expected_by_scan; /* the keys came from the scanner: no [DEFAULT] to inherit */
};

/* Errors, in words a user can act on (amt-cred-store.c) */

void      amt_cred_store_set_write_error    (GError      **error,
                                             int           saved_errno,
                                             const char   *display);
void      amt_cred_store_set_read_error     (GError      **error,
                                             int           saved_errno,
                                             const char   *display);

/* Reading the file (amt-cred-store-read.c) */

typedef struct {
  gboolean  exists;
  char     *data;
  gsize     length;
  mode_t    mode;
  uid_t     uid;
  gid_t     gid;
  nlink_t   n_links;
  int       fd;        /* the inode read, kept open to see later writes into it; or -1 */
} FileContents;

#define FILE_CONTENTS_INIT { FALSE, NULL, 0, 0, 0, 0, 0, -1 }

char     *amt_cred_store_resolve_target     (const char   *path,
                                             int          *saved_errno);
gboolean  amt_cred_store_read_file          (const char   *path,
                                             FileContents *contents,
                                             int          *saved_errno);
gboolean  amt_cred_store_reread_inode       (FileContents *contents);
void      amt_cred_store_clear_data         (FileContents *contents);
void      amt_cred_store_clear_contents     (FileContents *contents);

static inline gboolean
amt_cred_store_bytes_equal (const char *a,
                            gsize       a_length,
                            const char *b,
                            gsize       b_length)
{
  return a_length == b_length && memcmp (a, b, a_length) == 0;
}

/* The file as last seen whole (amt-cred-store-torn.c) */

typedef enum {
  SETTLED,           /* whole again */
  SETTLED_STABLE,    /* unchanged for the whole wait, but still shorter, missing keys or broken */
  NOT_SETTLED,       /* still empty, or still changing */
  SETTLE_FAILED,     /* could not be read */
} Settling;

void          amt_cred_store_remember           (AmtCredStore       *self,
                                                 AmtIniDocument     *doc,
                                                 const char         *data,
                                                 gsize               length);
void          amt_cred_store_remember_keys      (AmtCredStore       *self,
                                                 AmtIniKeySet       *keys,
                                                 gboolean            by_scan,
                                                 const char         *data,
                                                 gsize               length);
AmtIniKeySet *amt_cred_store_copy_expected_keys (AmtCredStore       *self,
                                                 const FileContents *contents);
gboolean      amt_cred_store_looks_torn         (AmtCredStore       *self,
                                                 const FileContents *contents);
Settling      amt_cred_store_wait_until_settled (AmtCredStore       *self,
                                                 const char         *target,
                                                 FileContents       *contents,
                                                 gboolean            by_inode,
                                                 int                *saved_errno);

/* The write protocol (amt-cred-store-write.c) */

/* An edit of the whole document. */
typedef gboolean (*EditFunc) (AmtIniDocument  *doc,
                              gconstpointer    user_data,
                              GError         **error);

/* The same edit in one pass over the bytes, when amt_ini_scan() can vouch for them. */
/* When it is done and @keys is not NULL, the edit is applied to @keys too. */
typedef AmtIniSpliceResult (*SpliceFunc) (const char     *data,
                                          gsize           length,
                                          gconstpointer   user_data,
                                          AmtIniKeySet   *keys,
                                          char          **output,
                                          gsize          *output_length,
                                          GError        **error);

gboolean  amt_cred_store_update_file        (AmtCredStore   *self,
                                             EditFunc        edit,
                                             SpliceFunc      splice,
                                             gconstpointer   user_data,
                                             GError        **error);

G_END_DECLS
