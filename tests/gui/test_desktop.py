#!/usr/bin/python3
"""GUI test of the applet on the desktops people have, as a real process under Xvfb:

- no tray (stock GNOME): started with --background it says, in one notification, where it
  lives; a tray that appears later gets the icon, and the notification is withdrawn;
- no tray, the window closed: one notification that it keeps running and how to quit;
- thirty profiles of one MFA device: the tray menu stays within a 1366x768 screen, with a
  submenu per device whose first entry is Log In; the code dialog fits the screen;
- a profile named my_dev keeps its "_" in the menu; a profile line is sensitive and logs in;
- a notification body is escaped for a server that reads body markup, and sent as it is to
  one that does not; it names at most three profiles;
- the item goes NeedsAttention while a session is expiring, its title names it;
- every applet ends through its Quit action (the menu's, or org.gtk.Actions), so that the
  ASan run's LeakSanitizer checks it, and none prints a critical or a warning
  (G_DEBUG=fatal-criticals makes a critical end it).

Screenshots go to $AMT_SCREENSHOT_DIR, else $AMT_BUILD_DIR/screenshots.
Prints one line per check and "N passed, M failed".
"""

import datetime
import os
import subprocess
import sys
import time

from app import Applet, screenshot, start_gui_checks, tmpdir
import fake_watcher
from notifications import NotificationDaemon
from xdo import press, wait_for, windows_named

ALICE_MFA = 'arn:aws:iam::111111111111:mfa/alice'
BOB_MFA = 'arn:aws:iam::111111111111:mfa/bob'
CAROL_MFA = 'arn:aws:iam::111111111111:mfa/carol'
N_TEAM = 28
ODD_NAME = 'r&d<1>'
SCREEN_HEIGHT = 768
# A GTK 3 menu item in Adwaita is 26-30 px tall at scale 1; a separator 10 px; the menu's
# own padding 8 px. Counted high on purpose.
MENU_ITEM_PX = 32
MENU_SEPARATOR_PX = 10
BASE_ENV = {'G_DEBUG': 'fatal-criticals', 'GTK_THEME': 'Adwaita'}
CAPS_MARKUP = ['body', 'body-markup', 'actions', 'icon-static']
CAPS_PLAIN = ['body', 'actions', 'icon-static']


def iso(when):
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


def shots_dir():
    d = os.environ.get('AMT_SCREENSHOT_DIR') or os.path.join(
        os.environ.get('AMT_BUILD_DIR', tmpdir()), 'screenshots')
    os.makedirs(d, exist_ok=True)
    return d


def quiet_stderr(checks, applet, what):
    text = applet.stderr_text()
    bad = [line for line in text.splitlines()
           if 'CRITICAL' in line or 'WARNING' in line or 'ERROR' in line]
    checks.check(not bad, '%s: no critical, warning or error on stderr' % what, '\n'.join(bad))


def quit_over_dbus(checks, applet, what):
    """The Quit action, as the window's menu or Ctrl+Q would activate it."""
    status = applet.quit(10.0)
    checks.check(status is not None, '%s: the applet exits within 10 s of app.quit' % what)
    if status is not None:
        checks.equal(status, 0, '%s: exit status after Quit is 0' % what)


def quit_from_menu(checks, applet, what):
    quit_node = applet.layout().find('Quit')
    if quit_node is None:
        checks.fail('%s: the menu has Quit' % what, applet.layout().dump())
        return
    applet.menu.click(quit_node)
    status = checks.run('%s: the applet exits within 10 s of Quit' % what, applet.wait_exit, 10.0)
    if status is not None:
        checks.equal(status, 0, '%s: exit status after Quit is 0' % what)


def close_dialogs():
    for window in windows_named('Log In to AWS'):
        press(window, 'Escape')
    return wait_for(lambda: not windows_named('Log In to AWS'), 5)


def about(word):
    return lambda n: word in n.summary


def test_background_without_tray(checks):
    what = 'no tray, --background'
    daemon = NotificationDaemon(log_path=os.path.join(tmpdir(), 'no-tray.notifications.log'),
                                capabilities=CAPS_MARKUP).start()
    applet = Applet(args=['--background'], env=BASE_ENV, watcher=None, wait=False,
                    name='no-tray', checks=checks)
    applet.start()
    try:
        told = checks.run('%s: one notification says where the applet lives' % what,
                          daemon.wait_for_notification, about('without a tray icon'), 10)
        if told is not None:
            checks.check('from your apps' in told.body, '%s: it says to open it from the apps' % what,
                         told.body)
            checks.check('app.open-window' in told.action_keys(),
                         '%s: it offers to open the window' % what, repr(told.actions))
        time.sleep(1.5)
        checks.equal(len([n for n in daemon.notifications() if about('without a tray icon')(n)]), 1,
                     '%s: said once' % what)
        checks.check(applet.running(), '%s: the applet keeps running' % what)

        # A tray appears later (a panel started after us): the icon is there.
        watcher = fake_watcher.FakeWatcher(log_path=os.path.join(tmpdir(), 'late.watcher.jsonl')).start()
        applet.watcher = watcher
        item = checks.run('a tray that appears later gets the icon within 10 s',
                          applet.wait_for_item, 10.0)
        if item is not None and told is not None:
            checks.check(wait_for(lambda: told.id in daemon.closed_ids(), 5),
                         'the no-tray notification is withdrawn once the icon is shown',
                         repr(daemon.closed_ids()))
        if item is not None:
            quit_from_menu(checks, applet, what)
    finally:
        applet.stop()
        daemon.stop()
    quiet_stderr(checks, applet, what)


