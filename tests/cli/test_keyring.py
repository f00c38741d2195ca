"""Long-term keys in the Secret Service (issue 17), end to end: aws-mfa-tray against the
stand-in server and a real gnome-keyring-daemon on this test's private bus (tests/helpers/
keyring.py), with botocore and the AWS CLI reading the files after every step.

- keys move-to-keyring and move-to-file on each convention that holds keys (aws-mfa's
  [NAME-long-term], a source_profile, a profile's own keys): stored, read back, taken out of
  the file with the section when nothing is left; the way back gives the standard keys again;
  every other profile resolves as before for botocore and `aws configure list`.
- a login whose keys live only in the keyring; status --json says "keys"; credential-process
  (run by botocore, no terminal) with such keys.
- a locked collection whose unlock prompt is dismissed: one sentence, no code sent.
- no Secret Service on the bus: one sentence, and a profile with keys in the file still logs in.
- a profile that uses the keys without MFA: the move is refused, nothing changes.
- libsecret is a module of its own (src/core/amt-keyring-keys.c): mapped by a command that
  uses the keyring and by no other; when it cannot be loaded, one sentence, no code sent.
"""

import os
import re
import subprocess

from cli_helper import BOB_MFA, Checks, Home, ini_sections, one_error_line
from keyring_daemon import SCHEMA, Keyring, bare_bus
from stand_in import StandIn
from test_no_gtk import keyring_in, loaded_libraries


def keys_section(name, user):
    return ("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
            % (name, user["access_key_id"], user["secret_access_key"]))


