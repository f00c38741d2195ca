#!/usr/bin/python3
"""Offline Flatpak bundle test: the app, built with prefix /app, bundled with the manifest's
finish-args and installed into a throw-away user installation over a test-only runtime made
of this machine's Debian packages (see README.md here), runs sandboxed and works through the
host's session bus.

    test_bundle.py sandbox       permissions, the tray across the sandbox, what the sandbox
                                 can see, reach and write
    test_bundle.py notification  a GNotification of the sandboxed applet reaches a portal
                                 mock (skipped while the applet sends none)
    test_bundle.py login         `login --profile demo --code-stdin` inside the sandbox
                                 writes the host's ~/.aws/credentials (skipped while
                                 `aws-mfa-tray --help` does not list `login`)
    test_bundle.py limits        the credential_process line of flatpak/README.md serves
                                 botocore on the host; an mfa_process the sandbox cannot run
                                 and an AWS_CONFIG_FILE it cannot see get their sentences;
                                 with no Secret portal, keys move-to-keyring gets its sentence
    test_bundle.py keyring       keys move-to-keyring / move-to-file and a login with the keys
                                 only in the sandbox's keyring (libsecret's file, its secret
                                 from the Secret portal mock), botocore on the host reading
                                 ~/.aws after each step

Exit status 77 (meson's "skipped") with the reason on stdout where this machine cannot run
Flatpak apps or a feature is not there yet. Prints one line per check and
"N passed, M failed".
"""

import configparser
import datetime
import json
import os
import re
import subprocess
import sys
import time

import bundle as bundle_mod
import testruntime
from bundle import Bundle, Skip, SKIP_STATUS, changes, snapshot

from app import Applet, Checks, require_display  # tests/helpers
import notifications
import portal_mock
import sni
from gi.repository import Gio, GLib  # noqa: E402 - after the helpers, which require the versions

WATCHER = 'org.kde.StatusNotifierWatcher'

# How `flatpak build-finish` records each kind of finish-arg in the app's metadata:
# option -> ([Context] key or None, [Session Bus Policy] value or None).
FINISH_ARG_KINDS = {
    '--share': ('shared', None),
    '--socket': ('sockets', None),
    '--filesystem': ('filesystems', None),
    '--talk-name': (None, 'talk'),
}


def expected_metadata(finish_args):
    """({[Context] key: set of values}, {bus name: policy}) that build-finish writes for
    these finish-args. It also writes "x11" next to "fallback-x11", for Flatpak < 1.0, which
    does not know fallback-x11 (newer versions drop X11 whenever Wayland is there)."""
    context, policy = {}, {}
    for arg in finish_args:
        option, _, value = arg.partition('=')
        if option not in FINISH_ARG_KINDS:
            raise AssertionError('test_bundle.py does not know how build-finish records %s: '
                                 'teach it (FINISH_ARG_KINDS)' % arg)
        key, bus_policy = FINISH_ARG_KINDS[option]
        if key:
            context.setdefault(key, set()).add(value)
        if bus_policy:
            policy[value] = bus_policy
    if 'fallback-x11' in context.get('sockets', set()):
        context['sockets'].add('x11')
    return context, policy


def log(msg):
    print('# ' + msg, flush=True)


def skip(reason):
    print('SKIP: ' + reason, flush=True)
    sys.exit(SKIP_STATUS)


def allowed_home_change(path, app_id):
    """Paths under $HOME the sandboxed app may create or change: its grant (~/.aws) and its
    own data (~/.var/app/<id>, with the two directories above it)."""
    return (path == '.aws' or path.startswith('.aws/')
            or path in ('.var', '.var/app')
            or path == '.var/app/' + app_id or path.startswith('.var/app/%s/' % app_id))


