#!/usr/bin/python3
"""The stand-in server's AWS Query protocol, from a raw client: response shapes (XML and JSON),
SigV4 verification (wrong secret, tampering, signed vs unsigned headers, clock skew),
temporary-credential rules, AWS's validation and error messages, malformed requests."""

import email.utils
import json
import os
import re
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stand_in import IAM_NS, STS_NS, StandIn, strip_namespaces  # noqa: E402
from standin_check import Checks  # noqa: E402

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
ALICE_BACKUP = "arn:aws:iam::111111111111:mfa/alice-backup"
BOB_MFA = "arn:aws:iam::111111111111:mfa/bob"
DAVE_MFA = "arn:aws:iam::444444444444:mfa/dave"
ADMIN = "arn:aws:iam::222222222222:role/Admin"
DEPLOY = "arn:aws:iam::222222222222:role/Deploy"
PARTNER = "arn:aws:iam::333333333333:role/Partner"
OPS = "arn:aws:iam::111111111111:role/team/Ops"
SDNM = ("The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.")
ISO_Z = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def expect_error(c, name, resp, status, code, message=None, message_re=None, ns=STS_NS,
                 kind="Sender"):
    """Check an XML ErrorResponse exactly."""
    c.equal(name + ": HTTP status", resp.status, status)
    try:
        root = resp.xml()
    except Exception as e:
        c.check(name + ": XML body", False, "%s: %r" % (e, resp.body[:300]))
        return
    c.equal(name + ": root element", root.tag, "{%s}ErrorResponse" % ns)
    strip_namespaces(root)
    c.equal(name + ": Error children", [e.tag for e in root.find("Error")],
            ["Type", "Code", "Message"])
    c.equal(name + ": Type", root.findtext("Error/Type"), kind)
    c.equal(name + ": Code", root.findtext("Error/Code"), code)
    if message is not None:
        c.equal(name + ": Message", root.findtext("Error/Message"), message)
    if message_re is not None:
        got = root.findtext("Error/Message")
        c.check(name + ": Message", got and re.fullmatch(message_re, got), got)
    c.equal(name + ": RequestId matches x-amzn-RequestId", root.findtext("RequestId"),
            resp.headers.get("x-amzn-RequestId"))


def session_of(aws, user, **params):
    resp = aws.signed_request("GetSessionToken", params, user=user)
    assert resp.status == 200, resp
    creds = strip_namespaces(resp.xml()).find("GetSessionTokenResult/Credentials")
    return {e.tag: e.text for e in creds}


def as_session(creds):
    return {"access_key_id": creds["AccessKeyId"], "secret_access_key": creds["SecretAccessKey"],
            "session_token": creds["SessionToken"]}


