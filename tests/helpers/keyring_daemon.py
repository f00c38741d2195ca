"""A real Secret Service for a test: gnome-keyring-daemon on the test's private session bus.

    with Keyring() as keyring:        # started, its login collection made and unlocked
        keyring.items()               # [(attributes, secret)] of this program's schema
        keyring.lock()                # lock the login collection
        with keyring.prompter() as prompter:   # answers unlock prompts in place of the desktop
            ... something asks to unlock ...
            prompter.wait_for_prompt(); prompter.dismiss()   # the user closes the dialog

gnome-keyring-daemon is started as `./run test` starts everything else: in the foreground,
unlocked with a password on its standard input (`--unlock --components=secrets`), under the
throw-away HOME and XDG directories that tests/isolate gives every test, so it makes a fresh
login collection in $XDG_DATA_HOME/keyrings and nothing of the user's is touched.

bare_bus() is the other case: a session bus of its own with no services to start, so that no
Secret Service answers at all (the isolated bus could start gnome-keyring through D-Bus
activation, from /usr/share/dbus-1/services).
"""

import os
import subprocess
import tempfile
import threading
import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

SCHEMA = 'io.github.awsmfatray.AwsMfaTray.LongTermKeys'
SECRETS = 'org.freedesktop.secrets'
SERVICE_PATH = '/org/freedesktop/secrets'
SERVICE = 'org.freedesktop.Secret.Service'
LOGIN = '/org/freedesktop/secrets/collection/login'
PROMPTER_NAME = 'org.gnome.keyring.SystemPrompter'
PROMPTER_PATH = '/org/gnome/keyring/Prompter'


class KeyringError(AssertionError):
    pass


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise KeyringError('timed out waiting for ' + what)


class Keyring:
    def __init__(self, password='test-keyring-password'):
        self.password = password
        self.process = None
        self.bus = None

    def __enter__(self):
        data_home = os.environ.get('XDG_DATA_HOME')
        if not data_home or not os.environ.get('AMT_TEST_TMPDIR'):
            raise KeyringError('run through tests/isolate: its throw-away XDG directories hold the keyring')
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        self.process = subprocess.Popen(
            ['gnome-keyring-daemon', '--foreground', '--unlock', '--components=secrets'],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.process.stdin.write(self.password.encode())
        self.process.stdin.close()
        _wait(self._owned, 20, SECRETS + ' on the bus')
        _wait(lambda: LOGIN in self._collections() and not self._locked(LOGIN), 20,
              'the login collection, unlocked')
        path = os.path.join(data_home, 'keyrings', 'login.keyring')
        _wait(lambda: os.path.exists(path), 10, path)
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _call(self, path, iface, method, args, reply):
        return self.bus.call_sync(SECRETS, path, iface, method, args,
                                  GLib.VariantType(reply) if reply else None,
                                  Gio.DBusCallFlags.NONE, 10000, None).unpack()

    def _owned(self):
        return self.bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                  'org.freedesktop.DBus', 'NameHasOwner',
                                  GLib.Variant('(s)', (SECRETS,)), GLib.VariantType('(b)'),
                                  Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]

    def _property(self, path, iface, name):
        return self._call(path, 'org.freedesktop.DBus.Properties', 'Get',
                          GLib.Variant('(ss)', (iface, name)), '(v)')[0]

    def _collections(self):
        return self._property(SERVICE_PATH, SERVICE, 'Collections')

    def _locked(self, collection):
        return self._property(collection, 'org.freedesktop.Secret.Collection', 'Locked')

    def items(self):
        """This program's items: [(attributes, secret text)], read without any prompt."""
        unlocked, locked = self._call(SERVICE_PATH, SERVICE, 'SearchItems',
                                      GLib.Variant('(a{ss})', ({'xdg:schema': SCHEMA},)), '(aoao)')
        if locked:
            raise KeyringError('items are locked: %r' % locked)
        if not unlocked:
            return []
        _, session = self._call(SERVICE_PATH, SERVICE, 'OpenSession',
                                GLib.Variant('(sv)', ('plain', GLib.Variant('s', ''))), '(vo)')
        try:
            secrets = self._call(SERVICE_PATH, SERVICE, 'GetSecrets',
                                 GLib.Variant('(aoo)', (unlocked, session)), '(a{o(oayays)})')[0]
        except GLib.Error:
            return self.items()  # an item went between the two calls: ask again
        out = []
        for path in unlocked:
            if path not in secrets:
                continue  # deleted since the search
            try:
                attributes = self._property(path, 'org.freedesktop.Secret.Item', 'Attributes')
            except GLib.Error:
                continue
            out.append((dict(attributes), bytes(secrets[path][2]).decode()))
        return sorted(out, key=lambda item: sorted(item[0].items()))

    def lock(self):
        """Locks the login collection (as the screen lock or a timeout would)."""
        locked, prompt = self._call(SERVICE_PATH, SERVICE, 'Lock',
                                    GLib.Variant('(ao)', ([LOGIN],)), '(aoo)')
        if prompt != '/':
            raise KeyringError('Lock asked for a prompt')
        _wait(lambda: self._locked(LOGIN), 10, 'the login collection, locked')

    def is_locked(self):
        return self._locked(LOGIN)

    def prompter(self):
        return Prompter(self)