def test_window_closed_without_tray(checks):
    what = 'no tray, window closed'
    daemon = NotificationDaemon(log_path=os.path.join(tmpdir(), 'closed.notifications.log'),
                                capabilities=CAPS_MARKUP).start()
    applet = Applet(env=BASE_ENV, watcher=None, wait=False, name='closed', checks=checks)
    applet.start()
    try:
        windows = wait_for(lambda: windows_named('Sessions'), 10)
        checks.check(windows, '%s: a plain start opens the window' % what)
        if windows:
            screenshot(os.path.join(shots_dir(), 'no-tray-window.png'))
            time.sleep(1.0)
            checks.check(not [n for n in daemon.notifications() if about('without a tray icon')(n)],
                         '%s: with the window open, no notification at start' % what)
            press(windows[0], 'ctrl+w')
            checks.check(wait_for(lambda: not windows_named('Sessions'), 5),
                         '%s: Ctrl+W closes the window' % what)
            told = checks.run('%s: one notification says it keeps running' % what,
                              daemon.wait_for_notification, about('keeps running'), 10)
            if told is not None:
                checks.check('Quit' in told.body, '%s: and how to quit' % what, told.body)
            checks.check(applet.running(), '%s: the applet keeps running to remind' % what)
        quit_over_dbus(checks, applet, what)
    finally:
        applet.stop()
        daemon.stop()
    quiet_stderr(checks, applet, what)


def test_quit_with_window_without_tray(checks):
    what = 'no tray, Quit with the window open'
    daemon = NotificationDaemon(log_path=os.path.join(tmpdir(), 'quit.notifications.log'),
                                capabilities=CAPS_MARKUP).start()
    applet = Applet(env=BASE_ENV, watcher=None, wait=False, name='quit-open', checks=checks)
    applet.start()
    try:
        checks.check(wait_for(lambda: windows_named('Sessions'), 10), '%s: the window is open' % what)
        quit_over_dbus(checks, applet, what)
        time.sleep(0.5)
        checks.check(not [n for n in daemon.notifications() if about('keeps running')(n)],
                     '%s: Quit says nothing about running on' % what,
                     repr([n.summary for n in daemon.notifications()]))
    finally:
        applet.stop()
        daemon.stop()
    quiet_stderr(checks, applet, what)


def write_thirty_profiles(home):
    """28 profiles of alice's device with 5 h left, my_dev (bob) with 3 h left, and
    ODD_NAME (carol) with 8 min left: within the lead time."""
    now = datetime.datetime.now(datetime.timezone.utc)
    aws_dir = os.path.join(home, '.aws')
    os.makedirs(aws_dir, exist_ok=True)
    config = ['[default]\nregion = eu-west-1\n']
    creds = ['[base]\naws_access_key_id = AKIAALICEEXAMPLE0001\naws_secret_access_key = a\n']
    for i in range(N_TEAM):
        name = 'team-%02d' % i
        config.append('[profile %s]\nsource_profile = base\nmfa_serial = %s\n' % (name, ALICE_MFA))
        creds.append('[%s-mfa]\naws_access_key_id = ASIATEAM%02dEXAMPLE0\naws_secret_access_key = s\n'
                     'aws_session_token = t\nexpiration = %s\n'
                     % (name, i, iso(now + datetime.timedelta(hours=5))))
    for name, serial, left in (('my_dev', BOB_MFA, datetime.timedelta(hours=3)),
                               (ODD_NAME, CAROL_MFA, datetime.timedelta(minutes=8))):
        creds.append('[%s-long-term]\naws_access_key_id = AKIAEXAMPLE%s\naws_secret_access_key = l\n'
                     'aws_mfa_device = %s\n' % (name, 'B' if name == 'my_dev' else 'C', serial))
        creds.append('[%s]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\n'
                     'aws_session_token = t\nexpiration = %s\n' % (name, iso(now + left)))
    with open(os.path.join(aws_dir, 'config'), 'w') as f:
        f.write('\n'.join(config))
    with open(os.path.join(aws_dir, 'credentials'), 'w') as f:
        f.write('\n'.join(creds))


