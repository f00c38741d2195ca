#!/usr/bin/python3
# A writer killed with SIGKILL at a random point never leaves a torn credentials file: after
# every kill the file is exactly one of the versions a complete run goes through (the original,
# or the file after write 1, 2, …), botocore reads it, and a temporary file may be left only
# under its own hidden name (".credentials.amt-XXXXXX"), never under the real one. The next
# write removes such a leftover, and never a user's file that looks like one.
#
# AMT_CRASH_RUNS sets the number of runs (default 200; the slow suite runs 2,000).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import random
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filetest import (TOOL, Checks, botocore_parse, read_bytes, stray_files, tool_write,
                      work_dir, write_bytes)

RUNS = int(os.environ.get("AMT_CRASH_RUNS", "200"))
WRITES_PER_RUN = 12
SECTION = "crash"

ORIGINAL = (b"# kept\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n"
            + b"".join(b"[p%d]\r\naws_access_key_id = AKIA%d\r\n\r\n" % (i, i) for i in range(40)))
TEMP_NAME = re.compile(r"^\.credentials\.amt-[A-Za-z0-9]{6}$")


def main():
    checks = Checks()
    rng = random.Random(os.environ.get("AMT_CRASH_SEED", "1123"))

    # A complete run, to know every version the file may legitimately be in.
    reference_dir = work_dir("crash-reference")
    saved = os.path.join(reference_dir, "saved")
    os.makedirs(saved, exist_ok=True)
    reference = os.path.join(reference_dir, "credentials")
    write_bytes(reference, ORIGINAL)
    started = time.monotonic()
    subprocess.run([TOOL, "loop", SECTION, str(WRITES_PER_RUN), saved], check=True,
                   capture_output=True, env={**os.environ, "AWS_SHARED_CREDENTIALS_FILE": reference})
    duration = time.monotonic() - started
    versions = {ORIGINAL: 0}
    for i in range(1, WRITES_PER_RUN + 1):
        versions[read_bytes(os.path.join(saved, str(i)))] = i
    checks.check(len(versions) == WRITES_PER_RUN + 1,
                 f"a complete run goes through {WRITES_PER_RUN + 1} distinct versions")

    directory = work_dir("crash")
    path = os.path.join(directory, "credentials")
    env = {**os.environ, "AWS_SHARED_CREDENTIALS_FILE": path}
    outcomes = {}
    torn = unreadable = misnamed = runs_with_temp = 0

    for run in range(RUNS):
        write_bytes(path, ORIGINAL)
        process = subprocess.Popen([TOOL, "loop", SECTION, str(WRITES_PER_RUN)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()

        data = read_bytes(path)
        version = versions.get(data)
        if version is None:
            torn += 1
            print(f"run {run}: the file is none of the versions ({len(data)} bytes)")
        else:
            outcomes[version] = outcomes.get(version, 0) + 1
        parsed, error = botocore_parse(path)
        if parsed is None:
            unreadable += 1
            print(f"run {run}: botocore cannot read the file: {error}")
        leftovers = stray_files(directory)
        if leftovers:
            runs_with_temp += 1
        for name in leftovers:
            if not TEMP_NAME.match(name):
                misnamed += 1
                print(f"run {run}: unexpected file {name}")
            os.unlink(os.path.join(directory, name))

    print(f"# {RUNS} runs killed; final versions: {dict(sorted(outcomes.items()))}; "
          f"{runs_with_temp} left a temporary file; a complete run takes {duration * 1000:.0f} ms")
    checks.check(torn == 0, f"{RUNS} killed writers: the file is always a complete version",
                 f"{torn} torn")
    checks.check(unreadable == 0, f"{RUNS} killed writers: botocore always reads the file",
                 f"{unreadable} unreadable")
    checks.check(misnamed == 0, "leftovers are only hidden temporary files", f"{misnamed} others")
    checks.check(len(outcomes) >= 3, "the kills landed at different points",
                 repr(sorted(outcomes)))

    # A temporary file left by a killed writer is removed by the next write (the lock file
    # names it); a file of the user's that merely looks like one stays.
    left = []
    for attempt in range(400):
        write_bytes(path, ORIGINAL)
        process = subprocess.Popen([TOOL, "loop", SECTION, str(WRITES_PER_RUN)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        left = stray_files(directory)
        if left:
            break
    users = ".credentials.amt-backup"
    write_bytes(os.path.join(directory, users), b"[mine]\naws_access_key_id = AKIAMINE\n")
    result = tool_write(path, SECTION, "ASIAAFTER", "s", "t", "2026-11-23T18:04:05Z")
    checks.check(len(left) == 1 and TEMP_NAME.match(left[0]) is not None,
                 f"a killed writer left a temporary file ({attempt + 1} kills)", repr(left))
    checks.check(result.returncode == 0 and stray_files(directory) == [users],
                 "the next write removes it, and only it: a user's .credentials.amt-backup stays",
                 result.stderr.decode() + repr(stray_files(directory)))

    checks.finish()


main()
