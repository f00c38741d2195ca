/* amt-sandbox.c: what the Flatpak sandbox hides from the app, said where the user meets it
 *
 * Inside Flatpak the app sees its runtime, /app, ~/.aws (its one filesystem grant) and its own
 * ~/.var/app folder, nothing else of the host: a program installed on the host (ykman, oathtool)
 * cannot be run, and an AWS_CONFIG_FILE elsewhere looks like a missing file. Both would fail
 * with a message about a missing file; these say why, and what to do.
 *
 * The functions take in_flatpak so that unit tests can ask both questions; the real answer
 * (amt_sandbox_is_flatpak) is exercised by the bundle test (tests/flatpak/).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-sandbox"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gio/gio.h>

#include "amt-aws-config.h"
#include "amt-sandbox.h"

/* Flatpak puts this file into every sandbox (flatpak-run(1)); nothing else does. */
#define FLATPAK_INFO_FILE "/.flatpak-info"

/**
 * amt_sandbox_is_flatpak:
 *
 * Returns: whether this process runs inside a Flatpak sandbox
 */
gboolean
amt_sandbox_is_flatpak (void)
{
  return g_file_test (FLATPAK_INFO_FILE, G_FILE_TEST_EXISTS);
}

static gboolean
program_exists (const char *program)
{
  g_autofree char *found = NULL;

  if (strchr (program, '/') != NULL)
    return g_file_test (program, G_FILE_TEST_IS_EXECUTABLE) &&
           !g_file_test (program, G_FILE_TEST_IS_DIR);

  found = g_find_program_in_path (program);
  return found != NULL;
}

/**
 * amt_sandbox_explain_missing_command:
 * @program: argv[0] of an mfa_process command
 * @in_flatpak: whether this runs inside a Flatpak sandbox
 *
 * Returns: (transfer full) (nullable): one sentence saying that @program cannot be found and
 *   what to do instead, or %NULL when it can be run
 */
char *
amt_sandbox_explain_missing_command (const char *program,
                                     gboolean    in_flatpak)
{
  g_return_val_if_fail (program != NULL, NULL);

  if (program_exists (program))
    return NULL;

  if (in_flatpak)
    return g_strdup_printf (_("The mfa_process command “%s” cannot be run: the Flatpak sandbox "
                              "cannot run programs installed on your computer, so remove "
                              "mfa_process and type the code in the dialog, or use MFA Tray for "
                              "AWS installed without Flatpak."), program);

  return g_strdup_printf (_("The mfa_process command “%s” was not found: install it, give its "
                            "full path in mfa_process, or remove mfa_process and type the code "
                            "in the dialog."), program);
}

static gboolean
is_under_aws_folder (const char *path)
{
  g_autofree char *aws = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (aws);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return g_file_equal (folder, file) || g_file_has_prefix (file, folder);
}

/**
 * amt_sandbox_check_aws_file:
 * @path: where an AWS file is read from (expanded)
 * @variable: the environment variable that named it (AWS_CONFIG_FILE)
 * @in_flatpak: whether this runs inside a Flatpak sandbox
 *
 * A missing file outside ~/.aws inside the sandbox is one the sandbox hides: botocore's rule
 * (a missing file is an empty one) would show "no profiles" with no reason.
 *
 * Returns: %FALSE, with one sentence naming @path and the reason, when the sandbox hides it
 */
gboolean
amt_sandbox_check_aws_file (const char  *path,
                            const char  *variable,
                            gboolean     in_flatpak,
                            GError     **error)
{
  g_autofree char *display = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (variable != NULL, FALSE);

  if (!in_flatpak || is_under_aws_folder (path) || g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  display = amt_aws_config_dup_display_path (path);
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
               _("%s (set by %s) cannot be read: the Flatpak sandbox shows the app only "
                 "~/.aws of your files, so move the file into ~/.aws and point %s there, or "
                 "use MFA Tray for AWS installed without Flatpak."),
               display, variable, variable);
  return FALSE;
}

/**
 * amt_sandbox_check_aws_files:
 *
 * amt_sandbox_check_aws_file() for the files that AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE name, in this process.
 *
 * Returns: %FALSE with the sentence when the sandbox hides one of them
 */
gboolean
amt_sandbox_check_aws_files (GError **error)
{
  static const char *const variables[] = { "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE" };
  gboolean in_flatpak = amt_sandbox_is_flatpak ();

  for (gsize i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      const char *value = g_getenv (variables[i]);
      g_autofree char *path = NULL;

      /* Unset or empty: ~/.aws, which the sandbox shows. */
      if (value == NULL || value[0] == '\0')
        continue;

      path = amt_aws_config_expand_path (value);
      if (!amt_sandbox_check_aws_file (path, variables[i], in_flatpak, error))
        return FALSE;
    }

  return TRUE;
}
