/* fuzz-response.c: libFuzzer target for the AWS response parser (XML and JSON)
 *
 * The first byte picks the Content-Type (odd: JSON, even: XML), the rest is the body. For any
 * bytes: parsing fails cleanly or gives a tree in which every lookup the client makes works,
 * an error body classifies into a code with a sentence, and a timestamp parses or is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-fuzz-response"

#include "config.h"

#include <stdint.h>

#include "amt-aws-error.h"
#include "amt-aws-response.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char * const paths[] = {
  "GetSessionTokenResult/Credentials/AccessKeyId",
  "GetSessionTokenResult/Credentials/Expiration",
  "AssumeRoleResult/Credentials/SessionToken",
  "AssumeRoleResult/AssumedRoleUser/Arn",
  "GetCallerIdentityResult/Arn",
  "ListMFADevicesResult/IsTruncated",
  "ListMFADevicesResult/Marker",
  "Error/Code",
  "Error/Message",
  "ResponseMetadata/RequestId",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(AmtAwsNode) root = NULL;
  g_autoptr(GError) error = NULL;
  AmtAwsErrorInfo info = { 0, };
  const char *content_type;

  if (size < 1)
    return 0;

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  content_type = (data[0] & 1) ? "application/json" : "text/xml";
  root = amt_aws_response_parse ((const char *) data + 1, size - 1, content_type, &error);
  if (root == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *text = amt_aws_node_lookup_text (root, paths[i]);
      g_autoptr(GPtrArray) all = amt_aws_node_lookup_all (root, paths[i]);

      if (text != NULL)
        {
          g_autoptr(GDateTime) when = amt_aws_parse_timestamp (text);

          (void) when;
        }
      (void) all;
    }

  {
    g_autoptr(GPtrArray) devices = amt_aws_node_lookup_all (root, "ListMFADevicesResult/MFADevices/member");

    for (guint i = 0; devices != NULL && i < devices->len; i++)
      (void) amt_aws_node_lookup_text (g_ptr_array_index (devices, i), "SerialNumber");
  }

  for (guint status = 400; status <= 503; status += 103)
    if (amt_aws_response_get_error (root, status, &info))
      {
        gint64 max_duration = 0;
        AmtAwsError code = amt_aws_error_classify (&info, &max_duration);
        g_autofree char *sentence = amt_aws_error_describe (code, max_duration);
        g_autoptr(GError) user_error = amt_aws_error_new_from_info (&info);

        g_assert_nonnull (sentence);
        g_assert_true (user_error->domain == AMT_AWS_ERROR);
      }

  return 0;
}
