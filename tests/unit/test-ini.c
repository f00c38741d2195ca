/* test-ini.c: the lossless INI document: round trips, queries, edits that touch only their lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "amt-ini.h"

static AmtIniDocument *
parse (const char *text)
{
  return amt_ini_document_new_from_data (text, strlen (text));
}

static char *
serialize (AmtIniDocument *doc)
{
  gsize length;
  char *data = amt_ini_document_serialize (doc, &length);

  g_assert_cmpuint (strlen (data), ==, length);
  return data;
}

static void
assert_round_trip (const char *data,
                   gsize       length)
{
  g_autoptr(AmtIniDocument) doc = amt_ini_document_new_from_data (data, length);
  gsize out_length;
  g_autofree char *out = amt_ini_document_serialize (doc, &out_length);

  g_assert_cmpmem (out, out_length, data, length);
}

/* Splits keeping each line's ending, so that a CRLF turned LF is a difference. */
static GPtrArray *
split_keep_ends (const char *text)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *end = p;

      while (*end != '\0' && *end != '\n' && *end != '\r')
        end++;
      if (*end == '\r' && end[1] == '\n')
        end += 2;
      else if (*end != '\0')
        end++;
      g_ptr_array_add (lines, g_strndup (p, end - p));
      p = end;
    }

  return lines;
}

/* Asserts that @before and @after differ only in lines [first, last) of @before (numbered
 * from 0), the range of the section that was edited. */
static void
assert_changed_only_within (const char *before,
                            const char *after,
                            guint       first,
                            guint       last)
{
  g_autoptr(GPtrArray) a = split_keep_ends (before);
  g_autoptr(GPtrArray) b = split_keep_ends (after);
  guint prefix = 0, suffix = 0;

  while (prefix < a->len && prefix < b->len &&
         g_str_equal (a->pdata[prefix], b->pdata[prefix]))
    prefix++;
  while (suffix < a->len - prefix && suffix < b->len - prefix &&
         g_str_equal (a->pdata[a->len - 1 - suffix], b->pdata[b->len - 1 - suffix]))
    suffix++;

  if (prefix == a->len && prefix == b->len)
    return;

  g_assert_cmpuint (prefix, >=, first);
  g_assert_cmpuint (a->len - suffix, <=, last);
}

/* Round trips */

static void
test_ini_round_trip_corpus (void)
{
  const char *tests_dir = g_getenv ("AMT_TESTS_DIR");
  g_autofree char *corpus = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;

  if (tests_dir == NULL)
    {
      g_test_skip ("AMT_TESTS_DIR is not set (run through meson test)");
      return;
    }

  corpus = g_build_filename (tests_dir, "files", "corpus", NULL);
  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus, name, NULL);
      g_autofree char *data = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      assert_round_trip (data, length);
      count++;
    }

  g_assert_cmpuint (count, >=, 20);
}

static void
test_ini_round_trip_shapes (void)
{
  static const char * const shapes[] = {
    "",
    "\n",
    "\r\n",
    "\r",
    "[a]",
    "[a]\r\nk = v",
    "[a]\n\n\n",
    "\xef\xbb\xbf[default]\r\nk=v\r\n",
    "\xef\xbb\xbf",
    "[a]\rk=v\r\n\n\r",
    "garbage before\n[a]\n",
    "[a]\nk = \xff\n",
    "\t\t\n  \n[a]\n\tk\t=\tv\t\n",
  };
  GString *big = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    assert_round_trip (shapes[i], strlen (shapes[i]));

  /* A NUL byte, and lines far longer than any buffer. */
  assert_round_trip ("[a]\nk = a\0b\n", 12);
  g_string_append (big, "[a]\nk = ");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (big, 'A' + i % 26);
  g_string_append (big, "\r\n# ");
  for (guint i = 0; i < 50000; i++)
    g_string_append (big, "\xc3\xa9");
  assert_round_trip (big->str, big->len);
  g_string_free (big, TRUE);
}

static GString *
make_many_profiles (guint       count,
                    const char *eol)
{
  GString *text = g_string_new ("# generated\n");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (text,
                            "[profile-%u]%s"
                            "aws_access_key_id = AKIA%012u%s"
                            "aws_secret_access_key = secret/%u+key%s"
                            "region = eu-west-%u%s"
                            "%s",
                            i, eol, i, eol, i, eol, i % 3, eol, eol);
  return text;
}