def write_profiles(home, standin=None, expiration=None):
    """~/.aws in the aws-mfa convention: long-term keys in [demo-long-term], the session in
    [demo]. With standin, the profile points at the stand-in server (its CA bundle is copied
    into ~/.aws, the only host directory the sandbox sees). With expiration, [demo] holds an
    old session that expires then."""
    aws = os.path.join(home, '.aws')
    os.makedirs(aws, mode=0o700, exist_ok=True)
    config = ['[profile demo]', 'region = us-east-1',
              'mfa_serial = arn:aws:iam::111111111111:mfa/alice']
    if standin is not None:
        ca = os.path.join(aws, 'stand-in-ca.pem')
        with open(standin.ca_bundle, 'rb') as src, open(ca, 'wb') as dst:
            dst.write(src.read())
        config += ['endpoint_url = %s' % standin.url, 'ca_bundle = %s' % ca]
        alice = standin.user('alice')
        key_id, secret = alice['access_key_id'], alice['secret_access_key']
    else:
        # Fake, and never sent anywhere: the notification test makes no AWS call.
        key_id, secret = 'AKIANOTIFYTEST000001', 'notification-test-secret-never-sent-0000'
    creds = ['[demo-long-term]', 'aws_access_key_id = ' + key_id,
             'aws_secret_access_key = ' + secret,
             'aws_mfa_device = arn:aws:iam::111111111111:mfa/alice', '']
    if expiration is not None:
        creds += ['[demo]', 'aws_access_key_id = ASIAOLDSESSION000001',
                  'aws_secret_access_key = oldsessionsecret0000000000000000000000000',
                  'aws_session_token = oldsessiontoken',
                  'expiration = ' + expiration.strftime('%Y-%m-%dT%H:%M:%SZ'), '']
    with open(os.path.join(aws, 'config'), 'w') as f:
        f.write('\n'.join(config) + '\n')
    path = os.path.join(aws, 'credentials')
    with open(path, 'w') as f:
        f.write('\n'.join(creds))
    os.chmod(path, 0o600)
    return path


# -- sandbox ---------------------------------------------------------------------------------

def check_permissions(checks, b):
    """The installed app's metadata, which `flatpak run` enforces, grants exactly the
    manifest's finish-args (check_manifest.py makes sure that those are the right ones)."""
    want_context, want_policy = expected_metadata(b.finish_args)
    meta = b.installed_metadata()
    ctx = meta['Context'] if meta.has_section('Context') else {}
    for key in sorted(set(want_context) | set(ctx)):
        got = {v for v in ctx.get(key, '').split(';') if v}
        checks.equal(got, want_context.get(key, set()),
                     'installed app: [Context] %s is exactly what the manifest asks for' % key)
    policy = dict(meta['Session Bus Policy']) if meta.has_section('Session Bus Policy') else {}
    checks.equal(policy, want_policy, 'installed app: the session bus policy is exactly the '
                 'manifest\'s (%s)' % ', '.join('%s=%s' % kv for kv in want_policy.items()))
    checks.check(not meta.has_section('System Bus Policy'),
                 'installed app: no system bus access')
    checks.equal(meta.get('Application', 'command', fallback=None), b.command,
                 'installed app: command is %s' % b.command)


