#!/usr/bin/python3
# Writers in parallel: two writers of ours, each updating its own section with increasing
# values, and `aws configure set` updating a third, while botocore reads the file in a loop.
#
#  1. Our two writers alone: at every moment botocore sees, neither section ever goes back to
#     an older value. Without the lock and the re-read under it, each writer would write back
#     the other's section as it was when it read the file.
#  2. With `aws configure set` as well: the file always parses, and at the end each of our
#     sections holds the last value its writer wrote (all four keys from that same write).
#
# `aws configure set` takes no lock and rewrites the file in place (truncate, then write) from
# what it read earlier, so it can undo a write of ours that landed in between, and we can undo
# one of its writes; we re-read the file just before our rename and start over when it changed,
# which narrows that window but cannot close it. So in phase 2 our writers run on until the last
# `aws configure set` has finished; what is checked is that nothing of ours is lost for good.
# Its own updates may be lost; how many survived is printed.
#
# AMT_RACE_AWS_RUNS sets the number of `aws configure set` runs (default 6).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filetest import (AWS, TOOL, Checks, aws_env, botocore_parse, stray_files, work_dir,
                      write_bytes)

AWS_RUNS = int(os.environ.get("AMT_RACE_AWS_RUNS", "6"))
ORIGINAL = (b"# shared by everyone\n[default]\naws_access_key_id = AKIADEFAULT\n"
            b"aws_secret_access_key = defaultsecret\n\n[awsprof]\naws_access_key_id = AWS-0\n"
            b"aws_secret_access_key = awssecret\n\n[untouched]\naws_access_key_id = AKIAKEEP\n"
            b"aws_secret_access_key = keep\n")
VALUE = re.compile(r"^AKIA-(w\d)-(\d+)$")


class Monitor(threading.Thread):
    """Reads the file with botocore as fast as it can, and watches our sections' values."""

    def __init__(self, path, sections):
        super().__init__(daemon=True)
        self.path = path
        self.sections = sections
        self.stop = threading.Event()
        self.reads = 0
        self.failures = []
        self.latest = {s: 0 for s in sections}
        self.regressions = {s: 0 for s in sections}

    def run(self):
        while not self.stop.is_set():
            parsed, error = botocore_parse(self.path)
            self.reads += 1
            if parsed is None:
                self.failures.append(str(error))
                continue
            for section in self.sections:
                key = parsed.get(section, {}).get("aws_access_key_id")
                if key is None:
                    continue
                number = int(VALUE.match(key).group(2))
                if number < self.latest[section]:
                    self.regressions[section] += 1
                self.latest[section] = max(self.latest[section], number)


class Writer:
    def __init__(self, path, section, count=0):
        env = {**os.environ, "AWS_SHARED_CREDENTIALS_FILE": path}
        self.process = subprocess.Popen([TOOL, "loop", section, str(count)], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.section = section

    def finish(self, stop=True):
        if stop:
            self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=120)
        numbers = [int(line) for line in out.split()]
        return self.process.returncode, (numbers[-1] if numbers else 0), len(numbers), err


def final_values_check(checks, path, writers_last):
    parsed, error = botocore_parse(path)
    if not checks.check(parsed is not None, "the final file parses in botocore", str(error)):
        return
    for section, last in writers_last.items():
        values = parsed.get(section, {})
        expected = {
            "aws_access_key_id": f"AKIA-{section}-{last}",
            "aws_secret_access_key": f"secret/{section}+{last}",
            "aws_session_token": f"token-{section}-{last}//{last:0200d}",
        }
        got = {k: values.get(k) for k in expected}
        checks.check(got == expected, f"[{section}] holds the last value its writer wrote ({last})",
                     f"{got['aws_access_key_id']}")
    checks.check(parsed.get("untouched") == {"aws_access_key_id": "AKIAKEEP",
                                             "aws_secret_access_key": "keep"},
                 "a section nobody wrote is intact")


def phase_ours_only(checks):
    directory = work_dir("race-ours")
    path = os.path.join(directory, "credentials")
    write_bytes(path, ORIGINAL)
    monitor = Monitor(path, ["w1", "w2"])
    monitor.start()
    writers = [Writer(path, "w1", 150), Writer(path, "w2", 150)]
    results = [w.finish(stop=False) for w in writers]
    monitor.stop.set()
    monitor.join()

    for (status, _, _, err), writer in zip(results, writers):
        checks.check(status == 0, f"ours only: writer {writer.section} succeeds", err.decode())
    checks.check(not monitor.failures, f"ours only: botocore read the file {monitor.reads} times "
                 "without an error", repr(monitor.failures[:3]))
    checks.check(sum(monitor.regressions.values()) == 0,
                 "ours only: no section ever went back to an older value",
                 repr(monitor.regressions))
    final_values_check(checks, path, {"w1": 150, "w2": 150})
    checks.check(not stray_files(directory), "ours only: no temporary file is left")


def phase_with_aws(checks):
    directory = work_dir("race-aws")
    path = os.path.join(directory, "credentials")
    config = os.path.join(directory, "config")
    write_bytes(path, ORIGINAL)
    env = aws_env(config, path)
    monitor = Monitor(path, ["w1", "w2"])
    monitor.start()
    writers = [Writer(path, "w1"), Writer(path, "w2")]

    aws_failures = []
    started = time.monotonic()
    for n in range(1, AWS_RUNS + 1):
        result = subprocess.run([AWS, "configure", "set", "aws_access_key_id", f"AWS-{n}",
                                 "--profile", "awsprof"], capture_output=True, env=env,
                                timeout=120)
        if result.returncode != 0:
            aws_failures.append(result.stderr.decode())
    aws_time = time.monotonic() - started

    # Our writers go on past the last `aws configure set` (see the top).
    time.sleep(0.3)
    results = [w.finish() for w in writers]
    monitor.stop.set()
    monitor.join()

    ours = sum(r[2] for r in results)
    parsed, _ = botocore_parse(path)
    aws_final = (parsed or {}).get("awsprof", {}).get("aws_access_key_id")
    print(f"# {ours} updates of ours and {AWS_RUNS} of `aws configure set` in {aws_time:.1f} s; "
          f"botocore read the file {monitor.reads} times; our sections were seen going back "
          f"{sum(monitor.regressions.values())} times (undone by the AWS CLI, then rewritten); "
          f"[awsprof] ends as {aws_final}")

    checks.check(not aws_failures, f"aws configure set ran {AWS_RUNS} times", repr(aws_failures[:1]))
    for (status, _, _, err), writer in zip(results, writers):
        checks.check(status == 0, f"with the AWS CLI: writer {writer.section} succeeds",
                     err.decode())
    checks.check(ours + AWS_RUNS >= 500, f"at least 500 updates in all ({ours + AWS_RUNS})")
    checks.check(not monitor.failures, f"with the AWS CLI: botocore read the file "
                 f"{monitor.reads} times without an error", repr(monitor.failures[:3]))
    final_values_check(checks, path, {w.section: r[1] for w, r in zip(writers, results)})
    checks.check(not stray_files(directory, "credentials") or
                 stray_files(directory, "credentials") == ["config"],
                 "with the AWS CLI: no temporary file is left",
                 repr(stray_files(directory, "credentials")))


def main():
    checks = Checks()
    phase_ours_only(checks)
    phase_with_aws(checks)
    checks.finish()


main()