class Prompter:
    """Stands where the desktop's prompter (gcr-prompter) would, speaking its protocol with
    gnome-keyring (org.gnome.keyring.internal.Prompter): it owns the prompter's bus name, is
    asked to show the unlock dialog (BeginPrompting, then PerformPrompt), and answers as a
    user who closes it ("no"). The Secret Service's own Prompt.Dismiss cannot be used: it is
    the client's (gnome-keyring answers anyone else "Invalid caller")."""

    XML = '''<node><interface name="org.gnome.keyring.internal.Prompter">
      <method name="BeginPrompting"><arg type="o" direction="in"/></method>
      <method name="PerformPrompt"><arg type="o" direction="in"/><arg type="s" direction="in"/>
        <arg type="a{sv}" direction="in"/><arg type="s" direction="in"/></method>
      <method name="StopPrompting"><arg type="o" direction="in"/></method>
    </interface></node>'''
    CALLBACK = 'org.gnome.keyring.internal.Prompter.Callback'

    def __init__(self, keyring):
        self.keyring = keyring
        self.asked = threading.Event()
        self.stopped = threading.Event()
        self.calls = []
        self.caller = None
        self.exchange = ''

    def __enter__(self):
        self.bus = Gio.DBusConnection.new_for_address_sync(
            Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None),
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.context = GLib.MainContext.new()
        self.loop = GLib.MainLoop.new(self.context, False)
        ready = threading.Event()

        def serve():
            self.context.push_thread_default()
            info = Gio.DBusNodeInfo.new_for_xml(self.XML)
            self.bus.register_object(PROMPTER_PATH, info.interfaces[0], self._method, None, None)
            reply = self.bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                       'org.freedesktop.DBus', 'RequestName',
                                       GLib.Variant('(su)', (PROMPTER_NAME, 4)), GLib.VariantType('(u)'),
                                       Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]
            if reply == 1:
                ready.set()
                self.loop.run()
            self.context.pop_thread_default()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        if not ready.wait(10):
            raise KeyringError('the prompter did not start (could not own %s)' % PROMPTER_NAME)
        return self

    def __exit__(self, *exc):
        self.context.invoke_full(GLib.PRIORITY_DEFAULT, lambda: self.loop.quit())
        self.thread.join(5)
        self.bus.close_sync(None)

    def _ready(self, reply, exchange=''):
        sender, callback = self.caller
        self.bus.call(sender, callback, self.CALLBACK, 'PromptReady',
                      GLib.Variant('(sa{sv}s)', (reply, {}, exchange)), None,
                      Gio.DBusCallFlags.NONE, 10000, None, None, None)

    def _method(self, connection, sender, path, iface, method, params, invocation):
        self.calls.append(method)
        invocation.return_value(None)
        if method == 'BeginPrompting':
            self.caller = (sender, params.unpack()[0])
            self._ready('')            # ready for the first prompt
        elif method == 'PerformPrompt':
            self.exchange = params.unpack()[3]
            self.asked.set()
        elif method == 'StopPrompting':
            self.stopped.set()

    def wait_for_prompt(self, timeout=30):
        """Until the unlock dialog would be on the screen."""
        if not self.asked.wait(timeout):
            raise KeyringError('no unlock prompt was shown (calls: %r)' % self.calls)

    def dismiss(self, timeout=30):
        """The user closes the unlock dialog."""
        self.context.invoke_full(GLib.PRIORITY_DEFAULT, lambda: self._ready('no', self.exchange))
        if not self.stopped.wait(timeout):
            raise KeyringError('gnome-keyring did not end the prompt (calls: %r)' % self.calls)


def bare_bus():
    """A session bus with nothing to start: (dbus-daemon process, its address). Stop it with
    process.terminate()."""
    tmp = tempfile.mkdtemp(prefix='bare-bus-', dir=os.environ.get('AMT_TEST_TMPDIR'))
    config = os.path.join(tmp, 'session.conf')
    with open(config, 'w') as f:
        f.write('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
                ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
                '<busconfig><type>session</type><listen>unix:dir=%s</listen>'
                '<auth>EXTERNAL</auth>'
                '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
                '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n' % tmp)
    process = subprocess.Popen(['dbus-daemon', '--config-file=' + config, '--nofork', '--print-address=1'],
                               stdout=subprocess.PIPE)
    address = process.stdout.readline().decode().strip()
    if not address:
        raise KeyringError('dbus-daemon did not start')
    return process, address
