#!/usr/bin/python3
"""Proves the GUI test helpers (tests/helpers) against sample_applet.py, a Python
libayatana-appindicator applet: the fake StatusNotifierWatcher (in a thread and as a
process), the SNI/dbusmenu client, the notification daemon mock, and the harness.

Prints one line per check and ends with "N passed, M failed".
"""

import json
import os
import sys

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

import app  # noqa: E402
import fake_watcher  # noqa: E402
import sni  # noqa: E402
from app import APP_ID, Applet, start_gui_checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = ['/usr/bin/python3', os.path.join(HERE, 'sample_applet.py')]


def watcher_props():
    bus = sni.session_bus()
    reply = bus.call_sync(fake_watcher.WATCHER_BUS_NAME, fake_watcher.WATCHER_PATH,
                          'org.freedesktop.DBus.Properties', 'GetAll',
                          GLib.Variant('(s)', (fake_watcher.WATCHER_IFACE,)),
                          GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


def test_pure(checks):
    checks.equal(sni.strip_mnemonic('_Quit'), 'Quit', 'strip_mnemonic removes a mnemonic')
    checks.equal(sni.strip_mnemonic('a__b_c'), 'a_bc', 'strip_mnemonic keeps "__" as "_"')


def test_thread_watcher(checks):
    """In-process watcher, notifications, menu events, signals, exit."""
    with Applet(command=SAMPLE, notifications=True, name='sample', checks=checks) as a:
        item = a.item
        rec = item.record
        checks.check(rec['sender'] == rec['bus_name'] and rec['service'] == rec['object_path']
                     and rec['object_path'].startswith('/org/ayatana/NotificationItem/'),
                     'watcher records sender, service path and bus name', repr(rec))
        checks.check(isinstance(rec['monotonic_us'], int) and rec['wall'] > 1e9,
                     'watcher records monotonic and wall timestamps', repr(rec))
        wp = watcher_props()
        checks.equal(wp.get('RegisteredStatusNotifierItems'), [rec['id']],
                     'RegisteredStatusNotifierItems lists "busname/path"')
        checks.equal(wp.get('IsStatusNotifierHostRegistered'), True,
                     'IsStatusNotifierHostRegistered is true')

        props = item.properties()
        checks.equal(props.get('Id'), APP_ID, 'Item.properties() reads Id')
        checks.equal(item.status, 'Active', 'Item.status')
        checks.equal(item.icon_name, APP_ID + '-unknown', 'Item.icon_name')
        checks.equal(item.title, 'MFA Tray for AWS', 'Item.title')
        checks.equal(item.category, 'ApplicationStatus', 'Item.category')
        checks.equal(item.attention_icon_name, APP_ID + '-error', 'Item.attention_icon_name')
        checks.equal(item.tooltip, None, 'Item.tooltip is None when not exported')

        root = a.layout()
        checks.equal(root.texts(), ['No MFA profiles found in ~/.aws/config', '---',
                                    'Open window', 'Preferences', 'Send notification', '---',
                                    'Quit'], 'layout texts (mnemonics stripped)')
        quit_node = root.get('Quit')
        checks.equal(quit_node.label, '_Quit', 'MenuNode.label keeps the mnemonic underscore')
        checks.check(not root.children[0].enabled and root.children[1].is_separator
                     and quit_node.enabled and quit_node.visible,
                     'MenuNode enabled/visible/separator', root.dump())
        checks.check(isinstance(a.menu.about_to_show(0), bool), 'AboutToShow returns a bool')
        try:
            item.activate()
            checks.fail('Item.activate() reports ayatana\'s missing Activate')
        except sni.SniError as e:
            checks.check('UnknownMethod' in str(e) and 'Activate' in str(e),
                         'Item.activate() reports ayatana\'s missing Activate', str(e))

        with item.signals() as sig, a.menu.signals() as msig:
            item.secondary_activate(0, 0)
            checks.run('SecondaryActivate -> NewIcon signal', sig.wait, 'NewIcon', 5)
            checks.run('IconName changes to the -ok icon', item.wait_for_property,
                       'IconName', APP_ID + '-ok', None, 5)
            checks.run('dbusmenu LayoutUpdated after an entry is added', msig.wait,
                       'LayoutUpdated', 5)
            checks.run('dbusmenu ItemsPropertiesUpdated after a label change', msig.wait,
                       'ItemsPropertiesUpdated', 5)
            root = checks.run('wait_for_layout sees the new entry', a.menu.wait_for_layout,
                              lambda r: r.find('Extra') is not None, 5)
            if root is not None:
                checks.equal(root.children[0].text, 'Window opened', 'the changed label')
            a.menu.click('Preferences')
            checks.run('menu click -> NewTitle signal', sig.wait, 'NewTitle', 5)
            checks.equal(item.title, 'Preferences opened', 'the new title')

            try:
                sig.wait('NewStatus', 0.3)
                checks.fail('SignalWatch.wait times out with a clear error')
            except sni.SniError as e:
                checks.check('NewStatus' in str(e) and 'timed out' in str(e),
                             'SignalWatch.wait times out with a clear error', str(e))

            nd = a.notifications
            a.menu.click('Send notification')
            n = checks.run('the mock receives the GNotification', nd.wait_for_notification,
                           lambda n: n.summary == 'Session expiring', 5)
            if n is not None:
                app_name, summary, body, actions, hints = n
                checks.equal((app_name, summary, body),
                             ('MFA Tray for AWS', 'Session expiring', 'prod expires in 10 min'),
                             'notification (app_name, summary, body)')
                checks.check(('app.login::prod', 'Log in now') in actions,
                             'notification actions carry the button', repr(actions))
                checks.equal(hints.get('desktop-entry'), APP_ID,
                             'notification hints carry desktop-entry')
                checks.equal(n.action('Log in now'), 'app.login::prod', 'Notification.action()')
                nd.invoke_action(n.id, n.action('Log in now'))
                got = checks.run('ActionInvoked reaches the app (NewStatus)', sig.wait,
                                 'NewStatus', 5)
                if got is not None:
                    checks.equal(got[1], ('NeedsAttention',), 'NewStatus argument')
                checks.check('login prod' in a.stdout_text(), 'the app ran app.login("prod")',
                             a.stdout_text())

        with sni.SignalWatch(sni.session_bus(), fake_watcher.WATCHER_BUS_NAME,
                             fake_watcher.WATCHER_PATH, fake_watcher.WATCHER_IFACE) as wsig:
            a.menu.click(a.layout().get('Quit'))
            checks.equal(checks.run('the app exits after Quit', a.wait_exit, 5), 0,
                         'exit status after Quit')
            checks.run('watcher emits StatusNotifierItemUnregistered', wsig.wait,
                       'StatusNotifierItemUnregistered', 5)
        checks.run('watcher drops the item when its owner vanishes',
                   a.watcher.wait_for_item_gone, rec, 5)
        checks.equal(watcher_props().get('RegisteredStatusNotifierItems'), [],
                     'RegisteredStatusNotifierItems is empty again')


def test_process_watcher(checks):
    """fake_watcher.py as a process: the JSON log, host registration, SIGTERM stop."""
    with Applet(command=SAMPLE, watcher='process', name='sample-proc', checks=checks) as a:
        log = a.watcher_log
        with open(log, encoding='utf-8') as f:
            events = [json.loads(line) for line in f if line.strip()]
        kinds = [e['event'] for e in events]
        checks.check(kinds[:2] == ['watcher-ready', 'item-registered'],
                     'the log has watcher-ready then item-registered', repr(kinds))
        checks.check(all('monotonic_us' in e and 'wall_iso' in e for e in events),
                     'every log line has timestamps', repr(events))
        checks.equal(a.item.id, APP_ID, 'Item read through a process watcher')
        bus = sni.session_bus()
        bus.call_sync(fake_watcher.WATCHER_BUS_NAME, fake_watcher.WATCHER_PATH,
                      fake_watcher.WATCHER_IFACE, 'RegisterStatusNotifierHost',
                      GLib.Variant('(s)', ('org.kde.StatusNotifierHost-test',)), None,
                      Gio.DBusCallFlags.NONE, 5000, None)
        checks.run('RegisterStatusNotifierHost is logged', a.watcher.wait_for_event,
                   'host-registered', 5)
        proc = a.watcher.proc
    checks.equal(proc.returncode, 0, 'fake_watcher.py exits 0 on SIGTERM')


def test_screenshot(checks):
    path = os.path.join(app.tmpdir(), 'screen.png')
    checks.run('screenshot() writes a PNG', app.screenshot, path)
    if os.path.exists(path):
        with open(path, 'rb') as f:
            checks.equal(f.read(8), b'\x89PNG\r\n\x1a\n', 'the screenshot is a PNG')


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()
    for test in (test_pure, test_thread_watcher, test_process_watcher, test_screenshot):
        try:
            test(checks)
        except Exception as e:  # noqa: BLE001 - one failed check, then go on
            checks.fail(test.__name__, '%s: %s' % (type(e).__name__, e))
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
