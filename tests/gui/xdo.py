"""Real input for the GUI tests, through the X server (xdotool): find a window by its title,
focus it, type into it. GTK ignores synthetic (XSendEvent) key events, so keys go through
XTEST to the focused window."""

import subprocess
import time


def windows_named(title):
    """The visible windows whose title is exactly `title`, oldest first."""
    found = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', '^%s$' % title],
                           capture_output=True, text=True)
    return found.stdout.split() if found.returncode == 0 else []


def wait_for(predicate, timeout=10.0, interval=0.1):
    """predicate()'s first true value within `timeout` seconds, else its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def focus(window):
    subprocess.run(['xdotool', 'windowfocus', '--sync', window], check=False, timeout=10)


def press(window, key):
    focus(window)
    subprocess.run(['xdotool', 'key', key], check=False, timeout=10)


def type_into(window, *items):
    """Focus `window`, then type each item: text, or 'key:NAME' for one key (Tab, Return)."""
    focus(window)
    for item in items:
        if item.startswith('key:'):
            subprocess.run(['xdotool', 'key', item[4:]], check=True, timeout=10)
        else:
            subprocess.run(['xdotool', 'type', '--delay', '40', item], check=True, timeout=60)
