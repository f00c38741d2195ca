#!/usr/bin/python3
"""Checks the Flathub manifest (flatpak/<app id>.json) without building it.

    check_manifest.py MANIFEST APP_ID VERSION METAINFO SOURCE_DIR

It is valid JSON; it builds APP_ID on org.gnome.Platform/Sdk of a supported branch
(MIN_RUNTIME_BRANCH, see flatpak/README.md); the app is built from the release: a git source
of the repository the metainfo names, with the tag v<VERSION> and a 40-hex commit, equal to the
tag's commit when SOURCE_DIR's git repository has the tag (flatpak/set-release-commit writes
it); its finish-args are exactly
the six that flatpak/README.md explains, with none of the broad ones (session or system bus,
home or host file system, devices); every downloaded source is pinned (an archive by sha256,
a git source by commit); the tray libraries are built in dependency order and the app last,
with meson and -Dtests=false. Never skipped: it needs nothing but Python.
Prints one line per check and "N passed, M failed".
"""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

EXPECTED_FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--talk-name=org.kde.StatusNotifierWatcher',
    '--filesystem=~/.aws:create',
]

# Broader than what the app needs, or refused by Flathub's linter without an exception.
FORBIDDEN_FINISH_ARGS = [
    re.compile(r'^--socket=(session-bus|system-bus|x11|pulseaudio|ssh-auth|pcsc|cups|gpg-agent)$'),
    re.compile(r'^--filesystem=(home|host|host-os|host-etc|~|/)(:.*)?$'),
    re.compile(r'^--device='),
    re.compile(r'^--(talk|own|system-talk|system-own)-name=.*\*'),
    re.compile(r'^--talk-name=org\.freedesktop\.(Flatpak|Notifications|secrets)$'),
    re.compile(r'^--system-'),
    re.compile(r'^--allow='),
    re.compile(r'^--persist='),
]

# The libayatana-appindicator stack, in the order it must be built.
TRAY_MODULES = ['libdbusmenu', 'ayatana-ido', 'libayatana-indicator', 'libayatana-appindicator']

# The newest stable GNOME runtime branch confirmed from stored copies of GNOME's and Flathub's
# repositories (flatpak/README.md, "Runtime"); older branches are end-of-life or close to it.
MIN_RUNTIME_BRANCH = 50

