"""The command line end to end, from a throw-away HOME, against the stand-in server (which
checks every signature with botocore and every code as TOTP): one code refreshes a session
profile and two role profiles; what is written is what botocore and the AWS CLI resolve, and
works for a signed call; status and credential-process tell the truth; a role that asks for
more than an hour takes a second code; wrong, reused and malformed codes and bad input fail
with one sentence and write nothing."""

import json
import os

from cli_helper import ALICE_MFA, BOB_MFA, Checks, Home, ini_sections, one_error_line
from stand_in import StandIn

ADMIN = "arn:aws:iam::222222222222:role/Admin"
OPS = "arn:aws:iam::111111111111:role/team/Ops"
DEPLOY = "arn:aws:iam::222222222222:role/Deploy"


def alice_files(aws, extra_config=""):
    alice = aws.user("alice")
    credentials = ("# Alice's keys; this comment stays\n"
                   "[dev-long-term]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "aws_mfa_device = %s\n" % (alice["access_key_id"], alice["secret_access_key"],
                                               ALICE_MFA))
    config = ("[profile dev]\n"
              "region = us-east-1\n"
              "\n"
              "[profile admin]\n"
              "role_arn = %s\n"
              "source_profile = dev\n"
              "mfa_serial = %s\n"
              "\n"
              "[profile ops]\n"
              "role_arn = %s\n"
              "source_profile = dev\n"
              "mfa_serial = %s\n"
              "role_session_name = alice-ops\n" % (ADMIN, ALICE_MFA, OPS, ALICE_MFA)) + extra_config
    return config, credentials


