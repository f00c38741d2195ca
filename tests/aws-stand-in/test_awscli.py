#!/usr/bin/python3
"""The stand-in server against the real AWS CLI (/usr/bin/aws, botocore's signer): MFA session
tokens, reused and wrong codes, caller identity, IAM ListMFADevices with pagination, AssumeRole
with MFA-bearing session credentials, and AWS's duration limits.

Invocations that do not depend on each other run a few at a time (the CLI takes most of a
second to start); the checks are made in a fixed order."""

import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stand_in import StandIn, parse_aws_error  # noqa: E402
from standin_check import Checks  # noqa: E402

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
ALICE_BACKUP = "arn:aws:iam::111111111111:mfa/alice-backup"
BOB_MFA = "arn:aws:iam::111111111111:mfa/bob"
ADMIN = "arn:aws:iam::222222222222:role/Admin"
READONLY = "arn:aws:iam::222222222222:role/ReadOnly"
DEPLOY = "arn:aws:iam::222222222222:role/Deploy"
PARTNER = "arn:aws:iam::333333333333:role/Partner"
NOT_AUTHORIZED = ("User: arn:aws:iam::111111111111:user/%s is not authorized to perform: "
                  "sts:AssumeRole on resource: %s")
PARALLEL = 4


def batch(aws, jobs):
    """Run independent CLI invocations at once. jobs: {key: (args, kwargs for aws_cli)};
    returns {key: CompletedProcess}."""
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {key: pool.submit(aws.aws_cli, *args, **kwargs)
                   for key, (args, kwargs) in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def iso_epoch(text):
    """Epoch of the CLI's Expiration (2026-11-24T04:29:20+00:00)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def cli_ok(c, name, proc):
    if not c.check(name + ": exit 0", proc.returncode == 0,
                   "status %d, stderr %s" % (proc.returncode, proc.stderr.strip())):
        return None
    return json.loads(proc.stdout)


def cli_error(c, name, proc, code, message):
    c.check(name + ": exit non-zero", proc.returncode != 0, "status %d" % proc.returncode)
    got_code, got_message = parse_aws_error(proc.stderr)
    c.equal(name + ": error code", got_code, code)
    c.check(name + ": stderr names " + code, code in proc.stderr, proc.stderr)
    c.equal(name + ": message", got_message, message.strip())


def check_creds(c, name, creds, duration):
    c.check(name + ": AccessKeyId is ASIA + 16", re.fullmatch(r"ASIA[A-Z2-7]{16}",
                                                              creds.get("AccessKeyId", "")),
            creds.get("AccessKeyId"))
    c.equal(name + ": SecretAccessKey length", len(creds.get("SecretAccessKey", "")), 40)
    c.check(name + ": SessionToken is long base64", re.fullmatch(r"[A-Za-z0-9+/=]{200,}",
                                                                 creds.get("SessionToken", "")))
    off = iso_epoch(creds["Expiration"]) - time.time() - duration
    c.check(name + ": Expiration ~ now + %d s" % duration, abs(off) < 90,
            "%s (%+.0f s off)" % (creds["Expiration"], off))


def session_env(aws, creds):
    return aws.aws_env(access_key_id=creds["AccessKeyId"],
                       secret_access_key=creds["SecretAccessKey"],
                       session_token=creds["SessionToken"])


def test_get_session_token(c, aws, state):
    code = aws.totp(ALICE_MFA)
    out = cli_ok(c, "get-session-token", aws.aws_cli(
        "sts", "get-session-token", "--serial-number", ALICE_MFA, "--token-code", code,
        user="alice"))
    if out is None:
        return
    check_creds(c, "get-session-token", out["Credentials"], 43200)
    state["alice_session"] = out["Credentials"]

    log = [r for r in aws.requests() if r["action"] == "GetSessionToken"]
    c.equal("log: one GetSessionToken", len(log), 1)
    c.check("log: signed by alice's key, signature ok, MFA code present, 200",
            log and log[-1]["access_key_id"] == "AKIAALICE0EXAMPLE001" and
            log[-1]["signature_ok"] is True and log[-1]["mfa_code_present"] is True and
            log[-1]["serial_number"] == ALICE_MFA and log[-1]["status"] == 200, log)

    gst = ("sts", "get-session-token")
    r = batch(aws, {
        "reused": (gst + ("--serial-number", ALICE_MFA, "--token-code", code),
                   {"user": "alice"}),
        "wrong": (gst + ("--serial-number", ALICE_MFA, "--token-code",
                         aws.invalid_totp(ALICE_MFA)), {"user": "alice"}),
        "other device": (gst + ("--serial-number", BOB_MFA, "--token-code", aws.totp(BOB_MFA)),
                         {"user": "alice"}),
        "malformed": (gst + ("--serial-number", ALICE_BACKUP, "--token-code", "12a4"),
                      {"user": "alice", "client_validation": False}),
        "bob": (gst + ("--duration-seconds", "900"), {"user": "bob"}),
    })
    cli_error(c, "same code again", r["reused"], "AccessDenied",
              "MultiFactorAuthentication failed, unable to validate MFA code")
    cli_error(c, "wrong code", r["wrong"], "AccessDenied",
              "MultiFactorAuthentication failed with invalid MFA one time pass code.")
    cli_error(c, "another user's device", r["other device"], "AccessDenied",
              "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify "
              "your MFA serial number is valid and associated with this user.")
    cli_error(c, "malformed code", r["malformed"], "ValidationError",
              "2 validation errors detected: Value '12a4' at 'tokenCode' failed to satisfy "
              "constraint: Member must satisfy regular expression pattern: [\\d]*; Value '12a4' "
              "at 'tokenCode' failed to satisfy constraint: Member must have length greater "
              "than or equal to 6")
    out = cli_ok(c, "get-session-token without MFA (bob, 900 s)", r["bob"])
    if out:
        check_creds(c, "bob's session", out["Credentials"], 900)
        state["bob_session"] = out["Credentials"]

    gst_log = [x for x in aws.requests() if x["action"] == "GetSessionToken"]
    c.equal("log: 6 GetSessionToken calls, 5 with a code, all signed right",
            (len(gst_log), sum(x["mfa_code_present"] for x in gst_log),
             all(x["signature_ok"] for x in gst_log)), (6, 5, True))


def test_caller_identity(c, aws, state):
    gci = ("sts", "get-caller-identity")
    jobs = {
        "alice": (gci, {"user": "alice"}),
        "dave": (gci, {"user": "dave"}),
        "unknown": (gci, {"env": aws.aws_env(access_key_id="AKIAUNKNOWN000000000",
                                             secret_access_key="x" * 40)}),
        "wrong secret": (gci, {"env": aws.aws_env(access_key_id="AKIAALICE0EXAMPLE001",
                                                  secret_access_key="wrong/" + "x" * 34)}),
    }
    if "alice_session" in state:
        jobs["session"] = (gci, {"env": session_env(aws, state["alice_session"])})
    r = batch(aws, jobs)

    out = cli_ok(c, "get-caller-identity (alice)", r["alice"])
    if out:
        c.equal("identity: Arn", out.get("Arn"), "arn:aws:iam::111111111111:user/alice")
        c.equal("identity: Account", out.get("Account"), "111111111111")
        c.check("identity: UserId AIDA…",
                re.fullmatch(r"AIDA[A-Z2-7]{17}", out.get("UserId", "")), out.get("UserId"))
    if "session" in r:
        out = cli_ok(c, "get-caller-identity with session credentials", r["session"])
        if out:
            c.equal("session identity: Arn", out.get("Arn"), "arn:aws:iam::111111111111:user/alice")
    out = cli_ok(c, "get-caller-identity, other account (dave)", r["dave"])
    if out:
        c.equal("dave: Account", out.get("Account"), "444444444444")
    cli_error(c, "unknown access key", r["unknown"], "InvalidClientTokenId",
              "The security token included in the request is invalid.")
    cli_error(c, "wrong secret", r["wrong secret"], "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided. "
              "Check your AWS Secret Access Key and signing method. Consult the service "
              "documentation for details.")


def test_list_mfa_devices(c, aws, state):
    # Alone, so that the log shows this command's pages only.
    aws.clear_requests()
    out = cli_ok(c, "iam list-mfa-devices (pages of 1)", aws.aws_cli(
        "iam", "list-mfa-devices", "--page-size", "1", user="alice"))
    if out:
        serials = [d["SerialNumber"] for d in out.get("MFADevices", [])]
        c.equal("devices: serials in order", serials, [ALICE_MFA, ALICE_BACKUP, "GAHT12345678"])
        c.equal("devices: user names", {d["UserName"] for d in out["MFADevices"]}, {"alice"})
        c.equal("devices: EnableDate of the first", out["MFADevices"][0]["EnableDate"],
                "2024-01-15T10:00:00+00:00")
    pages = [x for x in aws.requests() if x["action"] == "ListMFADevices"]
    c.equal("devices: the CLI followed Marker over 3 pages", len(pages), 3)
    c.check("devices: service iam, signature ok, 200", all(
        x["service"] == "iam" and x["signature_ok"] and x["status"] == 200 for x in pages), pages)

    lmd = ("iam", "list-mfa-devices")
    jobs = {
        "bob": (lmd + ("--user-name", "bob"), {"user": "alice"}),
        "eu-west-1": (lmd, {"user": "alice", "region": "eu-west-1"}),
        "mallory": (lmd + ("--user-name", "mallory"), {"user": "alice"}),
    }
    if "alice_session" in state:
        jobs["mfa session"] = (lmd, {"env": session_env(aws, state["alice_session"])})
    if "bob_session" in state:
        jobs["plain session"] = (lmd, {"env": session_env(aws, state["bob_session"])})
    r = batch(aws, jobs)
    out = cli_ok(c, "iam list-mfa-devices --user-name bob", r["bob"])
    if out:
        c.equal("bob's devices", [d["SerialNumber"] for d in out["MFADevices"]], [BOB_MFA])
    cli_error(c, "iam signed for eu-west-1", r["eu-west-1"], "SignatureDoesNotMatch",
              "Credential should be scoped to a valid region.")
    cli_error(c, "no such user", r["mallory"], "NoSuchEntity",
              "The user with name mallory cannot be found.")
    if "mfa session" in r:
        out = cli_ok(c, "iam with MFA session credentials", r["mfa session"])
        if out:
            c.equal("MFA session: 3 devices", len(out["MFADevices"]), 3)
    if "plain session" in r:
        cli_error(c, "iam with non-MFA session credentials", r["plain session"],
                  "InvalidClientTokenId", "The security token included in the request is invalid.")


def test_assume_role(c, aws, state):
    if "alice_session" not in state:
        c.check("assume-role: needs the MFA session", False)
        return
    env = session_env(aws, state["alice_session"])
    ar = ("sts", "assume-role")
    out = cli_ok(c, "assume-role Admin with MFA session credentials", aws.aws_cli(
        *ar, "--role-arn", ADMIN, "--role-session-name", "amt-test", env=env))
    if out:
        c.equal("Admin: AssumedRoleUser.Arn", out["AssumedRoleUser"]["Arn"],
                "arn:aws:sts::222222222222:assumed-role/Admin/amt-test")
        c.check("Admin: AssumedRoleId AROA…:amt-test", re.fullmatch(
            r"AROA[A-Z2-7]{17}:amt-test", out["AssumedRoleUser"]["AssumedRoleId"]),
            out["AssumedRoleUser"])
        check_creds(c, "Admin", out["Credentials"], 3600)
        state["admin_session"] = out["Credentials"]

    jobs = {
        # GetSessionToken credentials calling AssumeRole is not role chaining: 12 h is allowed.
        "12h": (ar + ("--role-arn", ADMIN, "--role-session-name", "long",
                      "--duration-seconds", "43200"), {"env": env}),
        # A direct AssumeRole with the long-term key and a code of its own: the next step's,
        # since the current one was used by get-session-token.
        "direct": (ar + ("--role-arn", ADMIN, "--role-session-name", "direct",
                         "--serial-number", ALICE_MFA, "--token-code",
                         aws.next_totp(ALICE_MFA)), {"user": "alice"}),
        "partner no id": (ar + ("--role-arn", PARTNER, "--role-session-name", "partner0"),
                          {"env": env}),
        "partner": (ar + ("--role-arn", PARTNER, "--role-session-name", "partner",
                          "--external-id", "partner-ext-id-42"), {"env": env}),
    }
    if "admin_session" in state:
        jobs["as role"] = (("sts", "get-caller-identity"),
                           {"env": session_env(aws, state["admin_session"])})
    if "bob_session" in state:
        jobs["no mfa"] = (ar + ("--role-arn", ADMIN, "--role-session-name", "nomfa"),
                          {"env": session_env(aws, state["bob_session"])})
    r = batch(aws, jobs)

    if "as role" in r:
        who = cli_ok(c, "get-caller-identity as the role", r["as role"])
        if who:
            c.equal("role identity: Arn", who["Arn"],
                    "arn:aws:sts::222222222222:assumed-role/Admin/amt-test")
    out = cli_ok(c, "assume-role Admin for 12 h from session credentials", r["12h"])
    if out:
        check_creds(c, "Admin 12 h", out["Credentials"], 43200)
    if "no mfa" in r:
        cli_error(c, "assume-role Admin without MFA", r["no mfa"], "AccessDenied",
                  NOT_AUTHORIZED % ("bob", ADMIN))
    out = cli_ok(c, "assume-role Admin with long-term key and a code", r["direct"])
    if out:
        c.equal("direct: Arn", out["AssumedRoleUser"]["Arn"],
                "arn:aws:sts::222222222222:assumed-role/Admin/direct")
    cli_error(c, "assume-role Partner without external id", r["partner no id"], "AccessDenied",
              NOT_AUTHORIZED % ("alice", PARTNER))
    cli_ok(c, "assume-role Partner with external id", r["partner"])


def test_duration_limits(c, aws, state):
    gst = ("sts", "get-session-token")
    ar = ("sts", "assume-role")
    jobs = {
        "129601": (gst + ("--duration-seconds", "129601"), {"user": "carol"}),
        "899": (gst + ("--duration-seconds", "899"), {"user": "carol",
                                                       "client_validation": False}),
        "129600": (gst + ("--duration-seconds", "129600"), {"user": "carol"}),
        "short name": (ar + ("--role-arn", DEPLOY, "--role-session-name", "x"),
                       {"user": "alice", "client_validation": False}),
    }
    if "alice_session" in state:
        env = session_env(aws, state["alice_session"])
        jobs["gst with session"] = (gst, {"env": env})
        jobs["over role max"] = (ar + ("--role-arn", READONLY, "--role-session-name", "ro",
                                       "--duration-seconds", "7200"), {"env": env})
        jobs["43201"] = (ar + ("--role-arn", DEPLOY, "--role-session-name", "deploy",
                               "--duration-seconds", "43201"), {"env": env})
    if "admin_session" in state:
        env = session_env(aws, state["admin_session"])
        jobs["chained 2h"] = (ar + ("--role-arn", DEPLOY, "--role-session-name", "chain",
                                    "--duration-seconds", "7200"), {"env": env})
        jobs["chained 1h"] = (ar + ("--role-arn", DEPLOY, "--role-session-name", "chain",
                                    "--duration-seconds", "3600"), {"env": env})
    r = batch(aws, jobs)

    cli_error(c, "get-session-token 129601 s", r["129601"], "ValidationError",
              "1 validation error detected: Value '129601' at 'durationSeconds' failed to "
              "satisfy constraint: Member must have value less than or equal to 129600")
    cli_error(c, "get-session-token 899 s", r["899"], "ValidationError",
              "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
              "constraint: Member must have value greater than or equal to 900")
    out = cli_ok(c, "get-session-token 129600 s", r["129600"])
    if out:
        check_creds(c, "36 h session", out["Credentials"], 129600)
    cli_error(c, "role session name too short", r["short name"], "ValidationError",
              "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy "
              "constraint: Member must have length greater than or equal to 2")
    if "gst with session" in r:
        cli_error(c, "get-session-token with session credentials", r["gst with session"],
                  "AccessDenied", "Cannot call GetSessionToken with session credentials")
        cli_error(c, "assume-role ReadOnly for 2 h (role max 1 h)", r["over role max"],
                  "ValidationError", "The requested DurationSeconds exceeds the "
                  "MaxSessionDuration set for this role.")
        cli_error(c, "assume-role 43201 s", r["43201"], "ValidationError",
                  "1 validation error detected: Value '43201' at 'durationSeconds' failed to "
                  "satisfy constraint: Member must have value less than or equal to 43200")
    if "chained 2h" in r:
        cli_error(c, "chained assume-role for 2 h", r["chained 2h"], "ValidationError",
                  "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                  "assuming other roles.")
        out = cli_ok(c, "chained assume-role for 1 h", r["chained 1h"])
        if out:
            c.equal("chained: Arn", out["AssumedRoleUser"]["Arn"],
                    "arn:aws:sts::222222222222:assumed-role/Deploy/chain")


def main():
    c = Checks()
    state = {}
    with StandIn() as aws:
        for test in (test_get_session_token, test_caller_identity, test_list_mfa_devices,
                     test_assume_role, test_duration_limits):
            c.run(test.__name__, test, aws, state)
        status = aws.stop()
        c.equal("server stopped cleanly on SIGTERM", status, 0)
        log = aws.server_log()
        secrets = [u["access_keys"][0]["secret_access_key"] for u in aws.accounts["users"]]
        for creds in (state.get("alice_session"), state.get("admin_session")):
            if creds:
                secrets += [creds["SecretAccessKey"], creds["SessionToken"]]
        c.check("server log holds no secret", log and not any(s in log for s in secrets))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
