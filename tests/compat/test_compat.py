"""Every AWS client resolves what aws-mfa-tray writes (issue 13).

For each convention of the README's table, and for a credential_process profile, log in
against the stand-in server (tests/aws-stand-in: every signature checked with botocore,
every code as TOTP), then resolve the profile that `status --json` names as `target` with
four independent clients, each calling STS GetCallerIdentity against the stand-in, with no
AWS_REGION in the environment:

  botocore     Debian's python3-botocore (the AWS CLI v1, boto3, Ansible)
  aws-cli      /usr/bin/aws, the AWS CLI v2
  go-sdk       the Go SDK v2's shared-config loader (Terraform, Pulumi): Debian's
               golang-github-aws-aws-sdk-go-v2-dev, built by meson (go/probe.go)
  js-sdk       the JS SDK v3 (fromIni, STSClient) from npm (js/, `npm ci` by ./run test)

Each must resolve exactly the keys written and the expected region, and succeed; the
stand-in's request log confirms the key and the region each call was signed with. All of
it twice: on clean files, and on messy ones (CRLF, ':' separators, comments, no final
newline, sessions an earlier version wrote in place with ':' and under the old target).
The matrix as measured is printed at the end.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cli"))
from cli_helper import ALICE_MFA, BOB_MFA, DAVE_MFA, Checks, Home, ini_sections  # noqa: E402
from stand_in import StandIn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GO_PROBE = os.environ.get("AMT_COMPAT_GO_PROBE", "")
JS_DIR = os.path.join(HERE, "js")
ADMIN = "arn:aws:iam::222222222222:role/Admin"
CLIENTS = ("botocore", "aws-cli", "go-sdk", "js-sdk")
BINARY = os.environ.get("AMT_BINARY")


def clean_files(aws):
    """The README's conventions, one profile each, and a credential_process profile.

    dev      aws-mfa: [dev-long-term] keys and device; region in [profile dev]
    admin    a role: role_arn, source_profile = dev, mfa_serial (alice's device)
    staging  a session profile: source_profile + mfa_serial; region only in its source
    work     its own long-term keys and mfa_serial; region only in [default]
    tf       credential_process = aws-mfa-tray credential-process --profile dev
    """
    alice, bob, dave = aws.user("alice"), aws.user("bob"), aws.user("dave")
    config = ("[default]\n"
              "region = ap-southeast-2\n"
              "\n"
              "[profile dev]\n"
              "region = eu-west-1\n"
              "\n"
              "[profile admin]\n"
              "role_arn = %s\n"
              "source_profile = dev\n"
              "mfa_serial = %s\n"
              "\n"
              "[profile bob-keys]\n"
              "region = eu-central-1\n"
              "\n"
              "[profile staging]\n"
              "source_profile = bob-keys\n"
              "mfa_serial = %s\n"
              "\n"
              "[profile work]\n"
              "mfa_serial = %s\n"
              "\n"
              "[profile tf]\n"
              "credential_process = %s credential-process --profile dev\n"
              "region = us-west-1\n" % (ADMIN, ALICE_MFA, BOB_MFA, DAVE_MFA, BINARY))
    credentials = ("[dev-long-term]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "aws_mfa_device = %s\n"
                   "\n"
                   "[bob-keys]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "\n"
                   "[work]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   % (alice["access_key_id"], alice["secret_access_key"], ALICE_MFA,
                      bob["access_key_id"], bob["secret_access_key"],
                      dave["access_key_id"], dave["secret_access_key"]))
    return config, credentials


def messy_files(aws):
    """The same profiles as a hand-edited file has them: CRLF, ':' and '=' with any spacing
    (':' only where the JS SDK v3 need not read the user's own line: it reads only '='),
    comments, no final newline; [dev] and [staging] hold sessions an earlier version wrote
    (staging's under the old rule, which the Go SDK cannot read), with ':' separators."""
    alice, bob, dave = aws.user("alice"), aws.user("bob"), aws.user("dave")
    old_session = ("aws_access_key_id: ASIAOLDSESSION000001\r\n"
                   "aws_secret_access_key: old-secret\r\n"
                   "aws_session_token: old-token\r\n"
                   "expiration: 2020-01-01T00:00:00Z\r\n")
    config = ("# my AWS config\r\n"
              "[default]\r\n"
              "region: ap-southeast-2\r\n"
              "; the aws-mfa profile\r\n"
              "[profile dev]\r\n"
              "region=eu-west-1\r\n"
              "\r\n"
              "[profile admin]\r\n"
              "role_arn : %s\r\n"
              "source_profile=dev\r\n"
              "# the device\r\n"
              "mfa_serial = %s\r\n"
              "[profile bob-keys]\r\n"
              "region:eu-central-1\r\n"
              "[profile staging]\r\n"
              "source_profile: bob-keys\r\n"
              "mfa_serial: %s\r\n"
              "[profile work]\r\n"
              "mfa_serial=%s\r\n"
              "[profile tf]\r\n"
              # The JS SDK v3 reads only '=': a ':' here would hide this line from it.
              "credential_process=%s credential-process --profile dev\r\n"
              "region = us-west-1" % (ADMIN, ALICE_MFA, BOB_MFA, DAVE_MFA, BINARY))
    credentials = ("# keys; keep this comment\r\n"
                   "[dev-long-term]\r\n"
                   "aws_access_key_id: %s\r\n"
                   "aws_secret_access_key : %s\r\n"
                   "; aws-mfa's device key\r\n"
                   "aws_mfa_device=%s\r\n"
                   "[dev]\r\n%s"
                   "[bob-keys]\r\n"
                   "aws_access_key_id=%s\r\n"
                   "aws_secret_access_key=%s\r\n"
                   "[staging]\r\n%s"
                   "[work]\r\n"
                   "aws_access_key_id: %s\r\n"
                   "aws_secret_access_key: %s"
                   % (alice["access_key_id"], alice["secret_access_key"], ALICE_MFA, old_session,
                      bob["access_key_id"], bob["secret_access_key"], old_session,
                      dave["access_key_id"], dave["secret_access_key"]))
    return config, credentials


# What each managed profile's written profile must be: (target, region).
EXPECTED = {
    "dev": ("dev", "eu-west-1"),
    "admin": ("admin-mfa", "eu-west-1"),        # the region of its source, dev
    "staging": ("staging-mfa", "eu-central-1"),  # the region of its source, bob-keys
    "work": ("work-mfa", "ap-southeast-2"),     # the region of [default]
}
# tf resolves through credential_process to dev's session, in its own region.
CREDENTIAL_PROCESS = ("tf", "dev", "us-west-1")


def client_env(home, aws, profile):
    env = home.env(AMT_COMPAT_ENDPOINT=aws.url, NODE_EXTRA_CA_CERTS=aws.ca_bundle,
                   AWS_PROFILE=profile)
    env.pop("AWS_ENDPOINT_URL", None)  # each client is given the endpoint explicitly
    assert "AWS_REGION" not in env and "AWS_DEFAULT_REGION" not in env
    return env


def run_client(client, home, aws, profile):
    """One client resolves profile and calls GetCallerIdentity: its view as a dict
    (access_key_id, secret_access_key, session_token, region, arn)."""
    env = client_env(home, aws, profile)
    if client == "botocore":
        script = (
            "import botocore.session, json, sys\n"
            "s = botocore.session.Session(profile=sys.argv[1])\n"
            "c = s.get_credentials().get_frozen_credentials()\n"
            "sts = s.create_client('sts', endpoint_url=sys.argv[2])\n"
            "arn = sts.get_caller_identity()['Arn']\n"
            "print(json.dumps({'access_key_id': c.access_key, 'secret_access_key': c.secret_key,\n"
            "                  'session_token': c.token or '', 'region': sts.meta.region_name,\n"
            "                  'arn': arn}))\n")
        cmd = ["/usr/bin/python3", "-c", script, profile, aws.url]
    elif client == "aws-cli":
        # No --region: the CLI must find the region in the files.
        cmd = ["/bin/sh", "-c",
               'set -e; /usr/bin/aws sts get-caller-identity --profile "$1" --endpoint-url "$2" '
               '--output json; /usr/bin/aws configure export-credentials --profile "$1" '
               '--format process; /usr/bin/aws configure list --profile "$1"',
               "aws-cli", profile, aws.url]
    elif client == "go-sdk":
        assert GO_PROBE and os.access(GO_PROBE, os.X_OK), \
            "the Go probe was not built: install golang-go and golang-github-aws-aws-sdk-go-v2-dev " \
            "(./run test does) and reconfigure"
        cmd = [GO_PROBE, profile]
    else:
        assert os.path.isdir(os.path.join(JS_DIR, "node_modules", "@aws-sdk")), \
            "the JS SDK is not installed: run `npm ci` in tests/compat/js (./run test does)"
        cmd = ["node", os.path.join(JS_DIR, "probe.mjs"), profile]

    proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=120)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, "%s failed for %s: %s" % (client, profile, err.strip() or out)
    if client != "aws-cli":
        return json.loads(out)

    # get-caller-identity's JSON, export-credentials' JSON, then `configure list`'s table.
    decoder = json.JSONDecoder()
    identity, end = decoder.raw_decode(out)
    exported, end2 = decoder.raw_decode(out[end:].lstrip())
    table = out[end:].lstrip()[end2:]
    region = None
    for line in table.splitlines():
        fields = line.split()
        if fields[:1] == ["region"]:
            region = fields[1]
    return {"access_key_id": exported["AccessKeyId"],
            "secret_access_key": exported["SecretAccessKey"],
            "session_token": exported.get("SessionToken", ""),
            "region": region, "arn": identity["Arn"]}


def main():
    checks = Checks()
    matrix = {}

    with StandIn() as aws:
        def login_all(home, messy):
            for profile, serial in (("dev", ALICE_MFA), ("staging", BOB_MFA), ("work", DAVE_MFA)):
                aws.reset_mfa()
                aws.wait_for_step_margin(8)
                status, out, err = home.login(profile, aws.totp(serial))
                assert status == 0, (profile, status, out, err)
                if messy and profile == "staging":
                    # Told once what changed, and the old section is gone.
                    assert "[staging] to [staging-mfa]" in out, out
                    assert "AWS_PROFILE=staging-mfa" in out, out

        def check_variant(variant, files):
            home = Home(aws, *files)
            login_all(home, variant == "messy")
            status = home.status()
            written = ini_sections(home.read_credentials())
            config = ini_sections(open(home.config, "rb").read())

            # Point 2: no session in a section with source_profile, role_arn, ...; point 3:
            # the region in [profile TARGET]; point 4: ' = ' in every section written.
            for name, (target, region) in EXPECTED.items():
                assert status[name]["target"] == target, status[name]
                assert status[name]["region"] == region, status[name]
                assert written[target]["aws_session_token"], (target, written)
                section = "profile " + target
                assert config.get(section, {}).get("region") == region or \
                    (target == "dev" and config["profile dev"]["region"] == region), (section, config)
            assert "staging" not in written, written
            assert "aws_session_token" not in written.get("admin", {}), written
            text = home.read_credentials().decode()
            for section in ("dev", "admin-mfa", "staging-mfa", "work-mfa"):
                body = text.split("[%s]" % section, 1)[1].split("[", 1)[0]
                for line in body.splitlines():
                    if line.strip() and not line.lstrip().startswith(("#", ";")):
                        assert " = " in line and ":" not in line.split("=", 1)[0], (section, line)
            if variant == "messy":
                # Every byte the program does not own is kept.
                assert text.startswith("# keys; keep this comment\r\n[dev-long-term]\r\n"
                                       "aws_access_key_id: "), text[:120]
                assert "; aws-mfa's device key\r\n" in text
                assert "\n" not in text.replace("\r\n", ""), "a bare LF was written"

            cases = [(target, written[target], region) for target, region in EXPECTED.values()]
            cases.append((CREDENTIAL_PROCESS[0], written[CREDENTIAL_PROCESS[1]], CREDENTIAL_PROCESS[2]))
            for profile, keys, region in cases:
                for client in CLIENTS:
                    name = "%s: %s resolves %s" % (variant, client, profile)
                    matrix[(variant, profile, client)] = False

                    def one(client=client, profile=profile, keys=keys, region=region):
                        aws.clear_requests()
                        got = run_client(client, home, aws, profile)
                        assert got["access_key_id"] == keys["aws_access_key_id"], got
                        assert got["secret_access_key"] == keys["aws_secret_access_key"], profile
                        assert got["session_token"] == keys["aws_session_token"], profile
                        assert got["region"] == region, (got["region"], region)
                        calls = [r for r in aws.requests() if r["action"] == "GetCallerIdentity"]
                        assert calls, "no GetCallerIdentity reached the stand-in"
                        assert all(r["status"] == 200 and r["signature_ok"] for r in calls), calls
                        assert {r["access_key_id"] for r in calls} == {keys["aws_access_key_id"]}, calls
                        assert {r["region"] for r in calls} == {region}, calls
                        matrix[(variant, profile, client)] = True

                    checks.run(name, one)

        checks.run("clean files", check_variant, "clean", clean_files(aws))
        checks.run("messy files", check_variant, "messy", messy_files(aws))

        def controls():
            # The suite can fail: what the old rule wrote, and a profile with no region, are
            # refused by the clients the issue names (each one's own error, not ours).
            home = Home(aws, *clean_files(aws))
            login_all(home, False)
            session = ini_sections(home.read_credentials())["staging-mfa"]
            keys = "".join("%s = %s\n" % (k, session[k]) for k in
                           ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"))
            with open(home.config, "a") as f:
                f.write("\n[profile old-rule]\nsource_profile = bob-keys\nregion = eu-west-1\n")
            with open(home.credentials, "a") as f:
                f.write("\n[old-rule]\n" + keys + "\n[no-region]\n" + keys)
            refused = {}
            for profile, client in (("old-rule", "go-sdk"), ("no-region", "botocore"),
                                    ("no-region", "aws-cli"), ("no-region", "go-sdk"),
                                    ("no-region", "js-sdk")):
                try:
                    run_client(client, home, aws, profile)
                except AssertionError as error:
                    refused[(profile, client)] = str(error)
            assert "requires role_arn" in refused.get(("old-rule", "go-sdk"), ""), refused
            for client in CLIENTS:
                assert "region" in refused.get(("no-region", client), "").lower(), (client, refused)

        checks.run("controls: the old rule and a missing region are refused", controls)

        def empty_region_refused():
            # The stand-in refuses what AWS refuses: a scope with no region.
            response = aws.signed_request("GetCallerIdentity", user="alice", region="")
            assert response.status == 403, response
            assert response.error_code() == "SignatureDoesNotMatch", response
            assert "valid region" in response.error_message(), response

        checks.run("an empty region in the signing scope is refused", empty_region_refused)

    print("\nmatrix (variant, profile: botocore aws-cli go-sdk js-sdk)")
    for variant in ("clean", "messy"):
        for profile in [t for t, _ in EXPECTED.values()] + [CREDENTIAL_PROCESS[0]]:
            row = ["pass" if matrix.get((variant, profile, c)) else "FAIL" for c in CLIENTS]
            print("  %-6s %-12s %s" % (variant, profile, " ".join("%-8s" % r for r in row)))
    checks.finish()


if __name__ == "__main__":
    main()
