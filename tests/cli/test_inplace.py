"""Other programs rewriting ~/.aws/credentials in place during a login (no lock: a shell
redirect, an editor, configparser, `aws configure set`): the file is empty, or half written,
for two seconds while the login's answer comes back. The login waits for it to be whole again
and then writes its session into what the other program wrote, so that nothing of either is
lost. A file that stays empty is left as it is, with one sentence."""

import threading
import time

from cli_helper import ALICE_MFA, Checks, Home, ini_sections, one_error_line
from inplace_edit import rewrite_in_place
from stand_in import StandIn


def alice_files(aws):
    alice = aws.user("alice")
    credentials = ("# Alice's keys\n"
                   "[dev-long-term]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "aws_mfa_device = %s\n"
                   "\n"
                   "[base]\n"
                   "aws_access_key_id = AKIABASEKEEPME\n"
                   "aws_secret_access_key = basesecret\n"
                   % (alice["access_key_id"], alice["secret_access_key"], ALICE_MFA))
    return "[profile dev]\nregion = us-east-1\n", credentials


def during_session_token(aws, work):
    """Runs work() in a thread as soon as the stand-in has GetSessionToken (which it answers
    1.5 s later)."""
    def wait_and_work():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(r["action"] == "GetSessionToken" for r in aws.requests()):
                work()
                return
            time.sleep(0.01)
    thread = threading.Thread(target=wait_and_work)
    thread.start()
    return thread


def main():
    checks = Checks()
    with StandIn() as aws:
        def login_around(first_part, pause, expect_ok):
            home = Home(aws, *alice_files(aws))
            aws.reset_mfa()
            aws.wait_for_step_margin(10)
            aws.clear_requests()
            aws.set_faults({"kind": "delay", "seconds": 1.5, "action": "GetSessionToken"})
            written = {}

            def edit():
                written["text"] = rewrite_in_place(
                    home.credentials, lambda text: text + b"\n[added]\nregion = eu-west-1\n",
                    pause=pause, first_part=first_part)
            thread = during_session_token(aws, edit)
            started = time.monotonic()
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            took = time.monotonic() - started
            thread.join()
            aws.clear_faults()
            return home, status, out, err, took, written["text"]

        def whole_file_truncated():
            home, status, out, err, took, theirs = login_around(0.0, 2.0, True)
            assert status == 0, (status, err)
            files = ini_sections(home.read_credentials())
            assert files["base"]["aws_access_key_id"] == "AKIABASEKEEPME", files
            assert files["added"] == {"region": "eu-west-1"}, files
            assert files["dev"]["aws_access_key_id"].startswith("ASIA"), files
            assert home.read_credentials().startswith(theirs), "their bytes were not kept"
            print("# login with the file empty for 2 s took %.1f s" % took)

        def half_file_first():
            home, status, out, err, took, theirs = login_around(0.5, 2.0, True)
            assert status == 0, (status, err)
            files = ini_sections(home.read_credentials())
            assert files["base"]["aws_secret_access_key"] == "basesecret", files
            assert "dev-long-term" in files and files["added"] == {"region": "eu-west-1"}, files
            assert files["dev"]["aws_session_token"], files
            assert home.read_credentials().startswith(theirs)
            print("# login with half the file for 2 s took %.1f s" % took)

        def stays_empty():
            # Empty for 8 s (`pass show aws > ~/.aws/credentials` waiting for a passphrase):
            # the login gives up with one sentence and leaves the file to that program.
            home, status, out, err, took, theirs = login_around(0.0, 8.0, False)
            one_error_line(status, err, "another program is rewriting it")
            assert home.read_credentials() == theirs, "the other program's file was changed"

        checks.run("in-place writer empties the file for 2 s during a login: both kept",
                   whole_file_truncated)
        checks.run("in-place writer writes half the file, the rest 2 s later: both kept",
                   half_file_first)
        checks.run("a file left empty longer than the wait: one sentence, their file kept",
                   stays_empty)
    checks.finish()


if __name__ == "__main__":
    main()
