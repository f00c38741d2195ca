#!/usr/bin/python3
"""Assemble a minimal Flatpak runtime from the Debian packages installed on this machine.

TEST-ONLY. Flathub's org.gnome.Platform cannot be downloaded here, so the offline bundle test
(test_bundle.py) runs the app on a runtime made of the host's own files instead:

1. every ELF file of the app (its /app tree) is run through ldd; the Debian packages that own
   the libraries it loads are the seed, together with a few packages that GTK needs at run time
   but does not link (SVG pixbuf loader, MIME database, icon themes, a font, ldconfig, a shell);
2. the seed grows to its closure over Depends and Pre-Depends, taking the first installed
   alternative. Essential packages (dpkg, tar, perl-base, ...) are left out unless seeded:
   they are package-manager baggage, not something an application loads;
3. the files of those packages (dpkg -L), less documentation, manual pages and translations,
   are copied into <out>/usr, which Flatpak mounts as /usr: /usr/X -> usr/X, and the
   pre-merged-/usr paths that Debian 12 still lists (/lib, /lib64, /bin, /sbin) -> usr/lib...;
   /etc/X -> usr/etc/X (Flatpak shows it as /etc);
4. the caches that Debian builds in maintainer scripts, not shipped in any package, are made
   for this tree: GSettings schemas, GIO modules, gdk-pixbuf loaders, MIME database, icon
   caches;
5. <out>/metadata names the runtime, which serves as its own SDK.

`flatpak build-export --runtime` then commits <out> to a repository. The result is what the
app needs and little more (some 180 MiB; 85 MiB in the repository), it is ABI-identical to what the app was built
against (the same files), and it is nothing like the real GNOME runtime: it only proves that
the sandbox, the finish-args and the D-Bus plumbing work.

Used as a module by bundle.py; as a script: testruntime.py APP_FILES_DIR OUT_DIR
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig

RUNTIME_ID = 'io.github.awsmfatray.TestPlatform'
RUNTIME_BRANCH = 'test'

# What GTK and GLib load at run time without linking it, and what Flatpak itself runs inside
# the sandbox (ldconfig, to build /etc/ld.so.cache at the first `flatpak run`).
RUNTIME_PACKAGES = [
    'libc-bin',            # ldconfig, ld.so.conf
    'dash',                # /bin/sh, for the checks that run a command in the sandbox
    'coreutils',           # ls, cat, touch, for the same
    'libglib2.0-bin',      # gdbus, gsettings
    'librsvg2-common',     # the SVG gdk-pixbuf loader: every icon of ours is an SVG
    'shared-mime-info',    # pixbuf loaders are chosen by MIME type
    'hicolor-icon-theme',  # index.theme of the theme our icons are installed in
    'adwaita-icon-theme',  # GTK's own icons
    'fonts-dejavu-core',   # one font, so that Pango has something to lay out
    'fontconfig-config',
    'libgtk-3-common',     # GTK's settings, key themes, schemas
    'libgtk-3-bin',        # GTK's IM modules cache and tools (when installed)
]

# Paths never copied: documentation, manual pages, translations, bug-reporting hooks.
SKIPPED_PREFIXES = (
    '/usr/share/doc/', '/usr/share/doc-base/', '/usr/share/man/', '/usr/share/info/',
    '/usr/share/locale/', '/usr/share/lintian/', '/usr/share/bug/', '/usr/share/gtk-doc/',
    '/usr/share/bash-completion/', '/usr/share/zsh/', '/usr/share/help/', '/usr/share/menu/',
    '/usr/share/apport/', '/etc/init.d/', '/etc/cron.daily/', '/etc/logrotate.d/',
)

# Pre-merged-/usr directories that Debian packages still name in their file lists.
MERGED_USR = ('/lib/', '/lib64/', '/bin/', '/sbin/', '/lib32/', '/libx32/')


def multiarch():
    """Debian's multiarch triplet (x86_64-linux-gnu), as Debian's Python knows it."""
    return sysconfig.get_config_var('MULTIARCH') or _run(
        ['gcc', '-print-multiarch']).stdout.strip() or 'x86_64-linux-gnu'


class RuntimeAssemblyError(RuntimeError):
    """The runtime cannot be made from what is installed here."""


def _run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def is_elf(path):
    try:
        with open(path, 'rb') as f:
            return f.read(4) == b'\x7fELF'
    except OSError:
        return False


def linked_libraries(elf_files):
    """Absolute paths of every library ldd resolves for these files."""
    libs = set()
    for path in elf_files:
        out = _run(['ldd', path])
        for line in out.stdout.splitlines():
            if 'not found' in line:
                raise RuntimeAssemblyError('%s: a library is not installed on this machine: %s'
                                    % (path, line.strip()))
            m = re.search(r'=>\s+(/\S+)', line) or re.match(r'\s*(/\S+)', line)
            if m:
                libs.add(m.group(1))
    return sorted(libs)


def _path_aliases(path):
    """The spellings of a path under merged /usr that dpkg may know it by."""
    real = os.path.realpath(path)
    out = [path, real]
    for p in (path, real):
        if p.startswith('/usr/'):
            out.append(p[4:])
        else:
            out.append('/usr' + p)
    seen = []
    for p in out:
        if p not in seen:
            seen.append(p)
    return seen


def owning_packages(paths):
    """The installed Debian packages that own these files (one dpkg-query call)."""
    wanted = {}
    for path in paths:
        for alias in _path_aliases(path):
            wanted.setdefault(alias, path)
    r = _run(['dpkg-query', '-S'] + sorted(wanted))
    owners = {}
    for line in r.stdout.splitlines():
        # "libfoo1:amd64: /usr/lib/x86_64-linux-gnu/libfoo.so.1"; "a, b: /path" when shared
        if line.startswith('diversion ') or ': ' not in line:
            continue
        names, path = line.rsplit(': ', 1)
        if path in wanted:
            owners.setdefault(wanted[path], names.split(', ')[0].split(':')[0])
    missing = sorted(set(paths) - set(owners))
    if missing:
        raise RuntimeAssemblyError('no installed Debian package owns %s' % ', '.join(missing))
    return sorted(set(owners.values()))


class Packages:
    """What dpkg knows about the installed packages, read once."""

    def __init__(self):
        r = _run(['dpkg-query', '-W', '-f',
                  '${db:Status-Abbrev}\t${Package}\t${Architecture}\t${Version}\t'
                  '${Essential}\t${Depends}\t${Pre-Depends}\n'])
        self._info = {}
        for line in r.stdout.splitlines():
            fields = line.split('\t')
            if len(fields) != 7 or not fields[0].startswith('ii'):
                continue
            _status, name, arch, version, essential, dep, predep = fields
            self._info[name] = {
                'version': version, 'essential': essential == 'yes', 'arch': arch,
                'depends': ', '.join(x for x in (dep, predep) if x),
            }

    def info(self, name):
        return self._info.get(name)

    def installed(self, name):
        return name in self._info

    def closure(self, seed):
        """seed plus everything it Depends/Pre-Depends on (the first installed alternative),
        leaving out Essential packages that are not in seed. Virtual packages are not
        followed: those that libraries depend on name services (a session bus, an init
        system) that the host provides, not files to load."""
        seed = [s for s in seed if self.installed(s)]
        chosen = {}
        todo = list(seed)
        while todo:
            name = todo.pop()
            if name in chosen:
                continue
            info = self.info(name)
            if info['essential'] and name not in seed:
                continue
            chosen[name] = info['version']
            for group in info['depends'].split(','):
                for alt in group.split('|'):
                    m = re.match(r'\s*([^\s(:]+)', alt)
                    dep = m.group(1) if m else None
                    if dep and self.installed(dep):
                        todo.append(dep)
                        break
        return dict(sorted(chosen.items()))

    def files(self, name):
        """dpkg's file list of an installed package."""
        arch = self._info[name]['arch']
        for list_name in ('%s:%s.list' % (name, arch), '%s.list' % name):
            path = os.path.join('/var/lib/dpkg/info', list_name)
            if os.path.exists(path):
                with open(path, encoding='utf-8', errors='surrogateescape') as f:
                    return [l.rstrip('\n') for l in f if l.startswith('/')]
        r = _run(['dpkg-query', '-L', name])
        return [l for l in r.stdout.splitlines() if l.startswith('/')]


