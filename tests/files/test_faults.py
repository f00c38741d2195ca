#!/usr/bin/python3
# A write that fails leaves the original credentials file byte-identical, leaves no temporary
# file behind, and says in one sentence what went wrong: a file size limit (ulimit -f, EFBIG),
# a folder without write permission (EACCES), a read-only file system (EROFS), a full file
# system (ENOSPC), a file AWS tools could not read. A symlinked file is followed.
#
# The read-only and full file systems are small tmpfs mounts in a private mount namespace
# (unshare -m), which needs root; the permission case runs the writer as "nobody" when we are
# root, since permission bits do not stop root. A case whose setup is impossible here is
# skipped with a message.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import resource
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filetest import (TOOL, Checks, botocore_credentials, botocore_parse, read_bytes,
                      stray_files, tool_write, work_dir, write_bytes)

ORIGINAL = b"".join(
    b"# profile %d\n[profile-%d]\naws_access_key_id = AKIA%015d\n"
    b"aws_secret_access_key = secret/%d\n\n" % (i, i, i, i) for i in range(60))
CREDS = ("ASIANEW000000000000", "newSecret/x+y", "FwoGZXIvYXdzENEW" + "x" * 600,
         "2026-11-23T18:04:05Z")


def write_new(path, **kwargs):
    return tool_write(path, "profile-30", *CREDS, **kwargs)


def outcome(path):
    directory = os.path.dirname(path)
    return {"identical": read_bytes(path) == ORIGINAL,
            "stray": stray_files(directory, os.path.basename(path))}


def check_refused(checks, label, result, state, words):
    stderr = result.stderr.decode().strip()
    checks.check(result.returncode == 1, f"{label}: the write fails", f"status {result.returncode}")
    checks.check(state["identical"], f"{label}: the original is byte-identical")
    checks.check(not state["stray"], f"{label}: no temporary file is left", repr(state["stray"]))
    checks.check(words in stderr and stderr.count("\n") == 0 and stderr.endswith("."),
                 f"{label}: one sentence that says so", repr(stderr))


# Scenarios that run inside a private mount namespace (as root).
def inner(kind, directory):
    os.makedirs(directory, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", directory],
                   check=True)
    path = os.path.join(directory, "credentials")
    write_bytes(path, ORIGINAL)
    if kind == "ro":
        subprocess.run(["mount", "-o", "remount,ro", directory], check=True)
    elif kind == "full":
        # Fill every page but those the original uses.
        with open(os.path.join(directory, "filler"), "wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 1024)
                    filler.flush()
            except OSError:
                pass
    result = write_new(path)
    state = outcome(path)
    state["stray"] = [name for name in state["stray"] if name != "filler"]
    print(json.dumps({"returncode": result.returncode, "stderr": result.stderr.decode(),
                      **state}))


def run_inner(checks, kind, label, words):
    directory = os.path.join(work_dir("mounts"), kind)
    try:
        result = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable,
                                 os.path.abspath(__file__), "--inner", kind, directory],
                                capture_output=True, env=os.environ, timeout=120)
    except FileNotFoundError:
        checks.skip(label, "unshare is not installed")
        return
    if result.returncode != 0 or not result.stdout.strip():
        checks.skip(label, "cannot mount a small tmpfs here (needs root and unshare -m): " +
                    result.stderr.decode().strip().splitlines()[-1:][0]
                    if result.stderr.strip() else "no output")
        return
    data = json.loads(result.stdout)
    fake = subprocess.CompletedProcess([], data["returncode"], b"", data["stderr"].encode())
    check_refused(checks, label, fake, data, words)


def test_file_size_limit(checks):
    directory = work_dir("efbig")
    path = os.path.join(directory, "credentials")
    write_bytes(path, ORIGINAL)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    # amt-cred-tool ignores SIGXFSZ, as the application does, so write() fails with EFBIG.
    result = write_new(path, preexec_fn=limit)
    check_refused(checks, "ulimit -f", result, outcome(path), "file size limit")


def test_no_write_permission(checks):
    base = work_dir("noperm")
    directory = os.path.join(base, "aws")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "credentials")
    write_bytes(path, ORIGINAL)
    command_prefix = []
    tool = TOOL

    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            checks.skip("folder without write permission", "running as root without setpriv")
            return
        nobody = 65534
        # nobody must reach the folder and run a copy of the tool.
        tmp = os.environ.get("AMT_TEST_TMPDIR", os.path.dirname(base))
        for parent in (tmp, base):
            os.chmod(parent, 0o711)
        tool = os.path.join(base, "amt-cred-tool")
        shutil.copy(TOOL, tool)
        os.chmod(tool, 0o755)
        os.chown(directory, nobody, nobody)
        os.chown(path, nobody, nobody)
        command_prefix = ["setpriv", f"--reuid={nobody}", f"--regid={nobody}", "--clear-groups",
                          "--inh-caps=-all"]
    os.chmod(directory, 0o500)
    try:
        stdin = "\n".join(CREDS).encode() + b"\n"
        result = subprocess.run(command_prefix + [tool, "write", "profile-30"], input=stdin,
                                capture_output=True,
                                env={**os.environ, "AWS_SHARED_CREDENTIALS_FILE": path,
                                     "HOME": base})
        state = outcome(path)
    finally:
        os.chmod(directory, 0o700)
    check_refused(checks, "folder without write permission", result, state, "permission denied")


def test_unreadable_for_aws(checks):
    directory = work_dir("broken")
    path = os.path.join(directory, "credentials")
    broken = ORIGINAL + b"[profile-7]\nk = v\n"
    write_bytes(path, broken)
    result = write_new(path)
    state = {"identical": read_bytes(path) == broken,
             "stray": stray_files(directory)}
    check_refused(checks, "a file AWS tools cannot read", result, state,
                  "line %d: the section [profile-7] appears twice (first on line 37)"
                  % (ORIGINAL.count(b"\n") + 1))


def test_symlink(checks):
    directory = work_dir("symlink")
    real_dir = work_dir("symlink-real")
    target = os.path.join(real_dir, "creds")
    path = os.path.join(directory, "credentials")
    write_bytes(target, ORIGINAL, mode=0o400)
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(os.path.relpath(target, directory), path)

    result = write_new(path)
    checks.check(result.returncode == 0, "symlink: the write succeeds", result.stderr.decode())
    checks.check(os.path.islink(path), "symlink: the link is still a link")
    checks.check(stat.S_IMODE(os.stat(target).st_mode) == 0o400,
                 "symlink: the target kept its stricter mode 0400")
    checks.check(not stray_files(real_dir, "creds") and not stray_files(directory),
                 "symlink: no temporary file is left")
    got = botocore_credentials("profile-30", os.path.join(directory, "config"), path)
    checks.check(got == CREDS[:3], "symlink: botocore reads the new keys through the link",
                 repr(got))
    parsed, _ = botocore_parse(target)
    checks.check(parsed is not None and parsed["profile-31"]["aws_access_key_id"] ==
                 "AKIA000000000000031", "symlink: the other profiles are intact")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--inner":
        inner(sys.argv[2], sys.argv[3])
        return

    checks = Checks()
    test_file_size_limit(checks)
    test_no_write_permission(checks)
    run_inner(checks, "ro", "read-only file system", "read-only file system")
    run_inner(checks, "full", "full file system", "the disk is full")
    test_unreadable_for_aws(checks)
    test_symlink(checks)
    checks.finish()


main()
