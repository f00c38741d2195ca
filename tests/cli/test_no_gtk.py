"""The aws-mfa-tray command maps no GTK (issue 14): every AWS command configured with a
credential_process line starts it, so `status`, a cached `credential-process`, `login
--code-stdin`, `env` and `exec` load GLib, never libgtk/libgdk. The dynamic loader's own
record (LD_DEBUG=files, one file per process) names every library it maps, dlopen() included.
The applet, which the command execs for the GUI, is the control: the same record shows its GTK."""

import glob
import json
import os
import shutil
import subprocess
import tempfile

from cli_helper import ALICE_MFA, BINARY, Checks, Home
from stand_in import StandIn

APPLET = os.path.join(os.path.dirname(BINARY), "aws-mfa-tray-applet")


def alice_files(aws):
    alice = aws.user("alice")
    credentials = ("[dev-long-term]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "aws_mfa_device = %s\n" % (alice["access_key_id"], alice["secret_access_key"],
                                               ALICE_MFA))
    return "[profile dev]\nregion = us-east-1\n", credentials


def loaded_libraries(home, argv, stdin=None, **extra_env):
    """Runs argv with the loader's record on; returns (status, stdout, the sonames it mapped)."""
    trace_dir = tempfile.mkdtemp(prefix="ld-", dir=os.environ.get("AMT_TEST_TMPDIR"))
    env = home.env(LD_DEBUG="files", LD_DEBUG_OUTPUT=os.path.join(trace_dir, "trace"), **extra_env)
    proc = subprocess.run(argv, env=env, capture_output=True, timeout=120,
                          input=stdin.encode() if stdin is not None else None,
                          stdin=subprocess.DEVNULL if stdin is None else None)
    sonames = set()
    for path in glob.glob(os.path.join(trace_dir, "trace.*")):
        with open(path, errors="replace") as f:
            for line in f:
                # "     12345:	file=libglib-2.0.so.0 [0];  needed by ..." (or "dynamically loaded by")
                if "file=" in line:
                    sonames.add(line.split("file=", 1)[1].split()[0])
    shutil.rmtree(trace_dir)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode(), sonames


def keyring_in(sonames):
    return sorted(s for s in sonames if s.startswith(("libsecret", "libgcrypt")))


def gtk_in(sonames):
    return sorted(s for s in sonames if s.startswith(("libgtk", "libgdk", "libayatana")))


def main():
    checks = Checks()
    with StandIn() as aws:
        home = Home(aws, *alice_files(aws))

        def command(*args, stdin=None):
            status, out, err, sonames = loaded_libraries(home, [BINARY, *args], stdin)
            assert status == 0, (args, status, err)
            # The record worked: it names GLib, which every command maps.
            assert "libglib-2.0.so.0" in sonames, sorted(sonames)
            assert gtk_in(sonames) == [], (args, gtk_in(sonames))
            # Keys in the file: the keyring's module (libsecret, libgcrypt) is not loaded either.
            assert keyring_in(sonames) == [], (args, keyring_in(sonames))
            return out

        def login_code_stdin():
            aws.reset_mfa()
            aws.wait_for_step_margin(8)
            out = command("login", "--profile", "dev", "--code-stdin", stdin=aws.totp(ALICE_MFA) + "\n")
            assert "dev: session written to" in out, out

        def status():
            profiles = json.loads(command("status", "--json"))
            assert [p["name"] for p in profiles] == ["dev"], profiles

        def cached_credential_process():
            aws.clear_requests()
            answer = json.loads(command("credential-process", "--profile", "dev"))
            assert answer["Version"] == 1 and answer["AccessKeyId"].startswith("ASIA"), answer
            assert aws.requests() == [], "the cached session needs no request"

        def env():
            assert "AWS_SESSION_TOKEN=" in command("env", "--profile", "dev")

        def exec_():
            assert "AWS_SESSION_TOKEN=" in command("exec", "--profile", "dev", "--", "/usr/bin/env")

        def applet_maps_gtk():
            # The control: the same record of the applet, which links GTK, names it.
            status, out, err, sonames = loaded_libraries(home, [APPLET, "--help"])
            assert gtk_in(sonames), sorted(sonames)

        checks.run("login --code-stdin maps no GTK", login_code_stdin)
        checks.run("status maps no GTK", status)
        checks.run("a cached credential-process maps no GTK", cached_credential_process)
        checks.run("env maps no GTK", env)
        checks.run("exec maps no GTK", exec_)
        checks.run("the applet, the control, maps GTK", applet_maps_gtk)
    checks.finish()


if __name__ == "__main__":
    main()
