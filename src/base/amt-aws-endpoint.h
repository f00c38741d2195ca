/* amt-aws-endpoint.h: which URL an STS or IAM call goes to, and the region it is signed for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  AMT_AWS_SERVICE_STS,
  AMT_AWS_SERVICE_IAM,
} AmtAwsService;

typedef struct {
  AmtAwsService  service;
  char          *url;             /* scheme://host[:port]/path, what the transport connects to */
  char          *host;            /* the Host header: host, and :port unless the default */
  char          *path;            /* "/" unless the custom endpoint has a path */
  char          *signing_region;
  const char    *signing_name;    /* "sts" or "iam" */
  const char    *api_version;     /* "2011-06-15" or "2010-05-08" */
  gboolean       custom;          /* from AWS_ENDPOINT_URL* or endpoint_url */
} AmtAwsEndpoint;

#define AMT_TYPE_AWS_ENDPOINT (amt_aws_endpoint_get_type ())

GType            amt_aws_endpoint_get_type          (void) G_GNUC_CONST;
AmtAwsEndpoint  *amt_aws_endpoint_resolve           (AmtAwsService          service,
                                                     const char            *region,
                                                     const char            *profile_endpoint_url,
                                                     const char * const    *envp,
                                                     GError               **error);
AmtAwsEndpoint  *amt_aws_endpoint_new_for_url       (AmtAwsService          service,
                                                     const char            *url,
                                                     const char            *signing_region,
                                                     GError               **error);
AmtAwsEndpoint  *amt_aws_endpoint_copy              (const AmtAwsEndpoint  *self);
void             amt_aws_endpoint_free              (AmtAwsEndpoint        *self);
char            *amt_aws_endpoint_resolve_ca_bundle (const char            *profile_ca_bundle,
                                                     const char * const    *envp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmtAwsEndpoint, amt_aws_endpoint_free)

G_END_DECLS
