"""Refusals before a code is spent, bounded input, and the process's own limits, end to end
against the stand-in: every failure is one line on standard error and exit status 1, and where
a code was given, the stand-in saw no request (so the code was not spent)."""

import json
import os
import resource
import shutil
import stat
import subprocess
import tempfile
import time

from cli_helper import ALICE_MFA, BINARY, Checks, Home, ini_sections, one_error_line
from stand_in import StandIn


def files(aws, target=None, keys_in_config=False):
    alice = aws.user("alice")
    keys = ("aws_access_key_id = %s\naws_secret_access_key = %s\n"
            % (alice["access_key_id"], alice["secret_access_key"]))
    extra = "mfa_tray_target = %s\n" % target if target else ""
    if keys_in_config:
        config = ("[profile base]\n" + keys + "\n[profile dev]\nsource_profile = base\n"
                  "mfa_serial = %s\n%s" % (ALICE_MFA, extra))
        return config, None
    config = "[profile dev]\nregion = us-east-1\n" + extra
    credentials = ("# kept\n[dev-long-term]\n" + keys + "aws_mfa_device = %s\n\n"
                   "[other]\naws_access_key_id = AKIAOTHERKEEP\naws_secret_access_key = o\n" % ALICE_MFA)
    return config, credentials


def in_namespace(home, script, stdin, timeout=60):
    """Runs `sh -c script` in a private mount namespace (unshare -rm); None where not allowed."""
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        return None
    proc = subprocess.run(["unshare", "-rm", "sh", "-ec", script], env=home.env(),
                          input=stdin.encode(), capture_output=True, timeout=timeout)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def main():
    checks = Checks()
    skipped = []
    with StandIn() as aws:
        def fresh(config_credentials, **kwargs):
            home = Home(aws, *config_credentials, **kwargs)
            aws.reset_mfa()
            aws.wait_for_step_margin(8)
            aws.clear_requests()
            return home

        def refused_before_code(home, *fragments, env=None):
            before = home.read_credentials() if os.path.isfile(home.credentials) else None
            status, out, err = home.login("dev", aws.totp(ALICE_MFA), env=env, timeout=30)
            one_error_line(status, err, *fragments)
            assert aws.requests() == [], "a code was sent: %r" % aws.requests()
            if before is not None:
                assert home.read_credentials() == before

        def unwritable_section_names():
            for target in ("DEFAULT", "profile dev", "a]b"):
                home = fresh(files(aws, target=target))
                problem = home.status()["dev"]["error"]
                assert problem and "cannot go to the section" in problem, (target, problem)
                refused_before_code(home, "cannot go to the section")

        def fifo_credentials():
            home = fresh(files(aws, keys_in_config=True))
            os.mkfifo(home.credentials)
            started = time.monotonic()
            assert "not a regular file" in (home.status()["dev"]["error"] or "")
            refused_before_code(home, "not a regular file")
            assert time.monotonic() - started < 20

        def read_only_mount():
            home = fresh(files(aws))
            script = ('mount --bind "$HOME/.aws" "$HOME/.aws"\n'
                      'mount -o remount,bind,ro "$HOME/.aws"\n'
                      'exec "%s" login --profile dev --code-stdin\n' % BINARY)
            result = in_namespace(home, script, aws.totp(ALICE_MFA) + "\n")
            if result is None:
                skipped.append("read-only mount: unshare -rm is not allowed here")
                return
            one_error_line(result[0], result[2], "read-only file system")
            assert aws.requests() == [], aws.requests()

        def read_only_config():
            # A config file a dotfiles manager links read-only: written only when the region
            # must travel to the target's [profile …], and then checked before a code is sent.
            script = ('mount --bind "$HOME/.aws/config" "$HOME/.aws/config"\n'
                      'mount -o remount,bind,ro "$HOME/.aws/config"\n'
                      'exec "%s" login --profile dev --code-stdin\n' % BINARY)
            home = fresh(files(aws, target="dev-elsewhere"))
            result = in_namespace(home, script, aws.totp(ALICE_MFA) + "\n")
            if result is None:
                skipped.append("read-only config file: unshare -rm is not allowed here")
                return
            one_error_line(result[0], result[2], "read-only file system")
            assert aws.requests() == [], aws.requests()

            # [profile dev] has its region already: nothing to write there, the login goes on.
            home = fresh(files(aws))
            result = in_namespace(home, script, aws.totp(ALICE_MFA) + "\n")
            assert result[0] == 0, result
            assert ini_sections(home.read_credentials())["dev"]["aws_session_token"]

        def bind_mounted_file():
            # docker -v ~/.aws/credentials:…, dev containers: a rename over it gives EBUSY.
            home = fresh(files(aws))
            outside = os.path.join(home.path, "host-credentials")
            shutil.copy(home.credentials, outside)
            script = ('mount --bind "%s" "$HOME/.aws/credentials"\n'
                      'exec "%s" login --profile dev --code-stdin\n' % (outside, BINARY))
            result = in_namespace(home, script, aws.totp(ALICE_MFA) + "\n")
            if result is None:
                skipped.append("bind-mounted file: unshare -rm is not allowed here")
                print("skip bind-mounted credentials file: unshare -rm is not allowed here")
                return
            assert result[0] == 0, result
            with open(outside, "rb") as f:
                text = f.read()
            sections = ini_sections(text)
            assert sections["dev"]["aws_session_token"], sections
            assert sections["other"]["aws_access_key_id"] == "AKIAOTHERKEEP", sections
            assert text.startswith(b"# kept\n")

        def hard_link_kept():
            home = fresh(files(aws))
            other_name = os.path.join(home.path, "credentials-link")
            os.link(home.credentials, other_name)
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            assert status == 0, err
            assert os.stat(home.credentials).st_ino == os.stat(other_name).st_ino
            assert os.stat(home.credentials).st_nlink == 2
            assert ini_sections(home.read_credentials())["dev"]["aws_session_token"]

        def owner_and_mode_kept():
            # As under sudo -E: root writes the user's file, which must stay the user's.
            home = fresh(files(aws))
            os.chown(home.credentials, 65534, 65534)
            os.chmod(home.credentials, 0o400)
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            assert status == 0, err
            st = os.stat(home.credentials)
            assert (st.st_uid, st.st_gid) == (65534, 65534), (st.st_uid, st.st_gid)
            assert stat.S_IMODE(st.st_mode) == 0o400, oct(st.st_mode)

        def clear_text_endpoint():
            home = fresh(files(aws))
            env = home.env(AWS_ENDPOINT_URL="http://sts.amazonaws.com")
            status, out, err = home.run("status", "--json", env=env)
            assert status == 0, err
            problem = json.loads(out)[0]["error"]
            assert problem and "unencrypted" in problem, problem
            refused_before_code(home, "unencrypted", "https://", env=env)
            # Local emulators on this computer may use plain http://.
            status, out, err = home.run("status", "--json",
                                        env=home.env(AWS_ENDPOINT_URL="http://127.0.0.1:4566"))
            assert json.loads(out)[0]["error"] is None, out

        def file_size_limit():
            home = fresh(files(aws))
            before = home.read_credentials()
            limit = len(before) + 100

            def small_limit():
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            proc = subprocess.run([BINARY, "login", "--profile", "dev", "--code-stdin"],
                                  env=home.env(), input=(aws.totp(ALICE_MFA) + "\n").encode(),
                                  capture_output=True, timeout=30, preexec_fn=small_limit)
            one_error_line(proc.returncode, proc.stderr.decode(), "file size limit")
            assert aws.requests() == [], aws.requests()
            assert home.read_credentials() == before
            assert sorted(os.listdir(home.aws_dir)) == ["config", "credentials"], os.listdir(home.aws_dir)

        def closed_or_empty_stdin():
            home = fresh(files(aws))
            for how in ("closed", "at end"):
                started = time.monotonic()
                proc = subprocess.run([BINARY, "login", "--profile", "dev", "--code-stdin"],
                                      env=home.env(), stdin=subprocess.DEVNULL, capture_output=True,
                                      timeout=30, preexec_fn=(lambda: os.close(0)) if how == "closed" else None)
                one_error_line(proc.returncode, proc.stderr.decode(), "No code was given")
                assert time.monotonic() - started < 10, how

        def endless_line():
            home = fresh(files(aws))
            proc = subprocess.run([BINARY, "login", "--profile", "dev", "--code-stdin"],
                                  env=home.env(), input=b"1" * (8 << 20), capture_output=True,
                                  timeout=30)
            one_error_line(proc.returncode, proc.stderr.decode(), "too long")
            assert aws.requests() == []

        def mfa_process_prints_forever():
            config, credentials = files(aws)
            home = fresh((config + "mfa_process = yes 123456\n", credentials))
            started = time.monotonic()
            status, out, err = home.run("login", "--profile", "dev", timeout=60)
            one_error_line(status, err, "more than one short line")
            assert time.monotonic() - started < 10
            assert aws.requests() == []

        def output_that_went_nowhere():
            home = fresh(files(aws))
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            assert status == 0, err
            for args in (["status"], ["status", "--json"],
                         ["credential-process", "--profile", "dev"]):
                with open("/dev/full", "wb") as full:
                    proc = subprocess.run([BINARY, *args], env=home.env(), stdout=full,
                                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=30)
                one_error_line(proc.returncode, proc.stderr.decode(), "Could not write the output")
                proc = subprocess.run([BINARY, *args], env=home.env(), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=30,
                                      preexec_fn=lambda: os.close(1))
                one_error_line(proc.returncode, proc.stderr.decode(), "Could not write the output")

        def not_dumpable():
            # The files in /proc/PID of a process that is not dumpable belong to root, whoever
            # runs it.
            home = fresh(files(aws))
            # A HOME that nobody (uid 65534) can reach, in the world-traversable /tmp.
            nobody_home = tempfile.mkdtemp(prefix="amt-nobody-", dir="/tmp")
            shutil.copytree(home.aws_dir, os.path.join(nobody_home, ".aws"))
            for root, dirs, names in os.walk(nobody_home):
                for name in dirs + names:
                    os.chown(os.path.join(root, name), 65534, 65534)
            os.chown(nobody_home, 65534, 65534)
            env = home.env(HOME=nobody_home)
            for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
                        "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"):
                env.pop(key, None)

            def as_nobody():
                os.setgid(65534)
                os.setuid(65534)
            proc = subprocess.Popen([BINARY, "login", "--profile", "dev", "--code-stdin"],
                                    env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, preexec_fn=as_nobody)
            try:
                time.sleep(1.0)
                assert proc.poll() is None, proc.communicate()
                assert os.stat("/proc/%d/status" % proc.pid).st_uid == 0, "dumpable"
                with open("/proc/%d/limits" % proc.pid) as f:
                    core = [line for line in f if line.startswith("Max core file size")][0]
                assert core.split()[4:6] == ["0", "0"], core
            finally:
                proc.communicate(timeout=30)
                shutil.rmtree(nobody_home, ignore_errors=True)

        def server_text_is_text():
            home = fresh(files(aws))
            aws.set_faults({"kind": "error", "status": 400, "code": "Odd\x1b]0;pwned\x07",
                            "message": "bad\x1b[2J\r\nthing"})
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            aws.clear_faults()
            one_error_line(status, err, "bad [2J")
            assert not any(ord(c) < 32 and c != "\n" for c in err), repr(err)

        checks.run("sections AWS tools cannot read back ([DEFAULT], [profile dev], [a]b]) are "
                   "refused in status and before a code is sent", unwritable_section_names)
        checks.run("a FIFO as the credentials file: refused at once, no hang", fifo_credentials)
        checks.run("a read-only mount: refused before a code is sent", read_only_mount)
        checks.run("a read-only config file: refused before a code only when the region must "
                   "be added to it", read_only_config)
        checks.run("a credentials file bind-mounted on its own is written in place", bind_mounted_file)
        checks.run("a hard-linked credentials file keeps its link", hard_link_kept)
        checks.run("owner, group and a stricter mode are kept", owner_and_mode_kept)
        checks.run("a plain http:// endpoint off this computer is refused", clear_text_endpoint)
        checks.run("a file size limit too small: refused before a code is sent", file_size_limit)
        checks.run("--code-stdin with standard input closed or at its end: no code, at once",
                   closed_or_empty_stdin)
        checks.run("a code line that never ends is cut off", endless_line)
        checks.run("an mfa_process that prints forever is stopped", mfa_process_prints_forever)
        checks.run("status and credential-process fail when their output cannot be written",
                   output_that_went_nowhere)
        checks.run("the process is not dumpable and writes no core file", not_dumpable)
        checks.run("a server's error text reaches the terminal without control characters",
                   server_text_is_text)
    for reason in skipped:
        print("skip %s" % reason)
    checks.finish()


if __name__ == "__main__":
    main()
