#!/usr/bin/python3
# Runs a libFuzzer target for a while from a copy of the seed corpus.
#   run-fuzzer.py TARGET SEED_DIR SECONDS [--full-stacks]
# --full-stacks: whole malloc stacks (slower), so that tests/lsan.supp can name the function of
# a system library that leaks; needed where the stack of a leak passes through one.
# A crash leaves its input in $AMT_TEST_TMPDIR (printed), and fails the test.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import base64
import os
import shutil
import subprocess
import sys
import tempfile

target, seeds, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
full_stacks = "--full-stacks" in sys.argv[4:]
work = tempfile.mkdtemp(dir=os.environ.get("AMT_TEST_TMPDIR"))
corpus = os.path.join(work, "corpus")
shutil.copytree(seeds, corpus)

env = dict(os.environ)
if full_stacks:
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "fast_unwind_on_malloc=0",
                                                 "malloc_context_size=30"]))
result = subprocess.run([target, f"-max_total_time={seconds}", "-timeout=10",
                         "-rss_limit_mb=2048", "-max_len=65536", "-print_final_stats=1",
                         f"-artifact_prefix={work}/", corpus],
                        stderr=subprocess.PIPE, text=True, env=env)
lines = result.stderr.splitlines()
for line in lines:
    if line.startswith(("stat::", "#", "==", "SUMMARY", "artifact")) or "ERROR" in line:
        if not line.startswith("#") or "DONE" in line or "INITED" in line:
            print(line)
ok = result.returncode == 0
if ok:
    print(f"ok - {os.path.basename(target)} ran {seconds} s without a finding")
else:
    print(f"FAIL - {os.path.basename(target)} found an input that breaks it")
    print("\n".join(lines[-60:]))
    # The test's directory goes with the test: the inputs are kept in the log, to replay with
    # `base64 -d > input && TARGET input`.
    for name in sorted(os.listdir(work)):
        if name.startswith(("crash-", "leak-", "timeout-", "oom-")):
            with open(os.path.join(work, name), "rb") as f:
                print(f"input {name} (base64): {base64.b64encode(f.read()).decode()}")
print(f"{int(ok)} passed, {int(not ok)} failed")
sys.exit(0 if ok else 1)
