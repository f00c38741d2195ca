"""Test client for a StatusNotifierItem and its com.canonical.dbusmenu menu.

Typical use, with a FakeWatcher (fake_watcher.py) running::

    item = sni.wait_for_item(watcher, timeout=10)     # -> Item
    item.id, item.status, item.icon_name, item.title  # properties, read over D-Bus
    menu = item.menu()                                # -> Menu
    root = menu.layout()                              # GetLayout(0, -1, []) -> MenuNode tree
    quit_node = root.find('Quit')                     # by label without mnemonic underscores
    menu.click(quit_node)                             # Event(id, 'clicked', <int32 0>, 0)

    with item.signals() as sig:                       # subscribe before acting
        menu.click(root.find('Open window'))
        sig.wait('NewIcon', timeout=5)

Everything blocks with a timeout and raises SniError (an AssertionError) with a message that
says what was expected, what was found, and on which bus name/path.

Notes on libayatana-appindicator 0.5.92 (what the applet uses): the item lives at
/org/ayatana/NotificationItem/<id with non-alphanumerics as '_'> on the applet's unique bus
name, its menu at <that>/Menu. Its org.kde.StatusNotifierItem exports the properties Id,
Category, Status, IconName, IconAccessibleDesc, AttentionIconName, AttentionAccessibleDesc,
Title, IconThemePath, Menu, XAyatanaLabel, XAyatanaLabelGuide, XAyatanaOrderingIndex (no
ToolTip, no ItemIsMenu, no pixmaps) and the methods Scroll, SecondaryActivate and
XAyatanaSecondaryActivate only: Activate and ContextMenu answer UnknownMethod.
Signals: NewIcon, NewIconThemePath, NewAttentionIcon, NewStatus(s), XAyatanaNewLabel(ss),
NewTitle. Labels in the dbusmenu keep GTK's mnemonic underscores ("_Quit").
"""

import time

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

SNI_IFACE = 'org.kde.StatusNotifierItem'
DBUSMENU_IFACE = 'com.canonical.dbusmenu'
PROPS_IFACE = 'org.freedesktop.DBus.Properties'

ITEM_SIGNALS = ('NewIcon', 'NewIconThemePath', 'NewAttentionIcon', 'NewOverlayIcon',
                'NewStatus', 'NewTitle', 'NewToolTip', 'XAyatanaNewLabel')
MENU_SIGNALS = ('LayoutUpdated', 'ItemsPropertiesUpdated', 'ItemActivationRequested')

DEFAULT_CALL_TIMEOUT = 5.0


class SniError(AssertionError):
    """A StatusNotifierItem/dbusmenu expectation failed (or a call failed)."""


def session_bus():
    return Gio.bus_get_sync(Gio.BusType.SESSION, None)