def main():
    checks = Checks()
    with StandIn() as aws, Keyring() as keyring:
        bob = aws.user("bob")
        bob_keys = [bob["access_key_id"], bob["secret_access_key"], None]
        # Keys of somebody else, in a profile nobody moves: it must resolve the same throughout.
        bystander = ("[bystander]\naws_access_key_id = AKIABYSTANDER0000001\n"
                     "aws_secret_access_key = bystander-secret-0000000000000000000000\n")
        bystander_keys = ["AKIABYSTANDER0000001", "bystander-secret-0000000000000000000000", None]

        def fresh_codes():
            aws.reset_mfa()
            aws.wait_for_step_margin(8)

        def configure_list(home, profile):
            proc = subprocess.run(["/usr/bin/aws", "configure", "list", "--profile", profile],
                                  env=home.env(), capture_output=True, timeout=60)
            return proc.returncode, proc.stdout.decode() + proc.stderr.decode()

        def round_trip(name, holder, config, credentials, expect_section_gone):
            home = Home(aws, config, credentials + bystander)
            before_credentials = home.read_credentials()
            assert home.status()[name]["keys"] == "file"
            assert home.botocore_credentials(holder) == bob_keys

            status, out, err = home.run("keys", "move-to-keyring", "--profile", name)
            assert status == 0, (status, err)
            written = ini_sections(home.read_credentials())
            assert bob["secret_access_key"].encode() not in home.read_credentials()
            assert bob["access_key_id"].encode() not in home.read_credentials()
            assert (holder not in written) == expect_section_gone, written
            config_now = open(home.config).read()
            section = holder if holder == "default" else "profile " + holder
            assert ini_sections(config_now.encode())[section]["mfa_tray_keys"] == "keyring", config_now
            items = keyring.items()
            assert items == [({"xdg:schema": SCHEMA, "profile": holder,
                               "access_key_id": bob["access_key_id"]}, bob["secret_access_key"])], items
            assert home.status()[name]["keys"] == "keyring"
            assert "(keys in the keyring)" in home.run("status")[1]
            # AWS tools: no "partial credentials", the bystander unchanged.
            assert home.botocore_credentials(holder) is None
            assert home.botocore_credentials("bystander") == bystander_keys
            code, text = configure_list(home, "bystander")
            assert code == 0 and "BYSTANDER" not in text and "****************0001" in text, text
            code, text = configure_list(home, holder)
            assert code == 0 and "<not set>" in text, text

            # The login signs with the keys from the keyring (the stand-in checks the signature).
            fresh_codes()
            aws.clear_requests()
            status, out, err = home.login(name, aws.totp(BOB_MFA))
            assert status == 0, (status, out, err)
            calls = [r for r in aws.requests() if r["action"] == "GetSessionToken"]
            assert [(r["access_key_id"], r["signature_ok"]) for r in calls] == [(bob["access_key_id"], True)], calls
            target = home.status()[name]["target"]
            session = home.botocore_credentials(target)
            assert session[0].startswith("ASIA") and session[2], session

            status, out, err = home.run("keys", "move-to-keyring", "--profile", name)
            one_error_line(status, err, "already")

            config_before_out = open(home.config).read()
            status, out, err = home.run("keys", "move-to-file", "--profile", name)
            assert status == 0, (status, err)
            assert keyring.items() == []
            assert home.botocore_credentials(holder) == bob_keys
            assert home.botocore_credentials("bystander") == bystander_keys
            assert home.status()[name]["keys"] == "file"
            # The mark goes, and the section it was alone in; nothing else of the config changes.
            expected = re.sub(r"\n?\[%s\]\nmfa_tray_keys = keyring\n" % re.escape(section), "", config_before_out)
            expected = expected.replace("mfa_tray_keys = keyring\n", "")
            assert open(home.config).read() == expected, (config_before_out, open(home.config).read())
            # The standard keys again, byte for byte as they were written.
            assert keys_section(holder, bob).split("\n", 1)[1].encode() in home.read_credentials()
            return home, before_credentials

        def aws_mfa():
            home, before = round_trip(
                "work", "work-long-term", "",
                keys_section("work-long-term", bob) + "aws_mfa_device = %s\n" % BOB_MFA, False)
            after = ini_sections(home.read_credentials())
            assert after["work-long-term"]["aws_mfa_device"] == BOB_MFA, after

        def source_profile():
            home, before = round_trip("dev", "bob-keys",
                                      "[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n" % BOB_MFA,
                                      keys_section("bob-keys", bob), True)
            # The section comes back whole (at the end of the file: it had gone with its keys).
            assert keys_section("bob-keys", bob).encode() in home.read_credentials()
            assert bystander.encode() in home.read_credentials()

        def own_keys():
            round_trip("own", "own", "[profile own]\nmfa_serial = %s\nregion = eu-west-1\n" % BOB_MFA,
                       keys_section("own", bob), True)

        def locked_prompt_dismissed():
            home = Home(aws, "[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n" % BOB_MFA,
                        keys_section("bob-keys", bob))
            status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev")
            assert status == 0, err
            keyring.lock()
            fresh_codes()
            aws.clear_requests()
            with keyring.prompter() as prompter:
                # Under ASan: whole stacks, so that tests/lsan.supp recognizes libsecret's own leak
                # on this path (no effect on other builds).
                env = home.env(ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":fast_unwind_on_malloc=0")
                proc = subprocess.Popen([os.environ["AMT_BINARY"], "login", "--profile", "dev", "--code-stdin"],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
                proc.stdin.write((aws.totp(BOB_MFA) + "\n").encode())
                proc.stdin.close()
                proc.stdin = None
                prompter.wait_for_prompt()
                prompter.dismiss()
                out, err = proc.communicate(timeout=60)
            one_error_line(proc.returncode, err.decode(), "keyring stayed locked", "bob-keys")
            assert aws.requests() == [], "the network was used: %r" % aws.requests()
            assert keyring.is_locked()

        def no_secret_service():
            home = Home(aws, "[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n" % BOB_MFA,
                        keys_section("bob-keys", bob))
            before = home.read_credentials(), open(home.config, "rb").read()
            bus, address = bare_bus()
            try:
                env = home.env(DBUS_SESSION_BUS_ADDRESS=address)
                status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev", env=env)
                one_error_line(status, err, "No keyring", "bob-keys", "credentials file")
                assert (home.read_credentials(), open(home.config, "rb").read()) == before
                fresh_codes()
                status, out, err = home.login("dev", aws.totp(BOB_MFA), env=env)
                assert status == 0, (status, err)
                # Keys recorded in the keyring, and no keyring: said, no code spent.
                with open(home.config, "a") as f:
                    f.write("[profile bob-keys]\nmfa_tray_keys = keyring\n")
                aws.clear_requests()
                status, out, err = home.run("login", "--profile", "dev", "--code-stdin", "--duration", "3600",
                                            stdin=aws.totp(BOB_MFA, 1) + "\n", env=env)
                one_error_line(status, err, "No keyring", "bob-keys")
                assert aws.requests() == [], aws.requests()
            finally:
                bus.terminate()
                bus.wait()

        def credential_process():
            # A tool with no terminal: botocore runs credential-process, whose login reads the
            # keys from the keyring (the code from mfa_process).
            script = os.path.join(os.environ.get("AMT_TEST_TMPDIR", "/tmp"), "bob-code.py")
            with open(script, "w") as f:
                f.write("import pyotp\nprint(pyotp.TOTP(%r).now())\n" % aws.device_seed(BOB_MFA))
            home = Home(aws, "[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n"
                        "mfa_process = /usr/bin/python3 %s\n"
                        "[profile tool]\ncredential_process = %s credential-process --profile dev\n"
                        % (BOB_MFA, script, os.environ["AMT_BINARY"]),
                        keys_section("bob-keys", bob))
            status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev")
            assert status == 0, err
            fresh_codes()
            resolved = home.botocore_credentials("tool")
            assert resolved and resolved[0].startswith("ASIA") and resolved[2], resolved
            assert home.botocore_credentials("dev-mfa") == resolved
            status, out, err = home.run("keys", "move-to-file", "--profile", "dev")
            assert status == 0 and keyring.items() == [], err

        def used_without_mfa():
            config = ("[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n"
                      "[profile plain]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nsource_profile = bob-keys\n"
                      % BOB_MFA)
            home = Home(aws, config, keys_section("bob-keys", bob))
            before = home.read_credentials(), open(home.config, "rb").read()
            status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev")
            one_error_line(status, err, "plain", "bob-keys", "without MFA")
            assert (home.read_credentials(), open(home.config, "rb").read()) == before
            assert keyring.items() == []

        def module_loaded_only_when_used():
            home = Home(aws, "[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n" % BOB_MFA,
                        keys_section("bob-keys", bob))
            status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev")
            assert status == 0, err
            try:
                status, out, err, sonames = loaded_libraries(home, [os.environ["AMT_BINARY"], "status"])
                assert status == 0, err
                assert keyring_in(sonames) == [], keyring_in(sonames)
                fresh_codes()
                status, out, err, sonames = loaded_libraries(
                    home, [os.environ["AMT_BINARY"], "login", "--profile", "dev", "--code-stdin"],
                    stdin=aws.totp(BOB_MFA) + "\n")
                assert status == 0, err
                assert "libsecret-1.so.0" in sonames, sorted(sonames)
            finally:
                status, out, err = home.run("keys", "move-to-file", "--profile", "dev")
                assert status == 0 and keyring.items() == [], err

        def module_missing():
            home = Home(aws, "[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n" % BOB_MFA,
                        keys_section("bob-keys", bob))
            before = home.read_credentials(), open(home.config, "rb").read()
            # Only the folder of the HTTPS module: the keyring's is not found.
            env = home.env(AMT_MODULE_DIR=os.environ["AMT_MODULE_DIR"].split(os.pathsep)[0])
            status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev", env=env)
            one_error_line(status, err, "Could not load", "keyring", "reinstall")
            assert (home.read_credentials(), open(home.config, "rb").read()) == before
            assert keyring.items() == []
            status, out, err = home.run("keys", "move-to-keyring", "--profile", "dev")
            assert status == 0, err
            try:
                aws.clear_requests()
                status, out, err = home.run("login", "--profile", "dev", "--code-stdin",
                                            stdin=aws.totp(BOB_MFA) + "\n", env=env)
                one_error_line(status, err, "Could not load", "keyring", "reinstall")
                assert aws.requests() == [], aws.requests()
            finally:
                status, out, err = home.run("keys", "move-to-file", "--profile", "dev")
                assert status == 0 and keyring.items() == [], err

        checks.run("aws-mfa [NAME-long-term]: into the keyring, a login, and back", aws_mfa)
        checks.run("source_profile: into the keyring, a login, and back", source_profile)
        checks.run("own keys: into the keyring, a login, and back", own_keys)
        checks.run("credential-process, no terminal: keys from the keyring", credential_process)
        checks.run("a profile using the keys without MFA: the move is refused", used_without_mfa)
        checks.run("no Secret Service: said, and the file still works", no_secret_service)
        checks.run("libsecret is mapped by a login from the keyring, not by status",
                   module_loaded_only_when_used)
        checks.run("the keyring module missing: said, files unchanged, no code sent", module_missing)
        # Last: it leaves the collection locked.
        checks.run("locked keyring, prompt dismissed: said, no code sent", locked_prompt_dismissed)
    return checks.finish()


if __name__ == "__main__":
    raise SystemExit(main())
