/* amt-bench-empty.c: what start-up costs before main() (bench/README.md, b.)
 *
 * An empty program, built five times with -Wl,--no-as-needed: amt-bench-empty-floor links
 * what the floor (amt-bench-tray-floor) links, amt-bench-empty-applet what aws-mfa-tray-applet
 * links, amt-bench-empty-core only src/core's libraries (what the aws-mfa-tray command links:
 * GLib, GIO, json-glib, libsecret; libcurl and GnuTLS are a module loaded later), and
 * amt-bench-empty-nosecret the same without libsecret, and amt-bench-empty-glib GLib alone
 * (the credential-process floor, f.). The
 * differences of their exec-to-exit times are what the dynamic linker spends on the extra
 * libraries, and on their constructors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

int
main (void)
{
  return 0;
}
