"""Harness of the offline Flatpak bundle tests (test_bundle.py): builds the app with prefix
/app, a test-only runtime from the host's Debian packages (testruntime.py), a bundle, and a
throw-away user installation to run it from. See README.md here.

    b = Bundle()              # reads flatpak/<app id>.json; raises Skip where it cannot run
    b.prepare(log)            # build (cached), export, bundle, install
    b.run(['--command=sh', b.app_id, '-c', 'ls'])     # `flatpak run …`, a CompletedProcess
    b.spawn_args()            # argv of `flatpak run <app id>` for the applet

Environment (tests/isolate and tests/flatpak/meson.build): AMT_SOURCE_DIR, AMT_TEST_TMPDIR,
AMT_FLATPAK_MANIFEST, AMT_FLATPAK_CACHE (where the /app build and the runtime are kept between
runs: both take tens of seconds to make, and change only when the sources or the installed
packages do).
"""

import configparser
import json
import os
import shutil
import subprocess
import time

import testruntime

APP_ID = 'io.github.awsmfatray.AwsMfaTray'
SKIP_STATUS = 77  # meson's "skipped"


class Skip(Exception):
    """This machine cannot run the test; the message says why."""


class HarnessError(AssertionError):
    pass


def _tail(text, lines=40):
    return '\n'.join(text.rstrip().splitlines()[-lines:])


def _env_dir(name):
    value = os.environ.get(name)
    if not value:
        raise HarnessError('%s is not set: run this test through meson test (see '
                           'tests/flatpak/meson.build)' % name)
    return value


