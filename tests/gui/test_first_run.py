#!/usr/bin/python3
"""GUI test: a first-time user, with no ~/.aws at all, gets from an access key to a session in
three steps: "Add Profile…" (here from the tray menu, as the window's empty state offers it
too), the form (name and keys typed, Enter; the MFA device is left for AWS to find), and the
code typed in the dialog that follows. Real key events under Xvfb, against the stand-in.
The keys go to the keyring (a real gnome-keyring-daemon on the test's bus), as the form's
switch says by default (issue 17); a second profile, with the switch turned off, keeps its
keys in the credentials file.

Prints one line per check and "N passed, M failed".
"""

import os
import subprocess
import sys
import time

import gi

gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

from app import Applet, screenshot, start_gui_checks
from keyring_daemon import SCHEMA, Keyring
from stand_in import StandIn
from xdo import type_into, wait_for, windows_named

BOB_MFA = 'arn:aws:iam::111111111111:mfa/bob'


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    home = os.environ['HOME']
    credentials = os.path.join(home, '.aws', 'credentials')
    shots = os.environ.get('AMT_SCREENSHOT_DIR')
    with StandIn() as aws, Keyring() as keyring:
        bob = aws.user('bob')
        env = aws.endpoint_env()
        with Applet(env=env, checks=checks) as applet:
            checks.check(wait_for(lambda: windows_named('Sessions')), 'the Sessions window opens')
            if shots:
                screenshot(os.path.join(shots, 'first-run-empty.png'))

            # 1. Add Profile…
            applet.menu.click(applet.layout().get('Add Profile…'))
            form = wait_for(lambda: windows_named('Add Profile'))
            checks.check(form, 'Add Profile… opens the form')
            if not form:
                return checks.finish()
            if shots:
                time.sleep(0.5)
                screenshot(os.path.join(shots, 'first-run-form.png'))

            # 2. The form: name, keys, Enter. The device is found by AWS.
            type_into(form[-1], 'bob', 'key:Tab', bob['access_key_id'], 'key:Tab',
                      bob['secret_access_key'], 'key:Return')
            dialog = wait_for(lambda: windows_named('Log In to AWS'), 15)
            checks.check(dialog, 'saving the form opens the code dialog')
            checks.check(not windows_named('Add Profile'), 'the form is gone')
            text = open(credentials).read() if os.path.exists(credentials) else ''
            checks.check('[bob-long-term]' in text and 'aws_mfa_device = %s' % BOB_MFA in text,
                         'the device AWS named (asked with the keys from the keyring) is saved the aws-mfa way', text)
            checks.check(bob['secret_access_key'] not in text and bob['access_key_id'] not in text,
                         'the keys are not in the credentials file', text)
            checks.equal(keyring.items(),
                         [({'xdg:schema': SCHEMA, 'profile': 'bob-long-term',
                            'access_key_id': bob['access_key_id']}, bob['secret_access_key'])],
                         'the keys are in the keyring')
            checks.equal(oct(os.stat(credentials).st_mode & 0o777) if text else None, '0o600',
                         'the credentials file is private (0600)')
            if not dialog:
                return checks.finish()

            # 3. The code.
            aws.wait_for_step_margin(8)
            type_into(dialog[-1], aws.totp(BOB_MFA))
            checks.check(wait_for(lambda: not windows_named('Log In to AWS'), 15),
                         'the code closes the dialog')
            text = open(credentials).read()
            checks.check('[bob]' in text and 'aws_session_token' in text,
                         'bob has a session after three steps', text)
            checks.check(wait_for(lambda: applet.item.get('IconName').endswith('-valid'), 10),
                         'the tray icon turns valid', applet.item.get('IconName'))

            # The row's Move Keys… (its window action), answered with Enter: back to the file.
            bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
            bus.call_sync('io.github.awsmfatray.AwsMfaTray', '/io/github/awsmfatray/AwsMfaTray/window/1',
                          'org.gtk.Actions', 'Activate',
                          GLib.Variant('(sava{sv})', ('move-keys', [GLib.Variant('s', 'bob')], {})),
                          None, Gio.DBusCallFlags.NONE, 5000, None)
            time.sleep(1.5)
            subprocess.run(['xdotool', 'key', 'Return'], check=True, timeout=10)
            checks.check(wait_for(lambda: bob['secret_access_key'] in open(credentials).read(), 15),
                         'Move Keys… puts the keys back in the credentials file')
            checks.check(wait_for(lambda: keyring.items() == [], 10), 'and deletes them from the keyring',
                         keyring.items())

            # The switch turned off: the keys go to the file.
            carol = aws.user('carol')
            app_id = 'io.github.awsmfatray.AwsMfaTray'
            Gio.bus_get_sync(Gio.BusType.SESSION, None).call_sync(
                app_id, '/' + app_id.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                GLib.Variant('(sava{sv})', ('add-profile', [], {})), None, Gio.DBusCallFlags.NONE, 5000, None)
            form = wait_for(lambda: windows_named('Add Profile'))
            checks.check(form, 'Add Profile… opens the form again')
            if not form:
                return checks.finish()
            type_into(form[-1], 'carol', 'key:Tab', carol['access_key_id'], 'key:Tab',
                      carol['secret_access_key'], 'key:Tab', 'key:space', 'key:shift+Tab', 'key:Return')
            checks.check(wait_for(lambda: carol['secret_access_key'] in open(credentials).read(), 15),
                         'with the switch off, the keys are saved in the credentials file')
            checks.equal(keyring.items(), [], 'and not in the keyring')
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
