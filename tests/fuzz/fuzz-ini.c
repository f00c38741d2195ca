/* fuzz-ini.c: libFuzzer target for the lossless INI document
 *
 * For any bytes: serializing the parsed document gives back the same bytes; every query works;
 * and, when the file is one AWS tools can read, an edit chosen from the input either is refused
 * and leaves the document unchanged, or is made and gives a document that reads back with the
 * edited value and that AWS tools can still read. The one-pass scan (amt-ini-scan.c) vouches only
 * for files the document accepts, and its splice and its section reading give the same bytes
 * and values as the document.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-fuzz-ini"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "amt-ini.h"
#include "amt-ini-scan.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
assert_serializes_to (AmtIniDocument *doc,
                      const char     *data,
                      gsize           size)
{
  gsize length;
  char *out = amt_ini_document_serialize (doc, &length);

  if (length != size || memcmp (out, data, size) != 0)
    g_error ("the document does not serialize to its input");
  amt_secret_free_sized (out, length);
}

static void
query_everything (AmtIniDocument *doc)
{
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_auto(GStrv) keys = amt_ini_document_get_keys (doc, sections[i]);

      g_assert_true (amt_ini_document_has_section (doc, sections[i]));
      g_assert_cmpuint (amt_ini_document_get_section_line (doc, sections[i]), >, 0);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autoptr(GHashTable) nested = amt_ini_document_get_nested (doc, sections[i], keys[k]);
          const char *value = amt_ini_document_get_value (doc, sections[i], keys[k]);

          g_assert_nonnull (value);
          /* Only a value that starts with a newline is an indented block. */
          g_assert_true (nested == NULL || value[0] == '\n');
        }
    }
}

static guint32
hash_input (const uint8_t *data,
            size_t         size)
{
  guint32 hash = 2166136261u;

  for (size_t i = 0; i < size; i++)
    hash = (hash ^ data[i]) * 16777619u;

  return hash;
}

static void
edit_and_check (AmtIniDocument *doc,
                const uint8_t  *data,
                size_t          size)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);
  guint n_sections = g_strv_length (sections);
  guint32 hash = hash_input (data, size);
  const char *section = n_sections > 0 ? sections[(hash >> 8) % n_sections] : "amt fuzz";
  g_auto(GStrv) keys = NULL;
  const char *key = "aws_session_token";
  const char *value = "FwoGZXIvYXdzE//fuzz==";
  gboolean done = FALSE;
  gboolean keyed = FALSE;
  char *out;
  gsize length;

  if (n_sections > 0)
    {
      keys = amt_ini_document_get_keys (doc, section);
      if (keys[0] != NULL && (hash & 0x10))
        key = keys[(hash >> 16) % g_strv_length (keys)];
    }

  switch (hash % 7)
    {
    case 0: /* set a key, existing or new */
      done = amt_ini_document_set_value (doc, section, key, value, &error);
      keyed = TRUE;
      break;

    case 1: /* add a section and fill it, as the credential store does */
      if (amt_ini_document_has_section (doc, "amt fuzz"))
        break;
      done = amt_ini_document_add_section (doc, "amt fuzz", &error) &&
             amt_ini_document_set_value (doc, "amt fuzz", "aws_access_key_id", "ASIA", &error) &&
             amt_ini_document_set_value (doc, "amt fuzz", "aws_session_token", value, &error);
      section = "amt fuzz";
      key = "aws_session_token";
      keyed = done;
      break;

    case 2:
      done = amt_ini_document_remove_section (doc, section, &error);
      break;

    case 3:
      done = amt_ini_document_remove_key (doc, section, key, &error);
      break;

    case 4: /* an empty value */
      value = "";
      done = amt_ini_document_set_value (doc, section, key, value, &error);
      keyed = TRUE;
      break;

    case 5: /* the key under another case */
      key = "AWS_Access_Key_ID";
      done = amt_ini_document_set_value (doc, section, key, value, &error);
      keyed = TRUE;
      break;

    default: /* a session's four keys in one edit, as the credential store writes them */
      {
        const char *pairs[] = {
          "aws_access_key_id", "ASIAFUZZ", "aws_secret_access_key", "fuzz/secret",
          key, value, "expiration", (hash & 0x20) ? NULL : "2026-11-23T18:04:05Z",
        };

        done = amt_ini_document_set_values (doc, section, pairs, G_N_ELEMENTS (pairs) / 2, &error);
        /* The last value given for a key is the one it gets. */
        if (g_ascii_strcasecmp (key, "expiration") == 0)
          {
            value = pairs[7];
            key = "expiration";
          }
        keyed = value != NULL;
        if (done && (hash & 0x20))
          {
            /* Gone from the section: what it reads now is what [DEFAULT] gives any section. */
            const char *inherited = NULL;
            g_autoptr(AmtIniDocument) probe = NULL;
            char *text;
            gsize text_length;

            text = amt_ini_document_serialize (doc, &text_length);
            probe = amt_ini_document_new_from_data (text, text_length);
            amt_secret_free_sized (text, text_length);
            if (amt_ini_document_add_section (probe, "amt probe", NULL))
              inherited = amt_ini_document_get_value (probe, "amt probe", "expiration");
            if (g_strcmp0 (amt_ini_document_get_value (doc, section, "expiration"), inherited) != 0)
              g_error ("a key removed in a batch is still there");
          }
      }
      break;
    }

  if (!done)
    {
      /* A refused edit leaves the document as it was (case 1 may stop half way). */
      if ((hash % 7) != 1)
        assert_serializes_to (doc, (const char *) data, size);
      return;
    }

  out = amt_ini_document_serialize (doc, &length);
  {
    g_autoptr(AmtIniDocument) again = amt_ini_document_new_from_data (out, length);

    if (!amt_ini_document_check (again, "edited", &error))
      g_error ("an edit made a file AWS tools cannot read: %s", error->message);
    if (keyed && g_strcmp0 (amt_ini_document_get_value (again, section, key), value) != 0)
      g_error ("the edited value does not read back");
    query_everything (again);
  }
  amt_secret_free_sized (out, length);
}