def main():
    checks = Checks()
    with StandIn() as aws:
        def fresh_codes():
            aws.reset_mfa()
            aws.wait_for_step_margin(8)

        def one_code_three_profiles():
            home = Home(aws, *alice_files(aws))
            fresh_codes()
            aws.clear_requests()
            before = aws.server_time()
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            assert status == 0, (status, out, err)
            for name in ("dev", "admin", "ops"):
                assert name + ": session written to" in out, out

            requests = aws.requests()
            actions = [(r["action"], r["mfa_code_present"], r["session_token_present"])
                       for r in requests]
            # One code: GetSessionToken with it, then each role with the MFA session.
            assert sorted(actions) == sorted([("GetSessionToken", True, False),
                                              ("AssumeRole", False, True),
                                              ("AssumeRole", False, True)]), actions
            assert all(r["signature_ok"] for r in requests), requests

            files = ini_sections(home.read_credentials())
            assert home.read_credentials().startswith(b"# Alice's keys; this comment stays\n")
            for section in ("dev", "admin-mfa", "ops-mfa"):
                keys = files[section]
                assert keys["aws_access_key_id"].startswith("ASIA"), keys
                assert keys["expiration"].endswith("Z"), keys
                # botocore resolves exactly the keys written
                assert home.botocore_credentials(section) == [
                    keys["aws_access_key_id"], keys["aws_secret_access_key"],
                    keys["aws_session_token"]], section

            # The issued keys work: a signed GetCallerIdentity through the AWS CLI.
            status, who = home.aws_cli("sts", "get-caller-identity", "--profile", "admin-mfa")
            assert status == 0, who
            assert who["Arn"].startswith("arn:aws:sts::222222222222:assumed-role/Admin/"), who
            status, who = home.aws_cli("sts", "get-caller-identity", "--profile", "ops-mfa")
            assert status == 0 and who["Arn"].endswith("assumed-role/Ops/alice-ops"), who
            status, who = home.aws_cli("sts", "get-caller-identity", "--profile", "dev")
            assert status == 0 and who["Arn"] == "arn:aws:iam::111111111111:user/alice", who
            status, got = home.aws_cli("configure", "get", "aws_access_key_id", "--profile", "ops-mfa")
            assert status == 0 and got == files["ops-mfa"]["aws_access_key_id"], got

            # status --json: valid, with the expiry written (12 h and 1 h)
            states = home.status()
            for name, target, hours in (("dev", "dev", 12), ("admin", "admin-mfa", 1), ("ops", "ops-mfa", 1)):
                entry = states[name]
                assert entry["state"] == "valid", entry
                assert entry["target"] == target, entry
                assert entry["expiration"] == files[target]["expiration"], entry
                assert abs(entry["seconds_left"] - hours * 3600) < 120, entry
                assert abs(aws.server_time() - before) < 120
            state["home"] = home

        def status_text():
            home = state["home"]
            status, out, err = home.run("status")
            assert status == 0, err
            lines = out.splitlines()
            assert lines[0].startswith("dev") and "h" in lines[0] and "left" in lines[0], out
            assert any(line.startswith("admin") and "→ admin-mfa" in line for line in lines), out

        def credential_process():
            home = state["home"]
            config, credentials = alice_files(aws, "\n[profile tf]\n"
                                              "credential_process = %s credential-process --profile admin\n"
                                              % os.environ["AMT_BINARY"])
            home.write(config=config)
            aws.clear_requests()
            status, out, err = home.run("credential-process", "--profile", "admin")
            assert status == 0, err
            doc = json.loads(out)
            files = ini_sections(home.read_credentials())
            assert doc["Version"] == 1, doc
            assert doc["AccessKeyId"] == files["admin-mfa"]["aws_access_key_id"], doc
            assert doc["SessionToken"] == files["admin-mfa"]["aws_session_token"], doc
            assert doc["Expiration"] == files["admin-mfa"]["expiration"], doc
            # Cached: no call to AWS while the session has more than the lead time left.
            assert aws.requests() == [], aws.requests()
            # botocore's credential_process provider accepts it, and the keys sign a call.
            assert home.botocore_credentials("tf") == [doc["AccessKeyId"], doc["SecretAccessKey"],
                                                       doc["SessionToken"]]
            status, who = home.aws_cli("sts", "get-caller-identity", "--profile", "tf")
            assert status == 0 and "assumed-role/Admin" in who["Arn"], who

        def credential_process_without_session():
            home = Home(aws, *alice_files(aws))
            before = home.read_credentials()
            status, out, err = home.run("credential-process", "--profile", "admin")
            one_error_line(status, err, "Nothing can ask for the MFA code")
            assert out == ""
            assert home.read_credentials() == before

        def long_role_takes_second_code():
            config, credentials = alice_files(aws, "\n[profile deploy]\n"
                                              "role_arn = %s\n"
                                              "source_profile = dev\n"
                                              "mfa_serial = %s\n"
                                              "duration_seconds = 7200\n" % (DEPLOY, ALICE_MFA))
            home = Home(aws, config, credentials)
            fresh_codes()
            # One line only: the first code's profiles are written, deploy is not.
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            one_error_line(status, err, "code 2 of 2", "deploy asks for 2 h")
            files = ini_sections(home.read_credentials())
            assert "dev" in files and "admin-mfa" in files and "deploy-mfa" not in files, files

            fresh_codes()
            aws.clear_requests()
            status, out, err = home.login("deploy", aws.totp(ALICE_MFA), aws.next_totp(ALICE_MFA))
            assert status == 0, (status, err)
            files = ini_sections(home.read_credentials())
            assert "deploy-mfa" in files, files
            direct = [r for r in aws.requests() if r["action"] == "AssumeRole" and r["mfa_code_present"]]
            assert len(direct) == 1 and direct[0]["duration_seconds"] == "7200", aws.requests()
            assert not direct[0]["session_token_present"], direct
            assert home.status()["deploy"]["state"] == "valid"
            assert abs(home.status()["deploy"]["seconds_left"] - 7200) < 120

        def partial_failure_reported():
            # Partner wants an external id this profile gets wrong: the rest is written anyway.
            config, credentials = alice_files(aws, "\n[profile partner]\n"
                                              "role_arn = arn:aws:iam::333333333333:role/Partner\n"
                                              "source_profile = dev\n"
                                              "mfa_serial = %s\n"
                                              "external_id = not-the-right-one\n" % ALICE_MFA)
            home = Home(aws, config, credentials)
            fresh_codes()
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            one_error_line(status, err, "dev, admin and ops were refreshed", "partner was not refreshed")
            files = ini_sections(home.read_credentials())
            assert all(s in files for s in ("dev", "admin-mfa", "ops-mfa")), files
            assert "partner-mfa" not in files, files
            # The terminal names each section written, with its expiry.
            for name, target in (("dev", "dev"), ("admin", "admin-mfa"), ("ops", "ops-mfa")):
                assert "%s: session written to [%s], valid until" % (name, target) in out, out
            assert "partner" not in out, out
            # status in another process tells the failure too (the state file).
            states = home.status()
            assert states["dev"]["state"] == "valid" and states["admin"]["state"] == "valid", states
            assert states["partner"]["state"] == "error", states["partner"]
            assert states["partner"]["error"], states
            status, text, err = home.run("status")
            assert status == 0 and states["partner"]["error"] in text, text
            state_file = os.path.join(os.environ["XDG_STATE_HOME"], "aws-mfa-tray", "failures")
            assert oct(os.stat(state_file).st_mode & 0o777) == "0o600", oct(os.stat(state_file).st_mode)

            # Once refreshed, the failure is history, in every process.
            config, credentials = alice_files(aws, "\n[profile partner]\n"
                                              "role_arn = arn:aws:iam::333333333333:role/Partner\n"
                                              "source_profile = dev\n"
                                              "mfa_serial = %s\n"
                                              "external_id = partner-ext-id-42\n" % ALICE_MFA)
            home.write(config=config)
            fresh_codes()
            status, out, err = home.login("partner", aws.totp(ALICE_MFA))
            assert status == 0, err
            states = home.status()
            assert states["partner"]["state"] == "valid" and states["partner"]["error"] is None, states

        def reused_code_refused():
            home = Home(aws, *alice_files(aws))
            fresh_codes()
            code = aws.totp(ALICE_MFA)
            status, out, err = home.login("dev", code)
            assert status == 0, err
            before = home.read_credentials()
            status, out, err = home.login("dev", code)
            one_error_line(status, err, "already used", "next code")
            assert home.read_credentials() == before

        def wrong_code_writes_nothing():
            home = Home(aws, *alice_files(aws))
            before = home.read_credentials()
            status, out, err = home.login("dev", aws.invalid_totp(ALICE_MFA))
            one_error_line(status, err, "not accepted")
            assert home.read_credentials() == before
            # The failure is the profile's last word, for status in any process.
            state = home.status()["dev"]
            assert state["state"] == "error" and "not accepted" in state["error"], state

        def malformed_code_refused_before_network():
            home = Home(aws, *alice_files(aws))
            before = home.read_credentials()
            aws.clear_requests()
            for code in ("12345", "abcdef", "1234567"):
                status, out, err = home.login("dev", code)
                one_error_line(status, err, "six digits")
            assert aws.requests() == [], aws.requests()
            assert home.read_credentials() == before

        def https_module_missing():
            # The HTTPS stack is a module loaded on the first call (src/aws/amt-https.c): when
            # it cannot be loaded (none in $AMT_MODULE_DIR), one sentence, and the code is not
            # spent.
            home = Home(aws, *alice_files(aws))
            before = home.read_credentials()
            fresh_codes()
            aws.clear_requests()
            status, out, err = home.login("dev", aws.totp(ALICE_MFA),
                                          env=home.env(AMT_MODULE_DIR=home.path))
            one_error_line(status, err, "Could not load", "reinstall")
            assert aws.requests() == [], aws.requests()
            assert home.read_credentials() == before
            # One that lacks functions the program needs (of another version): the same.
            status, out, err = home.login(
                "dev", aws.totp(ALICE_MFA),
                env=home.env(AMT_MODULE_DIR=os.environ["AMT_INCOMPLETE_MODULE_DIR"]))
            one_error_line(status, err, "Could not load", "reinstall")
            assert aws.requests() == [], aws.requests()
            assert home.read_credentials() == before
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            assert status == 0, (status, out, err)

        def bad_input():
            home = Home(aws, *alice_files(aws, "\n[profile lost]\nrole_arn = %s\n"
                                              "source_profile = nowhere\nmfa_serial = %s\n"
                                              % (ADMIN, ALICE_MFA)))
            before = home.read_credentials()
            status, out, err = home.login("nobody", "123456")
            one_error_line(status, err, "no MFA profile called “nobody”")
            status, out, err = home.run("credential-process", "--profile", "nobody")
            one_error_line(status, err, "nobody")
            status, out, err = home.login("lost", "123456")
            one_error_line(status, err, "nowhere", "does not exist")
            assert home.read_credentials() == before

            # Files that botocore would refuse: the same refusal, naming the file.
            home.write(credentials="[dev-long-term]\naws_access_key_id = A\naws_access_key_id = B\n")
            before = home.read_credentials()
            status, out, err = home.login("dev", "123456")
            one_error_line(status, err, "credentials")
            status, out, err = home.run("status")
            one_error_line(status, err, "credentials")
            home.write(credentials="[dev-long-term]\naws_access_key_id = \x00\n")
            status, out, err = home.run("status")
            one_error_line(status, err, "credentials")

            # Usage errors: status 2.
            for args in (("login",), ("login", "--profile"), ("status", "extra"),
                         ("credential-process", "--code-stdin", "--profile", "dev")):
                status, out, err = home.run(*args)
                assert status == 2, (args, status, err)

        def no_code_source():
            home = Home(aws, *alice_files(aws))
            before = home.read_credentials()
            status, out, err = home.run("login", "--profile", "dev")
            one_error_line(status, err, "--code-stdin", "mfa_process")
            assert home.read_credentials() == before

        def mfa_process():
            bob = aws.user("bob")
            seed = aws.device_seed(BOB_MFA)
            script = os.path.join(os.environ.get("AMT_TEST_TMPDIR", "/tmp"), "bob-code.py")
            with open(script, "w") as f:
                f.write("import pyotp, time\nprint(pyotp.TOTP(%r).now())\n" % seed)
            home = Home(aws,
                        "[profile staging]\nsource_profile = bob-keys\nmfa_serial = %s\n"
                        "mfa_process = /usr/bin/python3 %s\n" % (BOB_MFA, script),
                        "[bob-keys]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                        % (bob["access_key_id"], bob["secret_access_key"]))
            fresh_codes()
            status, out, err = home.run("login", "--profile", "staging")
            assert status == 0, err
            files = ini_sections(home.read_credentials())
            # [staging] has source_profile, which the Go SDK refuses next to keys.
            assert files["staging-mfa"]["aws_session_token"], files
            assert "staging" not in files, files
            assert files["bob-keys"]["aws_access_key_id"] == bob["access_key_id"]

        def device_discovered_and_saved():
            bob = aws.user("bob")
            home = Home(aws, "", "[bob-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                        % (bob["access_key_id"], bob["secret_access_key"]))
            assert home.status()["bob"]["mfa_serial"] is None
            fresh_codes()
            status, out, err = home.login("bob", aws.totp(BOB_MFA))
            assert status == 0, err
            assert "Using the MFA device %s" % BOB_MFA in err, err
            files = ini_sections(home.read_credentials())
            assert files["bob-long-term"]["aws_mfa_device"] == BOB_MFA, files
            assert files["bob"]["aws_session_token"], files

        def several_devices_named():
            alice = aws.user("alice")
            home = Home(aws, "", "[al-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                        % (alice["access_key_id"], alice["secret_access_key"]))
            before = home.read_credentials()
            status, out, err = home.login("al", "123456")
            one_error_line(status, err, "several MFA devices", ALICE_MFA, "GAHT12345678")
            assert home.read_credentials() == before

        def no_device_at_all():
            carol = aws.user("carol")
            home = Home(aws, "", "[carol-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                        % (carol["access_key_id"], carol["secret_access_key"]))
            status, out, err = home.login("carol", "123456")
            one_error_line(status, err, "no MFA device")

        def help_and_version():
            home = Home(aws)
            status, out, err = home.run("--help")
            assert status == 0 and "credential-process" in out and "--code-stdin" in out, out
            status, out, err = home.run("--version")
            assert status == 0 and out.startswith("aws-mfa-tray "), out
            status, out, err = home.run("status")
            assert status == 0 and out.startswith("No MFA profiles found"), out

        state = {}
        checks.run("one code refreshes a session and two roles", one_code_three_profiles)
        checks.run("status in words", status_text)
        checks.run("credential-process serves the cached session", credential_process)
        checks.run("credential-process without a session or applet", credential_process_without_session)
        checks.run("a role over 1 h takes a second code", long_role_takes_second_code)
        checks.run("a partial failure writes the rest and names the failed", partial_failure_reported)
        checks.run("a reused code is refused", reused_code_refused)
        checks.run("a wrong code writes nothing", wrong_code_writes_nothing)
        checks.run("a malformed code is refused before the network", malformed_code_refused_before_network)
        checks.run("no HTTPS module: one sentence, the code kept", https_module_missing)
        checks.run("bad input: one line, nothing written", bad_input)
        checks.run("no code source", no_code_source)
        checks.run("mfa_process gives the code", mfa_process)
        checks.run("the only MFA device is found and saved", device_discovered_and_saved)
        checks.run("several MFA devices are named", several_devices_named)
        checks.run("no MFA device", no_device_at_all)
        checks.run("--help, --version, no profiles", help_and_version)
    checks.finish()


if __name__ == "__main__":
    main()
