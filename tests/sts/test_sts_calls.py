"""AmtAwsClient (through amt-sts-tool) against the stand-in STS/IAM server, which checks every
signature with botocore and every code as TOTP: each call with long-term and with session
credentials, XML and JSON answers, regional and global signing, the endpoint from each
variable and from the profile, the CA bundle, and how each AWS refusal maps to an error code
and its sentence."""

import time

from stand_in import StandIn
from sts_helper import (Checks, call, count, creds_of, expect_error, expect_ok, run_tool,
                        session_creds)

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
BOB_MFA = "arn:aws:iam::111111111111:mfa/bob"
ADMIN = "arn:aws:iam::222222222222:role/Admin"
READ_ONLY = "arn:aws:iam::222222222222:role/ReadOnly"
DEPLOY = "arn:aws:iam::222222222222:role/Deploy"
PARTNER = "arn:aws:iam::333333333333:role/Partner"

SENTENCES = {
    "invalid-mfa-code": "The MFA code was not accepted. Check the device and type the current "
                        "code; if you just used this code, wait for the next one.",
    "mfa-code-reused": "This code was already used. Wait for the next code and try again.",
    "wrong-mfa-serial": "AWS does not know this MFA device for your user. Check the profile's "
                        "MFA device (mfa_serial).",
    "access-denied": "AWS denied the request. Check the role ARN and external ID, and that your "
                     "user may assume the role.",
    "expired-token": "The session has expired. Log in again with a new MFA code.",
    "invalid-client-token": "AWS does not accept the access key. Check aws_access_key_id in the "
                            "credentials file; the key may be deleted or inactive.",
    "signature": "AWS could not verify the request's signature. Check aws_secret_access_key in "
                 "the credentials file.",
    "tls": "The secure connection to AWS failed. Check the CA bundle (AWS_CA_BUNDLE or "
           "ca_bundle) and any proxy that intercepts HTTPS.",
    "network": "Could not reach AWS. Check your network connection and proxy, then try again.",
    "invalid-endpoint": "The endpoint URL is not valid. Check AWS_ENDPOINT_URL and the "
                        "profile's endpoint_url.",
}