static void
test_ini_many_profiles (void)
{
  g_autoptr(GString) text = make_many_profiles (5000, "\n");
  g_autoptr(AmtIniDocument) doc = amt_ini_document_new_from_data (text->str, text->len);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);
  g_autofree char *after = NULL;
  guint header;

  assert_round_trip (text->str, text->len);
  g_assert_true (amt_ini_document_check (doc, "many", &error));
  g_assert_cmpuint (g_strv_length (sections), ==, 5000);
  g_assert_cmpstr (amt_ini_document_get_value (doc, "profile-4321", "REGION"), ==, "eu-west-1");

  /* Replace a section in the middle: only its lines change. */
  header = amt_ini_document_get_section_line (doc, "profile-2500") - 1;
  g_assert_true (amt_ini_document_set_value (doc, "profile-2500", "aws_access_key_id", "NEW", &error));
  g_assert_true (amt_ini_document_set_value (doc, "profile-2500", "aws_session_token", "TOKEN", &error));
  g_assert_no_error (error);
  after = serialize (doc);
  assert_changed_only_within (text->str, after, header, header + 5);
  g_assert_cmpstr (amt_ini_document_get_value (doc, "profile-2500", "aws_session_token"), ==, "TOKEN");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "profile-2501", "aws_access_key_id"), ==,
                   "AKIA000000002501");
}

/* Queries: botocore's reading */

static void
test_ini_values (void)
{
  g_autoptr(AmtIniDocument) doc =
    parse ("# top comment\n"
           "[default]\n"
           "Region = us-east-1\n"
           "output: json\n"
           "colon:in=value\n"
           "equals = a=b:c\n"
           "spaced   =   padded value   \n"
           "inline = v # not a comment ; either\n"
           "empty =\n"
           "multi = first\n"
           "  second\n"
           "\n"
           "  # a comment does not end it\n"
           "  third\n"
           "\n"
           "[profile dev]\n"
           "s3 =\n"
           "  max_concurrent_requests = 10\n"
           "  Signature_Version=s3v4\n"
           "[DEFAULT]\n"
           "inherited = yes\n"
           "region = from-default\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) nested = NULL;
  g_auto(GStrv) sections = NULL;
  g_auto(GStrv) keys = NULL;

  g_assert_true (amt_ini_document_check (doc, "test", &error));

  sections = amt_ini_document_get_sections (doc);
  g_assert_cmpstrv (sections, ((const char * const[]) { "default", "profile dev", NULL }));

  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "region"), ==, "us-east-1");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "REGION"), ==, "us-east-1");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "output"), ==, "json");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "colon"), ==, "in=value");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "equals"), ==, "a=b:c");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "spaced"), ==, "padded value");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "inline"), ==,
                   "v # not a comment ; either");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "empty"), ==, "");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "multi"), ==,
                   "first\nsecond\n\nthird");
  g_assert_null (amt_ini_document_get_value (doc, "default", "missing"));
  g_assert_null (amt_ini_document_get_value (doc, "dev", "s3"));

  /* [DEFAULT] is inherited by every section, but does not override. */
  g_assert_cmpstr (amt_ini_document_get_value (doc, "default", "inherited"), ==, "yes");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "profile dev", "region"), ==, "from-default");
  g_assert_false (amt_ini_document_has_section (doc, "DEFAULT"));

  keys = amt_ini_document_get_keys (doc, "profile dev");
  g_assert_cmpstrv (keys, ((const char * const[]) { "s3", "inherited", "region", NULL }));

  nested = amt_ini_document_get_nested (doc, "profile dev", "s3");
  g_assert_nonnull (nested);
  g_assert_cmpuint (g_hash_table_size (nested), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (nested, "max_concurrent_requests"), ==, "10");
  g_assert_cmpstr (g_hash_table_lookup (nested, "Signature_Version"), ==, "s3v4");
  g_assert_null (amt_ini_document_get_nested (doc, "default", "region"));
}

