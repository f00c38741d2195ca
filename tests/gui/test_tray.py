#!/usr/bin/python3
"""GUI test: with no ~/.aws, the applet ($AMT_BINARY, no arguments) registers a
StatusNotifierItem with the tray, shows the expected menu, and quits from it.

Needs DISPLAY (Xvfb from the test command), a private session bus (tests/isolate), and
PYTHONPATH=tests/helpers. Prints one line per check and ends with "N passed, M failed".
"""

import os
import sys

from app import APP_ID, Applet, start_gui_checks
from xdo import wait_for, windows_named

STATE_ICON_PREFIX = APP_ID + '-'


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    home = os.environ.get('HOME', '')
    checks.check(not os.path.exists(os.path.join(home, '.aws')),
                 'the test HOME has no ~/.aws', 'HOME=%s' % home)

    try:
        applet = Applet(timeout=10.0, checks=checks).start()
    except Exception as e:  # noqa: BLE001 - a failed check, with the applet's output above
        checks.fail('the applet registers a tray item within 10 s',
                    '%s: %s' % (type(e).__name__, e))
        return checks.finish()

    failed = True
    try:
        checks.check(True, 'the applet registers a tray item within 10 s')
        item = applet.item
        props = checks.run('the item answers Properties.GetAll', item.properties) or {}
        checks.equal(props.get('Id'), APP_ID, 'item Id is the application ID')
        checks.equal(props.get('Status'), 'Active', 'item Status is Active')
        icon = props.get('IconName', '')
        checks.check(icon.startswith(STATE_ICON_PREFIX) and len(icon) > len(STATE_ICON_PREFIX),
                     'item IconName is one of the state icons (%s…)' % STATE_ICON_PREFIX,
                     'IconName is %r' % icon)
        checks.check(bool(props.get('Title', '').strip()), 'item Title is not empty',
                     'Title is %r' % props.get('Title'))
        menu_path = props.get('Menu', '/')
        checks.check(menu_path not in ('', '/'), 'the item exports a menu',
                     'Menu is %r' % menu_path)

        # Started with no arguments, as from the app grid: the "Sessions" window opens too.
        checks.check(wait_for(lambda: windows_named('Sessions'), 10.0), 'the "Sessions" window is shown')

        # What a tray host does before it shows the menu: AboutToShow(0), then GetLayout.
        checks.run('the menu answers AboutToShow(0)', applet.menu.about_to_show, 0)
        root = checks.run('the menu answers GetLayout(0, -1, [])', applet.layout)
        if root is None:
            failed = False
            return checks.finish()
        dump = root.dump()
        # Labels are compared without mnemonic underscores and without regard to case
        # ("_Open Window" matches "Open window"); find() only returns visible entries.
        for text in ('Open window', 'Preferences', 'Quit'):
            node = root.find(text, ignore_case=True)
            checks.check(node is not None and not node.is_separator,
                         'the menu has an entry "%s"' % text, 'menu:\n%s' % dump)

        def says_no_profiles(node):
            t = node.text.lower()
            return (not node.enabled and not node.is_separator and 'profile' in t
                    and ('no ' in t or 'not found' in t or 'none' in t))
        checks.check(root.find(predicate=says_no_profiles) is not None,
                     'the menu has an insensitive line saying no MFA profiles were found',
                     'menu:\n%s' % dump)

        quit_node = root.find('Quit', ignore_case=True)
        if quit_node is not None and not quit_node.enabled:
            checks.fail('"Quit" is sensitive', 'menu:\n%s' % dump)
        if quit_node is None:
            checks.fail('"Quit" makes the applet exit with status 0 within 5 s',
                        'no Quit entry')
        elif checks.run('the menu accepts Event(Quit, "clicked")',
                        applet.menu.click, quit_node) is not None:
            status = checks.run('the applet exits within 5 s of "Quit"', applet.wait_exit, 5.0)
            if status is not None:
                checks.equal(status, 0, 'exit status after "Quit" is 0')
        failed = False
    finally:
        # Prints the applet's stderr when a check failed or something raised.
        applet.stop(failed=failed)
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