def check_tray_and_sandbox(checks, b):
    """Start the applet sandboxed; its item registers with the host's fake watcher."""
    home = b.home
    canary = os.path.join(home, 'amt-host-canary')
    with open(canary, 'w') as f:
        f.write('the sandbox must not see this\n')
    before = snapshot(home)
    portal = portal_mock.PortalMock().start()
    daemon = notifications.NotificationDaemon().start()
    applet = Applet(command=b.spawn_args(), match_pid=False, timeout=60.0, name='flatpak-applet',
                    checks=checks, term_timeout=5.0)
    failed = True
    try:
        try:
            applet.start()
        except Exception as e:  # noqa: BLE001 - a failed check, the output is printed above
            checks.fail('the sandboxed applet registers a tray item with the host\'s watcher '
                        'within 60 s', '%s: %s' % (type(e).__name__, e))
            return
        checks.check(True, 'the sandboxed applet registers a tray item with the host\'s '
                     'watcher within 60 s')
        sender = applet.item.bus_name
        checks.equal(portal_mock.sender_app_id(sni.session_bus(), sender), b.app_id,
                     'the item\'s connection comes from inside the sandbox of %s' % b.app_id)
        props = checks.run('the host reads the item\'s properties across the sandbox',
                           applet.item.properties) or {}
        checks.equal(props.get('Id'), b.app_id, 'item Id is the application ID')
        checks.equal(props.get('Status'), 'Active', 'item Status is Active')
        root = checks.run('the host reads the item\'s menu across the sandbox', applet.layout)

        # GNOME lists background apps with the status line they give the Background portal.
        deadline = time.monotonic() + 10
        while not portal.background_statuses() and time.monotonic() < deadline:
            time.sleep(0.1)
        statuses = portal.background_statuses()
        checks.check(statuses and (statuses[-1] == 'No MFA profiles' or ': ' in statuses[-1]),
                     'the sandboxed applet sets the Background portal\'s status line to the '
                     'session that ends first', repr(statuses))

        # What the sandbox sees and reaches while the applet runs: each line echoes a word
        # when it succeeds.
        gdbus = 'gdbus call --session --dest '
        probe = b.sandbox_sh('; '.join([
            'test -e "$HOME/amt-host-canary" && echo canary-visible',
            'test -f /.flatpak-info && echo flatpak-info',
            'touch "$HOME/amt-outside-probe" && echo home-write',
            'echo probe > "$HOME/.aws/amt-inside-probe" && echo aws-write',
            gdbus + WATCHER + ' --object-path /StatusNotifierWatcher '
            '--method org.freedesktop.DBus.Properties.Get ' + WATCHER + ' ProtocolVersion '
            '>/dev/null 2>&1 && echo watcher-ok',
            gdbus + notifications.BUS_NAME + ' --object-path ' + notifications.PATH +
            ' --method ' + notifications.IFACE + '.GetServerInformation >/dev/null 2>&1 '
            '&& echo notifications-daemon-reachable',
            gdbus + portal_mock.BUS_NAME + ' --object-path ' + portal_mock.OBJECT_PATH +
            ' --method ' + portal_mock.NOTIFICATION_IFACE + '.AddNotification '
            'amt-sandbox-probe "{\'title\': <\'from the sandbox\'>}" >/dev/null && echo portal-ok',
            'echo "names: $(' + gdbus + 'org.freedesktop.DBus --object-path '
            '/org/freedesktop/DBus --method org.freedesktop.DBus.ListNames)"',
        ]))
        out = probe.stdout
        log('inside the sandbox: ' + ' '.join(out.split()))
        checks.equal(probe.returncode, 0, 'a shell runs inside the sandbox')
        checks.check('flatpak-info' in out, 'the sandbox has /.flatpak-info (GLib and GTK '
                     'use portals there)', out)
        checks.check('canary-visible' not in out, 'the sandbox does not see a file in the '
                     'host\'s $HOME outside ~/.aws', out)
        checks.check('aws-write' in out and os.path.exists(
            os.path.join(home, '.aws', 'amt-inside-probe')),
            'a file the sandbox writes in ~/.aws appears in the host\'s ~/.aws', out)
        checks.check(not os.path.exists(os.path.join(home, 'amt-outside-probe')),
                     'a file the sandbox writes elsewhere in $HOME does not reach the host',
                     out + probe.stderr)
        checks.check('watcher-ok' in out, 'the sandbox can call org.kde.StatusNotifierWatcher',
                     out + probe.stderr)
        checks.check('notifications-daemon-reachable' not in out,
                     'the sandbox cannot call org.freedesktop.Notifications directly (no '
                     'session-bus-wide access)', out)
        probe_note = checks.run('the sandbox reaches the notification portal (mock)',
                                portal.wait_for_notification,
                                lambda n: n['id'] == 'amt-sandbox-probe', 5.0)
        if probe_note is not None:
            checks.equal(probe_note['app_id'], b.app_id, 'the portal identifies the caller '
                         'as %s, as xdg-desktop-portal would' % b.app_id)
        listed = [l for l in out.splitlines() if l.startswith('names: ')]
        names = set(re.findall(r"'([^']+)'", listed[0] if listed else ''))
        checks.check(bool(names), 'the sandbox lists the bus names it may see', out)
        visible = sorted(n for n in names if not n.startswith(':') and n not in (
            'org.freedesktop.DBus', WATCHER, portal_mock.BUS_NAME)
            and not n.startswith(b.app_id))
        checks.check(not visible, 'the sandbox sees no other well-known bus name',
                     'visible: %s' % ', '.join(visible))

        quit_node = root.find('Quit', ignore_case=True) if root is not None else None
        if quit_node is None:
            checks.fail('the menu has "Quit"', root.dump() if root is not None else '')
        elif checks.run('the host clicks "Quit" across the sandbox', applet.menu.click,
                        quit_node) is not None:
            status = checks.run('the sandboxed applet exits within 10 s of "Quit"',
                                applet.wait_exit, 10.0)
            if status is not None:
                checks.equal(status, 0, 'exit status after "Quit" is 0')
        failed = False
    finally:
        if applet.running():
            b.kill()
        applet.stop(failed=failed)
        daemon.stop()
        portal.stop()
        os.unlink(canary)
    after = snapshot(home)
    del before['amt-host-canary']
    outside = [p for p in changes(before, after) if not allowed_home_change(p, b.app_id)]
    checks.check(not outside, 'nothing changed in $HOME outside ~/.aws and ~/.var/app/%s'
                 % b.app_id, 'changed: %s' % ', '.join(outside))


