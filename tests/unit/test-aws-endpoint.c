/* test-aws-endpoint.c: endpoint and signing region resolution (DESIGN.md "Endpoints")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-aws-endpoint.h"
#include "amt-aws-error.h"

typedef struct {
  const char    *name;
  AmtAwsService  service;
  const char    *region;
  const char    *profile_url;
  const char    *env[4];
  const char    *url;
  const char    *host;
  const char    *signing_region;
} EndpointCase;

static const EndpointCase endpoint_cases[] = {
  { "sts global", AMT_AWS_SERVICE_STS, NULL, NULL, { NULL },
    "https://sts.amazonaws.com/", "sts.amazonaws.com", "us-east-1" },
  { "sts regional", AMT_AWS_SERVICE_STS, "eu-west-1", NULL, { NULL },
    "https://sts.eu-west-1.amazonaws.com/", "sts.eu-west-1.amazonaws.com", "eu-west-1" },
  { "sts china", AMT_AWS_SERVICE_STS, "cn-north-1", NULL, { NULL },
    "https://sts.cn-north-1.amazonaws.com.cn/", "sts.cn-north-1.amazonaws.com.cn", "cn-north-1" },
  { "iam global", AMT_AWS_SERVICE_IAM, "eu-west-1", NULL, { NULL },
    "https://iam.amazonaws.com/", "iam.amazonaws.com", "us-east-1" },
  { "iam no region", AMT_AWS_SERVICE_IAM, NULL, NULL, { NULL },
    "https://iam.amazonaws.com/", "iam.amazonaws.com", "us-east-1" },
  { "profile endpoint_url", AMT_AWS_SERVICE_STS, NULL, "https://127.0.0.1:8443", { NULL },
    "https://127.0.0.1:8443/", "127.0.0.1:8443", "us-east-1" },
  { "profile endpoint_url with region", AMT_AWS_SERVICE_STS, "eu-central-1", "https://localhost:8443/", { NULL },
    "https://localhost:8443/", "localhost:8443", "eu-central-1" },
  { "AWS_ENDPOINT_URL over profile", AMT_AWS_SERVICE_STS, NULL, "https://profile.example",
    { "AWS_ENDPOINT_URL=https://env.example:444", NULL },
    "https://env.example:444/", "env.example:444", "us-east-1" },
  { "AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL", AMT_AWS_SERVICE_STS, "eu-west-1", NULL,
    { "AWS_ENDPOINT_URL=https://env.example", "AWS_ENDPOINT_URL_STS=https://sts.example", NULL },
    "https://sts.example/", "sts.example", "eu-west-1" },
  { "AWS_ENDPOINT_URL_STS does not apply to IAM", AMT_AWS_SERVICE_IAM, "eu-west-1", NULL,
    { "AWS_ENDPOINT_URL_STS=https://sts.example", NULL },
    "https://iam.amazonaws.com/", "iam.amazonaws.com", "us-east-1" },
  { "AWS_ENDPOINT_URL_IAM signed for us-east-1", AMT_AWS_SERVICE_IAM, "eu-west-1", NULL,
    { "AWS_ENDPOINT_URL=https://env.example", "AWS_ENDPOINT_URL_IAM=https://iam.example:8443", NULL },
    "https://iam.example:8443/", "iam.example:8443", "us-east-1" },
  { "empty variables are unset", AMT_AWS_SERVICE_STS, "", "",
    { "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_STS=", NULL },
    "https://sts.amazonaws.com/", "sts.amazonaws.com", "us-east-1" },
  { "default port left out", AMT_AWS_SERVICE_STS, NULL, "https://example.com:443",
    { NULL }, "https://example.com/", "example.com", "us-east-1" },
  { "http and a path", AMT_AWS_SERVICE_STS, NULL, "http://localhost:4566/sts/",
    { NULL }, "http://localhost:4566/sts/", "localhost:4566", "us-east-1" },
  { "IPv6 literal", AMT_AWS_SERVICE_STS, NULL, "https://[::1]:8443",
    { NULL }, "https://[::1]:8443/", "[::1]:8443", "us-east-1" },
  { "http on 127.0.0.0/8 (LocalStack)", AMT_AWS_SERVICE_STS, NULL, "http://127.1.2.3:4566",
    { NULL }, "http://127.1.2.3:4566/", "127.1.2.3:4566", "us-east-1" },
  { "http on ::1", AMT_AWS_SERVICE_IAM, NULL, "http://[::1]:4566",
    { NULL }, "http://[::1]:4566/", "[::1]:4566", "us-east-1" },
};

static void
test_resolve (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoint_cases); i++)
    {
      const EndpointCase *c = &endpoint_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtAwsEndpoint) endpoint = NULL;

      g_test_message ("%s", c->name);
      endpoint = amt_aws_endpoint_resolve (c->service, c->region, c->profile_url, c->env, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (endpoint->url, ==, c->url);
      g_assert_cmpstr (endpoint->host, ==, c->host);
      g_assert_cmpstr (endpoint->signing_region, ==, c->signing_region);
      g_assert_cmpstr (endpoint->signing_name, ==, c->service == AMT_AWS_SERVICE_IAM ? "iam" : "sts");
      g_assert_cmpstr (endpoint->api_version, ==,
                       c->service == AMT_AWS_SERVICE_IAM ? "2010-05-08" : "2011-06-15");
    }
}

static void
test_invalid (void)
{
  const char *urls[] = {
    "ftp://example.com", "example.com", "https://", "https://user:pw@example.com",
    "https://example.com/?a=b", "not a url",
    /* Plain http:// off this computer would send the code and the signature in clear. */
    "http://sts.amazonaws.com", "http://10.0.0.1:4566", "http://[::2]:4566",
    "http://localhost.evil.example", "http://128.0.0.1",
  };
  const char * const no_env[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AmtAwsEndpoint) endpoint = amt_aws_endpoint_resolve (AMT_AWS_SERVICE_STS, NULL, urls[i],
                                                                     no_env, &error);

      g_assert_null (endpoint);
      g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_ENDPOINT);
      if (g_str_has_prefix (urls[i], "http://"))
        g_assert_nonnull (strstr (error->message, "https://"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AmtAwsEndpoint) endpoint = amt_aws_endpoint_resolve (AMT_AWS_SERVICE_STS, "evil.com/x",
                                                                   NULL, no_env, &error);

    g_assert_null (endpoint);
    g_assert_error (error, AMT_AWS_ERROR, AMT_AWS_ERROR_INVALID_ENDPOINT);
  }
}