SHA256 = re.compile(r'^[0-9a-f]{64}$')
COMMIT = re.compile(r'^[0-9a-f]{40}$')


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, name, detail=''):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print('%s: %s%s' % ('ok' if ok else 'FAIL', name,
                            '' if ok or not detail else ' -- ' + detail), flush=True)
        return ok

    def finish(self):
        print('%d passed, %d failed' % (self.passed, self.failed), flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


def flat_modules(modules, out=None):
    """Every module dict, nested ones included, in build order (children first)."""
    out = [] if out is None else out
    for m in modules:
        if isinstance(m, dict):
            flat_modules(m.get('modules', []), out)
            out.append(m)
    return out


def main(argv):
    if len(argv) != 6:
        print('usage: check_manifest.py MANIFEST APP_ID VERSION METAINFO SOURCE_DIR',
              file=sys.stderr)
        return 2
    path, app_id, project_version, metainfo, source_dir = argv[1:]
    checks = Checks()
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        checks.check(False, '%s is valid JSON' % path, str(e))
        return checks.finish()
    checks.check(isinstance(manifest, dict), 'the manifest is a JSON object')
    if not isinstance(manifest, dict):
        return checks.finish()

    checks.check(manifest.get('id', manifest.get('app-id')) == app_id,
                 'id is %s' % app_id, 'id is %r' % manifest.get('id'))
    checks.check(manifest.get('command') == 'aws-mfa-tray', 'command is aws-mfa-tray')
    checks.check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
    checks.check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    checks.check(re.fullmatch(r'\d+', version) is not None and
                 int(version) >= MIN_RUNTIME_BRANCH,
                 'runtime-version is a supported GNOME branch (%d or later)' % MIN_RUNTIME_BRANCH,
                 repr(version))

    finish = manifest.get('finish-args')
    checks.check(isinstance(finish, list) and all(isinstance(a, str) for a in finish),
                 'finish-args is a list of strings')
    finish = finish if isinstance(finish, list) else []
    checks.check(len(finish) == len(set(finish)), 'finish-args has no duplicate')
    missing = [a for a in EXPECTED_FINISH_ARGS if a not in finish]
    extra = [a for a in finish if a not in EXPECTED_FINISH_ARGS]
    checks.check(not missing, 'finish-args has every expected permission',
                 'missing: %s' % ', '.join(missing))
    checks.check(not extra, 'finish-args has nothing else', 'extra: %s' % ', '.join(extra))
    broad = [a for a in finish if any(p.search(a) for p in FORBIDDEN_FINISH_ARGS)]
    checks.check(not broad, 'finish-args has no broad permission (session/system bus, home, '
                 'host, devices, wildcard names)', 'found: %s' % ', '.join(broad))

    modules = flat_modules(manifest.get('modules', []))
    names = [m.get('name') for m in modules]
    checks.check(all(isinstance(m, dict) for m in manifest.get('modules', [])),
                 'every module is inline (no file that Flathub would need beside it)')
    positions = [names.index(n) if n in names else -1 for n in TRAY_MODULES]
    checks.check(-1 not in positions, 'modules build %s' % ', '.join(TRAY_MODULES),
                 'modules: %s' % ', '.join(map(str, names)))
    checks.check(-1 in positions or positions == sorted(positions),
                 'the tray libraries are built in dependency order', repr(names))
    checks.check('json-glib' not in names, 'no json-glib module (the GNOME runtime has it)')

    app = modules[-1] if modules else {}
    checks.check(app.get('name') == 'aws-mfa-tray', 'the last module is the app')
    checks.check(app.get('buildsystem') == 'meson', 'the app is built with meson')
    checks.check('-Dtests=false' in app.get('config-opts', []),
                 'the app is configured with -Dtests=false')

    for m in modules:
        for src in m.get('sources', []):
            if not isinstance(src, dict):
                checks.check(False, 'module %s: every source is inline' % m.get('name'))
                continue
            kind = src.get('type')
            where = 'module %s: %s source %s' % (m.get('name'), kind,
                                                 src.get('url', src.get('path', '')))
            if kind in ('archive', 'file'):
                checks.check(str(src.get('url', '')).startswith('https://'),
                             where + ' is fetched over https')
                checks.check(SHA256.match(str(src.get('sha256', ''))) is not None,
                             where + ' is pinned by sha256', repr(src.get('sha256')))
            elif kind == 'git':
                checks.check(str(src.get('url', '')).startswith('https://'),
                             where + ' is fetched over https')
                checks.check(COMMIT.match(str(src.get('commit', ''))) is not None,
                             where + ' is pinned by commit', repr(src.get('commit')))
            elif kind == 'dir':
                checks.check(False, where + ': Flathub builds no dir source (the bundle test '
                             'swaps the checkout in itself)')
            else:
                checks.check(False, where + ' is of a known, pinnable type')
    check_release_source(checks, app, project_version, metainfo, source_dir)
    return checks.finish()


def metainfo_url(metainfo, kind):
    root = ET.parse(metainfo).getroot()
    for url in root.findall('url'):
        if url.get('type') == kind:
            return (url.text or '').strip()
    return None


def git(source_dir, *args):
    """git's output in source_dir, or None where it has no answer (no git, no such ref)."""
    try:
        r = subprocess.run(['git', '-C', source_dir] + list(args), capture_output=True,
                           text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def check_release_source(checks, app, project_version, metainfo, source_dir):
    """The app is built from the tagged release of the repository that the metainfo names."""
    sources = app.get('sources', [])
    source = sources[0] if len(sources) == 1 and isinstance(sources[0], dict) else {}
    checks.check(source.get('type') == 'git', 'the app is built from one git source',
                 repr(sources))
    vcs = metainfo_url(metainfo, 'vcs-browser')
    checks.check(vcs is not None and source.get('url') == vcs + '.git',
                 'the app\'s git source is the metainfo\'s vcs-browser repository (%s.git)' % vcs,
                 repr(source.get('url')))
    tag = 'v' + project_version
    checks.check(source.get('tag') == tag, 'the app\'s git source has the tag %s (meson.build\'s '
                 'version)' % tag, repr(source.get('tag')))
    commit = str(source.get('commit', ''))
    checks.check(COMMIT.match(commit) is not None, 'the app\'s git source has a commit (40 hex)',
                 repr(source.get('commit')))

    tagged = git(source_dir, 'rev-parse', '--verify', '--quiet', tag + '^{commit}')
    if tagged is None:
        print('note: no tag %s in %s (not tagged yet, or not a git checkout): the commit is '
              'checked for its shape only' % (tag, source_dir), flush=True)
        return
    head = git(source_dir, 'rev-parse', 'HEAD')
    if commit != tagged and head == tagged:
        # The tagged commit cannot name itself; the next commit does (set-release-commit).
        print('note: this checkout is %s itself, which cannot name its own commit: run '
              'flatpak/set-release-commit and commit the result' % tag, flush=True)
        return
    checks.check(commit == tagged, 'the app\'s commit is the commit of the tag %s (%s)'
                 % (tag, tagged), '%s; run flatpak/set-release-commit' % commit)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