def runtime_path(path):
    """Where a host path goes in the runtime's usr/ (None: not part of a runtime)."""
    if path.startswith(SKIPPED_PREFIXES):
        return None
    if path.startswith('/usr/'):
        return path[len('/usr/'):]
    if path.startswith('/etc/'):
        return path[1:]
    for prefix in MERGED_USR:
        if path.startswith(prefix):
            return path[1:]
    return None


def copy_entry(src, dest):
    """Copy one file or symlink. A symlink that leaves /usr and /etc of the sandbox's view
    (e.g. through /etc/alternatives, which no package ships) is copied as its target."""
    if os.path.lexists(dest):
        return
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if os.path.islink(src):
        target = os.readlink(src)
        if target.startswith('/etc/alternatives/') or (
                target.startswith('/') and not os.path.exists(target)):
            real = os.path.realpath(src)
            if os.path.isfile(real):
                shutil.copy2(real, dest)
            return
        os.symlink(target, dest)
    elif os.path.isfile(src):
        shutil.copy2(src, dest)


def generate_caches(files):
    """The files Debian's maintainer scripts and triggers make; not in any package."""
    arch = multiarch()
    schemas = os.path.join(files, 'share/glib-2.0/schemas')
    if os.path.isdir(schemas):
        _check(['glib-compile-schemas', schemas])
    gio_modules = os.path.join(files, 'lib', arch, 'gio/modules')
    querymodules = '/usr/lib/%s/glib-2.0/gio-querymodules' % arch
    if os.path.isdir(gio_modules) and os.access(querymodules, os.X_OK):
        _check([querymodules, gio_modules])
    loaders_dir = os.path.join(files, 'lib', arch, 'gdk-pixbuf-2.0/2.10.0')
    query_loaders = '/usr/lib/%s/gdk-pixbuf-2.0/gdk-pixbuf-query-loaders' % arch
    if os.path.isdir(os.path.join(loaders_dir, 'loaders')) and os.access(query_loaders, os.X_OK):
        out = _check([query_loaders] + sorted(
            os.path.join(loaders_dir, 'loaders', f)
            for f in os.listdir(os.path.join(loaders_dir, 'loaders')) if f.endswith('.so')))
        # The cache names each loader by its absolute path: as seen inside the sandbox.
        with open(os.path.join(loaders_dir, 'loaders.cache'), 'w') as f:
            f.write(out.replace(files + '/', '/usr/'))
    mime = os.path.join(files, 'share/mime')
    if os.path.isdir(os.path.join(mime, 'packages')):
        _check(['update-mime-database', mime])
    icons = os.path.join(files, 'share/icons')
    if os.path.isdir(icons) and shutil.which('gtk-update-icon-cache'):
        for theme in sorted(os.listdir(icons)):
            if os.path.exists(os.path.join(icons, theme, 'index.theme')):
                _check(['gtk-update-icon-cache', '-q', '-t', '-f', os.path.join(icons, theme)])
    # The freedesktop runtime looks in /app/lib as well; so does this one.
    conf_d = os.path.join(files, 'etc/ld.so.conf.d')
    os.makedirs(conf_d, exist_ok=True)
    with open(os.path.join(conf_d, 'zz-flatpak-app.conf'), 'w') as f:
        f.write('/app/lib\n')


