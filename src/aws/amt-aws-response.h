/* amt-aws-response.h: AWS Query API responses, XML or JSON, as one tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "amt-aws-error.h"

G_BEGIN_DECLS

/* An element (XML) or member (JSON). A JSON array becomes a node whose children are all named
 * "member", as the XML form writes lists, so one path reads both forms. */
typedef struct _AmtAwsNode AmtAwsNode;

AmtAwsNode   *amt_aws_response_parse         (const char       *body,
                                              gsize             len,
                                              const char       *content_type,
                                              GError          **error);
gboolean      amt_aws_response_get_error     (AmtAwsNode       *root,
                                              guint             http_status,
                                              AmtAwsErrorInfo  *info);
GDateTime    *amt_aws_parse_timestamp        (const char       *text);

void          amt_aws_node_free              (AmtAwsNode       *self);
const char   *amt_aws_node_get_name          (AmtAwsNode       *self);
const char   *amt_aws_node_get_text          (AmtAwsNode       *self);
AmtAwsNode   *amt_aws_node_lookup            (AmtAwsNode       *self,
                                              const char       *path);
const char   *amt_aws_node_lookup_text       (AmtAwsNode       *self,
                                              const char       *path);
GPtrArray    *amt_aws_node_lookup_all        (AmtAwsNode       *self,
                                              const char       *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtAwsNode, amt_aws_node_free)

G_END_DECLS
