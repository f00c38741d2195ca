#!/usr/bin/python3
"""Runs one tray applet under the fake StatusNotifierWatcher and measures it; bench.py runs
it once per run, inside a session bus of its own (dbus-run-session), so that runs and
programs never share a bus name:

    dbus-run-session -- /usr/bin/python3 tray_probe.py --out RESULT.json --home DIR \
        [--env NAME=VALUE]… [--settle S] [--idle S] [--slices N] -- PROGRAM [ARGS…]

1. starts tests/helpers/fake_watcher.py (a process: its log has the watcher's own
   timestamps), then PROGRAM, with HOME (and the XDG folders) in --home;
2. start-up: from just before the spawn to the watcher's timestamp of the item's
   RegisterStatusNotifierItem (both CLOCK_MONOTONIC);
3. waits --settle seconds, then watches the idle program for --idle seconds in --slices
   equal slices: the voluntary + nonvoluntary context switches of all its threads
   (/proc/PID/task/*/status, sampled every 100 ms) in each slice, and the wake-ups: the
   runs of samples in which they went up;
4. the resident set size (VmRSS), Pss, and the RSS of each mapped file at the end, then
   SIGTERM.

Writes one JSON object to --out; the exit status is 0 when the program registered its item
and was still running at the end."""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "helpers"))
sys.path.insert(0, HERE)

import benchlib  # noqa: E402
import fake_watcher  # noqa: E402


SAMPLE_S = 0.1


def watch_idle(pid, idle, n_slices, result):
    """Counts, in each of n_slices slices of the idle window, the context switches of all of
    pid's threads and the wake-ups: runs of 100 ms samples in which the switches went up (one
    timer that fires and sends a D-Bus message is one wake-up, though it switches threads
    several times)."""
    slice_s = idle / n_slices
    initial = before = benchlib.context_switches(pid)
    names = benchlib.thread_names(pid)
    switches = [0] * n_slices
    wakeups = [0] * n_slices
    active = False
    started = time.monotonic()
    step = 0
    while True:
        step += 1
        now = started + step * SAMPLE_S
        if now > started + idle + 1e-9:
            break
        time.sleep(max(0.0, now - time.monotonic()))
        after = benchlib.context_switches(pid)
        delta = sum(n - before.get(tid, 0) for tid, n in after.items())
        index = min(n_slices - 1, int((step - 0.5) * SAMPLE_S / slice_s))
        switches[index] += delta
        if delta > 0 and not active:
            wakeups[index] += 1
        active = delta > 0
        if set(after) - set(before):
            names.update(benchlib.thread_names(pid))
        before = after
    totals = {tid: n - initial.get(tid, 0) for tid, n in before.items()}
    result["idle_s"] = time.monotonic() - started
    result["slice_s"] = slice_s
    result["switches_per_slice"] = switches
    result["switches_total"] = sum(switches)
    result["wakeups_per_slice"] = wakeups
    result["wakeups_total"] = sum(wakeups)
    result["switches_by_thread"] = {"%s/%d" % (names.get(tid, "?"), tid): n
                                    for tid, n in sorted(totals.items()) if n}
    result["threads"] = len(before)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--home", required=True, help="HOME for the program (made beforehand)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--settle", type=float, default=0.0)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--slices", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20.0, help="for the item to register")
    ap.add_argument("command", nargs="+")
    opts = ap.parse_args()

    home = opts.home
    env = {"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
           "XDG_CACHE_HOME": os.path.join(home, ".cache"),
           "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
           "GDK_BACKEND": "x11", "WAYLAND_DISPLAY": None}
    for pair in opts.env:
        name, _, value = pair.partition("=")
        env[name] = value
    for d in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.makedirs(env[d], exist_ok=True)
    env = benchlib.clean_env(env)

    result = {"command": os.path.basename(opts.command[0]), "ok": False}
    log = os.path.join(home, "watcher.jsonl")
    watcher = fake_watcher.WatcherProcess(log, stderr=subprocess.DEVNULL).start()
    program_log = open(os.path.join(home, "program.log"), "wb")
    proc = None
    try:
        since = watcher.event_count()
        t0 = time.monotonic()
        proc = subprocess.Popen(opts.command, env=env, stdin=subprocess.DEVNULL,
                                stdout=program_log, stderr=program_log, cwd=home)

        def exited():
            if proc.poll() is not None:
                return "the program exited with status %d" % proc.returncode
            return None
        item = watcher.wait_for_item(opts.timeout, since=since, abort_if=exited)
        result["startup_s"] = item["monotonic"] - t0
        result["pid"] = proc.pid

        time.sleep(opts.settle)
        watch_idle(proc.pid, opts.idle, max(1, opts.slices), result)
        result["rss_kib"] = benchlib.rss_kib(proc.pid)
        result["pss_kib"] = benchlib.pss_kib(proc.pid)
        result["rss_by_mapping"] = benchlib.rss_by_mapping(proc.pid)
        result["ok"] = proc.poll() is None
        if not result["ok"]:
            result["error"] = exited()
    except Exception as e:  # noqa: BLE001 - reported in the result
        result["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        program_log.close()
        watcher.stop()
        with open(os.path.join(home, "program.log"), errors="replace") as f:
            result["program_log_tail"] = f.read()[-2000:]
        with open(opts.out, "w") as f:
            json.dump(result, f, indent=1)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
