#!/usr/bin/python3
"""GUI test (issue 17): a profile whose long-term keys are in a locked keyring. Logging in
from the applet brings the keyring's unlock prompt at once, before any code is typed (the
keys are looked up when the login is made); the user dismisses it; the login ends there, the
profile shows the error in the tray, and no code or call reached the stand-in.

A real gnome-keyring-daemon on the test's bus, and the test standing where the desktop's
prompter would (tests/helpers/keyring_daemon.py).

Prints one line per check and "N passed, M failed".
"""

import os
import subprocess
import sys

from app import APP_ID, Applet, start_gui_checks
from gi.repository import Gio, GLib
from keyring_daemon import Keyring
from stand_in import StandIn
from xdo import wait_for

BOB_MFA = 'arn:aws:iam::111111111111:mfa/bob'
DIALOG_TITLE = 'Log In to AWS'


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    home = os.environ['HOME']
    aws_dir = os.path.join(home, '.aws')
    os.makedirs(aws_dir, exist_ok=True)
    with StandIn() as aws, Keyring() as keyring:
        bob = aws.user('bob')
        env = aws.endpoint_env()
        with open(os.path.join(aws_dir, 'config'), 'w') as f:
            f.write('[profile ops]\nsource_profile = bob-keys\nmfa_serial = %s\n' % BOB_MFA)
        with open(os.path.join(aws_dir, 'credentials'), 'w') as f:
            f.write('[bob-keys]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                    % (bob['access_key_id'], bob['secret_access_key']))
        moved = subprocess.run([os.environ['AMT_BINARY'], 'keys', 'move-to-keyring', '--profile', 'ops'],
                               env=dict(os.environ, **env), capture_output=True, timeout=60)
        checks.equal(moved.returncode, 0, 'the keys of ops move to the keyring')
        keyring.lock()
        aws.clear_requests()

        with Applet(env=env, checks=checks) as applet, keyring.prompter() as prompter:
            bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
            bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                          GLib.Variant('(sava{sv})', ('login', [GLib.Variant('s', 'ops')], {})),
                          None, Gio.DBusCallFlags.NONE, 5000, None)
            try:
                prompter.wait_for_prompt()
                checks.check(True, 'the unlock prompt comes as the login starts, before a code is typed')
                prompter.dismiss()
            except AssertionError as e:
                checks.fail('the unlock prompt comes as the login starts, before a code is typed', str(e))
            checks.check(wait_for(lambda: applet.item.get('IconName').endswith('-error'), 15),
                         'dismissed, the login ends: the tray shows the error',
                         applet.item.get('IconName'))
            checks.equal(aws.requests(), [], 'no code and no call reached AWS')
            checks.check(keyring.is_locked(), 'the keyring stays locked')
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