def strip_mnemonic(label):
    """GTK mnemonic rules: '_x' -> 'x', '__' -> '_'. Keeps everything else."""
    if not label:
        return ''
    out = []
    i = 0
    while i < len(label):
        c = label[i]
        if c == '_' and i + 1 < len(label):
            out.append(label[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def pump_until(check, timeout, context=None, interval=0.05):
    """Iterate a GLib main context until check() returns a true value or timeout passes.

    Returns check()'s value, or None on timeout. The context defaults to the calling thread's
    thread-default context (that is where our signal subscriptions deliver)."""
    ctx = context or GLib.MainContext.ref_thread_default()
    deadline = time.monotonic() + timeout
    while True:
        while ctx.pending():
            ctx.iteration(False)
        result = check()
        if result:
            return result
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        wake = GLib.timeout_source_new(max(1, int(min(left, interval) * 1000)))
        wake.set_callback(lambda *_: False)
        wake.attach(ctx)
        ctx.iteration(True)
        wake.destroy()


def _dbus_error_name(err):
    if isinstance(err, GLib.Error):
        name = Gio.DBusError.get_remote_error(err)
        return name or ''
    return ''


def _call(bus, dest, path, iface, method, params, reply_type, timeout, what):
    try:
        return bus.call_sync(dest, path, iface, method, params,
                             GLib.VariantType(reply_type) if reply_type else None,
                             Gio.DBusCallFlags.NONE, int(timeout * 1000), None)
    except GLib.Error as e:
        raise SniError('%s: %s.%s on %s %s failed: %s' % (what, iface, method, dest, path,
                                                          e.message)) from e


class SignalWatch:
    """Records D-Bus signals from one sender/path/interface from the moment it is created.

    Use as a context manager, or call close(). Records are (name, args tuple, monotonic s).
    wait() pumps the main context of the thread that created it."""

    def __init__(self, bus, sender, path, interface, names=None, arg0=None):
        self.bus = bus
        self.sender = sender
        self.path = path
        self.interface = interface
        self.names = set(names) if names else None
        self.records = []
        self._consumed = set()
        self._context = GLib.MainContext.ref_thread_default()
        self._sub = bus.signal_subscribe(sender, interface, None, path, arg0,
                                         Gio.DBusSignalFlags.NONE, self._on_signal)

    def _on_signal(self, conn, sender, path, iface, name, params):
        if self.names is None or name in self.names:
            self.records.append((name, params.unpack() if params is not None else (),
                                 time.monotonic()))

    def close(self):
        if self._sub:
            self.bus.signal_unsubscribe(self._sub)
            self._sub = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def pump(self, seconds=0.0):
        """Deliver pending signals (optionally keep listening for `seconds`)."""
        pump_until(lambda: False, seconds, self._context)
        return list(self.records)

    def wait(self, name=None, timeout=5.0, predicate=None, consume=True):
        """Wait for the oldest signal called `name` (any name if None; any of a tuple) that
        no earlier wait() returned, including signals received before this call;
        predicate(args) may narrow it. consume=False leaves it for a later wait().
        Returns (name, args). Raises SniError on timeout."""
        names = (name,) if isinstance(name, str) else (tuple(name) if name else None)

        def find():
            for i, (n, args, _) in enumerate(self.records):
                if i in self._consumed:
                    continue
                if (names is None or n in names) and (predicate is None or predicate(args)):
                    if consume:
                        self._consumed.add(i)
                    return (n, args)
            return None
        found = pump_until(find, timeout, self._context)
        if found is None:
            seen = ', '.join(r[0] for r in self.records) or 'none'
            raise SniError('timed out after %.1f s waiting for signal %s.%s from %s %s '
                           '(signals seen: %s)' % (timeout, self.interface,
                                                   '|'.join(names) if names else '*',
                                                   self.sender, self.path, seen))
        return found

    def names_seen(self):
        self.pump()
        return [r[0] for r in self.records]


# --------------------------------------------------------------------------- the item

class Item:
    """A StatusNotifierItem on the bus (bus_name + object path)."""

    def __init__(self, bus_name, object_path, bus=None, record=None):
        self.bus = bus or session_bus()
        self.bus_name = bus_name
        self.object_path = object_path
        self.record = record  # the watcher's registration record, if any

    def __repr__(self):
        return '<sni.Item %s %s>' % (self.bus_name, self.object_path)

    # -- properties
    def properties(self, timeout=DEFAULT_CALL_TIMEOUT):
        """All properties (GetAll) as a dict of Python values."""
        reply = _call(self.bus, self.bus_name, self.object_path, PROPS_IFACE, 'GetAll',
                      GLib.Variant('(s)', (SNI_IFACE,)), '(a{sv})', timeout,
                      'reading the StatusNotifierItem properties')
        return reply.unpack()[0]

    _MISSING = object()

    def get(self, name, default=_MISSING, timeout=DEFAULT_CALL_TIMEOUT):
        """One property. Without a default, a missing property raises SniError."""
        try:
            reply = self.bus.call_sync(self.bus_name, self.object_path, PROPS_IFACE, 'Get',
                                       GLib.Variant('(ss)', (SNI_IFACE, name)),
                                       GLib.VariantType('(v)'), Gio.DBusCallFlags.NONE,
                                       int(timeout * 1000), None)
        except GLib.Error as e:
            if default is not Item._MISSING:
                return default
            raise SniError('reading StatusNotifierItem property %s of %s %s failed: %s'
                           % (name, self.bus_name, self.object_path, e.message)) from e
        return reply.unpack()[0]

    id = property(lambda self: self.get('Id'))
    title = property(lambda self: self.get('Title'))
    status = property(lambda self: self.get('Status'))
    category = property(lambda self: self.get('Category'))
    icon_name = property(lambda self: self.get('IconName'))
    icon_theme_path = property(lambda self: self.get('IconThemePath', ''))
    attention_icon_name = property(lambda self: self.get('AttentionIconName', ''))
    menu_path = property(lambda self: self.get('Menu'))
    # (icon name, icon pixmaps, title, description) per the spec; None when not exported
    # (libayatana-appindicator 0.5.92 has no ToolTip).
    tooltip = property(lambda self: self.get('ToolTip', None))
    label = property(lambda self: self.get('XAyatanaLabel', None))

    def wait_for_property(self, name, expected=None, predicate=None, timeout=5.0):
        """Poll property `name` until it equals `expected` (or predicate(value) is true).
        The SNI signals (NewIcon...) carry no value, so polling is the robust way."""
        if predicate is None:
            def predicate(v):
                return v == expected
        last = [None]

        def check():
            last[0] = self.get(name, default=None)
            return predicate(last[0])
        if pump_until(check, timeout, interval=0.05):
            return last[0]
        raise SniError('timed out after %.1f s waiting for property %s of %s to become %s; '
                       'it is %r' % (timeout, name, self,
                                     repr(expected) if expected is not None
                                     else 'what the test expects', last[0]))

    # -- methods
    def _method(self, method, params, timeout):
        return _call(self.bus, self.bus_name, self.object_path, SNI_IFACE, method, params,
                     None, timeout, 'calling the StatusNotifierItem')

    def activate(self, x=0, y=0, timeout=DEFAULT_CALL_TIMEOUT):
        """Activate(x, y): a primary click. libayatana-appindicator does not implement it."""
        return self._method('Activate', GLib.Variant('(ii)', (x, y)), timeout)

    def secondary_activate(self, x=0, y=0, timeout=DEFAULT_CALL_TIMEOUT):
        """SecondaryActivate(x, y): a middle click (ayatana: activates the menu item set
        with app_indicator_set_secondary_activate_target)."""
        return self._method('SecondaryActivate', GLib.Variant('(ii)', (x, y)), timeout)

    def context_menu(self, x=0, y=0, timeout=DEFAULT_CALL_TIMEOUT):
        return self._method('ContextMenu', GLib.Variant('(ii)', (x, y)), timeout)

    def scroll(self, delta, orientation='vertical', timeout=DEFAULT_CALL_TIMEOUT):
        return self._method('Scroll', GLib.Variant('(is)', (delta, orientation)), timeout)

    # -- others
    def signals(self, names=None):
        """A SignalWatch on this item's org.kde.StatusNotifierItem signals."""
        return SignalWatch(self.bus, self.bus_name, self.object_path, SNI_IFACE, names)

    def wait_for_signal(self, name, timeout=5.0, action=None):
        """Subscribe, run action() (if given), wait for signal `name`; returns its args."""
        with self.signals() as sig:
            if action is not None:
                action()
            return sig.wait(name, timeout)[1]

    def menu(self):
        path = self.menu_path
        if not path or path == '/':
            raise SniError('%r exports no menu (Menu property is %r)' % (self, path))
        return Menu(self.bus_name, path, bus=self.bus)

    def is_alive(self):
        reply = self.bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                   'org.freedesktop.DBus', 'NameHasOwner',
                                   GLib.Variant('(s)', (self.bus_name,)),
                                   GLib.VariantType('(b)'), Gio.DBusCallFlags.NONE, 5000, None)
        return reply.unpack()[0]


# --------------------------------------------------------------------------- the menu

class MenuNode:
    """One dbusmenu entry, with the dbusmenu defaults filled in.

    label: as sent (mnemonic underscores kept); text: label without mnemonics;
    enabled, visible (bool); type: 'standard' | 'separator'; toggle_type: '' | 'checkmark' |
    'radio'; toggle_state: -1 (none/indeterminate), 0 off, 1 on; children_display: '' |
    'submenu'; props: every property as sent; children: [MenuNode]."""

    def __init__(self, node_id, props, children, parent=None):
        self.id = node_id
        self.props = props
        self.parent = parent
        self.label = props.get('label', '')
        self.text = strip_mnemonic(self.label)
        self.enabled = bool(props.get('enabled', True))
        self.visible = bool(props.get('visible', True))
        self.type = props.get('type', 'standard')
        self.toggle_type = props.get('toggle-type', '')
        self.toggle_state = props.get('toggle-state', -1)
        self.children_display = props.get('children-display', '')
        self.icon_name = props.get('icon-name', '')
        self.accessible_desc = props.get('accessible-desc', '')
        self.shortcut = props.get('shortcut', [])
        self.children = [MenuNode(c[0], c[1], c[2], self) for c in children]

    @property
    def is_separator(self):
        return self.type == 'separator'

    def walk(self):
        """This node and all descendants, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()

    def find_all(self, text=None, predicate=None, visible_only=True, ignore_case=False):
        out = []
        want = text.casefold() if (text is not None and ignore_case) else text
        for n in self.walk():
            if n is self:
                continue
            if visible_only and not n.visible:
                continue
            if text is not None:
                if ignore_case:
                    if want not in (n.text.casefold(), n.label.casefold()):
                        continue
                elif text not in (n.text, n.label):
                    continue
            if predicate is not None and not predicate(n):
                continue
            out.append(n)
        return out

    def find(self, text=None, predicate=None, visible_only=True, ignore_case=False):
        """First descendant whose text (or raw label) equals `text` and/or that
        predicate(node) accepts; None if none."""
        found = self.find_all(text, predicate, visible_only, ignore_case)
        return found[0] if found else None

    def get(self, text=None, predicate=None, visible_only=True, ignore_case=False):
        """Like find(), but raises SniError listing the menu when nothing matches."""
        node = self.find(text, predicate, visible_only, ignore_case)
        if node is None:
            raise SniError('menu has no %sentry %s; the menu is:\n%s'
                           % ('visible ' if visible_only else '',
                              repr(text) if text is not None else 'matching the predicate',
                              self.dump()))
        return node

    def texts(self, visible_only=True):
        """Texts of the direct children (separators as '---')."""
        return ['---' if c.is_separator else c.text for c in self.children
                if c.visible or not visible_only]

    def dump(self, indent=0):
        lines = []
        for c in self.children:
            flags = []
            if not c.enabled:
                flags.append('insensitive')
            if not c.visible:
                flags.append('hidden')
            if c.toggle_type:
                flags.append('%s=%d' % (c.toggle_type, c.toggle_state))
            text = '---' if c.is_separator else repr(c.label)
            lines.append('%s[%d] %s%s' % ('  ' * (indent + 1), c.id, text,
                                          (' (' + ', '.join(flags) + ')') if flags else ''))
            if c.children:
                lines.append(c.dump(indent + 1))
        return '\n'.join(lines) if lines else '%s(empty)' % ('  ' * (indent + 1))

    def __repr__(self):
        return '<MenuNode %d %r%s>' % (self.id, self.label, '' if self.enabled else ' disabled')


class Menu:
    """A com.canonical.dbusmenu object."""

    def __init__(self, bus_name, object_path, bus=None):
        self.bus = bus or session_bus()
        self.bus_name = bus_name
        self.object_path = object_path
        self.revision = None

    def __repr__(self):
        return '<sni.Menu %s %s>' % (self.bus_name, self.object_path)

    def _call(self, method, params, reply_type, timeout):
        return _call(self.bus, self.bus_name, self.object_path, DBUSMENU_IFACE, method,
                     params, reply_type, timeout, 'calling the dbusmenu')

    def get_layout(self, parent_id=0, depth=-1, property_names=(),
                   timeout=DEFAULT_CALL_TIMEOUT):
        """Raw GetLayout: (revision, (id, props, children))."""
        reply = self._call('GetLayout',
                           GLib.Variant('(iias)', (parent_id, depth, list(property_names))),
                           '(u(ia{sv}av))', timeout)
        return reply.unpack()

    def layout(self, parent_id=0, depth=-1, property_names=(), timeout=DEFAULT_CALL_TIMEOUT):
        """GetLayout(parent, depth, props) as a MenuNode tree (root = parent_id)."""
        revision, (node_id, props, children) = self.get_layout(parent_id, depth,
                                                               property_names, timeout)
        self.revision = revision
        root = MenuNode(node_id, props, children)
        root.revision = revision
        return root

    def property(self, node_id, name, timeout=DEFAULT_CALL_TIMEOUT):
        reply = self._call('GetProperty', GLib.Variant('(is)', (node_id, name)), '(v)',
                           timeout)
        return reply.unpack()[0]

    def group_properties(self, ids=(), names=(), timeout=DEFAULT_CALL_TIMEOUT):
        """GetGroupProperties -> {id: {prop: value}}."""
        reply = self._call('GetGroupProperties',
                           GLib.Variant('(aias)', (list(ids), list(names))),
                           '(a(ia{sv}))', timeout)
        return {i: p for i, p in reply.unpack()[0]}

    def event(self, node, event_id='clicked', data=None, timestamp=0,
              timeout=DEFAULT_CALL_TIMEOUT):
        """Event(id, event_id, data, timestamp). node: a MenuNode, an id, or a label text.
        data: a GLib.Variant (default int32 0, as libdbusmenu clients send)."""
        node_id = self._resolve(node)
        if data is None:
            data = GLib.Variant('i', 0)
        self._call('Event', GLib.Variant('(isvu)', (node_id, event_id, data, timestamp)),
                   None, timeout)
        return node_id

    def click(self, node, timestamp=0, timeout=DEFAULT_CALL_TIMEOUT):
        """Send 'clicked' to an entry (MenuNode, id, or label text, which must be enabled)."""
        if isinstance(node, str):
            found = self.layout().get(node)
            if not found.enabled:
                raise SniError('menu entry %r is insensitive; a user could not click it'
                               % node)
            node = found
        return self.event(node, 'clicked', None, timestamp, timeout)

    def opened(self, node_id=0, timeout=DEFAULT_CALL_TIMEOUT):
        """Send 'opened' (what a host sends when it shows the (sub)menu)."""
        return self.event(node_id, 'opened', None, 0, timeout)

    def closed(self, node_id=0, timeout=DEFAULT_CALL_TIMEOUT):
        return self.event(node_id, 'closed', None, 0, timeout)

    def about_to_show(self, node=0, timeout=DEFAULT_CALL_TIMEOUT):
        """AboutToShow(id) -> needUpdate (bool)."""
        node_id = self._resolve(node)
        reply = self._call('AboutToShow', GLib.Variant('(i)', (node_id,)), '(b)', timeout)
        return reply.unpack()[0]

    def dbus_properties(self, timeout=DEFAULT_CALL_TIMEOUT):
        """The dbusmenu object's own properties (Version, TextDirection, Status, IconThemePath)."""
        reply = _call(self.bus, self.bus_name, self.object_path, PROPS_IFACE, 'GetAll',
                      GLib.Variant('(s)', (DBUSMENU_IFACE,)), '(a{sv})', timeout,
                      'reading the dbusmenu properties')
        return reply.unpack()[0]

    def signals(self, names=None):
        """A SignalWatch on LayoutUpdated(u revision, i parent),
        ItemsPropertiesUpdated(a(ia{sv}) updated, a(ias) removed) and
        ItemActivationRequested(i id, u timestamp)."""
        return SignalWatch(self.bus, self.bus_name, self.object_path, DBUSMENU_IFACE, names)

    def wait_for_layout(self, predicate, timeout=5.0, what='the menu to change'):
        """Re-read the layout every 100 ms until
        predicate(root) is true. Returns the root MenuNode."""
        last = [None]

        def check():
            last[0] = self.layout()
            return predicate(last[0])
        if pump_until(check, timeout, interval=0.1):
            return last[0]
        raise SniError('timed out after %.1f s waiting for %s; the menu is:\n%s'
                       % (timeout, what, last[0].dump() if last[0] else '(unread)'))

    def _resolve(self, node):
        if isinstance(node, MenuNode):
            return node.id
        if isinstance(node, int):
            return node
        if isinstance(node, str):
            return self.layout().get(node).id
        raise TypeError('menu entry must be a MenuNode, an id or a label, not %r' % (node,))


# --------------------------------------------------------------------------- functions

def wait_for_item(watcher, timeout=10.0, predicate=None, abort_if=None, bus=None):
    """Wait until `watcher` (a FakeWatcher or WatcherProcess) has an item registered
    (optionally one for which predicate(record) is true); return it as an Item."""
    rec = watcher.wait_for_item(timeout=timeout, predicate=predicate, abort_if=abort_if)
    return Item(rec['bus_name'], rec['object_path'], bus=bus, record=rec)


def get_properties(item, timeout=DEFAULT_CALL_TIMEOUT):
    return item.properties(timeout)


def get_layout(item, timeout=DEFAULT_CALL_TIMEOUT):
    """The item's menu as a MenuNode tree."""
    return item.menu().layout(timeout=timeout)


def menu_event(item, node, event_id='clicked', data=None, timestamp=0,
               timeout=DEFAULT_CALL_TIMEOUT):
    return item.menu().event(node, event_id, data, timestamp, timeout)


def about_to_show(item, node=0, timeout=DEFAULT_CALL_TIMEOUT):
    return item.menu().about_to_show(node, timeout)


def activate(item, x=0, y=0):
    return item.activate(x, y)


def secondary_activate(item, x=0, y=0):
    return item.secondary_activate(x, y)


def wait_for_signal(item, name, timeout=5.0, action=None):
    """Wait for an item signal (NewIcon...) or, for LayoutUpdated/ItemsPropertiesUpdated,
    a menu signal; action() runs after subscribing. Returns the signal's args."""
    if name in MENU_SIGNALS:
        with item.menu().signals() as sig:
            if action is not None:
                action()
            return sig.wait(name, timeout)[1]
    return item.wait_for_signal(name, timeout, action)