def main():
    checks = Checks()
    with StandIn() as aws:
        alice = creds_of(aws.user("alice"))
        sts_env = {"AWS_ENDPOINT_URL_STS": aws.url, "AWS_CA_BUNDLE": aws.ca_bundle}
        iam_env = {"AWS_ENDPOINT_URL_IAM": aws.url, "AWS_CA_BUNDLE": aws.ca_bundle}
        state = {}

        def last_request():
            return aws.requests()[-1]

        def get_session_token_with_mfa():
            aws.wait_for_step_margin()
            before = time.time()
            r = expect_ok(call("GetSessionToken", "--serial", ALICE_MFA,
                               "--code", aws.totp(ALICE_MFA), "--duration", "3600",
                               env=sts_env, **alice))
            assert r["access_key_id"].startswith("ASIA"), r
            assert abs(r["expiration_unix"] - (aws.server_time() + 3600)) < 60, r
            assert r["expiration_unix"] > before
            log = last_request()
            assert log["action"] == "GetSessionToken" and log["signature_ok"] is True, log
            assert log["mfa_code_present"] and log["serial_number"] == ALICE_MFA, log
            assert log["duration_seconds"] == "3600", log
            assert log["user_agent"].startswith("aws-mfa-tray/"), log
            assert r["clock_skew"] == 0, r
            state["mfa_session"] = session_creds(r)

        def get_session_token_plain_json():
            r = expect_ok(call("GetSessionToken", "--json",
                               env=aws.endpoint_env(),
                               **alice))
            log = last_request()
            assert log["json"] is True and not log["mfa_code_present"], log
            # The JSON form's epoch-number expiration, default 12 h.
            assert abs(r["expiration_unix"] - (aws.server_time() + 43200)) < 60, r
            state["plain_session"] = session_creds(r)

        def caller_identity_long_term_profile_endpoint():
            r = expect_ok(call("GetCallerIdentity", "--endpoint-url", aws.url,
                               "--ca-bundle", aws.ca_bundle, **alice))
            assert r["account"] == "111111111111", r
            assert r["arn"] == "arn:aws:iam::111111111111:user/alice", r
            assert r["user_id"].startswith("AIDA"), r

        def caller_identity_session():
            for fmt in ([], ["--json"]):
                r = expect_ok(call("GetCallerIdentity", *fmt, env=sts_env, **state["mfa_session"]))
                assert r["arn"] == "arn:aws:iam::111111111111:user/alice", r
                log = last_request()
                assert log["session_token_present"] and log["signature_ok"] is True, log

        def caller_identity_regional_signing():
            # The regional endpoint's region is the signing region; the stand-in takes any.
            r = expect_ok(call("GetCallerIdentity", "--region", "eu-west-1", env=sts_env, **alice))
            assert r["account"] == "111111111111"

        def endpoint_precedence():
            bad = "https://127.0.0.1:1"
            expect_ok(call("GetCallerIdentity", "--endpoint-url", bad,
                           env=aws.endpoint_env(),
                           **alice))
            expect_ok(call("GetCallerIdentity", "--endpoint-url", bad,
                           env={"AWS_ENDPOINT_URL": bad, "AWS_ENDPOINT_URL_STS": aws.url,
                                "AWS_CA_BUNDLE": aws.ca_bundle}, **alice))
            # AWS_ENDPOINT_URL_IAM is for IAM only.
            r = call("GetCallerIdentity", "--connect-timeout", "2000", "--max-attempts", "1",
                     env={"AWS_ENDPOINT_URL": bad, "AWS_ENDPOINT_URL_IAM": aws.url,
                          "AWS_CA_BUNDLE": aws.ca_bundle}, **alice)
            expect_error(r, "network", SENTENCES["network"])
            # AWS_CA_BUNDLE over the profile's ca_bundle.
            expect_ok(call("GetCallerIdentity", "--ca-bundle", "/nonexistent/ca.pem",
                           env=sts_env, **alice))

        def assume_role_with_mfa_session():
            r = expect_ok(call("AssumeRole", "--role-arn", ADMIN, "--duration", "3600",
                               env=sts_env, **state["mfa_session"]))
            assert r["access_key_id"].startswith("ASIA"), r
            assert r["assumed_role_arn"].startswith("arn:aws:sts::222222222222:assumed-role/Admin/aws-mfa-tray-"), r
            sessions = [s for s in aws.sessions() if s["access_key_id"] == r["access_key_id"]]
            assert sessions and sessions[0]["session_name"].startswith("aws-mfa-tray-"), sessions
            assert sessions[0]["mfa"] is True, sessions
            state["role_session"] = session_creds(r)

        def assume_role_direct_with_code():
            aws.wait_for_step_margin()
            r = expect_ok(call("AssumeRole", "--role-arn", "arn:aws:iam::111111111111:role/team/Ops",
                               "--session-name", "direct", "--serial", ALICE_MFA,
                               "--code", aws.next_totp(ALICE_MFA), "--json",
                               env=sts_env, **alice))
            assert r["assumed_role_arn"].endswith("assumed-role/Ops/direct"), r
            log = last_request()
            assert log["mfa_code_present"] and log["signature_ok"] is True, log

        def assume_role_external_id():
            expect_ok(call("AssumeRole", "--role-arn", PARTNER, "--external-id", "partner-ext-id-42",
                           env=sts_env, **alice))
            r = call("AssumeRole", "--role-arn", PARTNER, env=sts_env, **alice)
            expect_error(r, "access-denied", SENTENCES["access-denied"])

        def caller_identity_role_session():
            r = expect_ok(call("GetCallerIdentity", env=sts_env, **state["role_session"]))
            assert r["arn"].startswith("arn:aws:sts::222222222222:assumed-role/Admin/"), r

        def list_mfa_devices_paginated():
            aws.clear_requests()
            r = expect_ok(call("ListMFADevices", "--page-size", "1", "--region", "eu-west-1",
                               env=iam_env, **alice))
            assert r["serials"] == [ALICE_MFA, ALICE_MFA + "-backup", "GAHT12345678"], r
            log = aws.requests()
            assert count(log, "ListMFADevices", signature_ok=True, service="iam") == 3, log

        def list_mfa_devices_session_and_json():
            r = expect_ok(call("ListMFADevices", "--json", "--page-size", "2",
                               env=aws.endpoint_env(),
                               **state["mfa_session"]))
            assert r["serials"] == [ALICE_MFA, ALICE_MFA + "-backup", "GAHT12345678"], r
            r = expect_ok(call("ListMFADevices", "--user-name", "bob", "--endpoint-url", aws.url,
                               "--ca-bundle", aws.ca_bundle, **alice))
            assert r["serials"] == [BOB_MFA], r
            # A role session must name the user: a ValidationError not about the duration.
            r = call("ListMFADevices", "--endpoint-url", aws.url, "--ca-bundle", aws.ca_bundle,
                     **state["role_session"])
            expect_error(r, "invalid-parameter")

        def error_invalid_code():
            r = call("GetSessionToken", "--serial", ALICE_MFA, "--code", aws.invalid_totp(ALICE_MFA),
                     env=sts_env, **alice)
            expect_error(r, "invalid-mfa-code", SENTENCES["invalid-mfa-code"])

        def error_reused_code():
            aws.wait_for_step_margin()
            code = aws.totp(ALICE_MFA, steps=1)
            aws.reset_mfa(ALICE_MFA)
            expect_ok(call("GetSessionToken", "--serial", ALICE_MFA, "--code", code, env=sts_env, **alice))
            # Another process (another tool) sends the same code: AWS refuses it as reused.
            r = call("GetSessionToken", "--serial", ALICE_MFA, "--code", code, env=sts_env, **alice)
            expect_error(r, "mfa-code-reused", SENTENCES["mfa-code-reused"])

        def reused_code_refused_locally():
            aws.wait_for_step_margin()
            aws.reset_mfa(ALICE_MFA)
            aws.clear_requests()
            results = run_tool("GetSessionToken", "--serial", ALICE_MFA, "--code",
                               aws.totp(ALICE_MFA), "--repeat", "2", env=sts_env, **alice)
            expect_ok(results[0])
            expect_error(results[1], "mfa-code-reused", SENTENCES["mfa-code-reused"])
            assert count(aws.requests(), "GetSessionToken") == 1, aws.requests()

        def error_wrong_serial():
            r = call("GetSessionToken", "--serial", BOB_MFA, "--code", aws.totp(BOB_MFA),
                     env=sts_env, **alice)
            expect_error(r, "wrong-mfa-serial", SENTENCES["wrong-mfa-serial"])

        def error_invalid_client_token():
            r = call("GetCallerIdentity", env=sts_env, access_key_id="AKIAUNKNOWN000000000",
                     secret_access_key="x" * 40)
            expect_error(r, "invalid-client-token", SENTENCES["invalid-client-token"])

        def error_signature():
            r = call("GetCallerIdentity", env=sts_env, access_key_id=alice["access_key_id"],
                     secret_access_key="wrong" + alice["secret_access_key"][5:])
            expect_error(r, "signature", SENTENCES["signature"])

        def error_expired_token():
            aws.expire_sessions(state["plain_session"]["access_key_id"])
            r = call("GetCallerIdentity", env=sts_env, **state["plain_session"])
            expect_error(r, "expired-token", SENTENCES["expired-token"])

        def error_duration_too_long():
            r = call("GetSessionToken", "--duration", "129601", env=sts_env, **alice)
            expect_error(r, "duration-too-long",
                         "The requested session is longer than allowed (at most 36 hours). "
                         "Choose a shorter duration.")
            r = call("AssumeRole", "--role-arn", READ_ONLY, "--duration", "7200", env=sts_env, **alice)
            expect_error(r, "duration-too-long",
                         "The requested session is longer than the role allows. Choose a "
                         "shorter duration.")
            r = call("AssumeRole", "--role-arn", DEPLOY, "--duration", "7200", env=sts_env,
                     **state["role_session"])
            expect_error(r, "duration-too-long",
                         "The requested session is longer than allowed (at most 1 hour). "
                         "Choose a shorter duration.")

        def error_session_credentials_for_get_session_token():
            r = call("GetSessionToken", env=sts_env, **state["mfa_session"])
            expect_error(r, "access-denied")

        def error_no_such_user():
            r = call("ListMFADevices", "--user-name", "mallory", env=iam_env, **alice)
            expect_error(r, "failed")
            assert "NoSuchEntity" in r["message"], r

        def tls_wrong_ca_bundle():
            for bundle in ["/etc/ssl/certs/ca-certificates.crt", "/nonexistent/ca.pem", None]:
                env = {"AWS_ENDPOINT_URL_STS": aws.url}
                if bundle:
                    env["AWS_CA_BUNDLE"] = bundle
                aws.clear_requests()
                r = call("GetCallerIdentity", env=env, **alice)
                expect_error(r, "tls", SENTENCES["tls"])
                assert aws.requests() == [], aws.requests()

        def tls_wrong_host_name():
            # The certificate is for 127.0.0.1 and localhost; verification covers the name too.
            url = aws.url.replace("127.0.0.1", "127.0.0.2")
            r = call("GetCallerIdentity", env={"AWS_ENDPOINT_URL_STS": url,
                                               "AWS_CA_BUNDLE": aws.ca_bundle}, **alice)
            assert r["code"] in ("tls", "network"), r

        def connection_refused():
            r = call("GetCallerIdentity", "--retry-delay", "10",
                     env={"AWS_ENDPOINT_URL_STS": "https://127.0.0.1:1", "AWS_CA_BUNDLE": aws.ca_bundle},
                     **alice)
            expect_error(r, "network", SENTENCES["network"])

        def invalid_endpoint():
            r = call("GetCallerIdentity", env={"AWS_ENDPOINT_URL": "ftp://127.0.0.1/"}, **alice)
            expect_error(r, "invalid-endpoint", SENTENCES["invalid-endpoint"])

        def no_secret_in_server_log():
            log = aws.server_log()
            assert alice["secret_access_key"] not in log
            assert state["mfa_session"]["session_token"] not in log

        for name, func in [
            ("GetSessionToken, long-term keys, MFA code, AWS_ENDPOINT_URL_STS", get_session_token_with_mfa),
            ("GetSessionToken, no MFA, JSON answer, AWS_ENDPOINT_URL", get_session_token_plain_json),
            ("GetCallerIdentity, long-term keys, profile endpoint_url and ca_bundle", caller_identity_long_term_profile_endpoint),
            ("GetCallerIdentity, session credentials, XML and JSON", caller_identity_session),
            ("GetCallerIdentity, signed for the profile's region", caller_identity_regional_signing),
            ("endpoint and CA bundle precedence", endpoint_precedence),
            ("AssumeRole with the MFA session, default session name", assume_role_with_mfa_session),
            ("AssumeRole with long-term keys and its own code", assume_role_direct_with_code),
            ("AssumeRole with an external id", assume_role_external_id),
            ("GetCallerIdentity, role session credentials", caller_identity_role_session),
            ("ListMFADevices, pages, AWS_ENDPOINT_URL_IAM, signed us-east-1", list_mfa_devices_paginated),
            ("ListMFADevices, MFA session (JSON), another user, role session", list_mfa_devices_session_and_json),
            ("error: invalid MFA code", error_invalid_code),
            ("error: MFA code reused", error_reused_code),
            ("a code is never sent twice by one client", reused_code_refused_locally),
            ("error: wrong MFA serial", error_wrong_serial),
            ("error: unknown access key", error_invalid_client_token),
            ("error: wrong secret", error_signature),
            ("error: expired session", error_expired_token),
            ("error: duration too long, with the maximum", error_duration_too_long),
            ("error: GetSessionToken with session credentials", error_session_credentials_for_get_session_token),
            ("error: unknown user (server message kept)", error_no_such_user),
            ("TLS: CA bundle without the server's CA, missing, or none", tls_wrong_ca_bundle),
            ("TLS: host name not in the certificate", tls_wrong_host_name),
            ("network: connection refused", connection_refused),
            ("invalid endpoint URL", invalid_endpoint),
            ("no secret in the server log", no_secret_in_server_log),
        ]:
            checks.run(name, func)

    with StandIn(reused_code_style="invalid") as aws:
        alice = creds_of(aws.user("alice"))
        sts_env = {"AWS_ENDPOINT_URL_STS": aws.url, "AWS_CA_BUNDLE": aws.ca_bundle}

        def reused_code_invalid_style():
            aws.wait_for_step_margin()
            code = aws.totp(ALICE_MFA)
            expect_ok(call("GetSessionToken", "--serial", ALICE_MFA, "--code", code, env=sts_env, **alice))
            r = call("GetSessionToken", "--serial", ALICE_MFA, "--code", code, env=sts_env, **alice)
            # AWS's invalid-code message for a reused code: the sentence covers both.
            expect_error(r, "invalid-mfa-code", SENTENCES["invalid-mfa-code"])

        checks.run("reused code answered with the invalid-code message", reused_code_invalid_style)

    checks.finish()


if __name__ == "__main__":
    main()