static void
test_ini_headers (void)
{
  g_autoptr(AmtIniDocument) doc =
    parse ("[a]b]\nk = 1\n"
           "[name] junk after\nk = 2\n"
           "[empty]\n"
           "  [indented]\nk = 3\n"
           "[profile x]\n"
           "k = 4\n"
           "  [not a header: a continuation]\n"
           "[sso-session corp]\nsso_region = us-east-1\n"
           "[services local]\ns3 =\n  endpoint_url = http://localhost\n"
           "[Default]\nk = 5\n"
           "[\xe5\xbc\x80\xe5\x8f\x91]\n\xe9\x94\xae = \xe5\x80\xbc\n");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sections = NULL;

  g_assert_true (amt_ini_document_check (doc, "test", &error));
  sections = amt_ini_document_get_sections (doc);
  g_assert_cmpstrv (sections, ((const char * const[]) {
    "a]b", "name", "empty", "indented", "profile x", "sso-session corp", "services local", "Default",
    "\xe5\xbc\x80\xe5\x8f\x91", NULL }));
  g_assert_cmpstr (amt_ini_document_get_value (doc, "profile x", "k"), ==,
                   "4\n[not a header: a continuation]");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "\xe5\xbc\x80\xe5\x8f\x91", "\xe9\x94\xae"), ==,
                   "\xe5\x80\xbc");
  g_assert_cmpuint (amt_ini_document_get_section_line (doc, "indented"), ==, 6);
}

static void
test_ini_crlf_and_unicode_space (void)
{
  g_autoptr(AmtIniDocument) doc =
    parse ("[a]\r\nk = v\xc2\xa0\r\n\xe3\x80\x80j\xe2\x80\x83= x\r\nm=\xe2\x80\x82y\r");
  g_autoptr(GError) error = NULL;

  g_assert_true (amt_ini_document_check (doc, "test", &error));
  /* Python strips U+00A0; a line indented by U+3000 continues the value. */
  g_assert_cmpstr (amt_ini_document_get_value (doc, "a", "k"), ==, "v\nj\xe2\x80\x83= x");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "a", "m"), ==, "y");
}

typedef struct {
  const char  *text;
  AmtIniError  code;
  const char  *message;
} ProblemCase;

static void
test_ini_problems (void)
{
  static const ProblemCase cases[] = {
    { "[default]\nk = 1\n\n[dev]\nk = 1\n\n[dev]\nk = 2\n", AMT_INI_ERROR_DUPLICATE_SECTION,
      "~/.aws/credentials, line 7: the section [dev] appears twice (first on line 4); "
      "remove one of them." },
    { "[dev]\nRegion = a\nregion = b\n", AMT_INI_ERROR_DUPLICATE_KEY,
      "~/.aws/credentials, line 3: the key “region” appears twice in [dev] (first on line 2); "
      "remove one of them." },
    { "[DEFAULT]\nk = 1\n[a]\n[DEFAULT]\nk = 2\n", AMT_INI_ERROR_DUPLICATE_KEY, NULL },
    { "# comment\nk = v\n[a]\n", AMT_INI_ERROR_MISSING_SECTION_HEADER,
      "~/.aws/credentials, line 2: this line comes before the first [section] header; move it "
      "into a section or remove it." },
    { "[a]\nno delimiter\n", AMT_INI_ERROR_SYNTAX, NULL },
    { "[a]\n[]\n", AMT_INI_ERROR_SYNTAX, NULL },
    { "[a]\n = v\n", AMT_INI_ERROR_SYNTAX, NULL },
    { "[a]\ns3 =\n  x = 1\n  y\n", AMT_INI_ERROR_NESTED, NULL },
    { "\xef\xbb\xbf[a]\n", AMT_INI_ERROR_ENCODING, NULL },
    { "[a]\nk = \xc3\x28\n", AMT_INI_ERROR_ENCODING, NULL },
    /* The first problem in the file is the one reported. */
    { "[a]\nbad\n[a]\n", AMT_INI_ERROR_SYNTAX, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AmtIniDocument) doc = parse (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) edit_error = NULL;

      g_test_message ("case %u", i);
      g_assert_false (amt_ini_document_check (doc, "~/.aws/credentials", &error));
      g_assert_error (error, AMT_INI_ERROR, (int) cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);

      /* Never "fixed": edits are refused, and the bytes stay. */
      g_assert_false (amt_ini_document_add_section (doc, "new", &edit_error));
      g_assert_nonnull (edit_error);
      assert_round_trip (cases[i].text, strlen (cases[i].text));
    }

  {
    /* A bad indented block under [DEFAULT] fails only when a section inherits it. */
    g_autoptr(AmtIniDocument) alone = parse ("[DEFAULT]\ns3 =\n  y\n");
    g_autoptr(AmtIniDocument) inherited = parse ("[DEFAULT]\ns3 =\n  y\n[a]\n");

    g_assert_true (amt_ini_document_check (alone, "x", NULL));
    g_assert_false (amt_ini_document_check (inherited, "x", NULL));
  }
}

