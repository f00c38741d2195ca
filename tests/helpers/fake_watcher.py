#!/usr/bin/python3
"""A fake org.kde.StatusNotifierWatcher for tests and benchmarks.

It stands in for the tray of a desktop panel: it owns the well-known name
org.kde.StatusNotifierWatcher on the session bus and exports the real interface at
/StatusNotifierWatcher, so that libayatana-appindicator (or any StatusNotifierItem
implementation) registers its item with it instead of falling back to a GtkStatusIcon.

What libayatana-appindicator 0.5.92 (Debian 12) does with a watcher: it watches the name
org.kde.StatusNotifierWatcher, makes a proxy with DO_NOT_LOAD_PROPERTIES, exports its item at
/org/ayatana/NotificationItem/<clean id> and calls RegisterStatusNotifierItem(<that object
path>). It never reads IsStatusNotifierHostRegistered (we still answer true, as some other
implementations, e.g. Qt's or KDE's, do check it). The item owns no well-known name: its bus
name is the sender's unique name.

Two ways to use it:

* in-process (a test): ``w = FakeWatcher(log_path=...); w.start()`` runs the watcher in its
  own thread, on its own connection and GLib main context, so the test's thread can make
  blocking D-Bus calls freely. ``w.wait_for_item(timeout)`` returns the first (or a matching)
  registration; ``w.items`` lists current items, ``w.events`` every event. ``w.stop()``.
* a process (a benchmark or another test process)::

      fake_watcher.py --ready-file F --log F [--no-host] [--timeout S]

  owns the name, writes F (ready file, containing the watcher's unique name) once the name is
  owned, appends one JSON line per event to the log, and exits on SIGTERM/SIGINT.
  ``WatcherProcess`` below starts it and reads the log with the same API as FakeWatcher.

Every event record is a dict::

    {"event": "item-registered" | "item-unregistered" | "host-registered" |
              "host-unregistered" | "watcher-ready" | "watcher-stopped",
     "sender": ":1.7",          # unique name of the caller (for *-registered)
     "service": "/org/ayatana/NotificationItem/x",   # the argument exactly as given
     "bus_name": ":1.7",        # item's bus name (sender when service is an object path)
     "object_path": "/org/ayatana/NotificationItem/x",
     "id": ":1.7/org/ayatana/NotificationItem/x",   # entry of RegisteredStatusNotifierItems
     "repeat": false,           # true when the same item registered again
     "monotonic_us": 123456789, # g_get_monotonic_time() (CLOCK_MONOTONIC, microseconds):
                                #   comparable with g_get_monotonic_time() in another process
     "monotonic": 123.456789,   # the same in seconds (== time.monotonic() clock)
     "wall": 1700000000.123,    # time.time()
     "wall_iso": "2026-11-23T18:04:05.123456Z"}
"""

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from bus_service import BusServiceThread  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402

WATCHER_BUS_NAME = 'org.kde.StatusNotifierWatcher'
WATCHER_PATH = '/StatusNotifierWatcher'
WATCHER_IFACE = 'org.kde.StatusNotifierWatcher'
DEFAULT_ITEM_PATH = '/StatusNotifierItem'

WATCHER_XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem">
      <arg name="service" type="s" direction="in"/>
    </method>
    <method name="RegisterStatusNotifierHost">
      <arg name="service" type="s" direction="in"/>
    </method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered">
      <arg name="service" type="s"/>
    </signal>
    <signal name="StatusNotifierItemUnregistered">
      <arg name="service" type="s"/>
    </signal>
    <signal name="StatusNotifierHostRegistered"/>
    <signal name="StatusNotifierHostUnregistered"/>
  </interface>
