#!/usr/bin/python3
"""A stand-in tray applet for test_helpers.py: Python, Gtk 3 and libayatana-appindicator
(gir1.2-ayatanaappindicator3-0.1, which libayatana-appindicator3-dev already depends on).

It follows the applet's tray contract with no profiles (item Id = application ID, Status
Active, a state icon, a Title, a menu with an insensitive "no profiles" line, "Open window",
"Preferences", "Quit") and adds a few actions whose effects are visible over D-Bus, so the
helpers' signal waits and notification reader can be proven:

  Open window       -> icon <id>-ok (NewIcon), the first line's label changes
                       (ItemsPropertiesUpdated), a new entry "Extra" appears (LayoutUpdated)
  Preferences       -> title "Preferences opened" (NewTitle)
  Send notification -> GNotification "Session expiring" with button "Log in now"
                       (app.login, target "prod"); app.login sets Status NeedsAttention
                       (NewStatus) and prints "login prod"
  Quit              -> exits with status 0
  middle click (SecondaryActivate) -> same as Open window
"""

import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('AyatanaAppIndicator3', '0.1')
from gi.repository import AyatanaAppIndicator3 as AI  # noqa: E402
from gi.repository import Gio, GLib, Gtk  # noqa: E402

APP_ID = 'io.github.awsmfatray.AwsMfaTray'


class SampleApplet(Gtk.Application):
    def __init__(self):
        super().__init__(application_id=APP_ID)
        self.indicator = None
        self.menu = None
        self.first = None
        self.opened = False

    def do_startup(self):
        Gtk.Application.do_startup(self)
        GLib.set_application_name('MFA Tray for AWS')
        login = Gio.SimpleAction.new('login', GLib.VariantType('s'))
        login.connect('activate', self.on_login)
        self.add_action(login)

        self.menu = Gtk.Menu()
        self.first = Gtk.MenuItem.new_with_label('No MFA profiles found in ~/.aws/config')
        self.first.set_sensitive(False)
        self.menu.append(self.first)
        self.menu.append(Gtk.SeparatorMenuItem())
        self.open_item = self._add('_Open window', self.on_open)
        self._add('_Preferences', self.on_prefs)
        self._add('_Send notification', self.on_notify)
        self.menu.append(Gtk.SeparatorMenuItem())
        self._add('_Quit', lambda *_: self.quit())
        self.menu.show_all()

        self.indicator = AI.Indicator.new(APP_ID, APP_ID + '-unknown',
                                          AI.IndicatorCategory.APPLICATION_STATUS)
        self.indicator.set_title('MFA Tray for AWS')
        self.indicator.set_attention_icon_full(APP_ID + '-error', 'error')
        self.indicator.set_menu(self.menu)
        self.indicator.set_secondary_activate_target(self.open_item)
        self.indicator.set_status(AI.IndicatorStatus.ACTIVE)
        self.hold()

    def _add(self, label, callback):
        item = Gtk.MenuItem.new_with_mnemonic(label)
        item.connect('activate', callback)
        self.menu.append(item)
        return item

    def do_activate(self):
        pass

    def on_open(self, *_):
        print('open window', flush=True)
        self.indicator.set_icon_full(APP_ID + '-ok', 'ok')
        if not self.opened:
            self.opened = True
            self.first.set_label('Window opened')
            extra = Gtk.MenuItem.new_with_label('Extra')
            extra.show()
            self.menu.insert(extra, 2)

    def on_prefs(self, *_):
        print('preferences', flush=True)
        self.indicator.set_title('Preferences opened')

    def on_notify(self, *_):
        n = Gio.Notification.new('Session expiring')
        n.set_body('prod expires in 10 min')
        n.add_button_with_target('Log in now', 'app.login', GLib.Variant('s', 'prod'))
        self.send_notification('expiry-prod', n)
        print('notification sent', flush=True)

    def on_login(self, _action, param):
        print('login %s' % param.get_string(), flush=True)
        self.indicator.set_status(AI.IndicatorStatus.ATTENTION)


if __name__ == '__main__':
    sys.exit(SampleApplet().run(sys.argv[:1]))
