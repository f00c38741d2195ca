"""python-dbusmock's notification_daemon on the current session bus, and a reader for it.

    with NotificationDaemon(log_path=...) as nd:      # owns org.freedesktop.Notifications
        ... the applet sends a GNotification ...
        n = nd.wait_for_notification(lambda n: 'expir' in n.summary, timeout=5)
        app_name, summary, body, actions, hints = n   # a 5-tuple, with more attributes:
        n.id, n.replaces_id, n.app_icon, n.expire_timeout, n.timestamp, n.raw_actions
        nd.invoke_action(n.id, 'app.login::prod')     # the user clicks "Log in now"
        nd.close_notification(n.id, reason=2)         # the user dismisses it

Which backend GLib uses for GNotification (checked on Debian 12, GLib 2.74, by experiment):
GLib picks the first supported backend of the "gnotification-backend" extension point:
  * portal (org.freedesktop.portal.Notification) when inside Flatpak, or when GTK_USE_PORTAL=1;
  * gtk (org.gtk.Notifications, i.e. gnome-shell) when that name has an owner on the bus;
  * freedesktop (org.freedesktop.Notifications) otherwise.
GNOTIFICATION_BACKEND=freedesktop|gtk|portal forces one. Our isolated tests have none of the
first two, so the applet talks to this mock. The application must be registered (a
GApplication with an ID, after g_application_register/run) but needs no .desktop file and no
D-Bus activation: the fdo backend lives inside the app, listens for ActionInvoked itself and
activates the action in-process.
What the fdo backend sends (Notify args): app_name = g_get_application_name() (or "" if unset),
replaces_id = the id of an earlier notification sent with the same GNotification id (else 0),
app_icon = "" (the icon goes into hints: image-path or image-data), summary = title,
body, actions = ["default", "" if a default action is set] + [detailed action name, label] per
button, e.g. ["default", "", "app.login::prod", "Log in now"], hints = {"desktop-entry": app id,
"urgency": byte (0 low, 1 normal, 2 high/urgent)}, expire_timeout = -1.
ActionInvoked(id, "app.login::prod") makes GLib activate app.login with target "prod";
ActionInvoked(id, "default") activates the default action.
"""

import collections
import json
import os
import subprocess
import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = 'org.freedesktop.Notifications'
PATH = '/org/freedesktop/Notifications'
IFACE = 'org.freedesktop.Notifications'
MOCK_IFACE = 'org.freedesktop.DBus.Mock'


class NotificationError(AssertionError):
    pass


class Notification(collections.namedtuple('Notification',
                                          'app_name summary body actions hints')):
    """(app_name, summary, body, actions, hints); actions is a list of (key, label) pairs.
    Extra attributes: id, replaces_id, app_icon, expire_timeout, timestamp (the mock's wall
    clock time of the call, seconds), raw_actions (the flat list as sent)."""

    def action_keys(self):
        return [k for k, _ in self.actions]

    def action(self, label):
        """The key of the action with this label (mnemonic underscores ignored)."""
        for k, lab in self.actions:
            if lab == label or lab.replace('_', '') == label:
                return k
        raise NotificationError('notification %r has no action %r; it has %r'
                                % (self.summary, label, self.actions))


def _bus():
    return Gio.bus_get_sync(Gio.BusType.SESSION, None)


def _name_has_owner(bus, name):
    reply = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                          'org.freedesktop.DBus', 'NameHasOwner', GLib.Variant('(s)', (name,)),
                          GLib.VariantType('(b)'), Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


