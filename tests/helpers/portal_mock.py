#!/usr/bin/python3
"""A mock of the XDG desktop portal's Notification, Background and Secret interfaces, for tests.

Inside Flatpak (when /.flatpak-info exists) GLib sends a GNotification to
org.freedesktop.portal.Notification.AddNotification on the session bus name
org.freedesktop.portal.Desktop, object /org/freedesktop/portal/desktop, instead of to a
notification daemon; the sandbox's D-Bus proxy always lets an app talk to
org.freedesktop.portal.*. This mock owns that name on the test's session bus and records what
it is sent:

    with PortalMock() as portal:                  # runs in a thread of its own
        ... the sandboxed applet sends a GNotification ...
        n = portal.wait_for_notification(lambda n: 'expir' in n['title'], timeout=10)
        n['id'], n['title'], n['body'], n['buttons'], n['app_id'], n['sender']
        portal.invoke_action(n, 'app.login', GLib.Variant('s', 'demo'))  # "Log in now"
        portal.background_requests()              # RequestBackground calls, if any
        portal.background_statuses()              # SetStatus messages, if any

Each record is a dict: 'id' (the GNotification id), 'notification' (the a{sv} as Python
values), 'title', 'body', 'buttons' ([{'label', 'action', 'target'?}]), 'default-action',
'sender' (unique bus name of the caller) and 'app_id': the [Application] name of the caller's
/.flatpak-info, found the way xdg-desktop-portal finds it (the sender's process, through
/proc/PID/root/.flatpak-info; for a sandboxed app that process is its xdg-dbus-proxy, which
Flatpak runs inside the app's sandbox for exactly this). None when the caller is not sandboxed
or when /proc does not tell.

RequestBackground(parent_window, options) is answered the way the real portal answers it:
a Request object path, then org.freedesktop.portal.Request.Response(0, {background: true,
autostart: <as asked>}) on that path; the call is recorded (background_requests()).

org.freedesktop.portal.Settings is answered with no settings, so that GTK's start-up inside
the sandbox gets a reply rather than an error.

org.freedesktop.portal.Secret (version 1; PortalMock(secret=False) leaves it out, as on a
desktop without it) answers RetrieveSecret(fd, options) as the real portal with gnome-keyring's
backend does: a Request object path, the per-application master secret (64 random bytes made
at the app's first request, the same ones on every later request, as the desktop's keyring
keeps them) written into the fd, the fd closed, then Request.Response(0, {}) on that path.
libsecret's file backend (its keyring inside the sandbox) asks for it; the calls are recorded
(secret_requests()), and secret_of(app_id) gives the bytes handed out. With
portal.secret_response = 1 the user has dismissed the desktop's prompt: no secret, the fd
closed, Response(1, {}).

As a script, ``portal_mock.py`` runs the mock on the session bus until interrupted.
"""

import configparser
import os
import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from bus_service import REQUEST_NAME_PRIMARY_OWNER, BusServiceThread  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = 'org.freedesktop.portal.Desktop'
OBJECT_PATH = '/org/freedesktop/portal/desktop'
NOTIFICATION_IFACE = 'org.freedesktop.portal.Notification'
BACKGROUND_IFACE = 'org.freedesktop.portal.Background'
SETTINGS_IFACE = 'org.freedesktop.portal.Settings'
SECRET_IFACE = 'org.freedesktop.portal.Secret'
REQUEST_IFACE = 'org.freedesktop.portal.Request'

PORTAL_XML = """
<node>
  <interface name="org.freedesktop.portal.Notification">
    <method name="AddNotification">
      <arg type="s" name="id" direction="in"/>
      <arg type="a{sv}" name="notification" direction="in"/>
    </method>
    <method name="RemoveNotification">
      <arg type="s" name="id" direction="in"/>
    </method>
    <signal name="ActionInvoked">
      <arg type="s" name="id"/>
      <arg type="s" name="action"/>
      <arg type="av" name="parameter"/>
    </signal>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Background">
    <method name="RequestBackground">
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="SetStatus">
      <arg type="a{sv}" name="options" direction="in"/>
    </method>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Settings">
    <method name="ReadAll">
      <arg type="as" name="namespaces" direction="in"/>
      <arg type="a{sa{sv}}" name="value" direction="out"/>
    </method>
    <method name="Read">
      <arg type="s" name="namespace" direction="in"/>
      <arg type="s" name="key" direction="in"/>
      <arg type="v" name="value" direction="out"/>
    </method>
    <signal name="SettingChanged">
      <arg type="s" name="namespace"/>
      <arg type="s" name="key"/>
      <arg type="v" name="value"/>
    </signal>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Secret">
    <method name="RetrieveSecret">
      <arg type="h" name="fd" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <property name="version" type="u" access="read"/>
  </interface>
</node>
"""