def test_xml_shapes(c, aws, state):
    t0 = time.time()
    resp = aws.signed_request("GetSessionToken", {"DurationSeconds": "3600",
                                                  "SerialNumber": ALICE_MFA,
                                                  "TokenCode": aws.totp(ALICE_MFA)}, user="alice")
    c.equal("GetSessionToken: 200", resp.status, 200)
    c.equal("GetSessionToken: Content-Type", resp.headers.get("Content-Type"), "text/xml")
    c.check("GetSessionToken: x-amzn-RequestId is a UUID", re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        resp.headers.get("x-amzn-RequestId") or ""), resp.headers.get("x-amzn-RequestId"))
    date = resp.headers.get("Date") or ""
    c.check("Date header is RFC 7231", re.fullmatch(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
        r"\d{4} \d\d:\d\d:\d\d GMT", date), date)
    c.check("Date header is the time", abs(email.utils.parsedate_to_datetime(date).timestamp()
                                           - time.time()) < 5, date)
    root = resp.xml()
    c.equal("root: GetSessionTokenResponse in the STS namespace", root.tag,
            "{%s}GetSessionTokenResponse" % STS_NS)
    strip_namespaces(root)
    c.equal("root children", [e.tag for e in root], ["GetSessionTokenResult", "ResponseMetadata"])
    creds = root.find("GetSessionTokenResult/Credentials")
    c.equal("Credentials children", [e.tag for e in creds],
            ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
    exp = creds.findtext("Expiration")
    c.check("Expiration is ISO-8601 Z", re.fullmatch(ISO_Z, exp or ""), exp)
    epoch = time.mktime(time.strptime(exp, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    c.check("Expiration = now + 3600", abs(epoch - t0 - 3600) < 5, exp)
    c.equal("RequestId in body = header", root.findtext("ResponseMetadata/RequestId"),
            resp.headers.get("x-amzn-RequestId"))
    state["alice_mfa_session"] = {e.tag: e.text for e in creds}

    resp = aws.signed_request("GetCallerIdentity", user="alice")
    root = strip_namespaces(resp.xml())
    c.equal("GetCallerIdentity children", [e.tag for e in root.find("GetCallerIdentityResult")],
            ["UserId", "Account", "Arn"])

    resp = aws.signed_request("AssumeRole", {"RoleArn": ADMIN, "RoleSessionName": "shape"},
                              **as_session(state["alice_mfa_session"]))
    c.equal("AssumeRole: 200", resp.status, 200)
    root = resp.xml()
    c.equal("AssumeRole: root", root.tag, "{%s}AssumeRoleResponse" % STS_NS)
    strip_namespaces(root)
    result = root.find("AssumeRoleResult")
    c.equal("AssumeRoleResult children", [e.tag for e in result],
            ["AssumedRoleUser", "Credentials"])
    c.check("AssumedRoleId", re.fullmatch(r"AROA[A-Z2-7]{17}:shape",
                                          result.findtext("AssumedRoleUser/AssumedRoleId") or ""))
    c.equal("AssumedRoleUser Arn", result.findtext("AssumedRoleUser/Arn"),
            "arn:aws:sts::222222222222:assumed-role/Admin/shape")
    state["admin_session"] = {e.tag: e.text for e in result.find("Credentials")}

    resp = aws.signed_request("ListMFADevices", {"MaxItems": "2"}, service="iam", user="alice")
    c.equal("ListMFADevices: 200", resp.status, 200)
    root = resp.xml()
    c.equal("ListMFADevices: root in the IAM namespace", root.tag,
            "{%s}ListMFADevicesResponse" % IAM_NS)
    strip_namespaces(root)
    result = root.find("ListMFADevicesResult")
    c.equal("page 1: IsTruncated", result.findtext("IsTruncated"), "true")
    members = result.findall("MFADevices/member")
    c.equal("page 1: 2 members", [m.findtext("SerialNumber") for m in members],
            [ALICE_MFA, ALICE_BACKUP])
    c.equal("member children", [e.tag for e in members[0]],
            ["UserName", "SerialNumber", "EnableDate"])
    c.equal("EnableDate", members[0].findtext("EnableDate"), "2024-01-15T10:00:00Z")
    marker = result.findtext("Marker")
    c.check("page 1: Marker", bool(marker))
    resp = aws.signed_request("ListMFADevices", {"MaxItems": "2", "Marker": marker},
                              service="iam", user="alice")
    result = strip_namespaces(resp.xml()).find("ListMFADevicesResult")
    c.equal("page 2: IsTruncated", result.findtext("IsTruncated"), "false")
    c.equal("page 2: the last device", [m.findtext("SerialNumber")
                                        for m in result.findall("MFADevices/member")],
            ["GAHT12345678"])
    c.check("page 2: no Marker", result.find("Marker") is None)
    expect_error(c, "bad Marker", aws.signed_request(
        "ListMFADevices", {"Marker": "bm90LWEtbWFya2Vy"}, service="iam", user="alice"),
        400, "ValidationError", ns=IAM_NS)
    expect_error(c, "MaxItems 0", aws.signed_request(
        "ListMFADevices", {"MaxItems": "0"}, service="iam", user="alice"), 400,
        "ValidationError", "1 validation error detected: Value '0' at 'maxItems' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1", ns=IAM_NS)


def test_json(c, aws, state):
    t0 = time.time()
    resp = aws.signed_request("GetSessionToken", {"DurationSeconds": "900"}, user="carol",
                              accept_json=True)
    c.equal("JSON: 200", resp.status, 200)
    c.equal("JSON: Content-Type", resp.headers.get("Content-Type"), "application/json")
    doc = resp.json()
    c.equal("JSON: top level", list(doc), ["GetSessionTokenResponse"])
    body = doc["GetSessionTokenResponse"]
    c.equal("JSON: response members", list(body), ["GetSessionTokenResult", "ResponseMetadata"])
    creds = body["GetSessionTokenResult"]["Credentials"]
    c.equal("JSON: credential members", list(creds),
            ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
    c.check("JSON: Expiration is epoch seconds", isinstance(creds["Expiration"], float) and
            abs(creds["Expiration"] - t0 - 900) < 5, creds["Expiration"])
    c.check("JSON: Expiration written like AWS (1.764000123E9)",
            re.search(r'"Expiration":\d\.\d+E9[,}]', resp.text), resp.text[-120:])
    c.equal("JSON: RequestId", body["ResponseMetadata"]["RequestId"],
            resp.headers.get("x-amzn-RequestId"))

    resp = aws.signed_request("ListMFADevices", {"MaxItems": "1"}, service="iam", user="alice",
                              accept_json=True)
    result = resp.json()["ListMFADevicesResponse"]["ListMFADevicesResult"]
    c.equal("JSON: IsTruncated is a boolean", result["IsTruncated"], True)
    c.check("JSON: MFADevices is an array with EnableDate numbers",
            isinstance(result["MFADevices"], list) and
            result["MFADevices"][0]["EnableDate"] == 1705312800.0, result)
    resp = aws.signed_request("ListMFADevices", {"Marker": result["Marker"]}, service="iam",
                              user="alice", accept_json=True)
    result = resp.json()["ListMFADevicesResponse"]["ListMFADevicesResult"]
    c.equal("JSON: last page Marker is null", result["Marker"], None)

    resp = aws.signed_request("AssumeRole", {"RoleArn": DEPLOY, "RoleSessionName": "json"},
                              user="alice", accept_json=True)
    result = resp.json()["AssumeRoleResponse"]["AssumeRoleResult"]
    c.equal("JSON AssumeRole: members, absent ones null",
            (list(result), result["PackedPolicySize"], result["SourceIdentity"],
             result["AssumedRoleUser"]["Arn"]),
            (["AssumedRoleUser", "Credentials", "PackedPolicySize", "SourceIdentity"], None, None,
             "arn:aws:sts::222222222222:assumed-role/Deploy/json"))

    resp = aws.signed_request("GetSessionToken", {"SerialNumber": ALICE_MFA,
                                                  "TokenCode": aws.invalid_totp(ALICE_MFA)},
                              user="alice", accept_json=True)
    c.equal("JSON error: 403", resp.status, 403)
    c.equal("JSON error: body", resp.json(), {
        "Error": {"Code": "AccessDenied", "Type": "Sender",
                  "Message": "MultiFactorAuthentication failed with invalid MFA one time pass "
                             "code. "},
        "RequestId": resp.headers.get("x-amzn-RequestId")})
    c.equal("JSON error: member order", list(resp.json()["Error"]), ["Code", "Message", "Type"])


def test_signatures(c, aws, state):
    alice = aws.user("alice")
    expect_error(c, "wrong secret", aws.signed_request(
        "GetCallerIdentity", access_key_id=alice["access_key_id"],
        secret_access_key="A" * 40), 403, "SignatureDoesNotMatch", SDNM)
    bad = [r for r in aws.requests() if r["status"] == 403][-1]
    c.check("log: wrong secret has signature_ok false",
            bad["signature_ok"] is False and bad["access_key_id"] == alice["access_key_id"], bad)

    def change_body(p):
        p["body"] = p["body"].replace(b"Version=2011-06-15", b"Version=2011-06-15&X=1")
    expect_error(c, "body changed after signing", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=change_body), 403, "SignatureDoesNotMatch",
        SDNM)

    def change_signed_header(p):
        p["headers"]["X-Custom"] = "changed"
    expect_error(c, "signed header changed", aws.signed_request(
        "GetCallerIdentity", user="alice", headers={"X-Custom": "original"},
        sign_headers=["X-Custom"], tamper=change_signed_header), 403, "SignatureDoesNotMatch")
    resp = aws.signed_request("GetCallerIdentity", user="alice",
                              headers={"X-Unsigned": "anything", "User-Agent": "raw/1.0"})
    c.equal("unsigned headers do not matter", resp.status, 200)

    def drop_host_from_signed(p):
        p["headers"]["Authorization"] = p["headers"]["Authorization"].replace(
            "SignedHeaders=content-type;host;x-amz-date", "SignedHeaders=content-type;x-amz-date")
    expect_error(c, "host not signed", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=drop_host_from_signed), 403,
        "SignatureDoesNotMatch",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")

    resp = aws.signed_request("GetCallerIdentity", user="alice", method="GET")
    c.equal("GET with the query string", resp.status, 200)
    resp = aws.signed_request("GetCallerIdentity", {"Extra": "a b+c/d~e*f'g"}, user="alice",
                              method="GET")
    c.equal("GET with characters that need encoding", resp.status, 200)

    def plus_for_space(p):
        p["path"] = p["path"].replace("%20", "+")
    resp = aws.signed_request("GetCallerIdentity", {"Extra": "a b"}, user="alice", method="GET",
                              tamper=plus_for_space)
    c.equal("GET: '+' for a space is the same parameter", resp.status, 200)

    def raw_plus(p):
        p["path"] = p["path"].replace("%2B", "+")
    resp = aws.signed_request("GetCallerIdentity", {"Extra": "a+b"}, user="alice", method="GET",
                              tamper=raw_plus)
    c.equal("GET: a raw '+' reads as a space, not the '+' that was signed", resp.status, 403)
    resp = aws.signed_request("GetCallerIdentity", user="alice", host="localhost")
    c.equal("Host: localhost", resp.status, 200)

    def change_query(p):
        p["path"] = p["path"].replace("Action=GetCallerIdentity", "Action=GetSessionToken")
    expect_error(c, "query changed after signing", aws.signed_request(
        "GetCallerIdentity", user="alice", method="GET", tamper=change_query), 403,
        "SignatureDoesNotMatch")

    def bad_content_sha(p):
        p["headers"]["X-Amz-Content-SHA256"] = "0" * 64
    expect_error(c, "X-Amz-Content-SHA256 not the body's", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=bad_content_sha), 403, "SignatureDoesNotMatch")

    expect_error(c, "unknown access key", aws.signed_request(
        "GetCallerIdentity", access_key_id="AKIAUNKNOWN000000000", secret_access_key="x" * 40),
        403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    expect_error(c, "inactive access key", aws.signed_request(
        "GetCallerIdentity", access_key_id="AKIABOB00EXAMPLE0002",
        secret_access_key="T3jmF3m//rTQ+PxLpUtpRMA/QqpRfxSeEXAMPLEK"), 403,
        "InvalidClientTokenId")
    expect_error(c, "long-term key with a session token", aws.signed_request(
        "GetCallerIdentity", access_key_id=alice["access_key_id"],
        secret_access_key=alice["secret_access_key"], session_token="IQoJbogus"), 403,
        "InvalidClientTokenId")

    expect_error(c, "scope for another region date", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=lambda p: p["headers"].__setitem__(
            "Authorization", re.sub(r"/(\d{8})/", "/20200101/", p["headers"]["Authorization"]))),
        403, "SignatureDoesNotMatch", message_re=r"Date in Credential scope does not match "
        r"YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '\d{8}', from "
        r"'\d{8}T\d{6}Z'\.")
    expect_error(c, "scope for another service", aws.signed_request(
        "GetCallerIdentity", user="alice", service="s3", version="2011-06-15"), 403,
        "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ")
    resp = aws.signed_request("GetCallerIdentity", user="alice", region="eu-central-1")
    c.equal("STS signed for a regional endpoint", resp.status, 200)


def test_skew(c, aws, state):
    now = time.time()
    resp = aws.signed_request("GetCallerIdentity", user="alice", amz_date=now - 14 * 60)
    c.equal("14 min slow: accepted", resp.status, 200)
    resp = aws.signed_request("GetCallerIdentity", user="alice", amz_date=now + 14 * 60)
    c.equal("14 min fast: accepted", resp.status, 200)
    resp = aws.signed_request("GetSessionToken", {"SerialNumber": ALICE_BACKUP,
                                                  "TokenCode": aws.totp(ALICE_BACKUP)},
                              user="alice", amz_date=now - 20 * 60)
    expect_error(c, "20 min slow", resp, 403, "SignatureDoesNotMatch",
                 message_re=r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                 r"\(\d{8}T\d{6}Z - 15 min\.\)")
    m = re.search(r"expired: (\S+) is now earlier than (\S+) \((\S+) - 15", resp.text)
    if m:
        def ep(s):
            return time.mktime(time.strptime(s, "%Y%m%dT%H%M%SZ")) - time.timezone
        c.check("skew message: request time", abs(ep(m.group(1)) - (now - 1200)) <= 1, m.group(0))
        c.check("skew message: server time - 15 min",
                abs(ep(m.group(3)) - ep(m.group(2)) - 900) < 1 and
                abs(ep(m.group(3)) - time.time()) < 5, m.group(0))
    # The refusal came before the code was looked at: the same code still works.
    resp = aws.signed_request("GetSessionToken", {"SerialNumber": ALICE_BACKUP,
                                                  "TokenCode": aws.totp(ALICE_BACKUP)},
                              user="alice")
    c.equal("the code refused with the skew is still unused", resp.status, 200)
    expect_error(c, "20 min fast", aws.signed_request(
        "GetCallerIdentity", user="alice", amz_date=now + 20 * 60), 403, "SignatureDoesNotMatch",
        message_re=r"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z "
        r"\(\d{8}T\d{6}Z \+ 15 min\.\)")


def test_sessions(c, aws, state):
    creds = state.get("alice_mfa_session")
    if not creds:
        c.check("sessions: need the MFA session", False)
        return
    resp = aws.signed_request("GetCallerIdentity", **as_session(creds))
    c.equal("session credentials with token", resp.status, 200)
    no_token = dict(as_session(creds), session_token=None)
    expect_error(c, "session key without token", aws.signed_request(
        "GetCallerIdentity", **no_token), 403, "InvalidClientTokenId")
    wrong = dict(as_session(creds), session_token=creds["SessionToken"][:-4] + "AAAA")
    expect_error(c, "session key with another token", aws.signed_request(
        "GetCallerIdentity", **wrong), 403, "InvalidClientTokenId")
    expect_error(c, "GetSessionToken with session credentials", aws.signed_request(
        "GetSessionToken", **as_session(creds)), 403, "AccessDenied",
        "Cannot call GetSessionToken with session credentials")

    carol = session_of(aws, "carol", DurationSeconds="900")
    n = aws.expire_sessions(carol["AccessKeyId"])
    c.equal("control: one session expired", n, 1)
    expect_error(c, "expired session", aws.signed_request(
        "GetCallerIdentity", **as_session(carol)), 400, "ExpiredToken",
        "The security token included in the request is expired")
    view = [s for s in aws.sessions() if s["access_key_id"] == carol["AccessKeyId"]]
    c.check("control: sessions listed without secrets", view and
            "secret_access_key" not in view[0] and "session_token" not in view[0] and
            carol["SecretAccessKey"] not in json.dumps(aws.sessions()), view)

    # Role rules.
    admin = state.get("admin_session")
    expect_error(c, "assumed role: ListMFADevices without UserName", aws.signed_request(
        "ListMFADevices", service="iam", **as_session(admin)), 400, "ValidationError",
        "Must specify userName when calling with non-User credentials", ns=IAM_NS)
    resp = aws.signed_request("ListMFADevices", {"UserName": "bob"}, service="iam",
                              **as_session(admin))
    c.equal("assumed role: ListMFADevices of a user of the role's account", resp.status, 404)
    expect_error(c, "assumed role, chained 3601 s", aws.signed_request(
        "AssumeRole", {"RoleArn": DEPLOY, "RoleSessionName": "chain",
                       "DurationSeconds": "3601"}, **as_session(admin)), 400, "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assuming "
        "other roles.")
    resp = aws.signed_request("AssumeRole", {"RoleArn": DEPLOY, "RoleSessionName": "chain"},
                              **as_session(admin))
    c.equal("assumed role, chained default duration", resp.status, 200)

    expect_error(c, "role requiring MFA, long-term key, no code", aws.signed_request(
        "AssumeRole", {"RoleArn": OPS, "RoleSessionName": "ops"}, user="alice"), 403,
        "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to "
        "perform: sts:AssumeRole on resource: " + OPS)
    resp = aws.signed_request("AssumeRole", {"RoleArn": OPS, "RoleSessionName": "ops",
                                             "SerialNumber": "GAHT12345678",
                                             "TokenCode": aws.totp("GAHT12345678")}, user="alice")
    c.equal("role requiring MFA, with a code (hardware serial)", resp.status, 200)
    c.equal("role with a path: assumed-role ARN has its name",
            resp.find("AssumeRoleResult/AssumedRoleUser/Arn"),
            "arn:aws:sts::111111111111:assumed-role/Ops/ops")
    expect_error(c, "role of another account that does not trust it", aws.signed_request(
        "AssumeRole", {"RoleArn": ADMIN, "RoleSessionName": "dave", "SerialNumber": DAVE_MFA,
                       "TokenCode": aws.totp(DAVE_MFA)}, user="dave"), 403, "AccessDenied",
        "User: arn:aws:iam::444444444444:user/dave is not authorized to perform: "
        "sts:AssumeRole on resource: " + ADMIN)
    expect_error(c, "no such role", aws.signed_request(
        "AssumeRole", {"RoleArn": "arn:aws:iam::222222222222:role/Nope",
                       "RoleSessionName": "x1"}, user="alice"), 403, "AccessDenied")
    expect_error(c, "wrong external id", aws.signed_request(
        "AssumeRole", {"RoleArn": PARTNER, "RoleSessionName": "p1", "ExternalId": "wrong-id"},
        user="alice"), 403, "AccessDenied")
    resp = aws.signed_request("AssumeRole", {"RoleArn": PARTNER, "RoleSessionName": "p1",
                                             "ExternalId": "partner-ext-id-42",
                                             "DurationSeconds": "7200"}, user="alice")
    c.equal("right external id, 2 h (role max)", resp.status, 200)
    expect_error(c, "another user's device", aws.signed_request(
        "AssumeRole", {"RoleArn": OPS, "RoleSessionName": "ops", "SerialNumber": BOB_MFA,
                       "TokenCode": aws.totp(BOB_MFA)}, user="alice"), 403, "AccessDenied",
        "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA "
        "serial number is valid and associated with this user.")

    # Codes: previous and next steps are accepted, each once, never going back.
    aws.reset_mfa("arn:aws:iam::111111111111:mfa/bob")
    aws.wait_for_step_margin()
    prev_code, cur_code, next_code = (aws.totp(BOB_MFA, s) for s in (-1, 0, 1))
    results = [aws.signed_request("GetSessionToken", {"SerialNumber": BOB_MFA, "TokenCode": code},
                                  user="bob").status
               for code in (prev_code, cur_code, cur_code, prev_code, next_code)]
    c.equal("codes of steps -1, 0, 0 again, -1 again, +1", results, [200, 200, 403, 403, 200])
    resp = aws.signed_request("GetSessionToken", {"SerialNumber": BOB_MFA,
                                                  "TokenCode": aws.totp(BOB_MFA, 2)}, user="bob")
    expect_error(c, "code two steps ahead", resp, 403, "AccessDenied",
                 "MultiFactorAuthentication failed with invalid MFA one time pass code. ")


def test_validation(c, aws, state):
    expect_error(c, "RoleSessionName with a space", aws.signed_request(
        "AssumeRole", {"RoleArn": DEPLOY, "RoleSessionName": "bad name"}, user="alice"), 400,
        "ValidationError", "1 validation error detected: Value 'bad name' at 'roleSessionName' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w+=,.@-]*")
    expect_error(c, "RoleSessionName of 65", aws.signed_request(
        "AssumeRole", {"RoleArn": DEPLOY, "RoleSessionName": "a" * 65}, user="alice"), 400,
        "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed "
        "to satisfy constraint: Member must have length less than or equal to 64" % ("a" * 65))
    resp = aws.signed_request("AssumeRole", {"RoleArn": DEPLOY,
                                             "RoleSessionName": "a.b@c=d,e+f-g_" + "h" * 50},
                              user="alice")
    c.equal("RoleSessionName of 64 with every allowed sign", resp.status, 200)
    expect_error(c, "AssumeRole without RoleArn", aws.signed_request(
        "AssumeRole", {"RoleSessionName": "abc"}, user="alice"), 400, "ValidationError",
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
        "Member must not be null")
    expect_error(c, "DurationSeconds not a number", aws.signed_request(
        "GetSessionToken", {"DurationSeconds": "soon"}, user="carol"), 400, "ValidationError")
    expect_error(c, "unknown action", aws.signed_request("GetFederationToken", user="alice"),
                 400, "InvalidAction",
                 "Could not find operation GetFederationToken for version 2011-06-15")
    expect_error(c, "IAM action at the STS scope", aws.signed_request(
        "ListMFADevices", user="alice", version="2010-05-08"), 400, "InvalidAction",
        "Could not find operation ListMFADevices for version 2010-05-08")
    expect_error(c, "no Version", aws.signed_request("GetCallerIdentity", user="alice",
                                                     version=False), 400, "InvalidAction",
                 "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED")
    expect_error(c, "no Action", aws.signed_request(None, user="alice"), 400, "MissingAction")


def raw_exchange(aws, data, read=True):
    """Send raw bytes over TLS; return what came back (until close or 2 s)."""
    sock = socket.create_connection(("127.0.0.1", aws.port), timeout=2)
    tls = aws.ssl_context().wrap_socket(sock, server_hostname="127.0.0.1")
    try:
        tls.sendall(data)
        out = b""
        while read:
            try:
                chunk = tls.recv(65536)
            except (socket.timeout, ssl.SSLError, OSError):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                m = re.search(rb"Content-Length: (\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
        return out
    finally:
        tls.close()


def test_malformed(c, aws, state):
    resp = aws.connection()
    resp.request("POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = resp.getresponse()
    body = r.read()
    c.equal("no Authorization: 403", r.status, 403)
    c.check("no Authorization: MissingAuthenticationToken",
            b"<Code>MissingAuthenticationToken</Code>" in body and
            b"<Message>Request is missing Authentication Token</Message>" in body, body)
    resp.close()

    def cut_signature(p):
        p["headers"]["Authorization"] = p["headers"]["Authorization"].split(", Signature=")[0]
    resp = aws.signed_request("GetCallerIdentity", user="alice", tamper=cut_signature)
    expect_error(c, "Authorization without Signature", resp, 400, "IncompleteSignature",
                 message_re=r"Authorization header requires 'Signature' parameter\. "
                 r"Authorization=AWS4-HMAC-SHA256 .*")

    def bad_credential(p):
        p["headers"]["Authorization"] = re.sub(r"Credential=[^,]*", "Credential=AKIAONLY",
                                               p["headers"]["Authorization"])
    expect_error(c, "Credential with one element", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=bad_credential), 400, "IncompleteSignature",
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got 'AKIAONLY'")

    def no_date(p):
        del p["headers"]["X-Amz-Date"]
    expect_error(c, "no X-Amz-Date", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=no_date), 400, "IncompleteSignature",
        message_re=r".*Authorization header requires existence of either a 'X-Amz-Date' or a "
        r"'Date' header\..*")

    def bad_date(p):
        p["headers"]["X-Amz-Date"] = "yesterday"
    expect_error(c, "bad X-Amz-Date", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=bad_date), 400, "IncompleteSignature",
        message_re=r"Date must be in ISO-8601 'basic format'\. Got 'yesterday'\..*")

    def other_algorithm(p):
        p["headers"]["Authorization"] = "AWS3 " + p["headers"]["Authorization"].split(" ", 1)[1]
    expect_error(c, "other algorithm", aws.signed_request(
        "GetCallerIdentity", user="alice", tamper=other_algorithm), 400, "IncompleteSignature")

    resp = aws.signed_request("GetCallerIdentity", user="alice", body=b"Action=%FF%FE&Version=x")
    expect_error(c, "form data that is not UTF-8", resp, 404, "MalformedQueryString",
                 "The query string contains a syntax error.")
    resp = aws.signed_request("GetCallerIdentity", user="alice", body=b"&&==&=&Action")
    c.equal("junk form data, signed: MissingAction", resp.error_code(), "MissingAction")

    out = raw_exchange(aws, b"THIS IS NOT HTTP\r\n\r\n")
    c.check("garbage request line: a 400 page", b"Error code: 400" in out, out[:80])
    out = raw_exchange(aws, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n")
    c.check("bad Content-Length: 400", out.startswith(b"HTTP/1.1 400"), out[:80])
    out = raw_exchange(aws, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
    c.check("huge Content-Length: 413", out.startswith(b"HTTP/1.1 413"), out[:80])
    out = raw_exchange(aws, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                            b"6\r\nAction\r\n0\r\n\r\n")
    c.check("chunked body: parsed (403 unsigned)", out.startswith(b"HTTP/1.1 403") and
            b"MissingAuthenticationToken" in out, out[:200])
    # Plain TCP junk where a TLS handshake should be.
    sock = socket.create_connection(("127.0.0.1", aws.port), timeout=2)
    sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
    try:
        sock.recv(100)
    except OSError:
        pass
    sock.close()
    resp = aws.signed_request("GetCallerIdentity", user="alice")
    c.equal("server still answers after all that", resp.status, 200)


def test_concurrency(c, aws, state):
    # A client that connects and never says anything must not hold anybody up.
    idle = socket.create_connection(("127.0.0.1", aws.port))
    results = []
    lock = threading.Lock()

    def call():
        status = aws.signed_request("GetCallerIdentity", user="alice", timeout=20).status
        with lock:
            results.append(status)

    threads = [threading.Thread(target=call) for _ in range(24)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    idle.close()
    c.equal("24 concurrent requests, all 200", results, [200] * 24)
    c.check("... in reasonable time", time.time() - t0 < 15, time.time() - t0)

    conn = aws.connection()
    statuses = []
    for _ in range(3):
        conn.request("GET", "/_stand_in/health")
        r = conn.getresponse()
        r.read()
        statuses.append(r.status)
    conn.close()
    c.equal("keep-alive: three requests on one connection", statuses, [200, 200, 200])


def main():
    c = Checks()
    state = {}
    with StandIn(quiet=True) as aws:
        for test in (test_xml_shapes, test_json, test_signatures, test_skew, test_sessions,
                     test_validation, test_malformed, test_concurrency):
            c.run(test.__name__, test, aws, state)
        c.equal("server stopped cleanly", aws.stop(), 0)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
