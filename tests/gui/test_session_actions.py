#!/usr/bin/python3
"""GUI test of the session's uses, the applet as a real process under Xvfb against the
stand-in AWS server (with its federation endpoint): the tray menu has "Open Console for admin"
for the role profile and none for the GetSessionToken profile; clicking it over dbusmenu opens
the default browser (a fake one, registered for https in the test's XDG directories) with a
sign-in URL the stand-in accepts once and that lands on the profile's region; with no session
left, the same click opens the code dialog first and the browser after the code; the window's
"Copy as Environment Variables" (app.copy-environment) puts exactly what `aws-mfa-tray env`
prints on the X clipboard.

Prints one line per check and "N passed, M failed".
"""

import http.client
import os
import subprocess
import sys
import urllib.parse

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('Gdk', '3.0')
from app import APP_ID, Applet, screenshot, start_gui_checks  # noqa: E402
from fake_browser import opened_urls, register  # noqa: E402
from gi.repository import Gdk, Gio, GLib, Gtk  # noqa: E402
from stand_in import StandIn  # noqa: E402
from xdo import type_into, wait_for, windows_named  # noqa: E402

ALICE_MFA = 'arn:aws:iam::111111111111:mfa/alice'
ADMIN = 'arn:aws:iam::222222222222:role/Admin'
DIALOG_TITLE = 'Log In to AWS'
DESTINATION = 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'


def write_files(aws, home):
    alice = aws.user('alice')
    aws_dir = os.path.join(home, '.aws')
    os.makedirs(aws_dir, exist_ok=True)
    with open(os.path.join(aws_dir, 'credentials'), 'w') as f:
        f.write('[dev-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                'aws_mfa_device = %s\n' % (alice['access_key_id'], alice['secret_access_key'],
                                           ALICE_MFA))
    os.chmod(os.path.join(aws_dir, 'credentials'), 0o600)
    with open(os.path.join(aws_dir, 'config'), 'w') as f:
        f.write('[profile dev]\nregion = eu-west-1\n\n'
                '[profile admin]\nrole_arn = %s\nsource_profile = dev\nmfa_serial = %s\n'
                'region = eu-west-1\n' % (ADMIN, ALICE_MFA))
    return os.path.join(aws_dir, 'credentials')


def follow_login(aws, url):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPSConnection(parts.hostname, parts.port, context=aws.ssl_context(),
                                       timeout=30)
    conn.request('GET', parts.path + '?' + parts.query)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.getheader('Location')


def clipboard_text():
    clipboard = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)
    return clipboard.wait_for_text()


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    home = os.environ['HOME']
    shots = os.environ.get('AMT_SCREENSHOT_DIR')
    opened_path = os.path.join(os.environ['AMT_TEST_TMPDIR'], 'opened-urls')
    with StandIn() as aws:
        credentials = write_files(aws, home)
        register(home, opened_path)
        env = dict(aws.endpoint_env(), AWS_ENDPOINT_URL_SIGNIN=aws.url)
        full_env = dict(os.environ, **env)
        aws.wait_for_step_margin(8)
        login = subprocess.run([os.environ['AMT_BINARY'], 'login', '--profile', 'dev',
                                '--code-stdin'], input=(aws.totp(ALICE_MFA) + '\n').encode(),
                               capture_output=True, env=full_env, timeout=60)
        checks.equal(login.returncode, 0, 'dev and admin are logged in before the applet starts')

        # Every debug message on: none may carry the sign-in token or the session's secret.
        with Applet(env=dict(env, G_MESSAGES_DEBUG='all'), checks=checks) as applet:
            texts = wait_for(lambda: [t for t in applet.layout().texts() if t.startswith('Open Console')])
            checks.equal(texts, ['Open Console for admin'],
                         'the tray offers the console for the role profile only')

            # A live role session: the browser gets a URL the stand-in signs in with, once.
            aws.clear_requests()
            applet.menu.click('Open Console for admin')
            urls = wait_for(lambda: opened_urls(opened_path), 15)
            checks.equal(len(urls), 1, 'the default browser is opened once')
            if urls:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(urls[0]).query))
                checks.check(urls[0].startswith(aws.url + '/federation?Action=login&'),
                             'the browser gets the federation login URL')
                checks.equal(query.get('Destination'), DESTINATION,
                             'the destination is the console in the profile\'s region')
                checks.equal(follow_login(aws, urls[0]), (302, DESTINATION),
                             'the stand-in signs in with the token it issued')
                checks.equal([(r['action'], r['status']) for r in aws.requests()],
                             [('getSigninToken', 200), ('login', 302)],
                             'one getSigninToken, no code asked for')
                log = applet.stderr_text() + applet.stdout_text()
                with open(credentials) as f:
                    secret = [line.split('=', 1)[1].strip() for line in f
                              if line.startswith('aws_secret_access_key')][-1]
                checks.check('amt-console' in log and query.get('SigninToken', '-') not in log and
                             secret not in log and 'Session=' not in log,
                             'the debug log has the sign-in, not its token, secret or query')

            # Copy as Environment Variables: what `env` prints, on the X clipboard.
            expected = subprocess.run([os.environ['AMT_BINARY'], 'env', '--profile', 'admin'],
                                      capture_output=True, env=full_env, timeout=60).stdout.decode()
            bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
            bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                          GLib.Variant('(sava{sv})', ('copy-environment', [GLib.Variant('s', 'admin')], {})),
                          None, Gio.DBusCallFlags.NONE, 5000, None)
            copied = wait_for(clipboard_text, 10)
            checks.check(copied == expected and 'export AWS_SESSION_TOKEN=' in copied,
                         'the clipboard holds exactly the `env` text of admin\'s session')

            # No session left: the code first, then the browser.
            with open(credentials) as f:
                text = f.read()
            start = text.index('[admin-mfa]')
            with open(credentials, 'w') as f:
                f.write(text[:start])
            wait_for(lambda: 'admin — not logged in' in applet.layout().texts(), 10)
            os.unlink(opened_path)
            applet.menu.click('Open Console for admin')
            dialog = wait_for(lambda: windows_named(DIALOG_TITLE), 10)
            checks.check(bool(dialog), 'with no session, the console asks for the code first')
            checks.equal(opened_urls(opened_path), [], 'no browser before the code')
            if dialog:
                if shots:
                    screenshot(os.path.join(shots, 'console-asks-code.png'))
                aws.wait_for_step_margin(8)
                type_into(dialog[-1], aws.next_totp(ALICE_MFA))
                urls = wait_for(lambda: opened_urls(opened_path), 20)
                checks.equal(len(urls), 1, 'after the code, the browser opens the console')
                if urls:
                    checks.equal(follow_login(aws, urls[0]), (302, DESTINATION),
                                 'the new session signs in')
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
