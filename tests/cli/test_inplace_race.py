"""Torture (suite slow): AMT_INPLACE_RACE_LOGINS logins (default 60) racing a loop of unlocked
in-place edits (tests/cli/inplace_edit.py: configparser read, truncate, half a file or nothing,
the rest 2 ms later, as fast as it can). After every login and at the end: the file parses, the
long-term keys and [base] are byte for byte as they were, [dev] has all four session keys, and
the editor's last edit is in the file. Prints the counts for the closing note."""

import configparser
import os
import subprocess
import sys
import time

from cli_helper import ALICE_MFA, Checks, Home
from stand_in import StandIn

LOGINS = int(os.environ.get("AMT_INPLACE_RACE_LOGINS", "60"))
SESSION_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration")
HELPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inplace_edit.py")


def main():
    checks = Checks()
    with StandIn() as aws:
        alice = aws.user("alice")
        credentials = ("[dev-long-term]\n"
                       "aws_access_key_id = %s\n"
                       "aws_secret_access_key = %s\n"
                       "aws_mfa_device = %s\n"
                       "\n"
                       "[base]\n"
                       "aws_access_key_id = AKIABASEKEEPME\n"
                       "aws_secret_access_key = basesecret\n"
                       % (alice["access_key_id"], alice["secret_access_key"], ALICE_MFA))
        home = Home(aws, "[profile dev]\nregion = us-east-1\n", credentials)
        counts = {"logins": 0, "ok": 0, "failed": 0, "lost": 0}
        failures = []

        def login_once():
            aws.reset_mfa()
            aws.wait_for_step_margin(3)
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            counts["logins"] += 1
            counts["ok" if status == 0 else "failed"] += 1
            if status != 0:
                failures.append(err.strip())
            return status, err

        def check_file(when):
            # Between two edits: the editor waits while the pause file exists.
            pause = home.credentials + ".pause"
            open(pause, "w").close()
            time.sleep(0.05)
            try:
                text = home.read_credentials().decode()
            finally:
                os.unlink(pause)
            parser = configparser.RawConfigParser(strict=True)
            parser.read_string(text)
            lost = []
            if parser.get("dev-long-term", "aws_access_key_id", fallback=None) != alice["access_key_id"]:
                lost.append("dev-long-term")
            if parser.get("base", "aws_secret_access_key", fallback=None) != "basesecret":
                lost.append("base")
            if any(not parser.get("dev", k, fallback="") for k in SESSION_KEYS):
                lost.append("dev")
            if lost:
                counts["lost"] += 1
                print("keys lost %s: %s" % (when, lost))
            return parser

        status, err = login_once()
        assert status == 0, err
        editor = subprocess.Popen(["/usr/bin/python3", HELPER, home.credentials],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started = time.monotonic()
        try:
            for i in range(LOGINS):
                login_once()
                check_file("after login %d" % (i + 1))
        finally:
            editor.terminate()
            out, errors = editor.communicate(timeout=30)
        edits = int(out.decode().strip() or 0)
        parser = check_file("at the end")
        print("# %d logins (%d ok, %d failed with a sentence) racing %d in-place edits in %.0f s; "
              "checks with keys lost: %d" % (counts["logins"], counts["ok"], counts["failed"], edits,
                                             time.monotonic() - started, counts["lost"]))
        for line in sorted(set(failures)):
            print("# failure: %s" % line)

        def nothing_lost():
            assert counts["lost"] == 0, counts

        def last_edit_kept():
            assert parser.get("editor", "edit_count", fallback=None) == str(edits), edits

        def failures_said_why():
            assert all(len(f.splitlines()) == 1 and f.startswith("aws-mfa-tray: ")
                       for f in failures), failures

        def editor_ran():
            assert edits > LOGINS, edits

        checks.run("no key of ours or of the file's lost", nothing_lost)
        checks.run("the editor's last edit is in the file", last_edit_kept)
        checks.run("every failed login said why in one line", failures_said_why)
        checks.run("the editor ran throughout", editor_ran)
    checks.finish()


if __name__ == "__main__":
    sys.exit(main())
