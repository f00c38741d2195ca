"""Harness for GUI tests: a fake tray (StatusNotifierWatcher), optionally a notification
daemon, and the applet under test, all on the test's private session bus and Xvfb display.

    from app import Applet, Checks, screenshot

    checks = Checks()
    with Applet(notifications=True) as a:       # launches $AMT_BINARY, waits for its item
        checks.equal(a.item.id, 'io.github.awsmfatray.AwsMfaTray', 'item Id')
        a.menu.click(a.layout().get('Quit'))
        checks.equal(a.wait_exit(5), 0, 'exit status after Quit')
    sys.exit(checks.finish())                   # prints "N passed, M failed"

On leaving the block the applet is stopped through its Quit action (app.quit over
org.gtk.Actions, as its menus activate it, so that under AddressSanitizer LeakSanitizer checks
the applet at its normal exit), then SIGTERM and SIGKILL after `term_timeout` each if it is
still running; then the notification daemon and the watcher stop. If the block raised, or a check failed, the
applet's stderr (and stdout) are printed so the failure can be understood from the test log.

Environment (set by tests/isolate and tests/meson.build): AMT_BINARY (the applet),
AMT_TEST_TMPDIR (where logs go), DISPLAY (Xvfb; its absence fails the test).
"""

import os
import shlex
import signal
import subprocess
import sys
import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

import fake_watcher  # noqa: E402
import notifications  # noqa: E402
import sni  # noqa: E402

APP_ID = 'io.github.awsmfatray.AwsMfaTray'


class HarnessError(AssertionError):
    pass


def require_display():
    """Fail (not skip) when there is no X display: the test command provides Xvfb."""
    display = os.environ.get('DISPLAY')
    if not display:
        raise HarnessError('DISPLAY is not set: GUI tests need an X server (the test command '
                           'runs them under Xvfb, e.g. xvfb-run -a meson test --suite gui)')
    return display


def start_gui_checks():
    """The checks of a GUI test, and whether it can go on: with no X display the first check
    fails (never a skip, which would hide a test command without Xvfb). Returns (checks, ok)."""
    checks = Checks()
    try:
        require_display()
    except AssertionError as e:
        checks.fail('an X display is available', str(e))
        return checks, False
    return checks, True


def tmpdir():
    d = os.environ.get('AMT_TEST_TMPDIR')
    if not d:
        raise HarnessError('AMT_TEST_TMPDIR is not set: run GUI tests through meson test '
                           '(tests/isolate sets it)')
    os.makedirs(d, exist_ok=True)
    return d


def screenshot(path):
    """Save the whole X screen to `path` with ImageMagick's `import -window root`."""
    require_display()
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    proc = subprocess.run(['import', '-window', 'root', path], capture_output=True, text=True,
                          timeout=30, check=False)
    if proc.returncode != 0 or not os.path.exists(path):
        raise HarnessError('import -window root %s failed (status %d): %s'
                           % (path, proc.returncode, proc.stderr.strip()))
    return path


