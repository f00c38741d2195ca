"""Shared by the benchmarks in this directory (bench.py and idle_probe.py): statistics,
markdown tables, process helpers, the AWS files the benchmarks run against, and the machine
description. Standard library only; runs under Debian's /usr/bin/python3."""

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
AWS_CLI = "/usr/bin/aws"

# The user and MFA device of the stand-in's accounts.json that the benchmarks log in as.
BENCH_USER = "bob"
BENCH_MFA = "arn:aws:iam::111111111111:mfa/bob"
# With --accept-any-code the stand-in takes any well-formed code, as often as it is sent.
BENCH_CODE = "123456"

# -- statistics and formatting ----------------------------------------------------------------


def median(values):
    return statistics.median(values)


def fmt_seconds(s):
    """A duration with a unit that keeps 3 significant digits."""
    if s is None:
        return "–"
    if s < 1e-3:
        return "%.1f µs" % (s * 1e6)
    if s < 1:
        return ("%.2f ms" if s < 0.01 else "%.1f ms" if s < 0.1 else "%.0f ms") % (s * 1e3)
    return "%.2f s" % s


def fmt_kib(kib):
    if kib is None:
        return "–"
    return "%.1f MiB" % (kib / 1024.0)


def fmt_count(n):
    if n is None:
        return "–"
    if n >= 1e9:
        return "%.2f G" % (n / 1e9)
    if n >= 1e6:
        return "%.2f M" % (n / 1e6)
    if n >= 1e3:
        return "%.1f k" % (n / 1e3)
    return "%d" % n


def fmt_ratio(value, floor):
    if value is None or floor is None or floor == 0:
        return "–"
    r = value / floor
    return "%.2f×" % r if r < 10 else "%.0f×" % r


def fmt_spread(values, fmt):
    """min–max of the runs, for the reader to judge the noise."""
    if not values:
        return "–"
    return "%s – %s" % (fmt(min(values)), fmt(max(values)))