# Background 2: SetStatus, the line GNOME shows for an app running in the background.
INTERFACE_VERSIONS = {NOTIFICATION_IFACE: 1, BACKGROUND_IFACE: 2, SETTINGS_IFACE: 1,
                      SECRET_IFACE: 1}

# The length of the master secret that gnome-keyring's portal backend hands out, and that
# libsecret's file backend insists on reading.
SECRET_LENGTH = 64

# The real portal's Response follows a round trip to its backend (gnome-keyring). libsecret
# before 0.21.4 (Debian's 0.20.5) subscribes to Response only once it has the method's reply,
# and would miss a Response sent in the same breath; so the mock, too, answers a moment later.
SECRET_RESPONSE_DELAY_MS = 200


class PortalError(AssertionError):
    """The mock could not start, or an expected call did not come."""


def sender_app_id(conn, sender):
    """The Flatpak app ID of a bus peer, as xdg-desktop-portal determines it, or None."""
    try:
        reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                               'org.freedesktop.DBus', 'GetConnectionUnixProcessID',
                               GLib.Variant('(s)', (sender,)), GLib.VariantType('(u)'),
                               Gio.DBusCallFlags.NONE, 5000, None)
        pid = reply.unpack()[0]
        info = configparser.ConfigParser(interpolation=None)
        with open('/proc/%d/root/.flatpak-info' % pid, encoding='utf-8') as f:
            info.read_file(f)
        return info.get('Application', 'name', fallback=None)
    except (GLib.Error, OSError, configparser.Error):
        return None


def _notification_record(nid, notification, sender, app_id):
    buttons = [dict(button) for button in notification.get('buttons', [])]
    return {
        'id': nid,
        'notification': notification,
        'title': notification.get('title', ''),
        'body': notification.get('body', ''),
        'buttons': buttons,
        'default-action': notification.get('default-action'),
        'priority': notification.get('priority'),
        'sender': sender,
        'app_id': app_id,
        'monotonic': time.monotonic(),
    }