class Checks:
    """One printed line per check; finish() prints 'N passed, M failed' and returns the
    exit status (0 when nothing failed)."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.passed = 0
        self.failed = 0

    def _line(self, ok, name, detail=''):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print('%s: %s%s' % ('ok' if ok else 'FAIL', name,
                            (' -- ' + detail) if detail else ''), file=self.out, flush=True)
        return ok

    def check(self, ok, name, detail=''):
        return self._line(bool(ok), name, '' if ok else detail)

    def equal(self, got, expected, name):
        return self._line(got == expected, name,
                          '' if got == expected else 'expected %r, got %r' % (expected, got))

    def run(self, name, fn, *args, **kwargs):
        """Run fn; a raised exception (e.g. a timeout from the helpers) is a failed check.
        Returns fn's result, or None when it raised."""
        try:
            result = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            self._line(False, name, '%s: %s' % (type(e).__name__, e))
            return None
        self._line(True, name)
        return result

    def fail(self, name, detail=''):
        return self._line(False, name, detail)

    @property
    def ok(self):
        return self.failed == 0

    def finish(self):
        print('%d passed, %d failed' % (self.passed, self.failed), file=self.out, flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


class Applet:
    """Context manager running the applet under a fake tray.

    command: the argv to start (default [$AMT_BINARY]); args are appended to it.
    env: extra environment (None values remove a variable).
    watcher: 'thread' (in-process FakeWatcher, default), 'process' (fake_watcher.py as a
      process; timestamps from its JSON log), or None (no tray: ayatana falls back).
    notifications: also run dbusmock's notification_daemon (self.notifications).
    wait: wait for the item to register (self.item, self.menu) within `timeout` seconds.
    checks: a Checks whose failures count as a failed test (to dump the applet's output).
    match_pid: only accept an item whose D-Bus connection belongs to our process (set False
      when the command forks, e.g. through a wrapper).
    """

    def __init__(self, args=(), env=None, command=None, watcher='thread', notifications=False,
                 wait=True, timeout=10.0, term_timeout=5.0, name='applet', checks=None,
                 match_pid=True):
        self.command = list(command) if command else [self._binary()]
        self.command += list(args)
        self.extra_env = dict(env or {})
        self.watcher_kind = watcher
        self.want_notifications = notifications
        self.wait = wait
        self.timeout = timeout
        self.term_timeout = term_timeout
        self.name = name
        self.checks = checks
        self.match_pid = match_pid
        self.dir = tmpdir()
        self.stdout_path = os.path.join(self.dir, name + '.stdout')
        self.stderr_path = os.path.join(self.dir, name + '.stderr')
        self.watcher_log = os.path.join(self.dir, name + '.watcher.jsonl')
        self.notifications_log = os.path.join(self.dir, name + '.notifications.log')
        self.proc = None
        self.watcher = None
        self.notifications = None
        self.item = None
        self.menu = None
        self.returncode = None
        self.started_monotonic = None
        self.failed = False
        self._outs = []
        self._pids = {}

    @staticmethod
    def _binary():
        b = os.environ.get('AMT_BINARY')
        if not b:
            raise HarnessError('AMT_BINARY is not set: it names the applet to test')
        if not os.access(b, os.X_OK):
            raise HarnessError('AMT_BINARY=%s is not an executable file' % b)
        return b

    # -- life cycle
    def start(self):
        """What entering the with-block does: start everything, wait for the item.
        On failure, stops what was started, prints the applet's output and re-raises."""
        require_display()
        try:
            self._start()
        except BaseException:
            self.failed = True
            self._stop()
            self._dump()
            raise
        return self

    def stop(self, failed=False):
        """What leaving the with-block does; prints the applet's output if `failed` or if
        a check of `checks` failed."""
        if failed or (self.checks is not None and not self.checks.ok):
            self.failed = True
        self._stop()
        if self.failed:
            self._dump()

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop(failed=exc_type is not None)
        return False

    def _start(self):
        if self.watcher_kind == 'thread':
            self.watcher = fake_watcher.FakeWatcher(log_path=self.watcher_log).start()
        elif self.watcher_kind == 'process':
            self.watcher = fake_watcher.WatcherProcess(self.watcher_log).start()
        elif self.watcher_kind is not None:
            raise HarnessError('watcher must be "thread", "process" or None')
        if self.want_notifications:
            self.notifications = notifications.NotificationDaemon(
                log_path=self.notifications_log).start()
        env = dict(os.environ)
        env.setdefault('GDK_BACKEND', 'x11')
        env.pop('WAYLAND_DISPLAY', None)
        for k, v in self.extra_env.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
        out = open(self.stdout_path, 'wb')
        err = open(self.stderr_path, 'wb')
        self._outs = [out, err]
        self.started_monotonic = time.monotonic()
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=err, env=env, cwd=self.dir)
        if self.wait and self.watcher is not None:
            self.wait_for_item(self.timeout)

    def wait_for_item(self, timeout=None):
        """Wait for the applet's item to register; sets self.item and self.menu."""
        timeout = self.timeout if timeout is None else timeout
        self.item = sni.wait_for_item(self.watcher, timeout,
                                      predicate=self._is_ours if self.match_pid else None,
                                      abort_if=self._exited)
        self.menu = self.item.menu()
        return self.item

    def _is_ours(self, record):
        """The item registered by our process (the sender's pid is our child's)."""
        sender = record['sender']
        if sender not in self._pids:
            try:
                reply = sni.session_bus().call_sync(
                    'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                    'GetConnectionUnixProcessID', GLib.Variant('(s)', (sender,)),
                    GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, 5000, None)
                self._pids[sender] = reply.unpack()[0]
            except GLib.Error:  # the sender has gone already
                self._pids[sender] = None
        return self._pids[sender] == self.proc.pid

    def _exited(self):
        if self.proc is not None and self.proc.poll() is not None:
            return 'the applet (%s) exited with status %s' % (
                shlex.join(self.command), _status(self.proc.returncode))
        return None

    def layout(self):
        """The menu as a MenuNode tree (fresh GetLayout)."""
        return self.menu.layout()

    def wait_exit(self, timeout=5.0):
        """Wait for the applet to exit; returns its exit status (negative: killed by a
        signal). Raises HarnessError if it is still running after `timeout`."""
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired as e:
            raise HarnessError('the applet did not exit within %.1f s' % timeout) from e
        return self.returncode

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def quit(self, timeout=None):
        """Activate the applet's app.quit over D-Bus and wait for it to exit; returns its exit
        status, or None when it did not exit within `timeout` (default term_timeout)."""
        timeout = self.term_timeout if timeout is None else timeout
        if self.proc is None or self.proc.poll() is not None:
            return self.returncode if self.proc is None else self.proc.returncode
        try:
            sni.session_bus().call_sync(
                APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                GLib.Variant('(sava{sv})', ('quit', [], {})), None, Gio.DBusCallFlags.NONE,
                int(timeout * 1000), None)
        except GLib.Error:
            return None   # not on the bus (yet, or any more): _stop() signals it instead
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.quit()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(self.term_timeout)
            except subprocess.TimeoutExpired:
                print('harness: the applet ignored SIGTERM for %.1f s; killing it'
                      % self.term_timeout, file=sys.stderr)
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.returncode = self.proc.returncode
        for f in self._outs:
            f.close()
        self._outs = []
        if self.notifications is not None:
            self.notifications.stop()
        if self.watcher is not None:
            self.watcher.stop()

    def stderr_text(self):
        return _read(self.stderr_path)

    def stdout_text(self):
        return _read(self.stdout_path)

    def _dump(self):
        for label, path in (('stderr', self.stderr_path), ('stdout', self.stdout_path)):
            text = _read(path)
            print('----- applet %s (%s) -----' % (label, path), file=sys.stderr)
            print(text.rstrip('\n') if text else '(empty)', file=sys.stderr)
        if self.returncode is not None:
            print('----- applet exit status: %s -----' % _status(self.returncode),
                  file=sys.stderr)
        sys.stderr.flush()


def _status(code):
    if code is None:
        return 'none (still running)'
    if code < 0:
        try:
            return '%d (killed by %s)' % (code, signal.Signals(-code).name)
        except ValueError:
            return str(code)
    return str(code)


def _read(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return f.read()
    except FileNotFoundError:
        return ''