static void
test_ca_bundle (void)
{
  const char * const no_env[] = { NULL };
  const char * const env[] = { "AWS_CA_BUNDLE=/env/ca.pem", NULL };
  const char * const empty_env[] = { "AWS_CA_BUNDLE=", NULL };
  g_autofree char *none = amt_aws_endpoint_resolve_ca_bundle (NULL, no_env);
  g_autofree char *profile = amt_aws_endpoint_resolve_ca_bundle ("/profile/ca.pem", no_env);
  g_autofree char *from_env = amt_aws_endpoint_resolve_ca_bundle ("/profile/ca.pem", env);
  g_autofree char *empty = amt_aws_endpoint_resolve_ca_bundle ("/profile/ca.pem", empty_env);
  g_autofree char *home = amt_aws_endpoint_resolve_ca_bundle ("~/ca.pem", no_env);
  g_autofree char *expected_home = g_build_filename (g_get_home_dir (), "ca.pem", NULL);

  g_assert_null (none);
  g_assert_cmpstr (profile, ==, "/profile/ca.pem");
  g_assert_cmpstr (from_env, ==, "/env/ca.pem");
  g_assert_cmpstr (empty, ==, "/profile/ca.pem");
  g_assert_cmpstr (home, ==, expected_home);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aws-endpoint/resolve", test_resolve);
  g_test_add_func ("/aws-endpoint/invalid", test_invalid);
  g_test_add_func ("/aws-endpoint/ca-bundle", test_ca_bundle);

  return g_test_run ();
}
