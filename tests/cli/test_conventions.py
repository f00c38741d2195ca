"""The device is found for every convention with long-term keys, and what login takes from
the environment and its command line (issue 13, points 5 to 7), end to end against the
stand-in server:

- `login --profile NAME` on a profile with its own keys (as `aws configure --profile NAME`
  leaves it), with a source_profile, or a role, and no mfa_serial: GetCallerIdentity, then
  ListMFADevices; one device is used, said, and saved as mfa_serial in [profile NAME];
  several are named with the way to choose; none is said. No code is spent before.
- login without --profile takes AWS_PROFILE, then AWS_DEFAULT_PROFILE.
- login --duration SECONDS asks AWS for that duration once, checked like duration_seconds.
- A role that refuses the duration asked: the profile, the duration, the key, MaxSessionDuration.
"""

from cli_helper import ALICE_MFA, BOB_MFA, Checks, Home, ini_sections, one_error_line
from stand_in import StandIn

DEPLOY = "arn:aws:iam::222222222222:role/Deploy"
READ_ONLY = "arn:aws:iam::222222222222:role/ReadOnly"


def keys_section(name, user):
    return ("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
            % (name, user["access_key_id"], user["secret_access_key"]))


def main():
    checks = Checks()
    with StandIn() as aws:
        bob = aws.user("bob")

        def fresh_codes():
            aws.reset_mfa()
            aws.wait_for_step_margin(8)

        def discovered(home, name, section, target):
            """Log in NAME, whose device is unknown: found, said, saved, used."""
            status_text = home.run("status")[1]
            assert "Not used with MFA yet" in status_text and name in status_text, status_text
            fresh_codes()
            aws.clear_requests()
            status, out, err = home.login(name, aws.totp(BOB_MFA))
            assert status == 0, (status, out, err)
            assert "Using the MFA device %s" % BOB_MFA in err, err
            actions = [r["action"] for r in aws.requests()]
            assert actions[:2] == ["GetCallerIdentity", "ListMFADevices"], actions
            config = ini_sections(open(home.config, "rb").read())
            assert config[section]["mfa_serial"] == BOB_MFA, config
            written = ini_sections(home.read_credentials())
            assert written[target]["aws_session_token"], written
            assert home.status()[name]["target"] == target
            return written

        def own_keys():
            # `aws configure --profile work`: keys in the credentials file, a region.
            home = Home(aws, "[profile work]\nregion = eu-west-1\n", keys_section("work", bob))
            written = discovered(home, "work", "profile work", "work-mfa")
            assert written["work"]["aws_access_key_id"] == bob["access_key_id"], written
            assert home.status()["work"]["region"] == "eu-west-1"

        def source_profile():
            home = Home(aws, "[profile iam]\nsource_profile = bob-keys\n", keys_section("bob-keys", bob))
            discovered(home, "iam", "profile iam", "iam-mfa")

        def role():
            home = Home(aws, "[profile deploy]\nrole_arn = %s\nsource_profile = bob-keys\n" % DEPLOY,
                        keys_section("bob-keys", bob))
            discovered(home, "deploy", "profile deploy", "deploy-mfa")

        def several_devices():
            alice = aws.user("alice")
            home = Home(aws, "[profile many]\nsource_profile = alice-keys\n",
                        keys_section("alice-keys", alice))
            before = open(home.config, "rb").read()
            aws.clear_requests()
            status, out, err = home.login("many", "123456")
            one_error_line(status, err, "several MFA devices", ALICE_MFA, "GAHT12345678",
                           "mfa_serial in [profile many]")
            assert open(home.config, "rb").read() == before
            assert not any(r["mfa_code_present"] for r in aws.requests()), "a code was spent"

        def no_device():
            home = Home(aws, "", keys_section("carol", aws.user("carol")))
            aws.clear_requests()
            status, out, err = home.login("carol", "123456")
            one_error_line(status, err, "no MFA device")
            assert not any(r["mfa_code_present"] for r in aws.requests()), "a code was spent"

        def profile_from_environment():
            files = ("[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n"
                     "[profile other]\nsource_profile = bob-keys\nmfa_serial = %s\n" % (BOB_MFA, BOB_MFA),
                     keys_section("bob-keys", bob))
            for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
                home = Home(aws, *files)
                fresh_codes()
                status, out, err = home.run("login", "--code-stdin", stdin=aws.totp(BOB_MFA) + "\n",
                                            env=home.env(**{variable: "dev"}))
                assert status == 0, (variable, err)
                assert "dev: session written to [dev-mfa]" in out, out
            # AWS_PROFILE comes first, as in AWS tools.
            home = Home(aws, *files)
            status, out, err = home.run("login", "--code-stdin", stdin="\n",
                                        env=home.env(AWS_PROFILE="nosuch", AWS_DEFAULT_PROFILE="dev"))
            one_error_line(status, err, "nosuch")
            status, out, err = home.run("login", "--code-stdin", stdin="\n")
            assert status == 2 and "--profile" in err, (status, err)

        def one_off_duration():
            files = ("[profile dev]\nsource_profile = bob-keys\nmfa_serial = %s\n" % BOB_MFA,
                     keys_section("bob-keys", bob))
            home = Home(aws, *files)
            fresh_codes()
            aws.clear_requests()
            status, out, err = home.run("login", "--profile", "dev", "--code-stdin", "--duration",
                                        "7200", stdin=aws.totp(BOB_MFA) + "\n")
            assert status == 0, err
            calls = [r for r in aws.requests() if r["action"] == "GetSessionToken"]
            assert [r["duration_seconds"] for r in calls] == ["7200"], calls
            for bad in ("60", "200000", "2h"):
                aws.clear_requests()
                status, out, err = home.run("login", "--profile", "dev", "--code-stdin",
                                            "--duration", bad, stdin="123456\n")
                one_error_line(status, err, "--duration", "900", "129600")
                assert aws.requests() == [], "the network was used for a bad --duration"

        def role_refuses_duration():
            # ReadOnly allows an hour; asked for two, with its own code.
            home = Home(aws, "[profile ro]\nrole_arn = %s\nsource_profile = bob-keys\n"
                        "mfa_serial = %s\nduration_seconds = 7200\n" % (READ_ONLY, BOB_MFA),
                        keys_section("bob-keys", bob))
            fresh_codes()
            status, out, err = home.login("ro", aws.totp(BOB_MFA))
            one_error_line(status, err, "ro", "2 h", "7200", "duration_seconds", "[profile ro]",
                           "MaxSessionDuration")

        checks.run("own keys: the device is found, saved and used", own_keys)
        checks.run("source_profile: the device is found, saved and used", source_profile)
        checks.run("role: the device is found, saved and used", role)
        checks.run("several devices are named, no code spent", several_devices)
        checks.run("no device is said, no code spent", no_device)
        checks.run("login takes AWS_PROFILE, then AWS_DEFAULT_PROFILE", profile_from_environment)
        checks.run("login --duration, checked before the network", one_off_duration)
        checks.run("a role that refuses the duration says what to change", role_refuses_duration)
    checks.finish()


if __name__ == "__main__":
    main()
