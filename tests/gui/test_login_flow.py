#!/usr/bin/python3
"""GUI test of the whole flow, the applet as a real process under Xvfb against the stand-in
AWS server: the tray menu (read over com.canonical.dbusmenu) lists each profile with its
state; "Log In to …" clicked through a dbusmenu Event opens the code dialog; a wrong code typed
with real key events shows the error and writes nothing; a valid TOTP code writes the
credentials and turns the menu and the icon valid; a session 9 minutes from its end makes the
notification daemon receive the warning with its action, and invoking the action opens the
dialog; the command line's `login` (no --code-stdin) is answered through the dialog; a middle
click logs in the profile that expires first. libcurl and GnuTLS are mapped only after the
first login (/proc/PID/maps).

Prints one line per check and "N passed, M failed".
"""

import datetime
import json
import os
import subprocess
import sys
import time

from app import APP_ID, Applet, screenshot, start_gui_checks
from gi.repository import Gio, GLib
from stand_in import StandIn
from xdo import press, type_into, wait_for, windows_named

ALICE_MFA = 'arn:aws:iam::111111111111:mfa/alice'
BOB_MFA = 'arn:aws:iam::111111111111:mfa/bob'
ADMIN = 'arn:aws:iam::222222222222:role/Admin'
DAVE_MFA = 'arn:aws:iam::444444444444:mfa/dave'
DIALOG_TITLE = 'Log In to AWS'


def write_files(aws, home, bob_expiration=None):
    alice, bob, dave = aws.user('alice'), aws.user('bob'), aws.user('dave')
    aws_dir = os.path.join(home, '.aws')
    os.makedirs(aws_dir, exist_ok=True)
    credentials = ('[dev-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                   'aws_mfa_device = %s\n\n'
                   '[ops-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                   'aws_mfa_device = %s\n\n'
                   '[dave-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                   'aws_mfa_device = %s\n'
                   % (alice['access_key_id'], alice['secret_access_key'], ALICE_MFA,
                      bob['access_key_id'], bob['secret_access_key'], BOB_MFA,
                      dave['access_key_id'], dave['secret_access_key'], DAVE_MFA))
    if bob_expiration is not None:
        credentials += ('\n[ops]\naws_access_key_id = ASIABOBSESSION000001\n'
                        'aws_secret_access_key = bob-session-secret\n'
                        'aws_session_token = bob-session-token\nexpiration = %s\n'
                        % bob_expiration.strftime('%Y-%m-%dT%H:%M:%SZ'))
    with open(os.path.join(aws_dir, 'credentials'), 'w') as f:
        f.write(credentials)
    with open(os.path.join(aws_dir, 'config'), 'w') as f:
        f.write('[profile admin]\nrole_arn = %s\nsource_profile = dev\nmfa_serial = %s\n'
                % (ADMIN, ALICE_MFA))
    return os.path.join(aws_dir, 'credentials')


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def mapped_files(pid):
    """The files mapped into process pid (/proc/PID/maps)."""
    with open('/proc/%d/maps' % pid) as f:
        return sorted({line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6})


def wait_for_dialog(timeout=10.0):
    windows = wait_for(lambda: windows_named(DIALOG_TITLE), timeout)
    return windows[-1] if windows else None


def close_dialogs():
    for window in windows_named(DIALOG_TITLE):
        press(window, 'Escape')
    return wait_for(lambda: not windows_named(DIALOG_TITLE), 5)