/* Edits */

static void
test_ini_set_existing (void)
{
  const char *before =
    "# keep me\n"
    "[dev]\n"
    "  AWS_Access_Key_Id   :   OLD   \n"
    "aws_session_token =\n"
    "aws_secret_access_key = old\n"
    "  continued\n"
    "  # kept comment\n"
    "  more\n"
    "region = eu-west-1\n"
    "\n"
    "[prod]\n"
    "aws_access_key_id = PROD\n";
  g_autoptr(AmtIniDocument) doc = parse (before);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_true (amt_ini_document_set_value (doc, "dev", "aws_access_key_id", "NEW", &error));
  g_assert_true (amt_ini_document_set_value (doc, "dev", "aws_session_token", "TOKEN", &error));
  g_assert_true (amt_ini_document_set_value (doc, "dev", "aws_secret_access_key", "s", &error));
  g_assert_no_error (error);

  after = serialize (doc);
  g_assert_cmpstr (after, ==,
                   "# keep me\n"
                   "[dev]\n"
                   "  AWS_Access_Key_Id = NEW\n"
                   "aws_session_token = TOKEN\n"
                   "aws_secret_access_key = s\n"
                   "  # kept comment\n"
                   "region = eu-west-1\n"
                   "\n"
                   "[prod]\n"
                   "aws_access_key_id = PROD\n");
  assert_changed_only_within (before, after, 1, 10);
}

/* Several keys in one edit give what one edit after the other gives. */
static void
test_ini_set_values_batch (void)
{
  const char *before =
    "# keep me\n"
    "[dev]\n"
    "  AWS_Access_Key_Id   :   OLD   \n"
    "aws_session_token = old-token\n"
    "  continued\n"
    "aws_secret_access_key = old\n"
    "  continued\n"
    "  # kept comment\n"
    "  more\n"
    "expiration = 2020-01-01T00:00:00Z\n"
    "region = eu-west-1\n"
    "\n"
    "[prod]\n"
    "aws_access_key_id = PROD\n";
  const char *pairs[] = {
    "aws_secret_access_key", "s",
    "expiration", NULL,
    "aws_access_key_id", "NEW",
    "mfa_serial", "arn:aws:iam::111111111111:mfa/alice",
    "aws_session_token", "TOKEN",
    "output", "json",
    "mfa_serial", "GAHT12345678",       /* given twice: the last one counts */
  };
  g_autoptr(AmtIniDocument) doc = parse (before);
  g_autoptr(AmtIniDocument) one_by_one = parse (before);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (amt_ini_document_set_values (doc, "dev", pairs, G_N_ELEMENTS (pairs) / 2, &error));
  g_assert_no_error (error);
  after = serialize (doc);
  g_assert_cmpstr (after, ==,
                   "# keep me\n"
                   "[dev]\n"
                   "  AWS_Access_Key_Id = NEW\n"
                   "aws_session_token = TOKEN\n"
                   "aws_secret_access_key = s\n"
                   "  # kept comment\n"
                   "region = eu-west-1\n"
                   "mfa_serial = GAHT12345678\n"
                   "output = json\n"
                   "\n"
                   "[prod]\n"
                   "aws_access_key_id = PROD\n");

  g_assert_true (amt_ini_document_set_value (one_by_one, "dev", "aws_secret_access_key", "s", NULL));
  g_assert_true (amt_ini_document_remove_key (one_by_one, "dev", "expiration", NULL));
  g_assert_true (amt_ini_document_set_value (one_by_one, "dev", "aws_access_key_id", "NEW", NULL));
  g_assert_true (amt_ini_document_set_value (one_by_one, "dev", "aws_session_token", "TOKEN", NULL));
  g_assert_true (amt_ini_document_set_value (one_by_one, "dev", "mfa_serial", "GAHT12345678", NULL));
  g_assert_true (amt_ini_document_set_value (one_by_one, "dev", "output", "json", NULL));
  expected = serialize (one_by_one);
  g_assert_cmpstr (after, ==, expected);

  /* Removing a key that is not there does nothing; a bad value anywhere refuses them all. */
  {
    const char *missing[] = { "nothing_here", NULL };
    const char *bad[] = { "region", "us-east-1", "output", "two\nlines" };
    g_autofree char *unchanged = NULL;

    g_assert_true (amt_ini_document_set_values (doc, "dev", missing, 1, &error));
    g_assert_false (amt_ini_document_set_values (doc, "dev", bad, 2, &error));
    g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_VALUE);
    unchanged = serialize (doc);
    g_assert_cmpstr (unchanged, ==, after);
  }
}