def test_sandbox(checks, b):
    check_permissions(checks, b)
    check_tray_and_sandbox(checks, b)


# -- notification ----------------------------------------------------------------------------

def test_notification(checks, b):
    if not b.elf_imports('g_notification_new'):
        skip('the applet sends no GNotification yet (aws-mfa-tray does not import '
             'g_notification_new); this test turns itself on when it does')
    # A session that expires within the lead time (10 min by default): DESIGN.md says the
    # applet notifies then; one that has expired would do as well.
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)
    write_profiles(b.home, expiration=soon)
    before = snapshot(b.home)
    with portal_mock.PortalMock() as portal:
        applet = Applet(command=b.spawn_args('--background'), match_pid=False, timeout=60.0,
                        name='flatpak-applet', checks=checks)
        failed = True
        try:
            try:
                applet.start()
            except Exception as e:  # noqa: BLE001 - a failed check, the output is printed
                checks.fail('the sandboxed applet starts', '%s: %s' % (type(e).__name__, e))
                return
            n = checks.run('a notification of the sandboxed applet reaches the portal within '
                           '30 s', portal.wait_for_notification, None, 30.0, applet._exited)
            if n is not None:
                log('the portal got AddNotification(%r): %r' % (n['id'], n['notification']))
                checks.equal(n['app_id'], b.app_id, 'the portal sees it come from %s'
                             % b.app_id)
                checks.check(n['title'].strip(), 'the notification has a title', repr(n))
                checks.check('demo' in (n['title'] + n['body']),
                             'the notification names the profile', repr(n))
                labels = [str(btn.get('label', '')).replace('_', '').lower()
                          for btn in n['buttons']]
                checks.check('log in now' in labels, 'the notification has a "Log in now" '
                             'button (DESIGN.md)', 'buttons: %r' % n['buttons'])
            check_autostart_portal(checks, b, portal)
            failed = not checks.ok
        finally:
            if applet.running():
                b.kill()
            applet.stop(failed=failed)
    outside = [p for p in changes(before, snapshot(b.home))
               if not allowed_home_change(p, b.app_id)]
    checks.check(not outside, 'nothing changed in $HOME outside ~/.aws and ~/.var/app/%s'
                 % b.app_id, 'changed: %s' % ', '.join(outside))


def check_autostart_portal(checks, b, portal):
    """Start at login, turned on (the app.start-at-login action, as the preferences switch
    does): inside the sandbox it goes through the Background portal, not ~/.config/autostart."""
    bus = sni.session_bus()
    app_path = '/' + b.app_id.replace('.', '/')
    try:
        bus.call_sync(b.app_id, app_path, 'org.gtk.Actions', 'Activate',
                      GLib.Variant('(sava{sv})', ('start-at-login', [], {})), None,
                      Gio.DBusCallFlags.NONE, 10000, None)
    except GLib.Error as e:
        checks.fail('the sandboxed app takes app.start-at-login over D-Bus', e.message)
        return
    deadline = time.monotonic() + 10
    while not portal.background_requests() and time.monotonic() < deadline:
        time.sleep(0.1)
    requests = portal.background_requests()
    checks.check(requests, 'start at login asks the Background portal (RequestBackground)')
    if requests:
        options = requests[-1]['options']
        checks.equal(requests[-1]['app_id'], b.app_id, 'the portal sees the request come from %s'
                     % b.app_id)
        checks.equal(options.get('autostart'), True, 'RequestBackground asks for autostart')
        checks.equal(list(options.get('commandline', [])), ['aws-mfa-tray', '--background'],
                     'the autostart command line starts the applet in the tray')
    checks.check(not os.path.exists(os.path.join(b.home, '.config', 'autostart')),
                 'no autostart file is written on the host from the sandbox')


# -- login -----------------------------------------------------------------------------------