</node>
"""


def _now():
    mono_us = GLib.get_monotonic_time()
    wall = time.time()
    iso = datetime.datetime.fromtimestamp(wall, datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%S.%fZ')
    return {'monotonic_us': mono_us, 'monotonic': mono_us / 1e6, 'wall': wall, 'wall_iso': iso}


class WatcherError(AssertionError):
    """Raised when the watcher cannot start or an expected registration does not come."""


class FakeWatcher(BusServiceThread):
    """The watcher itself, in a thread of its own (bus_service.py). Thread-safe readers:
    items, events, hosts, wait_for_*."""

    SERVICE = 'fake StatusNotifierWatcher'
    ERROR = WatcherError

    def __init__(self, log_path=None, host_registered=True, protocol_version=0,
                 bus_address=None, on_event=None):
        super().__init__(bus_address)
        self.bus_name = WATCHER_BUS_NAME
        self.log_path = log_path
        self.host_registered = host_registered
        self.protocol_version = protocol_version
        self.on_event = on_event
        self.unique_name = None

        self._items = []      # list of record dicts (current items, registration order)
        self._hosts = []      # list of record dicts
        self._events = []     # every event record
        self._log = None
        self._owner_id = 0
        self._reg_id = 0
        self._noc_sub = 0
        self._stopped = False

    # ----------------------------------------------------------------- public API
    @property
    def items(self):
        """Current items (records of their latest registration), oldest first."""
        with self._cond:
            return [dict(r) for r in self._items]

    @property
    def hosts(self):
        with self._cond:
            return [dict(r) for r in self._hosts]

    @property
    def events(self):
        with self._cond:
            return [dict(r) for r in self._events]

    def registered_ids(self):
        """What RegisteredStatusNotifierItems answers: 'busname/path' strings."""
        with self._cond:
            return [r['id'] for r in self._items]

    def wait_for_item(self, timeout=10.0, predicate=None, abort_if=None, since=0):
        """Wait until an item is registered (and matches predicate(record), if given).

        Looks at registrations recorded from event index `since` on (0: since start), so an
        item that registered before the call counts. abort_if: a callable returning a reason
        string (e.g. "the applet exited with status 1") to stop waiting early.
        Returns the registration record; raises WatcherError on timeout."""
        return _wait_for(self._cond, lambda: self._find_item(predicate, since), timeout,
                         abort_if, lambda: self._describe('an item to register'))

    def wait_for_item_gone(self, record, timeout=10.0, abort_if=None):
        key = record['id']

        def gone():
            return None if any(r['id'] == key for r in self._items) else True
        return _wait_for(self._cond, gone, timeout, abort_if,
                         lambda: self._describe('item %s to go away' % key))

    def wait_for_event(self, event, timeout=10.0, predicate=None, since=0, abort_if=None):
        def find():
            for r in self._events[since:]:
                if r['event'] == event and (predicate is None or predicate(r)):
                    return dict(r)
            return None
        return _wait_for(self._cond, find, timeout, abort_if,
                         lambda: self._describe('event %r' % event))

    def event_count(self):
        with self._cond:
            return len(self._events)

    # ----------------------------------------------------------------- internals
    def _find_item(self, predicate, since):
        current = {r['id'] for r in self._items}
        for r in self._events[since:]:
            if r['event'] != 'item-registered' or r['id'] not in current:
                continue
            if predicate is None or predicate(r):
                return dict(r)
        return None

    def _describe(self, what):
        return _describe('fake StatusNotifierWatcher', what, self._events)

    def run_in_main_loop(self, loop=None):
        """Script mode: run on the default main context of the calling thread."""
        self._ctx = GLib.MainContext.default()
        self._loop = loop or GLib.MainLoop.new(self._ctx, False)
        self._setup()
        self._loop.run()
        self._teardown()

    def _setup(self):
        if self.log_path:
            self._log = open(self.log_path, 'a', encoding='utf-8')
        self._connect()
        self._conn.set_exit_on_close(False)
        self.unique_name = self._conn.get_unique_name()
        node = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML)
        self._iface = node.interfaces[0]
        self._reg_id = self._conn.register_object(
            WATCHER_PATH, self._iface, self._on_method_call, self._on_get_property, None)
        self._noc_sub = self._conn.signal_subscribe(
            'org.freedesktop.DBus', 'org.freedesktop.DBus', 'NameOwnerChanged',
            '/org/freedesktop/DBus', None, Gio.DBusSignalFlags.NONE,
            self._on_name_owner_changed)
        code = self._own_name(WATCHER_BUS_NAME)
        if code not in (1, 4):  # PRIMARY_OWNER, ALREADY_OWNER
            raise WatcherError('%s is already owned on this bus (RequestName returned %d)'
                               % (WATCHER_BUS_NAME, code))
        self._record({'event': 'watcher-ready', 'sender': self.unique_name,
                      'pid': os.getpid()})

    def _teardown(self):
        self._record({'event': 'watcher-stopped', 'sender': self.unique_name})
        try:
            if self._noc_sub:
                self._conn.signal_unsubscribe(self._noc_sub)
            if self._reg_id:
                self._conn.unregister_object(self._reg_id)
            self._conn.close_sync(None)
        except GLib.Error:
            pass
        # Let pending callbacks run (close_sync may queue some on this context).
        while self._ctx.pending():
            self._ctx.iteration(False)
        if self._log:
            self._log.close()
            self._log = None

    def _record(self, rec):
        rec.update(_now())
        with self._cond:
            self._events.append(rec)
            self._cond.notify_all()
        if self._log:
            self._log.write(json.dumps(rec, sort_keys=True) + '\n')
            self._log.flush()
        if self.on_event:
            try:
                self.on_event(dict(rec))
            except Exception as e:  # noqa: BLE001
                print('fake_watcher: on_event callback failed: %s' % e, file=sys.stderr)

    def _emit(self, name, params=None):
        try:
            self._conn.emit_signal(None, WATCHER_PATH, WATCHER_IFACE, name, params)
        except GLib.Error as e:
            print('fake_watcher: cannot emit %s: %s' % (name, e.message), file=sys.stderr)

    def _on_get_property(self, conn, sender, path, iface, prop):
        if prop == 'RegisteredStatusNotifierItems':
            return GLib.Variant('as', self.registered_ids())
        if prop == 'IsStatusNotifierHostRegistered':
            return GLib.Variant('b', bool(self.host_registered or self._hosts))
        if prop == 'ProtocolVersion':
            return GLib.Variant('i', self.protocol_version)
        return None

    def _on_method_call(self, conn, sender, path, iface, method, params, invocation):
        try:
            if method == 'RegisterStatusNotifierItem':
                self._register_item(sender, params.unpack()[0])
            elif method == 'RegisterStatusNotifierHost':
                self._register_host(sender, params.unpack()[0])
            else:
                invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod',
                                             'No such method %s' % method)
                return
        except ValueError as e:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.InvalidArgs', str(e))
            return
        except Exception as e:  # noqa: BLE001 - never leave a call unanswered
            invocation.return_dbus_error('org.freedesktop.DBus.Error.Failed',
                                         '%s: %s' % (type(e).__name__, e))
            raise
        invocation.return_value(None)

    def _register_item(self, sender, service):
        if service.startswith('/'):
            bus_name, obj_path = sender, service
        elif '/' in service:
            # "busname/path" form, as some implementations send.
            bus_name, _, rest = service.partition('/')
            obj_path = '/' + rest
        else:
            bus_name, obj_path = service, DEFAULT_ITEM_PATH
        if not bus_name or not Gio.dbus_is_name(bus_name):
            raise ValueError('invalid StatusNotifierItem service %r' % service)
        if not GLib.Variant.is_object_path(obj_path):
            raise ValueError('invalid object path in %r' % service)
        item_id = bus_name + obj_path
        rec = {'event': 'item-registered', 'sender': sender, 'service': service,
               'bus_name': bus_name, 'object_path': obj_path, 'id': item_id}
        with self._cond:
            old = [r for r in self._items if r['id'] == item_id]
            rec['repeat'] = bool(old)
            self._items = [r for r in self._items if r['id'] != item_id]
        self._record(rec)
        with self._cond:
            self._items.append(rec)
        if not old:
            self._emit('StatusNotifierItemRegistered', GLib.Variant('(s)', (item_id,)))
        self._check_still_owned(bus_name, sender)

    def _register_host(self, sender, service):
        name = service if service and not service.startswith('/') else sender
        rec = {'event': 'host-registered', 'sender': sender, 'service': service,
               'bus_name': name, 'id': name}
        with self._cond:
            first = not self._hosts
            old = any(h['id'] == name for h in self._hosts)
            rec['repeat'] = old
            if not old:
                self._hosts.append(rec)
        self._record(rec)
        if not old:
            self._emit('StatusNotifierHostRegistered')
        if first and not self.host_registered:
            self._emit_props_changed({'IsStatusNotifierHostRegistered': GLib.Variant('b', True)})

    def _emit_props_changed(self, changed):
        try:
            self._conn.emit_signal(
                None, WATCHER_PATH, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                GLib.Variant('(sa{sv}as)', (WATCHER_IFACE, changed, [])))
        except GLib.Error:
            pass

    def _check_still_owned(self, bus_name, sender):
        """A well-known name may have vanished before we subscribed: check once."""
        if bus_name.startswith(':'):
            return

        def done(conn, res):
            try:
                conn.call_finish(res)
            except GLib.Error:
                self._owner_gone(bus_name)
        self._conn.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                        'org.freedesktop.DBus', 'GetNameOwner',
                        GLib.Variant('(s)', (bus_name,)), GLib.VariantType('(s)'),
                        Gio.DBusCallFlags.NONE, -1, None, done)

    def _on_name_owner_changed(self, conn, sender, path, iface, signal_name, params):
        name, old_owner, new_owner = params.unpack()
        if new_owner:
            return
        self._owner_gone(name)

    def _owner_gone(self, name):
        with self._cond:
            gone_items = [r for r in self._items if r['bus_name'] == name]
            self._items = [r for r in self._items if r['bus_name'] != name]
            gone_hosts = [h for h in self._hosts if h['bus_name'] == name]
            self._hosts = [h for h in self._hosts if h['bus_name'] != name]
        for r in gone_items:
            self._record({'event': 'item-unregistered', 'sender': r['sender'],
                          'service': r['service'], 'bus_name': r['bus_name'],
                          'object_path': r['object_path'], 'id': r['id']})
            self._emit('StatusNotifierItemUnregistered', GLib.Variant('(s)', (r['id'],)))
        for h in gone_hosts:
            self._record({'event': 'host-unregistered', 'sender': h['sender'],
                          'service': h['service'], 'bus_name': h['bus_name'], 'id': h['id']})
            self._emit('StatusNotifierHostUnregistered')


def _describe(who, what, events):
    evs = ', '.join('%s %s' % (e['event'], e.get('id') or e.get('sender') or '')
                    for e in events[-10:]) or 'none'
    return '%s: waiting for %s (events so far: %s)' % (who, what, evs)


def _wait_for(cond, check, timeout, abort_if, describe):
    """Wait on `cond` until check() returns non-None; raise WatcherError on timeout or
    when abort_if() returns a reason."""
    start = time.monotonic()
    deadline = start + timeout
    with cond:
        while True:
            found = check()
            if found is not None:
                return found
            if abort_if is not None:
                reason = abort_if()
                if reason:
                    raise WatcherError('%s: gave up after %.1f s because %s'
                                       % (describe(), time.monotonic() - start, reason))
            left = deadline - time.monotonic()
            if left <= 0:
                raise WatcherError('%s: timed out after %.1f s' % (describe(), timeout))
            # Wake up now and then to poll abort_if (or a log file, in WatcherProcess).
            cond.wait(min(left, 0.1))


class WatcherProcess:
    """The watcher as a separate process (this file run as a script), same reader API.

    Reads the JSON-lines log for items and events, so a test or benchmark in this process
    gets the watcher's own timestamps."""

    def __init__(self, log_path, ready_path=None, host_registered=True, python=None,
                 stderr=None):
        self.log_path = log_path
        self.ready_path = ready_path or (log_path + '.ready')
        self.host_registered = host_registered
        self.python = python or '/usr/bin/python3'
        self.stderr = stderr
        self.proc = None
        self.unique_name = None
        self._cond = threading.Condition()
        self._events = []
        self._items = []
        self._offset = 0
        self._partial = ''

    def start(self, timeout=10.0):
        for p in (self.ready_path,):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        args = [self.python, os.path.abspath(__file__), '--ready-file', self.ready_path,
                '--log', self.log_path, '--quiet']
        if not self.host_registered:
            args.append('--no-host')
        self.proc = subprocess.Popen(args, stderr=self.stderr)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.ready_path):
            if self.proc.poll() is not None:
                raise WatcherError('fake_watcher.py exited with status %d before it was ready'
                                   % self.proc.returncode)
            if time.monotonic() > deadline:
                self.stop()
                raise WatcherError('fake_watcher.py was not ready within %.1f s' % timeout)
            time.sleep(0.02)
        with open(self.ready_path, encoding='utf-8') as f:
            self.unique_name = f.read().strip()
        return self

    def stop(self, timeout=5.0):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._poll()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def _poll(self):
        try:
            with open(self.log_path, encoding='utf-8') as f:
                f.seek(self._offset)
                data = f.read()
                self._offset = f.tell()
        except FileNotFoundError:
            return
        data = self._partial + data
        lines = data.split('\n')
        self._partial = lines.pop()
        with self._cond:
            for line in lines:
                if not line.strip():
                    continue
                rec = json.loads(line)
                self._events.append(rec)
                if rec['event'] == 'item-registered':
                    self._items = [r for r in self._items if r['id'] != rec['id']] + [rec]
                elif rec['event'] == 'item-unregistered':
                    self._items = [r for r in self._items if r['id'] != rec['id']]

    @property
    def items(self):
        self._poll()
        with self._cond:
            return [dict(r) for r in self._items]

    @property
    def events(self):
        self._poll()
        with self._cond:
            return [dict(r) for r in self._events]

    def event_count(self):
        return len(self.events)

    def registered_ids(self):
        return [r['id'] for r in self.items]

    def _waiter(self, find, timeout, abort_if, what):
        def check():
            self._cond.release()
            try:
                self._poll()
            finally:
                self._cond.acquire()
            return find()

        def proc_abort():
            if self.proc is not None and self.proc.poll() is not None:
                return 'fake_watcher.py exited with status %d' % self.proc.returncode
            return abort_if() if abort_if else None

        def describe():
            return _describe('fake StatusNotifierWatcher (process)', what, self._events)
        return _wait_for(self._cond, check, timeout, proc_abort, describe)

    def wait_for_item(self, timeout=10.0, predicate=None, abort_if=None, since=0):
        def find():
            current = {r['id'] for r in self._items}
            for r in self._events[since:]:
                if (r['event'] == 'item-registered' and r['id'] in current
                        and (predicate is None or predicate(r))):
                    return dict(r)
            return None
        return self._waiter(find, timeout, abort_if, 'an item to register')

    def wait_for_item_gone(self, record, timeout=10.0, abort_if=None):
        def find():
            return None if any(r['id'] == record['id'] for r in self._items) else True
        return self._waiter(find, timeout, abort_if, 'item %s to go away' % record['id'])

    def wait_for_event(self, event, timeout=10.0, predicate=None, since=0, abort_if=None):
        def find():
            for r in self._events[since:]:
                if r['event'] == event and (predicate is None or predicate(r)):
                    return dict(r)
            return None
        return self._waiter(find, timeout, abort_if, 'event %r' % event)