static void
test_ini_add_key (void)
{
  const char *before =
    "[dev]\r\n"
    "  region = eu-west-1\r\n"
    "  s3 =\r\n"
    "      max_concurrent_requests = 10\r\n"
    "\r\n"
    "# about prod\r\n"
    "[prod]\r\n"
    "k = v\r\n"
    "[empty]\r\n"
    "\r\n"
    "  [indented-next]\r\n"
    "k = v";
  g_autoptr(AmtIniDocument) doc = parse (before);
  g_autoptr(GHashTable) nested = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_true (amt_ini_document_set_value (doc, "dev", "expiration", "2026-11-23T18:04:05Z", &error));
  g_assert_true (amt_ini_document_set_value (doc, "empty", "a", "1", &error));
  g_assert_true (amt_ini_document_set_value (doc, "indented-next", "b", "2", &error));
  g_assert_no_error (error);

  after = serialize (doc);
  g_assert_cmpstr (after, ==,
                   "[dev]\r\n"
                   "  region = eu-west-1\r\n"
                   "  s3 =\r\n"
                   "      max_concurrent_requests = 10\r\n"
                   "  expiration = 2026-11-23T18:04:05Z\r\n"
                   "\r\n"
                   "# about prod\r\n"
                   "[prod]\r\n"
                   "k = v\r\n"
                   "[empty]\r\n"
                   "  a = 1\r\n"
                   "\r\n"
                   "  [indented-next]\r\n"
                   "k = v\r\n"
                   "b = 2\r\n");
  g_assert_cmpstr (amt_ini_document_get_value (doc, "dev", "region"), ==, "eu-west-1");
  nested = amt_ini_document_get_nested (doc, "dev", "s3");
  g_assert_nonnull (nested);
}

static void
test_ini_add_section (void)
{
  struct {
    const char *before;
    const char *after;
  } cases[] = {
    { "", "[new]\nk = v\n" },
    { "[a]\nx = 1\n", "[a]\nx = 1\n\n[new]\nk = v\n" },
    { "[a]\nx = 1", "[a]\nx = 1\n\n[new]\nk = v\n" },
    { "[a]\nx = 1\n\n", "[a]\nx = 1\n\n[new]\nk = v\n" },
    { "[a]\r\nx = 1\r\n", "[a]\r\nx = 1\r\n\r\n[new]\r\nk = v\r\n" },
    { "# only a comment", "# only a comment\n\n[new]\nk = v\n" },
    { "[a]\nx = 1\n  continued\n", "[a]\nx = 1\n  continued\n\n[new]\nk = v\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AmtIniDocument) doc = parse (cases[i].before);
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_autofree char *removed = NULL;

      g_assert_true (amt_ini_document_add_section (doc, "new", &error));
      g_assert_true (amt_ini_document_set_value (doc, "new", "k", "v", &error));
      g_assert_no_error (error);
      after = serialize (doc);
      g_assert_cmpstr (after, ==, cases[i].after);

      g_assert_false (amt_ini_document_add_section (doc, "new", &error));
      g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_EXISTS);

      /* Removing it again gives back the file, but for a final line ending it gained (and
       * blank lines it ended with). */
      g_assert_true (amt_ini_document_remove_section (doc, "new", NULL));
      removed = serialize (doc);
      if ((g_str_has_suffix (cases[i].before, "\n") && !g_str_has_suffix (cases[i].before, "\n\n")) ||
          cases[i].before[0] == '\0')
        g_assert_cmpstr (removed, ==, cases[i].before);
    }
}