class NotificationDaemon:
    """Runs `python3 -m dbusmock --template notification_daemon` on the session bus."""

    def __init__(self, log_path=None, capabilities=None, python='/usr/bin/python3',
                 bus=None):
        self.log_path = log_path
        self.capabilities = capabilities
        self.python = python
        self.bus = bus or _bus()
        self.proc = None
        self._log = None
        self._since = 0  # index into the call log: calls before it are "cleared"

    # -- life cycle
    def start(self, timeout=10.0):
        if _name_has_owner(self.bus, BUS_NAME):
            raise NotificationError('%s is already owned on this bus; is a real notification '
                                    'daemon running? (tests need a private session bus)'
                                    % BUS_NAME)
        args = [self.python, '-m', 'dbusmock', '--template', 'notification_daemon']
        if self.capabilities is not None:
            args += ['--parameters', json.dumps({'capabilities': ' '.join(self.capabilities)})]
        if self.log_path:
            self._log = open(self.log_path, 'ab')
        out = self._log if self._log else subprocess.DEVNULL
        self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not _name_has_owner(self.bus, BUS_NAME):
            if self.proc.poll() is not None:
                raise NotificationError('dbusmock notification_daemon exited with status %d '
                                        'before owning %s%s' % (self.proc.returncode, BUS_NAME,
                                                                self._log_hint()))
            if time.monotonic() > deadline:
                self.stop()
                raise NotificationError('dbusmock notification_daemon did not own %s within '
                                        '%.1f s%s' % (BUS_NAME, timeout, self._log_hint()))
            time.sleep(0.02)
        return self

    def stop(self, timeout=5.0):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def _log_hint(self):
        return ' (see %s)' % self.log_path if self.log_path else ''

    # -- reading
    def _mock(self, method, params=None, reply_type=None):
        try:
            return self.bus.call_sync(BUS_NAME, PATH, MOCK_IFACE, method, params,
                                      GLib.VariantType(reply_type) if reply_type else None,
                                      Gio.DBusCallFlags.NONE, 5000, None)
        except GLib.Error as e:
            raise NotificationError('dbusmock %s.%s failed: %s' % (MOCK_IFACE, method,
                                                                   e.message)) from e

    def calls(self):
        """Every method call the mock received: [(timestamp, method, args)]."""
        return self._mock('GetCalls', None, '(a(tsav))').unpack()[0]

    def all_notifications(self):
        """Every Notify call since start (ignores clear()), oldest first."""
        reply = self._mock('GetMethodCalls', GLib.Variant('(s)', ('Notify',)), '(a(tav))')
        out = []
        next_id = 1
        for ts, args in reply.unpack()[0]:
            app_name, replaces_id, app_icon, summary, body, raw_actions, hints, expire = args
            # The template's own id rule: replaces_id if non-zero, else the next counter value.
            if replaces_id:
                nid = replaces_id
            else:
                nid = next_id
                next_id += 1
            n = Notification(app_name, summary, body,
                             list(zip(raw_actions[0::2], raw_actions[1::2])), dict(hints))
            n.id = nid
            n.replaces_id = replaces_id
            n.app_icon = app_icon
            n.expire_timeout = expire
            n.timestamp = ts  # dbusmock stores int(time.time())
            n.raw_actions = list(raw_actions)
            out.append(n)
        return out

    def notifications(self):
        """Notify calls since start or the last clear(), oldest first, as Notification
        5-tuples (app_name, summary, body, actions, hints)."""
        return self.all_notifications()[self._since:]

    def clear(self):
        """Forget the notifications received so far (for notifications()/wait_*)."""
        self._since = len(self.all_notifications())

    def closed_ids(self):
        """Ids passed to CloseNotification (GLib withdraws a notification this way)."""
        reply = self._mock('GetMethodCalls', GLib.Variant('(s)', ('CloseNotification',)),
                           '(a(tav))')
        return [args[0] for _, args in reply.unpack()[0]]

    def wait_for_notification(self, predicate=None, timeout=5.0, count=1):
        """Wait until `count` notifications (matching predicate(n), if given) arrived since
        start/clear(); returns the last of them. NotificationError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            got = [n for n in self.notifications() if predicate is None or predicate(n)]
            if len(got) >= count:
                return got[count - 1]
            if self.proc is not None and self.proc.poll() is not None:
                raise NotificationError('dbusmock notification_daemon exited with status %d'
                                        % self.proc.returncode)
            if time.monotonic() > deadline:
                have = self.notifications()
                raise NotificationError(
                    'timed out after %.1f s waiting for %s notification%s; received %d: %s'
                    % (timeout, count if count > 1 else 'a', ' matching' if predicate else '',
                       len(have), '; '.join('%r/%r actions=%r' % (n.summary, n.body, n.actions)
                                            for n in have) or 'none'))
            # Let callbacks of this process's main context run (e.g. an in-process app).
            ctx = GLib.MainContext.ref_thread_default()
            while ctx.pending():
                ctx.iteration(False)
            time.sleep(0.05)

    def assert_no_notification(self, within=1.0, predicate=None):
        time.sleep(within)
        got = [n for n in self.notifications() if predicate is None or predicate(n)]
        if got:
            raise NotificationError('expected no notification, got %d: %r' % (len(got), got))

    # -- acting as the user
    def emit(self, name, signature, args):
        """EmitSignal on org.freedesktop.Notifications from the mock's object."""
        variants = [GLib.Variant(t, a) for t, a in zip(_split_signature(signature), args)]
        self._mock('EmitSignal', GLib.Variant('(sssav)', (IFACE, name, signature, variants)))

    def invoke_action(self, notification_id, action_key='default'):
        """The user clicks a button (or the body, for 'default'): ActionInvoked(id, key)."""
        if isinstance(notification_id, Notification):
            notification_id = notification_id.id
        self.emit('ActionInvoked', 'us', [notification_id, action_key])

    def close_notification(self, notification_id, reason=2):
        """NotificationClosed(id, reason): 1 expired, 2 dismissed, 3 CloseNotification."""
        if isinstance(notification_id, Notification):
            notification_id = notification_id.id
        self.emit('NotificationClosed', 'uu', [notification_id, reason])


def _split_signature(sig):
    """Split a D-Bus signature into complete types ('usa{sv}' -> ['u', 's', 'a{sv}'])."""
    out = []
    i = 0
    while i < len(sig):
        j = i
        while sig[j] == 'a':
            j += 1
        if sig[j] in '({':
            depth = 0
            while True:
                if sig[j] in '({':
                    depth += 1
                elif sig[j] in ')}':
                    depth -= 1
                j += 1
                if depth == 0:
                    break
        else:
            j += 1
        out.append(sig[i:j])
        i = j
    return out


def _main():
    """Run the mock in the foreground until interrupted (manual experiments)."""
    nd = NotificationDaemon(log_path=os.environ.get('NOTIFICATIONS_LOG')).start()
    print('notification_daemon mock running (pid %d); Ctrl-C to stop' % nd.proc.pid)
    try:
        nd.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        nd.stop()


if __name__ == '__main__':
    _main()