class PortalMock(BusServiceThread):
    """The mock, in a thread with its own connection and main context (bus_service.py).
    Readers are thread-safe."""

    SERVICE = 'portal mock'
    ERROR = PortalError

    def __init__(self, bus_address=None, secret=True):
        super().__init__(bus_address)
        self.bus_name = BUS_NAME
        self.secret = secret
        self.secret_response = 0
        self._secrets = {}
        self._secret_requests = []
        self._notifications = []
        self._removed = []
        self._background = []
        self._statuses = []
        self._request_serial = 0

    # -- reading
    def notifications(self):
        with self._cond:
            return [dict(n) for n in self._notifications]

    def removed_ids(self):
        with self._cond:
            return list(self._removed)

    def background_requests(self):
        with self._cond:
            return [dict(r) for r in self._background]

    def secret_requests(self):
        """The RetrieveSecret calls: [{'app_id', 'sender', 'handle', 'options', 'response'}],
        oldest first."""
        with self._cond:
            return [dict(r) for r in self._secret_requests]

    def secret_of(self, app_id):
        """The master secret handed to app_id (bytes), or None if it never asked."""
        with self._cond:
            return self._secrets.get(app_id)

    def background_statuses(self):
        """The messages given to Background.SetStatus, oldest first."""
        with self._cond:
            return list(self._statuses)

    def wait_for_notification(self, predicate=None, timeout=10.0, abort_if=None):
        """The first AddNotification (matching predicate(record), if given); PortalError
        after `timeout` seconds, or as soon as abort_if() returns a reason."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for n in self._notifications:
                    if predicate is None or predicate(n):
                        return dict(n)
                reason = abort_if() if abort_if else None
                left = deadline - time.monotonic()
                if reason or left <= 0:
                    got = ', '.join(repr(n['title']) for n in self._notifications) or 'none'
                    raise PortalError('no matching notification reached the portal within '
                                      '%.1f s%s (received: %s)'
                                      % (timeout, ' (%s)' % reason if reason else '', got))
                self._cond.wait(min(left, 0.1))

    # -- acting as the desktop
    def invoke_action(self, notification, action, parameter=None):
        """The user clicks a button: ActionInvoked(id, action, [parameter]) to the sender."""
        nid = notification['id'] if isinstance(notification, dict) else notification
        dest = notification.get('sender') if isinstance(notification, dict) else None
        params = [parameter] if parameter is not None else []
        args = GLib.Variant('(ssav)', (nid, action, params))
        self._in_thread(lambda: self._conn.emit_signal(dest, OBJECT_PATH, NOTIFICATION_IFACE,
                                                       'ActionInvoked', args))

    # -- the thread
    def _setup(self):
        self._connect()
        node = Gio.DBusNodeInfo.new_for_xml(PORTAL_XML)
        for iface in node.interfaces:
            if iface.name == SECRET_IFACE and not self.secret:
                continue
            self._conn.register_object(OBJECT_PATH, iface, self._on_call,
                                       self._on_get_property, None)
        if self._own_name(BUS_NAME, 5000) != REQUEST_NAME_PRIMARY_OWNER:
            raise PortalError('%s is already owned on this bus (is a real portal '
                              'running? tests need a private session bus)' % BUS_NAME)

    def _on_get_property(self, conn, sender, path, iface, name):
        if name == 'version':
            return GLib.Variant('u', INTERFACE_VERSIONS.get(iface, 1))
        return None

    def _request_handle(self, sender, options):
        self._request_serial += 1
        token = options.get('handle_token', 'amt%d' % self._request_serial)
        return '/org/freedesktop/portal/desktop/request/%s/%s' % (
            sender[1:].replace('.', '_'), token)

    def _retrieve_secret(self, conn, sender, params, invocation):
        index, options = params.unpack()
        fd_list = invocation.get_message().get_unix_fd_list()
        handle = self._request_handle(sender, options)
        app_id = sender_app_id(conn, sender)
        try:
            fd = fd_list.get(index)
        except (GLib.Error, AttributeError) as e:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.InvalidArgs',
                                         'portal mock: no file descriptor: %s' % e)
            return
        with self._cond:
            # Keyed by the app ID, as gnome-keyring keeps it (None: a caller outside Flatpak).
            secret = self._secrets.setdefault(app_id, os.urandom(SECRET_LENGTH))
            response = self.secret_response
            self._secret_requests.append({'app_id': app_id, 'sender': sender, 'handle': handle,
                                          'options': options, 'response': response})
            self._cond.notify_all()
        invocation.return_value(GLib.Variant('(o)', (handle,)))

        def respond():
            try:
                if response == 0:
                    os.write(fd, secret)
            finally:
                os.close(fd)
            conn.emit_signal(sender, handle, REQUEST_IFACE, 'Response',
                             GLib.Variant('(ua{sv})', (response, {})))
            return False
        source = GLib.timeout_source_new(SECRET_RESPONSE_DELAY_MS)
        source.set_callback(lambda *_: respond())
        source.attach(self._ctx)

    def _on_call(self, conn, sender, path, iface, method, params, invocation):
        if iface == NOTIFICATION_IFACE and method == 'AddNotification':
            nid, notification = params.unpack()
            record = _notification_record(nid, notification, sender,
                                          sender_app_id(conn, sender))
            with self._cond:
                self._notifications.append(record)
                self._cond.notify_all()
            invocation.return_value(None)
        elif iface == NOTIFICATION_IFACE and method == 'RemoveNotification':
            with self._cond:
                self._removed.append(params.unpack()[0])
                self._cond.notify_all()
            invocation.return_value(None)
        elif iface == BACKGROUND_IFACE and method == 'RequestBackground':
            parent_window, options = params.unpack()
            handle = self._request_handle(sender, options)
            with self._cond:
                self._background.append({'parent_window': parent_window, 'options': options,
                                         'sender': sender, 'handle': handle,
                                         'app_id': sender_app_id(conn, sender)})
                self._cond.notify_all()
            invocation.return_value(GLib.Variant('(o)', (handle,)))
            results = {'background': GLib.Variant('b', True),
                       'autostart': GLib.Variant('b', bool(options.get('autostart', False)))}
            conn.emit_signal(sender, handle, REQUEST_IFACE, 'Response',
                             GLib.Variant('(ua{sv})', (0, results)))
        elif iface == BACKGROUND_IFACE and method == 'SetStatus':
            options = params.unpack()[0]
            with self._cond:
                self._statuses.append(options.get('message'))
                self._cond.notify_all()
            invocation.return_value(None)
        elif iface == SECRET_IFACE and method == 'RetrieveSecret':
            self._retrieve_secret(conn, sender, params, invocation)
        elif iface == SETTINGS_IFACE and method == 'ReadAll':
            invocation.return_value(GLib.Variant('(a{sa{sv}})', ({},)))
        elif iface == SETTINGS_IFACE and method == 'Read':
            invocation.return_dbus_error('org.freedesktop.portal.Error.NotFound',
                                         'Requested setting not found')
        else:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod',
                                         'portal mock: no %s.%s' % (iface, method))


def _main():
    with PortalMock() as portal:
        print('portal mock owns %s; Ctrl-C to stop' % BUS_NAME, flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                got = portal.notifications()
                for n in got[seen:]:
                    print('AddNotification(%r) from %s (%s): %r' % (
                        n['id'], n['sender'], n['app_id'], n['notification']), flush=True)
                seen = len(got)
        except KeyboardInterrupt:
            pass


if __name__ == '__main__':
    _main()