static void
splice_and_compare (AmtIniDocument *doc,
                    const uint8_t  *data,
                    size_t          size)
{
  g_auto(GStrv) sections = amt_ini_document_get_sections (doc);
  guint n_sections = g_strv_length (sections);
  guint32 hash = hash_input (data, size);
  const char *section = n_sections > 0 ? sections[(hash >> 8) % n_sections] : "amt fuzz";
  g_auto(GStrv) keys = amt_ini_document_get_keys (doc, section);
  const char *key = keys != NULL && keys[0] != NULL && (hash & 0x10)
                    ? keys[(hash >> 16) % g_strv_length (keys)] : "aws_session_token";
  const char *pairs[] = {
    "aws_access_key_id", "ASIAFUZZ", "aws_secret_access_key", "fuzz/secret",
    key, (hash & 0x40) ? NULL : "Fwo//fuzz==", "expiration", (hash & 0x20) ? "" : "2026-11-23T18:04:05Z",
  };
  g_autoptr(AmtIniDocument) edited = amt_ini_document_new_from_data ((const char *) data, size);
  g_autoptr(AmtIniDocument) part = NULL;
  g_autoptr(GError) doc_error = NULL;
  g_autoptr(GError) splice_error = NULL;
  gboolean valid = amt_ini_document_check (doc, "fuzz", NULL);
  AmtIniScan scan;
  AmtIniSpliceResult result;
  char *output = NULL;
  gsize output_length = 0;
  gboolean done;

  if (amt_ini_scan ((const char *) data, size, section, &scan) && !valid)
    g_error ("the scan vouched for a file the document refuses");

  /* The key set the credentials store compares to see a torn file (amt-cred-store-torn.c). */
  {
    g_autoptr(AmtIniKeySet) scanned = amt_ini_scan_keys ((const char *) data, size);
    g_autoptr(AmtIniKeySet) listed = amt_ini_key_set_new ();

    if (scanned != NULL && !valid)
      g_error ("the key scan vouched for a file the document refuses");
    for (guint n = 0; sections[n] != NULL; n++)
      {
        g_auto(GStrv) names = amt_ini_document_get_keys (doc, sections[n]);

        amt_ini_key_set_add (listed, sections[n], strlen (sections[n]), "", 0);
        for (guint k = 0; names != NULL && names[k] != NULL; k++)
          amt_ini_key_set_add (listed, sections[n], strlen (sections[n]),
                               names[k], strlen (names[k]));
      }
    if (scanned != NULL && (!amt_ini_key_set_contains_all (scanned, listed) ||
                            !amt_ini_key_set_contains_all (listed, scanned)))
      g_error ("the key scan gave other sections or keys than the document");
  }

  part = amt_ini_document_new_for_section ((const char *) data, size, section);
  if (part != NULL && keys != NULL)
    for (guint k = 0; keys[k] != NULL; k++)
      if (g_strcmp0 (amt_ini_document_get_value (part, section, keys[k]),
                     amt_ini_document_get_value (doc, section, keys[k])) != 0)
        g_error ("a section read alone gives another value");

  result = amt_ini_splice_set_values ((const char *) data, size, section, pairs,
                                      G_N_ELEMENTS (pairs) / 2, &output, &output_length,
                                      &splice_error);
  if (result == AMT_INI_SPLICE_NEEDS_DOCUMENT)
    return;

  done = amt_ini_document_set_values (edited, section, pairs, G_N_ELEMENTS (pairs) / 2,
                                      &doc_error);
  if (!done)
    {
      if (result != AMT_INI_SPLICE_FAILED || splice_error == NULL ||
          splice_error->code != doc_error->code)
        g_error ("the splice did not refuse an edit the document refused");
      return;
    }
  if (result != AMT_INI_SPLICE_DONE)
    g_error ("the splice refused an edit the document made: %s", splice_error->message);

  {
    gsize expected_length;
    char *expected = amt_ini_document_serialize (edited, &expected_length);

    if (expected_length != output_length || memcmp (expected, output, output_length) != 0)
      g_error ("the splice gave other bytes than the document");
    amt_secret_free_sized (expected, expected_length);
  }

  /* The store updates the key set of the bytes it read with the edit instead of scanning its
   * output (amt-cred-store-write.c): both must give the same keys. */
  {
    g_autoptr(AmtIniKeySet) before = amt_ini_scan_keys ((const char *) data, size);
    g_autoptr(AmtIniKeySet) after = amt_ini_scan_keys (output, output_length);

    if (before != NULL)
      {
        amt_ini_key_set_set_values (before, section, pairs, G_N_ELEMENTS (pairs) / 2);
        if (after == NULL)
          g_error ("the key scan refused a spliced output of a file it read");
        if (!amt_ini_key_set_contains_all (before, after) ||
            !amt_ini_key_set_contains_all (after, before))
          g_error ("the key set updated by the edit differs from the output's");
      }
  }
  amt_secret_free_sized (output, output_length);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(AmtIniDocument) doc = amt_ini_document_new_from_data ((const char *) data, size);

  assert_serializes_to (doc, (const char *) data, size);
  query_everything (doc);
  splice_and_compare (doc, data, size);

  if (amt_ini_document_check (doc, "fuzz", NULL))
    edit_and_check (doc, data, size);

  return 0;
}