def test_login(checks, b):
    helped = b.run(['--command=' + b.command, b.app_id, '--help'], timeout=60)
    if not re.search(r'\blogin\b', helped.stdout + helped.stderr):
        skip('`aws-mfa-tray --help` inside the sandbox does not list `login` yet; this test '
             'turns itself on when it does')
    from stand_in import StandIn  # tests/aws-stand-in
    with StandIn() as aws:
        path = write_profiles(b.home, standin=aws)
        with open(path, encoding='utf-8') as f:
            long_term = f.read()
        before = snapshot(b.home)
        aws.wait_for_step_margin(10)
        code = aws.totp('arn:aws:iam::111111111111:mfa/alice')
        # The endpoint and CA also come through the environment, which `flatpak run` passes
        # on; the code goes through standard input only.
        env = {'AWS_ENDPOINT_URL_STS': aws.url,
               'AWS_CA_BUNDLE': os.path.join(b.home, '.aws', 'stand-in-ca.pem')}
        r = b.run(['--command=' + b.command, b.app_id, 'login', '--profile', 'demo',
                   '--code-stdin'], input_text=code + '\n', timeout=120, env=env)
        ok = checks.equal(r.returncode, 0, 'login --profile demo --code-stdin inside the '
                          'sandbox exits with status 0')
        if not ok:
            print('----- stdout -----\n%s\n----- stderr -----\n%s' % (r.stdout, r.stderr))
        actions = [q.get('action') for q in aws.requests()]
        checks.check('GetSessionToken' in actions, 'the stand-in STS got GetSessionToken '
                     'from the sandbox', 'requests: %r' % actions)
        creds = configparser.ConfigParser(interpolation=None)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        creds.read_string(text)
        section = creds['demo'] if creds.has_section('demo') else {}
        checks.check(section.get('aws_access_key_id', '').startswith('ASIA'),
                     'the host\'s ~/.aws/credentials has a session key in [demo]', text
                     if not section else '[demo] keys: %s' % ', '.join(section))
        checks.check(section.get('aws_session_token'), '[demo] has aws_session_token')
        exp = section.get('expiration', '')
        try:
            when = datetime.datetime.strptime(exp, '%Y-%m-%dT%H:%M:%SZ').replace(
                tzinfo=datetime.timezone.utc)
            future = when > datetime.datetime.now(datetime.timezone.utc)
        except ValueError:
            future = False
        checks.check(future, '[demo] has an ISO-8601 expiration in the future', repr(exp))
        checks.check(text.startswith(long_term.rstrip('\n')),
                     '[demo-long-term] is byte-identical', text)
    outside = [p for p in changes(before, snapshot(b.home))
               if not allowed_home_change(p, b.app_id)]
    checks.check(not outside, 'nothing changed in $HOME outside ~/.aws and ~/.var/app/%s'
                 % b.app_id, 'changed: %s' % ', '.join(outside))


# -- the sandbox's limits, where users meet them ----------------------------------------------

NO_SECRET_PORTAL = ('Inside Flatpak, MFA Tray for AWS reaches the keyring only through the '
                    'desktop’s Secret portal, which this desktop does not offer, so the long-term '
                    'keys of %s cannot be kept there: keep them in the credentials file, or use '
                    'MFA Tray for AWS installed without Flatpak.')


LOCKED = ('The keyring stayed locked, so the long-term keys of %s could not be used: unlock it '
          'when it asks, and try again.')


def documented_credential_process(source_dir, profile):
    """The credential_process line that flatpak/README.md gives Flatpak users, for profile."""
    with open(os.path.join(source_dir, 'flatpak', 'README.md'), encoding='utf-8') as f:
        lines = re.findall(r'^credential_process = (flatpak run .*)$', f.read(), re.M)
    if len(lines) != 1:
        raise AssertionError('flatpak/README.md should give one "credential_process = flatpak '
                             'run …" line; it gives %d' % len(lines))
    return re.sub(r'--profile \S+', '--profile ' + profile, lines[0])


