#!/usr/bin/python3
"""A D-Bus service that a test runs beside the program it tests (the fake tray watcher, the
portal mock): in a thread of its own, with its own connection and GLib main context, so that
the test's thread can make blocking D-Bus calls freely while the service answers.

A subclass sets SERVICE (its name in messages) and ERROR (the AssertionError it raises), and
implements _setup(), which runs in the service's thread: it connects (_connect()), exports
its objects and owns its name (_own_name()); raising there makes start() raise. _teardown()
runs in the thread once stop() has ended its main loop.
"""

import threading
import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

REQUEST_NAME_DO_NOT_QUEUE = 0x4
REQUEST_NAME_PRIMARY_OWNER = 1


class BusServiceThread:
    SERVICE = 'D-Bus service'
    ERROR = AssertionError

    def __init__(self, bus_address=None):
        self.bus_address = bus_address
        self.bus_name = None      # the name it owns, for start()'s message
        self._cond = threading.Condition()
        self._thread = None
        self._ctx = None
        self._loop = None
        self._conn = None
        self._ready = False
        self._start_error = None

    # -- life cycle
    def start(self, timeout=10.0):
        """Runs the service in its thread; returns once its name is owned."""
        if self._thread is not None:
            raise RuntimeError('%s already started' % self.SERVICE)
        self._thread = threading.Thread(target=self._thread_main,
                                        name=self.SERVICE.replace(' ', '-'), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._ready and self._start_error is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            if self._start_error is not None:
                raise self.ERROR('%s could not start: %s' % (self.SERVICE, self._start_error))
            if not self._ready:
                raise self.ERROR('%s did not own %s within %.1f s'
                                 % (self.SERVICE, self.bus_name, timeout))
        return self

    def stop(self, timeout=5.0):
        if self._thread is None:
            return
        ctx, loop = self._ctx, self._loop
        if ctx is not None and loop is not None:
            src = GLib.idle_source_new()
            src.set_callback(lambda *_: loop.quit() or False)
            src.attach(ctx)
        self._thread.join(timeout)
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- for subclasses
    def _setup(self):
        raise NotImplementedError

    def _teardown(self):
        self._conn.close_sync(None)

    def _connect(self):
        """A connection of the service's own, so that it is a peer apart from the test (and
        its calls are dispatched in this thread's main context)."""
        address = self.bus_address or Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION,
                                                                        None)
        self._conn = Gio.DBusConnection.new_for_address_sync(
            address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        return self._conn

    def _own_name(self, name, timeout_ms=-1):
        """RequestName(name, DO_NOT_QUEUE), synchronously so that start() reports a failure;
        returns the bus's answer (1: primary owner)."""
        self.bus_name = name
        reply = self._conn.call_sync(
            'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'RequestName', GLib.Variant('(su)', (name, REQUEST_NAME_DO_NOT_QUEUE)),
            GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, timeout_ms, None)
        return reply.unpack()[0]

    def _in_thread(self, fn, timeout=5.0):
        """Runs fn in the service's thread (where its connection's calls belong); waits."""
        done = threading.Event()

        def run(*_):
            try:
                fn()
            finally:
                done.set()
            return False
        src = GLib.idle_source_new()
        src.set_callback(run)
        src.attach(self._ctx)
        done.wait(timeout)

    # -- the thread
    def _thread_main(self):
        self._ctx = GLib.MainContext.new()
        self._ctx.push_thread_default()
        try:
            self._loop = GLib.MainLoop.new(self._ctx, False)
            try:
                self._setup()
            except Exception as e:  # noqa: BLE001 - reported to start()
                with self._cond:
                    self._start_error = '%s: %s' % (type(e).__name__, e)
                    self._cond.notify_all()
                return
            with self._cond:
                self._ready = True
                self._cond.notify_all()
            self._loop.run()
            self._teardown()
        finally:
            self._ctx.pop_thread_default()