def menu_height(node):
    height = 8
    for child in node.children:
        if child.visible:
            height += MENU_SEPARATOR_PX if child.is_separator else MENU_ITEM_PX
    return height


def test_thirty_profiles(checks):
    what = '30 profiles'
    write_thirty_profiles(os.environ['HOME'])
    daemon = NotificationDaemon(log_path=os.path.join(tmpdir(), 'thirty.notifications.log'),
                                capabilities=CAPS_MARKUP).start()
    applet = Applet(args=['--background'], env=BASE_ENV, name='thirty', checks=checks)
    applet.start()
    try:
        root = wait_for(lambda: (lambda r: r if r.find(predicate=lambda n: n.text.startswith('my_dev'))
                                 else None)(applet.layout()), 10) or applet.layout()
        dump = root.dump()

        # Within a screen, with a Log In in reach.
        top = [n for n in root.children if n.visible]
        checks.check(menu_height(root) <= SCREEN_HEIGHT - 100,
                     '%s: the top level of the menu fits a 768-px screen (%d px, %d entries)'
                     % (what, menu_height(root), len(top)), dump)
        submenus = [n for n in top if n.children_display == 'submenu']
        team = [n for n in submenus if 'team-' in n.text]
        checks.equal(len(team), 1, '%s: one submenu for the 28 profiles of one device' % what)
        if team:
            checks.check('and 25 more' in team[0].text, '%s: it is labelled "… and 25 more"' % what,
                         team[0].text)
            first = [c for c in team[0].children if c.visible][0]
            checks.check(first.text.startswith('Log In') and first.enabled,
                         '%s: Log In is the first entry of the device submenu' % what, first.text)
            checks.check(menu_height(team[0]) <= SCREEN_HEIGHT,
                         '%s: the device submenu fits a 768-px screen (%d px)'
                         % (what, menu_height(team[0])), team[0].dump())
        checks.check([n for n in top if n.text.startswith('Log In to %s' % ODD_NAME)],
                     '%s: the device that ends first has its Log In at the top level' % what, dump)
        if team:
            all_item = [c for c in team[0].children if c.visible and c.text.startswith('All 28 Profiles')]
            checks.check(all_item and all_item[0].enabled,
                         '%s: past ten lines, "All 28 Profiles…" leads to the window' % what,
                         team[0].dump())

        # About, from the tray.
        about_node = root.find('About MFA Tray for AWS')
        checks.check(about_node is not None and about_node.enabled, '%s: the tray menu has About' % what, dump)
        if about_node is not None:
            applet.menu.click(about_node)
            about_window = wait_for(lambda: windows_named('About MFA Tray for AWS'), 10)
            checks.check(about_window, '%s: About from the tray opens the About dialog' % what)
            if about_window:
                press(about_window[0], 'Escape')
                checks.check(wait_for(lambda: not windows_named('About MFA Tray for AWS'), 5),
                             '%s: Escape closes it' % what)

        # A name's "_" is the name's (in its device's submenu, as every profile here).
        line = root.find(predicate=lambda n: n.text.startswith('my_dev — ')
                         and n.children_display != 'submenu')
        checks.check(line is not None, '%s: the menu shows "my_dev — …" with its underscore' % what,
                     dump)
        if line is not None:
            checks.check(line.enabled, '%s: a profile line is sensitive (normal contrast)' % what)

        # Attention and title.
        props = applet.item.properties()
        checks.equal(props.get('Status'), 'NeedsAttention',
                     '%s: the item needs attention while %s expires' % (what, ODD_NAME))
        checks.check(ODD_NAME in props.get('Title', ''), '%s: its title names %s' % (what, ODD_NAME),
                     repr(props.get('Title')))
        # libayatana-appindicator exports no ToolTip: hosts show the Title, and screen readers
        # the icon's accessible description, which is the same text.
        checks.check(ODD_NAME in props.get('IconAccessibleDesc', ''),
                     '%s: the icon\'s accessible description names it too' % what,
                     repr(props.get('IconAccessibleDesc')))

        # The reminder: escaped for a markup server.
        near = checks.run('%s: the reminder for %s' % (what, ODD_NAME),
                          daemon.wait_for_notification, about('expires at'), 10)
        if near is not None:
            checks.check('r&amp;d&lt;1&gt;' in near.body,
                         '%s: the body is escaped for a server that reads markup' % what, near.body)
            checks.check(ODD_NAME in near.summary, '%s: the summary (never markup) is as it is' % what,
                         near.summary)

        # A profile line does something: it logs that profile in (the dialog opens). The
        # reminder of r&d<1> opened its own dialog at start: closed first, so that the one
        # counted is the line's.
        checks.check(close_dialogs(), '%s: the dialogs open so far close with Escape' % what)
        if line is not None:
            applet.menu.click(line)
            dialog = wait_for(lambda: windows_named('Log In to AWS'), 10)
            checks.check(dialog, '%s: activating "my_dev — …" opens its code dialog' % what)
            if dialog:
                screenshot(os.path.join(shots_dir(), 'tray-line-dialog.png'))
                press(dialog[0], 'Escape')
                wait_for(lambda: not windows_named('Log In to AWS'), 5)

        # The dialog of the 28 profiles fits the screen.
        close_dialogs()
        if team:
            first = [c for c in team[0].children if c.visible][0]
            applet.menu.click(first)
            dialog = wait_for(lambda: windows_named('Log In to AWS'), 10)
            checks.check(dialog, '%s: Log In of the device submenu opens the dialog' % what)
            if dialog:
                geometry = subprocess.run(['xdotool', 'getwindowgeometry', '--shell', dialog[0]],
                                          capture_output=True, text=True, check=False).stdout
                values = dict(line.split('=', 1) for line in geometry.split())
                y, h = int(values.get('Y', 0)), int(values.get('HEIGHT', 10 ** 6))
                checks.check(y >= 0 and y + h <= SCREEN_HEIGHT,
                             '%s: the dialog of 28 profiles fits a 768-px screen (y %d, height %d)'
                             % (what, y, h))
                screenshot(os.path.join(shots_dir(), 'thirty-profiles-dialog.png'))
                press(dialog[0], 'Escape')
                wait_for(lambda: not windows_named('Log In to AWS'), 5)

        # A tray update after the first (here: another tool rewrote my_dev's session) used to
        # be a Gtk-CRITICAL (gtk_widget_get_parent); with fatal-criticals it would end us.
        credentials = os.path.join(os.environ['HOME'], '.aws', 'credentials')
        with open(credentials) as f:
            text = f.read()
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2, minutes=30)
        start = text.index('[my_dev]')
        end = text.index('expiration = ', start)
        line_end = text.index('\n', end)
        with open(credentials, 'w') as f:
            f.write(text[:end] + 'expiration = ' + iso(later) + text[line_end:])
        updated = wait_for(lambda: applet.layout().find(
            predicate=lambda n: n.text.startswith('my_dev — 2 h')), 10)
        checks.check(updated, '%s: the tray follows a rewritten session (a second menu update)' % what,
                     applet.layout().dump())
        checks.check(applet.running(), '%s: the update is no critical (the applet runs on)' % what)

        open_window_and_screenshot(checks, applet, what, 'thirty-profiles-window.png')
        quit_from_menu(checks, applet, what)
        if near is not None:
            checks.check(wait_for(lambda: near.id in daemon.closed_ids(), 5),
                         '%s: the reminder is withdrawn at Quit' % what, repr(daemon.closed_ids()))
    finally:
        applet.stop()
        daemon.stop()
    quiet_stderr(checks, applet, what)