def test_limits(checks, b):
    import botocore.session  # Debian's python3-botocore: the client users have
    expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2))
    write_profiles(b.home, expiration=expiration)
    config = os.path.join(b.home, '.aws', 'config')

    # The documented line, as the AWS CLI and every SDK on the host run it (botocore: split
    # with shlex, run with the environment, JSON on standard output).
    line = checks.run('flatpak/README.md gives one credential_process line for Flatpak users',
                      documented_credential_process, b.source_dir, 'demo')
    if line is not None:
        log('credential_process = ' + line)
        with open(config, 'a') as f:
            f.write('\n[profile flatpak-user]\ncredential_process = %s\n' % line)
        session = botocore.session.Session(profile='flatpak-user')
        creds = checks.run('botocore on the host resolves [profile flatpak-user] through the '
                           'sandboxed credential-process',
                           lambda: session.get_credentials().get_frozen_credentials())
        if creds is not None:
            checks.equal(creds.access_key, 'ASIAOLDSESSION000001', 'it gets the session '
                         'kept in [demo] of the host\'s ~/.aws/credentials')
            checks.equal(creds.token, 'oldsessiontoken', 'with its session token')

    # mfa_process names a host program: one sentence saying the sandbox cannot run it.
    with open(config, 'a') as f:
        f.write('\n[profile demo-yubikey]\nmfa_process = ykman oath accounts code -s aws\n')
    with open(os.path.join(b.home, '.aws', 'credentials'), 'a') as f:
        f.write('\n[demo-yubikey-long-term]\naws_access_key_id = AKIAMFAPROCESSTEST01\n'
                'aws_secret_access_key = mfa-process-test-secret-never-sent-000000\n'
                'aws_mfa_device = arn:aws:iam::111111111111:mfa/bob\n')
    r = b.run(['--command=' + b.command, b.app_id, 'login', '--profile', 'demo-yubikey'],
              timeout=60, input_text='')
    sentence = ('The mfa_process command “ykman” cannot be run: the Flatpak sandbox cannot '
                'run programs installed on your computer, so remove mfa_process and type the '
                'code in the dialog, or use MFA Tray for AWS installed without Flatpak.')
    checks.check(r.returncode != 0, 'login with an mfa_process of a host program fails',
                 'status %d' % r.returncode)
    checks.check(sentence in r.stderr, 'it says that the sandbox cannot run "ykman" and what '
                 'to do instead', r.stderr)
    checks.check('Failed to execute' not in r.stderr, 'and not GLib\'s "Failed to execute '
                 'child process"', r.stderr)

    # The keyring (issue 17) on a desktop without the Secret portal (no portal here at all):
    # one sentence, and neither file changes.
    credentials_path = os.path.join(b.home, '.aws', 'credentials')
    before = (open(config, 'rb').read(), open(credentials_path, 'rb').read())
    r = b.run(['--command=' + b.command, b.app_id, 'keys', 'move-to-keyring', '--profile', 'demo'],
              timeout=60, input_text='')
    checks.check(r.returncode != 0 and NO_SECRET_PORTAL % 'demo-long-term' in r.stderr,
                 'keys move-to-keyring with no Secret portal says that the sandbox reaches the '
                 'keyring only through it, and what to do', r.stderr)
    checks.equal(len(r.stderr.strip().splitlines()), 1, 'in one line')
    checks.check((open(config, 'rb').read(), open(credentials_path, 'rb').read()) == before,
                 'and changes neither file')
    # Keys marked as in the keyring (moved by an installation that had one): a login says the
    # same, so it ends before any call to STS (which, unreachable here, would say otherwise).
    with open(config, 'ab') as f:
        f.write(b'\n[profile demo-long-term]\nmfa_tray_keys = keyring\n')
    r = b.run(['--command=' + b.command, b.app_id, 'login', '--profile', 'demo', '--code-stdin'],
              timeout=60, input_text='123456\n')
    checks.check(r.returncode != 0 and NO_SECRET_PORTAL % 'demo-long-term' in r.stderr,
                 'a login whose keys are marked as in the keyring says the same', r.stderr)
    with open(config, 'wb') as f:
        f.write(before[0])

    # AWS_CONFIG_FILE outside ~/.aws: there on the host, hidden from the sandbox.
    elsewhere = os.path.join(b.home, 'elsewhere')
    os.makedirs(elsewhere, exist_ok=True)
    with open(os.path.join(elsewhere, 'config'), 'w') as f:
        f.write('[profile demo]\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n')
    r = b.run(['--command=' + b.command, b.app_id, 'status'], timeout=60,
              env={'AWS_CONFIG_FILE': '~/elsewhere/config'})
    checks.check(r.returncode != 0, 'status with an AWS_CONFIG_FILE the sandbox cannot see '
                 'fails', 'status %d: %s' % (r.returncode, r.stdout))
    checks.check('~/elsewhere/config (set by AWS_CONFIG_FILE) cannot be read: the Flatpak '
                 'sandbox shows the app only ~/.aws of your files' in r.stderr,
                 'it names the file and the reason', r.stderr)
    checks.check('No MFA profiles found' not in r.stdout, 'instead of "No MFA profiles '
                 'found"', r.stdout)