static void
test_ini_remove (void)
{
  const char *before =
    "[a]\n"
    "k = 1\n"
    "s3 =\n"
    "  x = 1\n"
    "  # inside\n"
    "  y = 2\n"
    "after = 2\n"
    "\n"
    "# about b\n"
    "[b]\n"
    "k = 2\n"
    "\n"
    "[c]\n"
    "k = 3\n";
  g_autoptr(AmtIniDocument) doc = parse (before);
  g_autoptr(GError) error = NULL;
  g_autofree char *after_key = NULL;
  g_autofree char *after_section = NULL;

  g_assert_true (amt_ini_document_remove_key (doc, "a", "S3", &error));
  g_assert_no_error (error);
  after_key = serialize (doc);
  g_assert_cmpstr (after_key, ==,
                   "[a]\nk = 1\nafter = 2\n\n# about b\n[b]\nk = 2\n\n[c]\nk = 3\n");
  g_assert_false (amt_ini_document_remove_key (doc, "a", "s3", &error));
  g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (amt_ini_document_remove_section (doc, "b", &error));
  g_assert_no_error (error);
  after_section = serialize (doc);
  g_assert_cmpstr (after_section, ==, "[a]\nk = 1\nafter = 2\n\n# about b\n[c]\nk = 3\n");
  g_assert_false (amt_ini_document_remove_section (doc, "b", &error));
  g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND);
}

static void
test_ini_unsafe_edits (void)
{
  /* Without [a], the indented [b] would become a continuation of x. */
  const char *before = "[x]\nx = 1\n[a]\n   k = 1\n   [b]\nj = 2\n";
  g_autoptr(AmtIniDocument) doc = parse (before);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_true (amt_ini_document_check (doc, "t", NULL));
  g_assert_false (amt_ini_document_remove_section (doc, "a", &error));
  g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_UNSAFE_EDIT);
  after = serialize (doc);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (amt_ini_document_get_value (doc, "b", "j"), ==, "2");
}

static void
test_ini_invalid_input (void)
{
  g_autoptr(AmtIniDocument) doc = parse ("[a]\nk = v\n");
  static const char * const bad_values[] = { "two\nlines", "cr\r", " leading", "trailing\t",
                                             "\xff", "nbsp\xc2\xa0" };
  static const char * const bad_keys[] = { "", "a=b", "a:b", "#k", ";k", "[k]", " k", "k\n" };
  static const char * const bad_sections[] = { "", "a]", "DEFAULT", " a", "a\nb" };

  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (amt_ini_document_set_value (doc, "a", "k", bad_values[i], &error));
      g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_VALUE);
      /* The message never repeats the value: it may be a secret. */
      g_assert_null (strstr (error->message, bad_values[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (amt_ini_document_set_value (doc, "a", bad_keys[i], "v", &error));
      g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_NAME);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_sections); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (amt_ini_document_add_section (doc, bad_sections[i], &error));
      g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_NAME);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (amt_ini_document_set_value (doc, "missing", "k", "v", &error));
    g_assert_error (error, AMT_INI_ERROR, AMT_INI_ERROR_NOT_FOUND);
  }

  {
    g_autofree char *after = serialize (doc);

    g_assert_cmpstr (after, ==, "[a]\nk = v\n");
  }
}

/* One pass (amt_ini_splice_set_values(), amt_ini_document_new_for_section()) against the whole
 * document: the same bytes, the same refusals, the same values. */

static const char * const session_pairs[] = {
  "aws_access_key_id", "ASIAEXAMPLE", "aws_secret_access_key", "c2VjcmV0",
  "aws_session_token", "IQoJb3JpZ2lu", "expiration", "2026-12-02T18:00:00Z",
};
static const char * const mixed_pairs[] = { "k", NULL, "region", "", "Tabbed", "x y" };

