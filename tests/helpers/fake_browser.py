"""A default web browser for tests: registered for http and https in the test's own XDG
directories (tests/isolate gives each test its own), it appends each URL it is asked to open to
a file (mode 0600) that the test reads. GIO's g_app_info_launch_default_for_uri and GTK's
gtk_show_uri_on_window find it as they would find Firefox."""

import os


def register(home, opened_path):
    data_home = os.environ.get('XDG_DATA_HOME') or os.path.join(home, '.local', 'share')
    config_home = os.environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config')
    script = os.path.join(os.path.dirname(opened_path), 'fake-browser.py')
    with open(script, 'w') as f:
        f.write('import os, sys\n'
                'fd = os.open(%r, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)\n'
                'os.write(fd, (sys.argv[1] + "\\n").encode())\n' % opened_path)
    os.makedirs(os.path.join(data_home, 'applications'), exist_ok=True)
    with open(os.path.join(data_home, 'applications', 'fake-browser.desktop'), 'w') as f:
        f.write('[Desktop Entry]\nType=Application\nName=Fake Browser\n'
                'Exec=/usr/bin/python3 %s %%u\n'
                'MimeType=x-scheme-handler/http;x-scheme-handler/https;\n' % script)
    os.makedirs(config_home, exist_ok=True)
    with open(os.path.join(config_home, 'mimeapps.list'), 'w') as f:
        f.write('[Default Applications]\nx-scheme-handler/https=fake-browser.desktop\n'
                'x-scheme-handler/http=fake-browser.desktop\n')


def opened_urls(path):
    """The URLs opened so far, oldest first."""
    try:
        with open(path) as f:
            return f.read().split()
    except FileNotFoundError:
        return []
