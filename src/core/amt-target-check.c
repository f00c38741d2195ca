/* amt-target-check.c
 *
 * Everything about writing a profile's session that can be known before its MFA code is sent
 * to AWS (a code spent on a write that was bound to fail is a code lost): that the section's
 * name can be written as a header and read back by AWS tools under that name, and that the
 * credentials file can be written (amt_cred_store_check_writable()). Discovery shows the
 * result as the profile's problem (in status, the window and the dialog); a login checks again
 * just before it sends a code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-target-check"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "amt-ini.h"
#include "amt-target-check.h"

/* What botocore and the AWS CLI find under the name they are given: a header our INI writer
 * accepts (no "]", no line break, no surrounding spaces, not configparser's DEFAULT), and not
 * "profile NAME", which in the credentials file is read as a profile called "profile NAME". */
static gboolean
section_is_addressable (const char *section)
{
  return amt_ini_check_section_name (section, NULL) &&
         !g_str_has_prefix (section, "profile ") &&
         strchr (section, '[') == NULL;
}

/**
 * amt_target_check_section:
 * @profile: the profile whose session it is
 * @section: the section it would be written to
 * @error: return location for a #GError, with one sentence saying what to do
 *
 * The first half of amt_target_check(), for a caller that knows already whether the file can
 * be written.
 *
 * Returns: %TRUE when AWS tools can read a session in @section back under that name
 */
gboolean
amt_target_check_section (const char  *profile,
                          const char  *section,
                          GError     **error)
{
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  if (section_is_addressable (section))
    return TRUE;

  /* Translators: 1: a profile, 2: a section name */
  g_set_error (error, AMT_INI_ERROR, AMT_INI_ERROR_INVALID_NAME,
               _("The session of %1$s cannot go to the section [%2$s], which AWS tools could "
                 "not read back under that name: set mfa_tray_target in %1$s to a plain "
                 "profile name."), profile, section);
  return FALSE;
}

/**
 * amt_target_check:
 * @store: the store of the credentials file
 * @profile: the profile whose session it is
 * @section: the section it would be written to
 * @error: return location for a #GError, with one sentence saying what to do
 *
 * Returns: %TRUE when nothing known now stands in the way of the write
 */
gboolean
amt_target_check (AmtCredStore  *store,
                  const char    *profile,
                  const char    *section,
                  GError       **error)
{
  g_return_val_if_fail (AMT_IS_CRED_STORE (store), FALSE);

  return amt_target_check_section (profile, section, error) &&
         amt_cred_store_check_writable (store, error);
}