def main(argv=None):
    ap = argparse.ArgumentParser(description='Fake org.kde.StatusNotifierWatcher on the '
                                             'session bus.')
    ap.add_argument('--ready-file', help='written (with our unique bus name) once the '
                                         'name is owned')
    ap.add_argument('--log', help='append one JSON line per event to this file')
    ap.add_argument('--no-host', action='store_true',
                    help='answer IsStatusNotifierHostRegistered=false until a host registers')
    ap.add_argument('--timeout', type=float, default=0,
                    help='exit after this many seconds (0: run until SIGTERM/SIGINT)')
    ap.add_argument('--quiet', action='store_true', help='do not print events on stdout')
    opts = ap.parse_args(argv)

    def echo(rec):
        if not opts.quiet:
            print(json.dumps(rec, sort_keys=True), flush=True)

    watcher = FakeWatcher(log_path=opts.log, host_registered=not opts.no_host,
                          on_event=echo)
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, lambda *a: (loop.quit(), False)[1])
    if opts.timeout > 0:
        GLib.timeout_add(int(opts.timeout * 1000), lambda: (loop.quit(), False)[1])

    def write_ready():
        if opts.ready_file:
            tmp = opts.ready_file + '.tmp'
            with open(tmp, 'w', encoding='utf-8') as f:
                f.write((watcher.unique_name or '') + '\n')
            os.rename(tmp, opts.ready_file)
        return False
    GLib.idle_add(write_ready)
    try:
        watcher.run_in_main_loop(loop)
    except WatcherError as e:
        print('fake_watcher: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