/* Returns whether the splice vouched for @data (for every section the same). Every @step-th
 * section is edited, and the last one. */
static gboolean
assert_splice_matches_sections (const char *data,
                                gsize       length,
                                guint       step)
{
  g_autoptr(AmtIniDocument) doc = amt_ini_document_new_from_data (data, length);
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);
  gboolean valid = amt_ini_document_check (doc, "t", NULL);
  gboolean vouched = FALSE;

  for (guint i = 0; sections[i] != NULL; i++)
    for (guint e = 0; e < 2 && (i % step == 0 || sections[i + 1] == NULL); e++)
      {
        const char * const *pairs = e == 0 ? session_pairs : mixed_pairs;
        guint n_pairs = e == 0 ? G_N_ELEMENTS (session_pairs) / 2 : G_N_ELEMENTS (mixed_pairs) / 2;
        g_autoptr(AmtIniDocument) edited = amt_ini_document_new_from_data (data, length);
        g_autoptr(GError) doc_error = NULL;
        g_autoptr(GError) splice_error = NULL;
        g_autofree char *expected = NULL;
        gsize expected_length;
        char *output = NULL;
        gsize output_length = 0;
        gboolean doc_ok = amt_ini_document_set_values (edited, sections[i], pairs, n_pairs,
                                                       &doc_error);
        AmtIniSpliceResult result = amt_ini_splice_set_values (data, length, sections[i],
                                                               pairs, n_pairs, &output,
                                                               &output_length, &splice_error);

        if (result == AMT_INI_SPLICE_NEEDS_DOCUMENT)
          {
            g_assert_no_error (splice_error);
            g_assert_false (vouched);
            continue;
          }

        /* The scan never vouches for a file that the document refuses. */
        g_assert_true (valid);
        vouched = TRUE;
        if (!doc_ok)
          {
            g_assert_cmpint (result, ==, AMT_INI_SPLICE_FAILED);
            g_assert_error (splice_error, doc_error->domain, doc_error->code);
            continue;
          }
        g_assert_no_error (splice_error);
        g_assert_cmpint (result, ==, AMT_INI_SPLICE_DONE);
        expected = amt_ini_document_serialize (edited, &expected_length);
        g_assert_cmpmem (output, output_length, expected, expected_length);
        amt_secret_free_sized (output, output_length);
      }

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autoptr(AmtIniDocument) part = NULL;
      g_auto(GStrv) keys = NULL;

      if (i % step != 0 && sections[i + 1] != NULL)
        continue;
      part = amt_ini_document_new_for_section (data, length, sections[i]);
      if (part == NULL)
        continue;
      keys = amt_ini_document_get_keys (doc, sections[i]);
      g_assert_true (valid);
      for (guint k = 0; keys[k] != NULL; k++)
        g_assert_cmpstr (amt_ini_document_get_value (part, sections[i], keys[k]), ==,
                         amt_ini_document_get_value (doc, sections[i], keys[k]));
    }

  return vouched;
}

static gboolean
assert_splice_matches_document (const char *data,
                                gsize       length)
{
  return assert_splice_matches_sections (data, length, 1);
}

static void
test_ini_splice_corpus (void)
{
  /* Files the scan must vouch for (those it leaves to the document are slower, not wrong). */
  static const char * const ordinary[] = {
    "blank-continuation.ini", "comments.ini", "config-profiles.ini", "crlf.ini",
    "empty-values.ini", "long-lines.ini", "long-term.ini", "mixed-eol.ini", "nested-s3.ini",
    "no-final-newline.ini", "odd-names.ini", "plain-credentials.ini", "tabs.ini",
    "unicode-space.ini",
  };
  const char *tests_dir = g_getenv ("AMT_TESTS_DIR");
  g_autofree char *corpus = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;

  if (tests_dir == NULL)
    {
      g_test_skip ("AMT_TESTS_DIR is not set (run through meson test)");
      return;
    }

  corpus = g_build_filename (tests_dir, "files", "corpus", NULL);
  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus, name, NULL);
      g_autofree char *data = NULL;
      gsize length;
      gboolean vouched;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      vouched = assert_splice_matches_document (data, length);
      if (g_strv_contains (ordinary, name))
        {
          g_test_message ("%s", name);
          g_assert_true (vouched);
          count++;
        }
    }

  g_assert_cmpuint (count, ==, G_N_ELEMENTS (ordinary));
}

