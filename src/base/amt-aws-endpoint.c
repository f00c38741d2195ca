/* amt-aws-endpoint.c
 *
 * Endpoint and region resolution as DESIGN.md "Endpoints and environment" says:
 * AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM > AWS_ENDPOINT_URL > the profile's endpoint_url;
 * otherwise the regional STS endpoint when there is a region, else the global one signed for
 * us-east-1; IAM is global and signed for us-east-1. AWS_CA_BUNDLE > ca_bundle.
 *
 * The environment is passed in (NULL: the process's), so that tests can give their own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-aws-endpoint"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "amt-aws-endpoint.h"
#include "amt-aws-error.h"

#define DEFAULT_REGION "us-east-1"

G_DEFINE_BOXED_TYPE (AmtAwsEndpoint, amt_aws_endpoint, amt_aws_endpoint_copy, amt_aws_endpoint_free)

static const char *
service_name (AmtAwsService service)
{
  return service == AMT_AWS_SERVICE_IAM ? "iam" : "sts";
}

static const char *
service_api_version (AmtAwsService service)
{
  return service == AMT_AWS_SERVICE_IAM ? "2010-05-08" : "2011-06-15";
}

/* A region becomes part of a host name: letters, digits and dashes only. */
static gboolean
region_is_valid (const char *region)
{
  if (region == NULL || *region == '\0' || strlen (region) > 64)
    return FALSE;

  for (const char *p = region; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

static const char *
env_get (const char * const *envp,
         const char         *name)
{
  const char *value;

  if (envp != NULL)
    value = g_environ_getenv ((char **) envp, name);
  else
    value = g_getenv (name);

  /* botocore treats an empty variable as unset. */
  return (value != NULL && *value != '\0') ? value : NULL;
}

AmtAwsEndpoint *
amt_aws_endpoint_copy (const AmtAwsEndpoint *self)
{
  AmtAwsEndpoint *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AmtAwsEndpoint, 1);
  copy->service = self->service;
  copy->url = g_strdup (self->url);
  copy->host = g_strdup (self->host);
  copy->path = g_strdup (self->path);
  copy->signing_region = g_strdup (self->signing_region);
  copy->signing_name = self->signing_name;
  copy->api_version = self->api_version;
  copy->custom = self->custom;

  return copy;
}

void
amt_aws_endpoint_free (AmtAwsEndpoint *self)
{
  if (self == NULL)
    return;

  g_free (self->url);
  g_free (self->host);
  g_free (self->path);
  g_free (self->signing_region);
  g_free (self);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);

  return g_ascii_strcasecmp (host, "localhost") == 0;
}

/**
 * amt_aws_endpoint_new_for_url:
 * @url: `https://host[:port][/path]` (or `http://` on a loopback address, for local emulators)
 *
 * Returns: (transfer full) (nullable): the endpoint, or %NULL with
 *   %AMT_AWS_ERROR_INVALID_ENDPOINT
 */
AmtAwsEndpoint *
amt_aws_endpoint_new_for_url (AmtAwsService   service,
                              const char     *url,
                              const char     *signing_region,
                              GError        **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(AmtAwsEndpoint) self = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  int port;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (signing_region != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || *host == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || !region_is_valid (signing_region))
    {
      g_autofree char *sentence = amt_aws_error_describe (AMT_AWS_ERROR_INVALID_ENDPOINT, 0);

      g_set_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_ENDPOINT, "%s", sentence);
      return NULL;
    }

  /* The code and the signature would cross the network in clear; local emulators such as
   * LocalStack listen on this computer, where nothing crosses it. */
  if (strcmp (scheme, "http") == 0 && !host_is_loopback (host))
    {
      g_set_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_ENDPOINT,
                   _("The endpoint URL %s would send the MFA code and the signed request "
                     "unencrypted: use https:// (plain http:// only for this computer: "
                     "localhost, 127.0.0.1 or ::1)."), url);
      return NULL;
    }

  port = g_uri_get_port (uri);
  path = g_uri_get_path (uri);

  self = g_new0 (AmtAwsEndpoint, 1);
  self->service = service;
  self->signing_name = service_name (service);
  self->api_version = service_api_version (service);
  self->signing_region = g_strdup (signing_region);
  self->path = g_strdup (path != NULL && *path != '\0' ? path : "/");
  {
    /* IPv6 literals keep their brackets in the Host header and the URL. */
    g_autofree char *host_part = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host)
                                                              : g_strdup (host);
    gboolean default_port = port == -1 ||
                            (port == 443 && strcmp (scheme, "https") == 0) ||
                            (port == 80 && strcmp (scheme, "http") == 0);

    self->host = default_port ? g_strdup (host_part)
                              : g_strdup_printf ("%s:%d", host_part, port);
    self->url = g_strdup_printf ("%s://%s%s", scheme, self->host, self->path);
  }

  return g_steal_pointer (&self);
}