def load_manifest(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def manifest_for_checkout(manifest, source_dir):
    """The Flathub manifest with its release source swapped for this checkout: the app
    module's one git source (the tagged release, which cannot be fetched offline and is not
    yet what is being tested) becomes a dir source of source_dir. Everything else, the app
    module's build options included, stays as Flathub builds it."""
    swapped = json.loads(json.dumps(manifest))
    app = swapped['modules'][-1]
    sources = app.get('sources', [])
    if len(sources) != 1 or sources[0].get('type') != 'git' or 'tag' not in sources[0]:
        raise HarnessError('the manifest\'s app module (%s) should have one git source with a '
                           'tag, the release; it has %r' % (app.get('name'), sources))
    app['sources'] = [{'type': 'dir', 'path': source_dir}]
    return swapped


class Bundle:
    RUNTIME_REMOTE = 'amt-test-runtime'

    def __init__(self):
        self.source_dir = _env_dir('AMT_SOURCE_DIR')
        self.tmp = _env_dir('AMT_TEST_TMPDIR')
        self.cache = _env_dir('AMT_FLATPAK_CACHE')
        self.manifest_path = _env_dir('AMT_FLATPAK_MANIFEST')
        self.manifest = load_manifest(self.manifest_path)
        self.build_manifest = manifest_for_checkout(self.manifest, self.source_dir)
        self.app_id = self.manifest['id']
        self.command = self.manifest['command']
        self.finish_args = list(self.manifest['finish-args'])
        self.home = os.environ['HOME']
        self.work = os.path.join(self.tmp, 'flatpak')
        self.env = dict(os.environ)
        # The throw-away installation: nothing goes to ~/.local/share/flatpak or /var/lib.
        self.env['FLATPAK_USER_DIR'] = os.path.join(self.work, 'user-installation')
        self.env['FLATPAK_SYSTEM_DIR'] = os.path.join(self.work, 'system-installation')
        self.env.pop('FLATPAK_CONFIG_DIR', None)
        # `flatpak run` passes the environment on: the bundle loads its own modules, from
        # /app/lib/aws-mfa-tray, not the build tree's.
        self.env.pop('AMT_MODULE_DIR', None)
        os.environ.pop('AMT_MODULE_DIR', None)
        # Also for what this process spawns without self.env (the GUI harness's Applet).
        for name in ('FLATPAK_USER_DIR', 'FLATPAK_SYSTEM_DIR'):
            os.environ[name] = self.env[name]
        self.app_build = os.path.join(self.cache, 'app-build')
        self.app_dest = os.path.join(self.cache, 'app-dest')
        self.runtime_dir = os.path.join(self.cache, 'runtime')
        self.runtime_repo = os.path.join(self.cache, 'runtime-repo')
        self.timings = []
        self.preflight()

    # -- can this machine run it at all?
    def preflight(self):
        for tool, package in (('flatpak', 'flatpak'), ('bwrap', 'bubblewrap'),
                              ('xdg-dbus-proxy', 'xdg-dbus-proxy'),
                              ('meson', 'meson'), ('ldd', 'libc-bin'),
                              ('dpkg-query', 'dpkg')):
            if shutil.which(tool) is None:
                raise Skip('%s is not installed (Debian package %s; ./run test installs it)'
                           % (tool, package))
        userns = subprocess.run(['unshare', '-Ur', 'true'], capture_output=True, text=True)
        bwrap = subprocess.run(['bwrap', '--unshare-all', '--die-with-parent', '--ro-bind', '/',
                                '/', '--dev', '/dev', '--proc', '/proc', 'true'],
                               capture_output=True, text=True)
        if bwrap.returncode != 0:
            raise Skip('bubblewrap cannot create a sandbox here, so Flatpak cannot run apps: '
                       '`bwrap --unshare-all … true` failed: %s (unprivileged user namespaces: '
                       '%s)' % (bwrap.stderr.strip() or 'status %d' % bwrap.returncode,
                                'available' if userns.returncode == 0 else
                                'unavailable, `unshare -Ur true`: ' + userns.stderr.strip()))

    # -- building
    def _timed(self, what, fn, *args):
        start = time.monotonic()
        result = fn(*args)
        self.timings.append((what, time.monotonic() - start))
        return result

    def _check(self, argv, what, env=None, cwd=None, timeout=600, input_text=None):
        r = subprocess.run(argv, capture_output=True, text=True, env=env or self.env, cwd=cwd,
                           timeout=timeout, input=input_text)
        if r.returncode != 0:
            raise HarnessError('%s failed (status %d): %s\n%s' % (
                what, r.returncode, ' '.join(argv), _tail(r.stdout + r.stderr)))
        return r

    def flatpak(self, *args, check=True, timeout=300, input_text=None):
        argv = ['flatpak'] + list(args)
        if check:
            return self._check(argv, 'flatpak ' + args[0], timeout=timeout,
                               input_text=input_text)
        return subprocess.run(argv, capture_output=True, text=True, env=self.env,
                              timeout=timeout, input=input_text)

    def build_app(self):
        """meson setup/compile/install with prefix /app of the app module of the manifest
        with the checkout swapped in (manifest_for_checkout), as flatpak-builder does (its
        source and config-opts)."""
        module = self.build_manifest['modules'][-1]
        if module.get('buildsystem') != 'meson':
            raise HarnessError('the app module is built with %r; this harness builds meson '
                               'modules only' % module.get('buildsystem'))
        setup = [module['sources'][0]['path'], '--prefix=/app', '--libdir=lib'] + list(
            module.get('config-opts', []))
        stamp = self.app_build + '.setup'
        try:
            with open(stamp) as f:
                configured = json.load(f) == setup
        except (FileNotFoundError, ValueError):
            configured = False
        if not configured or not os.path.exists(os.path.join(self.app_build, 'build.ninja')):
            shutil.rmtree(self.app_build, ignore_errors=True)
            os.makedirs(self.cache, exist_ok=True)
            self._check(['meson', 'setup', self.app_build] + setup,
                        'meson setup of the /app build')
            with open(stamp, 'w') as f:
                json.dump(setup, f)
        self._check(['meson', 'compile', '-C', self.app_build], 'building the app for /app')
        shutil.rmtree(self.app_dest, ignore_errors=True)
        env = dict(self.env, DESTDIR=self.app_dest)
        self._check(['meson', 'install', '-C', self.app_build, '--no-rebuild', '--quiet'],
                    'meson install into %s' % self.app_dest, env=env)
        return os.path.join(self.app_dest, 'app')

    def export_runtime(self, app_files, log):
        _, key = testruntime.assemble(app_files, self.runtime_dir, log=log)
        stamp = self.runtime_repo + '.key'
        try:
            with open(stamp) as f:
                if f.read().strip() == key and os.path.isdir(self.runtime_repo):
                    return key
        except FileNotFoundError:
            pass
        shutil.rmtree(self.runtime_repo, ignore_errors=True)
        self._check(['flatpak', 'build-export', '--runtime', '--files=usr',
                     '--subject=aws-mfa-tray test runtime ' + key, self.runtime_repo,
                     self.runtime_dir, testruntime.RUNTIME_BRANCH], 'exporting the runtime')
        with open(stamp, 'w') as f:
            f.write(key + '\n')
        return key

    def install_runtime(self):
        self.flatpak('--user', 'remote-add', '--if-not-exists', '--no-gpg-verify',
                     self.RUNTIME_REMOTE, 'file://' + self.runtime_repo)
        self.flatpak('--user', 'install', '--noninteractive', '-y', self.RUNTIME_REMOTE,
                     '%s//%s' % (testruntime.RUNTIME_ID, testruntime.RUNTIME_BRANCH))

    def build_bundle(self, app_files):
        """build-init, copy the meson install, build-finish with the manifest's finish-args,
        build-export, build-bundle: a .flatpak file."""
        appdir = os.path.join(self.work, 'appdir')
        repo = os.path.join(self.work, 'app-repo')
        bundle = os.path.join(self.work, self.app_id + '.flatpak')
        shutil.rmtree(appdir, ignore_errors=True)
        runtime = testruntime.RUNTIME_ID
        self.flatpak('build-init', appdir, self.app_id, runtime, runtime,
                     testruntime.RUNTIME_BRANCH)
        files = os.path.join(appdir, 'files')
        shutil.copytree(app_files, files, symlinks=True, dirs_exist_ok=True)
        # What meson's gnome.post_install does when there is no DESTDIR (flatpak-builder
        # installs straight into /app, so there it runs).
        schemas = os.path.join(files, 'share/glib-2.0/schemas')
        if os.path.isdir(schemas):
            self._check(['glib-compile-schemas', schemas], 'glib-compile-schemas')
        hicolor = os.path.join(files, 'share/icons/hicolor')
        if os.path.isdir(hicolor) and shutil.which('gtk-update-icon-cache'):
            self._check(['gtk-update-icon-cache', '-q', '-t', '-f', hicolor],
                        'gtk-update-icon-cache')
        self.flatpak('build-finish', appdir, '--command=' + self.command, *self.finish_args)
        self.flatpak('build-export', repo, appdir)
        self.flatpak('build-bundle', repo, bundle, self.app_id)
        return bundle

    def install_bundle(self, bundle):
        self.flatpak('--user', 'install', '--noninteractive', '-y', '--bundle', bundle)

    def prepare(self, log=print):
        os.makedirs(self.work, exist_ok=True)
        # What was built, for a look after a failure (flatpak-builder reads it as it is).
        with open(os.path.join(self.work, self.app_id + '.checkout.json'), 'w') as f:
            json.dump(self.build_manifest, f, indent=4)
        app_files = self._timed('meson build and install with prefix /app', self.build_app)
        key = self._timed('assemble and export the test runtime', self.export_runtime,
                          app_files, log)
        self._timed('install the runtime into a throw-away user installation',
                    self.install_runtime)
        bundle = self._timed('build-init, build-finish, build-export, build-bundle',
                             self.build_bundle, app_files)
        self._timed('install the bundle', self.install_bundle, bundle)
        self.app_files = app_files
        self.runtime_key = key
        self.bundle_path = bundle
        return self

    # -- using it
    def installed_metadata(self):
        """The installed app's metadata (what `flatpak run` enforces), parsed."""
        out = self.flatpak('--user', 'info', '--show-metadata', self.app_id).stdout
        meta = configparser.ConfigParser(interpolation=None, delimiters=('=',))
        meta.optionxform = str
        meta.read_string(out)
        return meta

    def run(self, args, input_text=None, timeout=120, env=None):
        """`flatpak run ARGS…`; returns the CompletedProcess."""
        return subprocess.run(['flatpak', 'run'] + list(args), capture_output=True, text=True,
                              env=dict(self.env, **(env or {})), timeout=timeout,
                              input=input_text)

    def sandbox_sh(self, script, timeout=60):
        """Run a shell script inside the app's sandbox (dash and coreutils come from the
        test runtime)."""
        return self.run(['--command=sh', self.app_id, '-c', script], timeout=timeout)

    def spawn_args(self, *args):
        return ['flatpak', 'run', self.app_id] + list(args)

    def kill(self):
        self.flatpak('kill', self.app_id, check=False, timeout=30)

    def elf_imports(self, symbol):
        """Whether the app's binaries name `symbol` (an imported function, e.g. one of GLib's):
        the command, or the GTK applet it execs for the GUI (libexec/aws-mfa-tray-applet)."""
        binaries = [os.path.join(self.app_files, 'bin', self.command),
                    os.path.join(self.app_files, 'libexec', self.command + '-applet')]
        for binary in binaries:
            if not os.path.exists(binary):
                continue
            with open(binary, 'rb') as f:
                if (b'\0' + symbol.encode() + b'\0') in f.read():
                    return True
        return False

    def timing_report(self):
        return ', '.join('%s %.1f s' % (what, secs) for what, secs in self.timings)


def snapshot(root):
    """{relative path: (kind, size, mtime_ns)} of everything under root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            kind = 'dir' if os.path.isdir(path) and not os.path.islink(path) else (
                'link' if os.path.islink(path) else 'file')
            out[os.path.relpath(path, root)] = (kind, st.st_size if kind == 'file' else 0,
                                                st.st_mtime_ns if kind != 'dir' else 0)
    return out


def changes(before, after):
    """Paths added, removed or modified between two snapshots, sorted."""
    paths = set(before) | set(after)
    return sorted(p for p in paths if before.get(p) != after.get(p))