def menu_line(applet, prefix):
    root = applet.layout()
    for text in root.texts():
        if text.startswith(prefix):
            return text
    return None


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    home = os.environ['HOME']
    shots = os.environ.get('AMT_SCREENSHOT_DIR')
    with StandIn() as aws:
        # bob's session ("ops") ends in 9 minutes: inside the 10-minute lead time.
        nine_minutes = (datetime.datetime.now(datetime.timezone.utc) +
                        datetime.timedelta(minutes=9, seconds=20))
        credentials = write_files(aws, home, bob_expiration=nine_minutes)
        env = aws.endpoint_env()

        with Applet(args=['--background'], env=env, notifications=True, checks=checks) as applet:
            checks.check(True, 'the applet registers its tray item')
            # The HTTPS stack is loaded on the first call to AWS (src/aws/amt-https.c).
            maps = mapped_files(applet.proc.pid)
            checks.check(maps and not any('libcurl' in m or 'libgnutls' in m for m in maps),
                         'before a login, neither libcurl nor GnuTLS is mapped',
                         repr([m for m in maps if 'curl' in m or 'gnutls' in m]))

            # The warning 9 minutes before ops expires, with its button.
            note = checks.run('a notification warns 9 minutes before ops expires',
                              applet.notifications.wait_for_notification,
                              lambda n: 'ops' in n.summary and 'expires' in n.summary, timeout=10)
            if note is not None:
                checks.check('app.login::ops' in note.action_keys() or
                             any(k.startswith('app.login') for k in note.action_keys()),
                             'the warning has a "Log In Now" action', repr(note.actions))
            # The dialog opened by itself at the lead time (auto-open-dialog defaults to on).
            dialog = wait_for_dialog()
            checks.check(dialog is not None, 'the code dialog opens by itself at the lead time')
            if dialog is not None:
                checks.check(close_dialogs(), 'Escape closes the dialog')
            if note is not None:
                applet.notifications.invoke_action(note.id, note.action('Log In Now'))
                checks.check(wait_for_dialog() is not None,
                             'invoking the notification\'s action opens the dialog')
                close_dialogs()

            # The menu: each profile with its state, one login per device.
            dev_line = wait_for(lambda: menu_line(applet, 'dev — '))
            checks.equal(dev_line, 'dev — not logged in', 'the menu lists dev, not logged in')
            checks.equal(menu_line(applet, 'admin — '), 'admin — not logged in',
                         'the menu lists admin, not logged in')
            ops_line = menu_line(applet, 'ops — ') or ''
            checks.check(ops_line.endswith('min left'), 'the menu lists ops with its minutes left',
                         repr(ops_line))
            checks.check(applet.item.get('IconName').endswith('-expired'),
                         'the icon tells the worst state (not logged in)',
                         applet.item.get('IconName'))
            login_entry = applet.layout().find('Log In to admin, dev…')
            checks.check(login_entry is not None, 'one "Log In to admin, dev…" entry for alice\'s device',
                         repr(applet.layout().texts()))
            if login_entry is None:
                return checks.finish()

            # A wrong code, with real key events: the error, nothing written.
            before = read(credentials)
            applet.menu.click(login_entry)
            dialog = wait_for_dialog()
            checks.check(dialog is not None, 'clicking the entry over dbusmenu opens the dialog')
            if dialog is not None:
                if shots:
                    screenshot(os.path.join(shots, 'flow-dialog.png'))
                type_into(dialog, aws.invalid_totp(ALICE_MFA))
                time.sleep(2.0)
                checks.check(windows_named(DIALOG_TITLE), 'a wrong code keeps the dialog open')
                checks.check(read(credentials) == before, 'a wrong code writes nothing')
                if shots:
                    screenshot(os.path.join(shots, 'flow-dialog-error.png'))

                # The valid code: written, and the tray turns valid.
                aws.wait_for_step_margin(8)
                type_into(dialog, aws.totp(ALICE_MFA))
                checks.check(wait_for(lambda: not windows_named(DIALOG_TITLE), 15),
                             'a valid code closes the dialog')
                text = read(credentials).decode()
                checks.check('[dev]' in text and '[admin-mfa]' in text,
                             'the credentials of dev and admin are written')
                maps = mapped_files(applet.proc.pid)
                checks.check(any('libcurl' in m for m in maps) and
                             any('libaws-mfa-tray-https' in m for m in maps),
                             'after the login, the HTTPS module and libcurl are mapped')
                checks.check(wait_for(lambda: (menu_line(applet, 'dev — ') or '').endswith('left'), 5),
                             'the menu shows dev valid with its time left',
                             repr(menu_line(applet, 'dev — ')))
                checks.check(wait_for(lambda: (menu_line(applet, 'admin — ') or '').endswith('left'), 5),
                             'the menu shows admin valid with its time left')

            # The command line asks the running applet, which asks in its dialog.
            aws.reset_mfa()
            cli = subprocess.Popen([os.environ['AMT_BINARY'], 'login', '--profile', 'ops'],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=dict(os.environ, **env))
            dialog = wait_for_dialog()
            checks.check(dialog is not None, '`login` without --code-stdin opens the applet\'s dialog')
            if dialog is not None:
                aws.wait_for_step_margin(8)
                type_into(dialog, aws.totp(BOB_MFA))
            try:
                out, err = cli.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                cli.kill()
                out, err = cli.communicate()
            checks.equal(cli.returncode, 0, '`login` returns 0 once the code is typed in the dialog')
            checks.check(b'ops: session written to [ops]' in out, '`login` says what it wrote',
                         (out + err).decode())

            # credential-process with no session: the prompt reaches a tool with no terminal.
            tool = subprocess.Popen([os.environ['AMT_BINARY'], 'credential-process', '--profile', 'dave'],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=dict(os.environ, **env))
            dialog = wait_for_dialog()
            checks.check(dialog is not None, '`credential-process` without a session opens the dialog')
            if dialog is not None:
                aws.wait_for_step_margin(8)
                type_into(dialog, aws.totp(DAVE_MFA))
            try:
                out, err = tool.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                tool.kill()
                out, err = tool.communicate()
            checks.equal(tool.returncode, 0, '`credential-process` returns once the code is typed')
            try:
                doc = json.loads(out)
            except ValueError:
                doc = {}
            checks.check(doc.get('Version') == 1 and doc.get('AccessKeyId', '').startswith('ASIA') and
                         doc.get('SessionToken') and doc.get('Expiration', '').endswith('Z'),
                         '`credential-process` prints the new session as credential_process JSON',
                         (out + err).decode())
            checks.check(wait_for(lambda: applet.item.get('IconName').endswith('-valid'), 10),
                         'every session valid: the icon turns valid', applet.item.get('IconName'))
            if shots:
                screenshot(os.path.join(shots, 'flow-valid.png'))

            # Start at login, outside a sandbox: an XDG autostart entry, valid, and gone again.
            autostart = os.path.join(home, '.config', 'autostart', APP_ID + '.desktop')
            bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
            toggle = GLib.Variant('(sava{sv})', ('start-at-login', [], {}))
            bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                          toggle, None, Gio.DBusCallFlags.NONE, 5000, None)
            checks.check(wait_for(lambda: os.path.exists(autostart), 5),
                         'start at login writes ~/.config/autostart/%s.desktop' % APP_ID)
            if os.path.exists(autostart):
                entry = open(autostart).read()
                checks.check('--background' in entry and 'Exec=' in entry,
                             'the autostart entry starts the applet in the tray', entry)
                checks.check(os.environ['AMT_BINARY'] in entry and 'aws-mfa-tray-applet' not in entry,
                             'the autostart entry starts the command, which execs the applet', entry)
                valid = subprocess.run(['desktop-file-validate', autostart], capture_output=True, text=True)
                checks.equal(valid.returncode, 0, 'the autostart entry is a valid desktop file')
            bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                          toggle, None, Gio.DBusCallFlags.NONE, 5000, None)
            checks.check(wait_for(lambda: not os.path.exists(autostart), 5),
                         'turning it off removes the entry')

            # The middle click logs in the profile that expires first (admin's hour).
            applet.item.secondary_activate()
            dialog = wait_for_dialog()
            checks.check(dialog is not None, 'a middle click opens the dialog of the first to expire')
            close_dialogs()

    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
