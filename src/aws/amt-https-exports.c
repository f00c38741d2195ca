/* amt-https-exports.c: what the HTTPS module takes from the program
 *
 * The module (amt-https-module.c) links against the program's own copy of these, so that there
 * is one AmtHttpTransport type and one error domain. They are named here, in a table the
 * linker must keep, so that every program that can load the module has them (and exports
 * them: amt-core's --export-dynamic). A file of its own, so that the loader (amt-https.c),
 * which the signer calls for its hashes, does not include the signer in turn.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "amt-aws-error.h"
#include "amt-http.h"
#include "amt-secret.h"
#include "amt-sigv4.h"

extern gpointer const amt_https_used_by_module[];
gpointer const amt_https_used_by_module[] = {
  (gpointer) amt_http_transport_get_type,
  (gpointer) amt_http_response_new,
  (gpointer) amt_http_bytes_new_secret,
  (gpointer) amt_sigv4_request_get_n_headers,
  (gpointer) amt_sigv4_request_get_header_at,
  (gpointer) amt_sigv4_request_get_method,
  (gpointer) amt_sigv4_request_get_body,
  (gpointer) amt_aws_error_quark,
  (gpointer) amt_secret_wipe,
  (gpointer) amt_secret_free_bytes,
};