static void
test_ini_splice_shapes (void)
{
  static const char * const vouched[] = {
    "[a]\n[b]\nk = 1\n",                              /* an empty section, then another */
    "[a]\n  k = 1\n  [b]\nj = 2\n",                   /* keys indented, a header too */
    "[x]\nx = 1\n[a]\n   k = 1\n   [b]\nj = 2\n",
    "[a]\r\nk = 1\r\n[b]\r\nj = 2",                   /* CRLF, no final line ending */
    "[a]\rk = 1\r[b]\rj = 2\r",                       /* CR */
    "[a]\nk = 1\n  more\n\n# c\n[b]\r\n\r\nj = 2\r\n",
    "# für Zugangsdaten\n[a]\nk = 1\n[b]\nregion = eu-central-1\n",
    "[a]\n",
    "[a]",
  };
  static const char * const left_to_document[] = {
    "\xef\xbb\xbf[a]\nk = 1\n",                       /* a byte-order mark */
    "[a]\nk = 1\n[a]\nj = 2\n",                       /* a repeated section */
    "[a]\nk = 1\nK = 2\n",                            /* a repeated key */
    "k = 1\n[a]\n",                                   /* a key before the first header */
    "[a]\njunk\n",
    "[a]\ns3 =\n  nothing\n",                         /* a sub-section line without '=' */
    "[DEFAULT]\nk = 1\n[a]\n[DEFAULT]\nj = 2\n",      /* two [DEFAULT] blocks */
    "[a]\nKÉY = 1\n",                                 /* a key lowercased by Unicode */
  };

  for (guint i = 0; i < G_N_ELEMENTS (vouched); i++)
    {
      g_test_message ("%s", vouched[i]);
      g_assert_true (assert_splice_matches_document (vouched[i], strlen (vouched[i])));
    }
  for (guint i = 0; i < G_N_ELEMENTS (left_to_document); i++)
    {
      g_test_message ("%s", left_to_document[i]);
      g_assert_false (assert_splice_matches_document (left_to_document[i],
                                                      strlen (left_to_document[i])));
    }
}

/* The splice copies only the section's bytes: a file of 5000 profiles is edited the same. */
static void
test_ini_splice_many_profiles (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "[p%u]\naws_access_key_id = AKIA%u\naws_secret_access_key = s%u\n\n",
                            i, i, i);
  g_assert_true (assert_splice_matches_sections (text->str, text->len, 1000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ini/round-trip/corpus", test_ini_round_trip_corpus);
  g_test_add_func ("/ini/round-trip/shapes", test_ini_round_trip_shapes);
  g_test_add_func ("/ini/round-trip/5000-profiles", test_ini_many_profiles);
  g_test_add_func ("/ini/read/values", test_ini_values);
  g_test_add_func ("/ini/read/headers", test_ini_headers);
  g_test_add_func ("/ini/read/crlf-unicode-space", test_ini_crlf_and_unicode_space);
  g_test_add_func ("/ini/read/problems", test_ini_problems);
  g_test_add_func ("/ini/edit/set-existing", test_ini_set_existing);
  g_test_add_func ("/ini/edit/set-values-batch", test_ini_set_values_batch);
  g_test_add_func ("/ini/edit/add-key", test_ini_add_key);
  g_test_add_func ("/ini/edit/add-section", test_ini_add_section);
  g_test_add_func ("/ini/edit/remove", test_ini_remove);
  g_test_add_func ("/ini/edit/unsafe", test_ini_unsafe_edits);
  g_test_add_func ("/ini/edit/invalid-input", test_ini_invalid_input);
  g_test_add_func ("/ini/splice/corpus", test_ini_splice_corpus);
  g_test_add_func ("/ini/splice/shapes", test_ini_splice_shapes);
  g_test_add_func ("/ini/splice/5000-profiles", test_ini_splice_many_profiles);

  return g_test_run ();
}