def table(columns, rows, align=None):
    """A markdown table; rows are lists of cells (str()). align: one letter per column, l or
    r (default: the first left, the others right, for figures)."""
    align = align or "l" + "r" * (len(columns) - 1)
    lines = ["| " + " | ".join(columns) + " |",
             "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


def verdict(ok):
    if ok is None:
        return "–"
    return "met" if ok else "**missed**"


# -- processes --------------------------------------------------------------------------------


# Variables that would point a measured program at another trust store than the stand-in's.
DROPPED_ENV = {"CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
               "NIX_SSL_CERT_FILE", "GIO_USE_TLS", "G_MESSAGES_DEBUG"}


def clean_env(extra=None):
    """The environment for a measured program: nothing from the caller that names AWS
    credentials, endpoints, trust stores or proxies; the C locale, no accessibility bus,
    in-memory GSettings. extra adds variables (None removes one)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "AMT_TEST_", "PYTHON")) and k not in DROPPED_ENV
           and not k.lower().endswith("_proxy")}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", LANGUAGE="", NO_AT_BRIDGE="1",
               GTK_A11Y="none", GSETTINGS_BACKEND="memory", AWS_PAGER="",
               AWS_EC2_METADATA_DISABLED="true", PYTHONDONTWRITEBYTECODE="1")
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


class CommandFailed(RuntimeError):
    def __init__(self, cmd, proc):
        text = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        self.line = text[-1] if text else "no message"
        super().__init__("%s exited with %d: %s" % (os.path.basename(cmd[0]), proc.returncode,
                                                    self.line))


def run_timed(cmd, env, stdin=None, cwd=None, timeout=300):
    """Run cmd once; returns (seconds from just before spawn to exit, CompletedProcess). The
    CompletedProcess's cpu_seconds is the CPU time (user + system) of the process and of the
    children it waited for: on a busy machine a steadier measure of the work than wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, input=stdin, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.cpu_seconds = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    if proc.returncode != 0:
        raise CommandFailed(cmd, proc)
    return elapsed, proc


def run_rusage(cmd, env):
    """Run cmd once; returns (its stdout as text, its peak resident set in KiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise CommandFailed(cmd, subprocess.CompletedProcess(cmd, proc.returncode, b"",
                                                                 err.read()))
        return out.read().decode(), usage.ru_maxrss


def write_private(path, text):
    """A file only we may read (secrets go to files like this, never on command lines)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


# -- /proc ------------------------------------------------------------------------------------


def proc_status(pid):
    """The fields of /proc/PID/status as a dict of strings."""
    return proc_status_path("/proc/%d/status" % pid)


def rss_kib(pid):
    return int(proc_status(pid)["VmRSS"].split()[0])


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_by_mapping(pid):
    """{file (or "[heap]", "[anon]", …): resident KiB} from /proc/PID/smaps."""
    totals = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            fields = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = fields[5] if len(fields) > 5 else "[anon]"
            elif fields and fields[0] == "Rss:":
                totals[name] = totals.get(name, 0) + int(fields[1])
    return {k: v for k, v in totals.items() if v}


def load_average():
    """The 1-minute load average: how busy the machine was while a benchmark ran."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def context_switches(pid):
    """{tid: voluntary + nonvoluntary context switches} of every thread of pid."""
    counts = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            status = proc_status_path("/proc/%d/task/%s/status" % (pid, tid))
        except OSError:
            continue  # the thread ended meanwhile
        counts[int(tid)] = (int(status["voluntary_ctxt_switches"])
                            + int(status["nonvoluntary_ctxt_switches"]))
    return counts


def proc_status_path(path):
    """The fields of a /proc status file as a dict of strings."""
    fields = {}
    with open(path) as f:
        for line in f:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def thread_names(pid):
    names = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                names[int(tid)] = f.read().strip()
        except OSError:
            pass
    return names


# -- AWS files --------------------------------------------------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _noise(seed, length, symbols=64):
    """Deterministic pseudo-random text (made up: no real or stand-in key)."""
    out, x = [], seed * 2654435761 % 2**32 or 1
    while len(out) < length:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(_ALPHABET[x % symbols])
    return "".join(out)


def iso_in(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


def credentials_file_text(n_profiles):
    """A credentials file of n_profiles sections as people have them: long-term keys in most,
    a session (token and expiration) in every fourth, a comment now and then."""
    parts = ["# Generated by bench/benchlib.py: %d profiles, made-up keys\n\n" % n_profiles]
    expiration = iso_in(6 * 3600)
    for i in range(n_profiles):
        if i % 100 == 0:
            parts.append("# team %d\n" % (i // 100))
        parts.append("[profile-%06d]\naws_access_key_id = AKIA%s\naws_secret_access_key = %s\n"
                     % (i, _noise(i, 16, 26), _noise(i + 7, 40)))
        if i % 4 == 3:
            parts.append("aws_session_token = IQoJb3JpZ2luX2VjE%s\nexpiration = %s\n"
                         % (_noise(i + 13, 463), expiration))
        parts.append("\n")
    return "".join(parts)


def middle_section(n_profiles):
    """The section the update benchmark rewrites: a session profile in the middle."""
    i = n_profiles // 2
    return "profile-%06d" % (i - i % 4 + 3)


def write_aws_home(home, n_profiles=20, live_sessions=False, long_term=None, config_extra=None):
    """A HOME with ~/.aws/config and ~/.aws/credentials holding n_profiles aws-mfa style
    profiles: [NAME-long-term] keys with aws_mfa_device in credentials, [profile NAME] with a
    region in config, and with live_sessions a session in [NAME] expiring hours from now
    (1 h, 2 h, … apart, so that no two deadlines meet).

    long_term: {"access_key_id", "secret_access_key", "serial"} to use for every profile
    (default: made-up keys); config_extra: more keys for every [profile NAME]. Returns the
    profile names."""
    aws = os.path.join(home, ".aws")
    os.makedirs(aws, mode=0o700, exist_ok=True)
    names = ["bench" if n_profiles == 1 else "bench-%02d" % (i + 1) for i in range(n_profiles)]
    config, creds = [], []
    for i, name in enumerate(names):
        config.append("[profile %s]\nregion = us-east-1\noutput = json\n" % name
                      + "".join("%s = %s\n" % kv for kv in (config_extra or {}).items())
                      + "\n")
        if long_term is None:
            key, secret = "AKIA" + _noise(1000 + i, 16, 26), _noise(2000 + i, 40)
            serial = "arn:aws:iam::111111111111:mfa/user-%02d" % (i + 1)
        else:
            key, secret = long_term["access_key_id"], long_term["secret_access_key"]
            serial = long_term["serial"]
        creds.append("[%s-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                     "aws_mfa_device = %s\n\n" % (name, key, secret, serial))
        if live_sessions:
            creds.append("[%s]\naws_access_key_id = ASIA%s\naws_secret_access_key = %s\n"
                         "aws_session_token = IQoJb3JpZ2luX2VjE%s\nexpiration = %s\n\n"
                         % (name, _noise(3000 + i, 16, 26), _noise(4000 + i, 40),
                            _noise(5000 + i, 463), iso_in((i + 2) * 3600 + 17 * 60)))
    write_private(os.path.join(aws, "config"), "".join(config))
    write_private(os.path.join(aws, "credentials"), "".join(creds))
    return names


# -- the machine ------------------------------------------------------------------------------

PACKAGES = [
    "libglib2.0-0", "libgtk-3-0", "libayatana-appindicator3-1", "libcurl3-gnutls",
    "libgnutls30", "libjson-glib-1.0-0", "gcc", "meson", "awscli", "python3",
    "python3-botocore", "python3-boto3", "curl", "valgrind", "xvfb", "dbus",
]


def _first(path, pattern):
    try:
        with open(path) as f:
            for line in f:
                m = re.match(pattern, line)
                if m:
                    return m.group(1).strip()
    except OSError:
        pass
    return None


def package_versions(names=PACKAGES):
    proc = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n"] + list(names),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return [line for line in proc.stdout.splitlines() if line.strip()]


def machine_description(build_dir, bench_dir):
    cpu = _first("/proc/cpuinfo", r"model name\s*:\s*(.*)") or platform.processor()
    mem = _first("/proc/meminfo", r"MemTotal:\s*(.*)")
    distro = _first("/etc/os-release", r'PRETTY_NAME="?([^"]*)"?')
    fs = subprocess.run(["stat", "-f", "-c", "%T", bench_dir], stdout=subprocess.PIPE,
                        text=True).stdout.strip()
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    commit = subprocess.run(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", SOURCE_DIR, "status", "--porcelain", "--", "src"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                           env=env).stdout.strip()
    buildtype = "?"
    try:
        with open(os.path.join(build_dir, "meson-info", "intro-buildoptions.json")) as f:
            for opt in json.load(f):
                if opt["name"] == "buildtype":
                    buildtype = opt["value"]
    except (OSError, ValueError):
        pass
    cc = subprocess.run(["cc", "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                        text=True).stdout.splitlines()
    lines = [
        "- CPU: %s, %d cores online (`nproc`), %s RAM" % (cpu, os.cpu_count() or 0, mem),
        "- kernel: %s %s" % (platform.system(), platform.release()),
        "- distribution: %s" % distro,
        "- compiler: %s; build: `%s` (buildtype=%s)" % (cc[0] if cc else "?",
                                                        os.path.relpath(build_dir, SOURCE_DIR),
                                                        buildtype),
        "- source: commit %s%s" % (commit, ", with uncommitted changes in src/" if dirty else ""),
        "- temporary files on: %s" % fs,
        "- packages: " + ", ".join("`%s`" % p for p in package_versions()),
    ]
    return "\n".join(lines)