# -- the keyring, through the Secret portal ---------------------------------------------------

def botocore_keys(home, profile):
    """What botocore on the host resolves for profile from ~/.aws: (key, secret, token) or
    None; a process of its own for each question, so that nothing is cached between steps."""
    script = ('import botocore.session, json, sys\n'
              'c = botocore.session.Session(profile=sys.argv[1]).get_credentials()\n'
              'c = c.get_frozen_credentials() if c else None\n'
              'print(json.dumps(None if c is None else [c.access_key, c.secret_key, c.token]))\n')
    env = dict(os.environ, HOME=home)
    for name in ('AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE'):
        env.pop(name, None)
    proc = subprocess.run(['/usr/bin/python3', '-c', script, profile], env=env,
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError('botocore failed: ' + proc.stderr)
    found = json.loads(proc.stdout)
    return tuple(found) if found is not None else None


def test_keyring(checks, b):
    from stand_in import StandIn  # tests/aws-stand-in
    with StandIn() as aws, portal_mock.PortalMock() as portal:
        alice = aws.user('alice')
        key_id, secret = alice['access_key_id'], alice['secret_access_key']
        write_profiles(b.home, standin=aws)
        aws_dir = os.path.join(b.home, '.aws')
        config = os.path.join(aws_dir, 'config')
        credentials = os.path.join(aws_dir, 'credentials')
        # [demo-long-term] holds nothing but the keys, last in the file: moved out and back,
        # the file is the same, byte for byte. [bystander] is somebody else's keys.
        original = ('[bystander]\naws_access_key_id = AKIABYSTANDER0000001\n'
                    'aws_secret_access_key = bystander-secret-0000000000000000000000\n\n'
                    '[demo-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                    % (key_id, secret)).encode()
        with open(credentials, 'wb') as f:
            f.write(original)
        config_original = open(config, 'rb').read()
        keyring_file = os.path.join(b.home, '.var', 'app', b.app_id, 'data', 'keyrings',
                                    'default.keyring')
        bystander = ('AKIABYSTANDER0000001', 'bystander-secret-0000000000000000000000', None)
        env = {'AWS_ENDPOINT_URL_STS': aws.url,
               'AWS_CA_BUNDLE': os.path.join(aws_dir, 'stand-in-ca.pem')}

        def app(*args, input_text=''):
            return b.run(['--command=' + b.command, b.app_id] + list(args), timeout=120,
                         input_text=input_text, env=env)

        def keys_place():
            r = app('status', '--json')
            if r.returncode != 0:
                return 'status failed: ' + r.stderr
            return {p['name']: p.get('keys') for p in json.loads(r.stdout)}.get('demo')

        def moved_in(step):
            r = app('keys', 'move-to-keyring', '--profile', 'demo')
            if not checks.equal(r.returncode, 0, '%s: keys move-to-keyring --profile demo '
                                'inside the sandbox exits with status 0' % step):
                print('----- stderr -----\n' + r.stderr)
                return False
            text = open(credentials, 'rb').read()
            checks.check(key_id.encode() not in text and secret.encode() not in text,
                         '%s: the keys are gone from the host\'s credentials file' % step, text)
            checks.equal(botocore_keys(b.home, 'demo-long-term'), None,
                         '%s: botocore on the host finds no keys for demo-long-term (and no '
                         '"partial credentials")' % step)
            checks.equal(botocore_keys(b.home, 'bystander'), bystander,
                         '%s: botocore resolves [bystander] as before' % step)
            checks.check(os.path.exists(keyring_file), '%s: the keys are in the app\'s own '
                         'keyring file, ~/.var/app/%s/data/keyrings/default.keyring'
                         % (step, b.app_id))
            if os.path.exists(keyring_file):
                stored = open(keyring_file, 'rb').read()
                checks.check(secret.encode() not in stored and key_id.encode() not in stored,
                             '%s: which is encrypted (neither key in it as text)' % step)
                checks.equal(oct(os.stat(keyring_file).st_mode & 0o777), '0o600',
                             '%s: and private (0600)' % step)
            checks.equal(keys_place(), 'keyring', '%s: status --json says "keys": "keyring"'
                         % step)
            return True

        def moved_out(step):
            r = app('keys', 'move-to-file', '--profile', 'demo')
            if not checks.equal(r.returncode, 0, '%s: keys move-to-file --profile demo inside '
                                'the sandbox exits with status 0' % step):
                print('----- stderr -----\n' + r.stderr)
                return False
            checks.equal(botocore_keys(b.home, 'demo-long-term'), (key_id, secret, None),
                         '%s: botocore on the host resolves demo-long-term to the keys again'
                         % step)
            checks.equal(keys_place(), 'file', '%s: status --json says "keys": "file"' % step)
            checks.equal(open(config, 'rb').read(), config_original,
                         '%s: the config file is as it was (the mark is gone)' % step)
            return True

        checks.equal(keys_place(), 'file', 'before: status --json says "keys": "file"')

        # Round 1: in and out; the file comes back byte for byte.
        if moved_in('in') and moved_out('out'):
            checks.equal(open(credentials, 'rb').read(), original, 'out: the credentials file '
                         'is the same as before, byte for byte')

        # Round 2: a login whose keys live only in the sandbox's keyring; first with the
        # portal's prompt dismissed.
        if moved_in('in again'):
            portal.secret_response = 1
            aws.clear_requests()
            r = app('login', '--profile', 'demo', '--code-stdin', input_text='123456\n')
            portal.secret_response = 0
            checks.check(r.returncode != 0 and LOCKED % 'demo-long-term' in r.stderr,
                         'the portal\'s prompt dismissed: the login fails with one sentence',
                         r.stderr)
            checks.equal(aws.requests(), [], 'and sends nothing to STS')

            aws.wait_for_step_margin(10)
            aws.clear_requests()
            r = app('login', '--profile', 'demo', '--code-stdin',
                    input_text=aws.totp('arn:aws:iam::111111111111:mfa/alice') + '\n')
            if not checks.equal(r.returncode, 0, 'login --profile demo with the keys only in '
                                'the keyring exits with status 0'):
                print('----- stdout -----\n%s\n----- stderr -----\n%s' % (r.stdout, r.stderr))
            calls = [(q.get('action'), q.get('access_key_id'), q.get('signature_ok'))
                     for q in aws.requests()]
            checks.equal(calls, [('GetSessionToken', key_id, True)], 'the stand-in STS got '
                         'one GetSessionToken, signed with the keys from the keyring')
            session = botocore_keys(b.home, 'demo')
            checks.check(session is not None and session[0].startswith('ASIA') and session[2],
                         'botocore on the host resolves [demo] to the new session', repr(session))
            text = open(credentials, 'rb').read()
            checks.check(key_id.encode() not in text and secret.encode() not in text,
                         'the long-term keys are still not in the credentials file', text)
            if moved_out('out again'):
                text = open(credentials, 'rb').read()
                checks.check(original.split(b'\n\n')[1] in text, 'out again: [demo-long-term] '
                             'holds the two standard keys again, byte for byte', text)

        requests = portal.secret_requests()
        checks.check(requests and {q['app_id'] for q in requests} == {b.app_id},
                     'libsecret in the sandbox got the keyring\'s secret from the Secret portal, '
                     'which saw the requests come from %s' % b.app_id, repr(requests))


TESTS = {'sandbox': test_sandbox, 'notification': test_notification, 'login': test_login,
         'limits': test_limits, 'keyring': test_keyring}


def main(argv):
    if len(argv) != 2 or argv[1] not in TESTS:
        print('usage: test_bundle.py %s' % '|'.join(TESTS), file=sys.stderr)
        return 2
    checks = Checks()
    started = time.monotonic()
    try:
        b = Bundle()
    except Skip as e:
        skip(str(e))
    try:
        require_display()
    except AssertionError as e:
        checks.fail('an X display is available', str(e))
        return checks.finish()
    try:
        b.prepare(log=log)
    except (bundle_mod.HarnessError, testruntime.RuntimeAssemblyError,
            subprocess.TimeoutExpired) as e:
        checks.fail('the bundle is built and installed', '%s: %s' % (type(e).__name__, e))
        return checks.finish()
    checks.check(True, 'the bundle is built and installed (%s)' % b.timing_report())
    TESTS[argv[1]](checks, b)
    log('%s took %.1f s' % (argv[1], time.monotonic() - started))
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