def _check(argv):
    r = _run(argv)
    if r.returncode != 0:
        raise RuntimeAssemblyError('%s failed (status %d): %s' % (argv[0], r.returncode,
                                                        (r.stderr or r.stdout).strip()))
    return r.stdout


def plan(app_files_dir):
    """The packages the runtime for this app tree is made of: {name: version}."""
    elves = []
    for root, _dirs, names in os.walk(app_files_dir):
        for n in names:
            p = os.path.join(root, n)
            if not os.path.islink(p) and os.path.isfile(p) and is_elf(p):
                elves.append(p)
    if not elves:
        raise RuntimeAssemblyError('no ELF file under %s' % app_files_dir)
    pkgs = Packages()
    seed = owning_packages(linked_libraries(elves))
    seed += [p for p in RUNTIME_PACKAGES if p not in seed]
    missing = [p for p in RUNTIME_PACKAGES if not pkgs.installed(p)]
    return pkgs, pkgs.closure(seed), missing


def assemble(app_files_dir, out_dir, log=None):
    """Make (or reuse) the runtime for the app tree at app_files_dir in out_dir.
    Returns (out_dir, key): key changes whenever the package set or a version changes,
    or this script does."""
    pkgs, chosen, missing = plan(app_files_dir)
    with open(__file__, 'rb') as f:
        script = f.read()
    key = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode() + script).hexdigest()[:16]
    stamp = out_dir.rstrip('/') + '.key'
    try:
        with open(stamp) as f:
            if f.read().strip() == key:
                return out_dir, key
    except FileNotFoundError:
        pass
    if log:
        log('assembling the test runtime from %d Debian packages into %s' % (len(chosen), out_dir))
        if missing:
            log('not installed, so not in the test runtime: %s' % ', '.join(missing))
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    files = os.path.join(out_dir, 'usr')
    os.makedirs(files)
    for name in chosen:
        for path in pkgs.files(name):
            rel = runtime_path(path)
            if rel is None or os.path.isdir(path) and not os.path.islink(path):
                continue
            copy_entry(path, os.path.join(files, rel))
    generate_caches(files)
    with open(os.path.join(files, 'amt-test-runtime-packages.json'), 'w') as f:
        json.dump(chosen, f, indent=1, sort_keys=True)
    arch = _run(['flatpak', '--default-arch']).stdout.strip() or 'x86_64'
    ref = '%s/%s/%s' % (RUNTIME_ID, arch, RUNTIME_BRANCH)
    with open(os.path.join(out_dir, 'metadata'), 'w') as f:
        f.write('[Runtime]\nname=%s\nruntime=%s\nsdk=%s\n' % (RUNTIME_ID, ref, ref))
    with open(stamp, 'w') as f:
        f.write(key + '\n')
    return out_dir, key


def main(argv):
    if len(argv) != 3:
        print('usage: testruntime.py APP_FILES_DIR OUT_DIR', file=sys.stderr)
        return 2
    out, key = assemble(argv[1], argv[2], log=print)
    print('%s (key %s)' % (out, key))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