/**
 * amt_aws_endpoint_resolve:
 * @region: (nullable): the profile's region (or AWS_REGION, as the caller resolved it)
 * @profile_endpoint_url: (nullable): the profile's `endpoint_url`
 * @envp: (nullable): the environment to read AWS_ENDPOINT_URL* from; %NULL for the process's
 *
 * Returns: (transfer full) (nullable): where to send @service's calls and how to sign them
 */
AmtAwsEndpoint *
amt_aws_endpoint_resolve (AmtAwsService        service,
                          const char          *region,
                          const char          *profile_endpoint_url,
                          const char * const  *envp,
                          GError             **error)
{
  const char *custom;
  g_autofree char *url = NULL;
  const char *signing_region;

  if (region != NULL && *region == '\0')
    region = NULL;

  custom = env_get (envp, service == AMT_AWS_SERVICE_IAM ? "AWS_ENDPOINT_URL_IAM"
                                                         : "AWS_ENDPOINT_URL_STS");
  if (custom == NULL)
    custom = env_get (envp, "AWS_ENDPOINT_URL");
  if (custom == NULL && profile_endpoint_url != NULL && *profile_endpoint_url != '\0')
    custom = profile_endpoint_url;

  if (custom != NULL)
    {
      AmtAwsEndpoint *endpoint;

      /* IAM is global: AWS (and the stand-in) take IAM signatures for us-east-1 only. */
      signing_region = (service == AMT_AWS_SERVICE_STS && region != NULL) ? region : DEFAULT_REGION;
      endpoint = amt_aws_endpoint_new_for_url (service, custom, signing_region, error);
      if (endpoint != NULL)
        endpoint->custom = TRUE;
      g_debug ("%s endpoint %s (custom), signed for %s", service_name (service),
               endpoint ? endpoint->url : "(invalid)", signing_region);
      return endpoint;
    }

  if (region != NULL && !region_is_valid (region))
    {
      g_autofree char *sentence = amt_aws_error_describe (AMT_AWS_ERROR_INVALID_ENDPOINT, 0);

      g_set_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_ENDPOINT, "%s", sentence);
      return NULL;
    }

  if (service == AMT_AWS_SERVICE_IAM)
    {
      /* The partitions' global IAM endpoints. */
      if (region != NULL && g_str_has_prefix (region, "cn-"))
        {
          url = g_strdup ("https://iam.cn-north-1.amazonaws.com.cn");
          signing_region = "cn-north-1";
        }
      else if (region != NULL && g_str_has_prefix (region, "us-gov-"))
        {
          url = g_strdup ("https://iam.us-gov.amazonaws.com");
          signing_region = "us-gov-west-1";
        }
      else
        {
          url = g_strdup ("https://iam.amazonaws.com");
          signing_region = DEFAULT_REGION;
        }
    }
  else if (region != NULL)
    {
      url = g_strdup_printf ("https://sts.%s.amazonaws.com%s", region,
                             g_str_has_prefix (region, "cn-") ? ".cn" : "");
      signing_region = region;
    }
  else
    {
      url = g_strdup ("https://sts.amazonaws.com");
      signing_region = DEFAULT_REGION;
    }

  g_debug ("%s endpoint %s, signed for %s", service_name (service), url, signing_region);

  return amt_aws_endpoint_new_for_url (service, url, signing_region, error);
}

/**
 * amt_aws_endpoint_resolve_ca_bundle:
 * @profile_ca_bundle: (nullable): the profile's `ca_bundle`
 *
 * Returns: (transfer full) (nullable): AWS_CA_BUNDLE, else @profile_ca_bundle, with a leading
 *   `~/` expanded; %NULL for the system's trust store
 */
char *
amt_aws_endpoint_resolve_ca_bundle (const char         *profile_ca_bundle,
                                    const char * const *envp)
{
  const char *path = env_get (envp, "AWS_CA_BUNDLE");

  if (path == NULL && profile_ca_bundle != NULL && *profile_ca_bundle != '\0')
    path = profile_ca_bundle;
  if (path == NULL)
    return NULL;

  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);

  return g_strdup (path);
}