def open_window_and_screenshot(checks, applet, what, name):
    node = applet.layout().find('Open Window')
    if node is None:
        checks.fail('%s: the menu has Open Window' % what, applet.layout().dump())
        return
    applet.menu.click(node)
    window = wait_for(lambda: windows_named('Sessions'), 10)
    checks.check(window, '%s: Open Window shows the window' % what)
    if window:
        time.sleep(0.5)
        screenshot(os.path.join(shots_dir(), name))
        press(window[0], 'ctrl+w')
        wait_for(lambda: not windows_named('Sessions'), 5)


def test_plain_body_server(checks):
    """Also the dark theme's look of the window with 30 profiles."""
    what = 'a server without body-markup'
    daemon = NotificationDaemon(log_path=os.path.join(tmpdir(), 'plain.notifications.log'),
                                capabilities=CAPS_PLAIN).start()
    applet = Applet(args=['--background'], env=dict(BASE_ENV, GTK_THEME='Adwaita:dark'),
                    name='plain', checks=checks)
    applet.start()
    try:
        near = checks.run('%s: the reminder for %s' % (what, ODD_NAME),
                          daemon.wait_for_notification, about('expires at'), 10)
        if near is not None:
            checks.check(ODD_NAME in near.body, '%s: gets the body as it is' % what, near.body)
        open_window_and_screenshot(checks, applet, what + ' (dark)', 'thirty-profiles-window-dark.png')
        quit_from_menu(checks, applet, what)
    finally:
        applet.stop()
        daemon.stop()
    quiet_stderr(checks, applet, what)


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    for test in (test_background_without_tray, test_window_closed_without_tray,
                 test_quit_with_window_without_tray, test_thirty_profiles, test_plain_body_server):
        try:
            test(checks)
        except Exception as e:  # noqa: BLE001 - one failed check, then the next part
            checks.fail('%s ran to its end' % test.__name__, '%s: %s' % (type(e).__name__, e))
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
