"""credential-process and env honour the lead time of the preferences, and read them only when
it matters (issue 14, bench f.): a session farther away than the longest lead time the schema
allows (lead-time-minutes, at most 120) is handed out without creating GSettings, which would
load its backend module and, with dconf, connect to the session bus; a nearer one is checked
against the user's lead time. The preferences live in GSettings' keyfile backend here, so that
the value set is the one the process reads."""

import json
import os
import subprocess
import time

from cli_helper import ALICE_MFA, Checks, Home, one_error_line
from stand_in import StandIn
from test_no_gtk import loaded_libraries

SESSION_KEY = "ASIATESTLEADTIME0001"


def files(aws, minutes_left):
    alice = aws.user("alice")
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + minutes_left * 60))
    credentials = ("[dev-long-term]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "aws_mfa_device = %s\n\n"
                   "[dev]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = made-up-secret-of-the-cached-session\n"
                   "aws_session_token = IQoJmade-up-token-of-the-cached-session\n"
                   "expiration = %s\n" % (alice["access_key_id"], alice["secret_access_key"],
                                          ALICE_MFA, SESSION_KEY, expiration))
    return "[profile dev]\nregion = us-east-1\n", credentials


def set_lead_time(home, minutes):
    """The user's lead time, where GSettings' keyfile backend reads it (None: the default)."""
    folder = os.path.join(home.path, ".config", "glib-2.0", "settings")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "keyfile")
    if minutes is None:
        if os.path.exists(path):
            os.unlink(path)
        return
    with open(path, "w") as f:
        f.write("[io/github/awsmfatray/AwsMfaTray]\nlead-time-minutes=%d\n" % minutes)


def gio_modules(sonames):
    return sorted(s for s in sonames if "/gio/modules/" in s)


def system_gio_modules():
    """The folder of this machine's GIO modules (tests/isolate hides it; dconf's is in it)."""
    return subprocess.run(["pkg-config", "--variable=giomoduledir", "gio-2.0"], check=True,
                          capture_output=True, text=True).stdout.strip()


def main():
    checks = Checks()
    with StandIn() as aws:
        home = Home(aws)
        env = home.env(GSETTINGS_BACKEND="keyfile", XDG_CONFIG_HOME=os.path.join(home.path, ".config"))

        def given(*args):
            status, out, err = home.run(*args, env=env)
            assert status == 0, (args, status, err)
            return out

        def far_session_without_settings():
            home.write(*files(aws, 180))
            set_lead_time(home, 60)
            aws.clear_requests()
            modules = system_gio_modules()
            status, out, err, sonames = loaded_libraries(
                home, [os.environ["AMT_BINARY"], "credential-process", "--profile", "dev"],
                GIO_MODULE_DIR=modules)
            assert status == 0, err
            assert json.loads(out)["AccessKeyId"] == SESSION_KEY, out
            assert aws.requests() == [], aws.requests()
            # The control: status reads the preferences, and GSettings loads the GIO modules
            # (dconf's leaks its GIOModule, which is not ours to report under ASan).
            _, _, _, control = loaded_libraries(
                home, [os.environ["AMT_BINARY"], "status"], GIO_MODULE_DIR=modules,
                ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
            assert gio_modules(control), sorted(control)
            assert gio_modules(sonames) == [], gio_modules(sonames)

        def near_session_refused_with_users_lead_time():
            home.write(*files(aws, 45))
            set_lead_time(home, 60)
            aws.clear_requests()
            before = home.read_credentials()
            for args in (("credential-process", "--profile", "dev"), ("env", "--profile", "dev")):
                status, out, err = home.run(*args, env=env)
                one_error_line(status, err, "Nothing can ask for the MFA code")
                assert out == "", out
            assert aws.requests() == [], aws.requests()
            assert home.read_credentials() == before

        def near_session_given_with_default_lead_time():
            home.write(*files(aws, 45))
            set_lead_time(home, None)
            assert json.loads(given("credential-process", "--profile", "dev"))["AccessKeyId"] == SESSION_KEY
            assert SESSION_KEY in given("env", "--profile", "dev")

        def status_uses_users_lead_time():
            home.write(*files(aws, 45))
            set_lead_time(home, 60)
            states = {p["name"]: p["state"] for p in json.loads(given("status", "--json"))}
            set_lead_time(home, None)
            default = {p["name"]: p["state"] for p in json.loads(given("status", "--json"))}
            assert states["dev"] != default["dev"] and default["dev"] == "valid", (states, default)

        checks.run("a session 3 h away is given without GSettings (no backend module)",
                   far_session_without_settings)
        checks.run("45 min left, lead time 60 min: credential-process and env refuse, no code spent",
                   near_session_refused_with_users_lead_time)
        checks.run("45 min left, the default lead time (10 min): given", near_session_given_with_default_lead_time)
        checks.run("status reads the lead time of the preferences", status_uses_users_lead_time)
    checks.finish()


if __name__ == "__main__":
    main()
