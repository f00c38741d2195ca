#!/usr/bin/python3
"""Fault injection of the stand-in server, each kind observed from a raw client (http.client
over TLS with the test CA): error statuses, delays, truncated and oversized bodies, connection
resets, a skewed server clock; faults scoped to an action; the request log; the control API."""

import email.utils
import http.client
import json
import os
import re
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stand_in import StandIn, strip_namespaces  # noqa: E402
from standin_check import Checks  # noqa: E402

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
BOB_MFA = "arn:aws:iam::111111111111:mfa/bob"


def gst(aws, serial, code, user, **kw):
    return aws.signed_request("GetSessionToken", {"SerialNumber": serial, "TokenCode": code},
                              user=user, **kw)


def test_error_faults(c, aws):
    aws.set_faults({"kind": "error", "status": 500, "code": "InternalFailure", "count": 2})
    c.equal("control: fault pending", [(f["kind"], f["count"]) for f in aws.faults()],
            [("error", 2)])
    statuses = [aws.signed_request("GetCallerIdentity", user="alice") for _ in range(3)]
    c.equal("500 x2 then 200", [r.status for r in statuses], [500, 500, 200])
    r = statuses[0]
    root = strip_namespaces(r.xml())
    c.equal("500: Code", root.findtext("Error/Code"), "InternalFailure")
    c.equal("500: Type Receiver", root.findtext("Error/Type"), "Receiver")
    c.equal("500: Message", root.findtext("Error/Message"),
            "The request processing has failed because of an unknown error, exception or "
            "failure.")
    c.check("500: x-amzn-RequestId and Date", r.headers.get("x-amzn-RequestId") and
            r.headers.get("Date"))
    c.equal("control: no fault left", aws.faults(), [])

    aws.set_faults({"kind": "error", "status": 503})
    r = aws.signed_request("GetCallerIdentity", user="alice")
    c.check("503 ServiceUnavailable", r.status == 503 and r.error_code() == "ServiceUnavailable",
            r)
    aws.set_faults({"kind": "error", "code": "Throttling"})
    r = aws.signed_request("GetCallerIdentity", user="alice", accept_json=True)
    c.equal("Throttling as JSON", (r.status, r.json()["Error"]),
            (400, {"Code": "Throttling", "Message": "Rate exceeded", "Type": "Sender"}))

    aws.set_faults({"kind": "error", "status": 502, "body": "<html>Bad Gateway</html>",
                    "content_type": "text/html", "headers": {"Retry-After": "3"}})
    r = aws.signed_request("GetCallerIdentity", user="alice")
    c.equal("raw body fault", (r.status, r.headers.get("Content-Type"), r.body,
                               r.headers.get("Retry-After")),
            (502, "text/html", b"<html>Bad Gateway</html>", "3"))

    # Scoped to one action; the code in the refused request is not consumed.
    aws.set_faults({"kind": "error", "code": "InternalFailure", "action": "GetSessionToken"})
    r = aws.signed_request("GetCallerIdentity", user="alice")
    c.equal("scoped fault: other action passes", r.status, 200)
    code = aws.totp(ALICE_MFA)
    r = gst(aws, ALICE_MFA, code, "alice")
    c.equal("scoped fault: GetSessionToken gets 500", r.status, 500)
    r = gst(aws, ALICE_MFA, code, "alice")
    c.equal("same code after a 500 fault: accepted", r.status, 200)

    aws.set_faults({"kind": "error", "code": "Throttling", "forever": True, "service": "iam"})
    rs = [aws.signed_request("ListMFADevices", service="iam", user="alice").status
          for _ in range(3)]
    c.equal("forever fault scoped to iam", rs, [400, 400, 400])
    c.equal("... sts unaffected", aws.signed_request("GetCallerIdentity", user="alice").status,
            200)
    aws.clear_faults()
    c.equal("clear_faults", aws.signed_request("ListMFADevices", service="iam",
                                               user="alice").status, 200)


def test_delay(c, aws):
    aws.set_faults({"kind": "delay", "seconds": 0.6})
    t0 = time.monotonic()
    r = aws.signed_request("GetCallerIdentity", user="alice")
    elapsed = time.monotonic() - t0
    c.check("delay 0.6 s: answered after >= 0.6 s", r.status == 200 and elapsed >= 0.6,
            "%s after %.2f s" % (r.status, elapsed))

    aws.set_faults({"kind": "delay", "seconds": 3, "action": "GetSessionToken"})
    timed_out = False
    t0 = time.monotonic()
    try:
        gst(aws, BOB_MFA, aws.totp(BOB_MFA), "bob", timeout=0.5)
    except (socket.timeout, TimeoutError):
        timed_out = True
    c.check("delay 3 s, client timeout 0.5 s: the client times out", timed_out and
            time.monotonic() - t0 < 2.5, time.monotonic() - t0)
    c.equal("... and the server did process it (code consumed)",
            [r["status"] for r in aws.requests() if r["action"] == "GetSessionToken"
             and r["fault"] == "delay"], [200])
    r = gst(aws, BOB_MFA, aws.totp(BOB_MFA, -1), "bob")
    c.equal("... so an older code is now refused", r.error_code(), "AccessDenied")


def raw_post(aws, action, user="alice", timeout=10):
    """A signed request over a plain http.client connection; returns (conn, response) with the
    body unread."""
    p = aws.sign(action, user=user)
    conn = aws.connection(timeout=timeout)
    conn.request(p["method"], p["path"], body=p["body"], headers=p["headers"])
    return conn, conn.getresponse()


def test_truncate(c, aws):
    aws.set_faults({"kind": "truncate"})
    conn, resp = raw_post(aws, "GetCallerIdentity")
    length = int(resp.headers.get("Content-Length"))
    got = b""
    error = None
    try:
        got = resp.read()
    except http.client.IncompleteRead as e:
        error = e
        got = e.partial
    conn.close()
    c.check("truncate: IncompleteRead", isinstance(error, http.client.IncompleteRead), got[:80])
    c.check("truncate: got about half of Content-Length",
            0 < len(got) < length and abs(len(got) - length // 2) <= 1, (len(got), length))
    c.check("truncate: the part is the real response's start",
            got.startswith(b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/'
                           b'2011-06-15/">'), got[:80])

    aws.set_faults({"kind": "truncate", "send_bytes": 0})
    conn, resp = raw_post(aws, "GetCallerIdentity")
    try:
        got = resp.read()
        error = None
    except http.client.IncompleteRead as e:
        error, got = e, e.partial
    conn.close()
    c.check("truncate to 0 bytes: headers only", error is not None and got == b"", got)


def test_oversize(c, aws):
    size = 10 * 1024 * 1024
    aws.set_faults({"kind": "oversize", "bytes": size})
    conn, resp = raw_post(aws, "GetCallerIdentity")
    c.equal("oversize: Content-Length is 10 MiB", resp.headers.get("Content-Length"), str(size))
    body = resp.read()
    conn.close()
    c.equal("oversize: 10 MiB received", len(body), size)
    c.check("oversize: still a well-formed response",
            strip_namespaces(__import__("xml.etree.ElementTree").etree.ElementTree.fromstring(
                body)).findtext("GetCallerIdentityResult/Arn") ==
            "arn:aws:iam::111111111111:user/alice")

    aws.set_faults({"kind": "oversize", "bytes": 3 * 1024 * 1024, "chunked": True})
    conn, resp = raw_post(aws, "GetCallerIdentity")
    c.check("oversize chunked: no Content-Length, chunked",
            resp.headers.get("Content-Length") is None and
            resp.headers.get("Transfer-Encoding") == "chunked", dict(resp.headers))
    body = resp.read()
    conn.close()
    c.equal("oversize chunked: 3 MiB received", len(body), 3 * 1024 * 1024)


def test_reset(c, aws):
    aws.set_faults({"kind": "reset", "action": "GetCallerIdentity"})
    outcome = None
    try:
        conn, resp = raw_post(aws, "GetCallerIdentity")
        outcome = "response %d" % resp.status
    except (ConnectionResetError, http.client.RemoteDisconnected, ssl.SSLError,
            BrokenPipeError) as e:
        outcome = type(e).__name__
    c.check("reset: no response, connection reset", outcome in (
        "ConnectionResetError", "RemoteDisconnected", "SSLError", "SSLEOFError",
        "BrokenPipeError"), outcome)
    entry = [r for r in aws.requests() if r["fault"] == "reset"][-1]
    c.equal("reset: logged", (entry["action"], entry["status"]), ("GetCallerIdentity", "reset"))

    # Reset after processing: the code is consumed although the client saw nothing.
    code = aws.next_totp(ALICE_MFA)
    aws.set_faults({"kind": "reset", "process": True, "action": "GetSessionToken"})
    failed = False
    try:
        gst(aws, ALICE_MFA, code, "alice")
    except (ConnectionResetError, http.client.RemoteDisconnected, ssl.SSLError, BrokenPipeError):
        failed = True
    c.check("reset after processing: client sees no answer", failed)
    r = gst(aws, ALICE_MFA, code, "alice")
    c.equal("... and the code is spent", (r.status, r.error_message()),
            (403, "MultiFactorAuthentication failed, unable to validate MFA code"))
    c.equal("server alive after resets",
            aws.signed_request("GetCallerIdentity", user="alice").status, 200)


def test_clock(c, aws):
    aws.set_clock_offset(3600)
    r = aws.signed_request("GetCallerIdentity", user="alice")
    date = email.utils.parsedate_to_datetime(r.headers.get("Date")).timestamp()
    c.check("server 1 h ahead: Date header shows it", abs(date - time.time() - 3600) < 5,
            r.headers.get("Date"))
    c.equal("server 1 h ahead: our signature has expired", (r.status, r.error_code()),
            (403, "SignatureDoesNotMatch"))
    c.check("... with AWS's message", re.fullmatch(
        r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - "
        r"15 min\.\)", r.error_message() or ""), r.error_message())
    # A client that corrects its clock from the Date header gets through, and codes follow
    # the server's clock.
    r = gst(aws, BOB_MFA, aws.totp(BOB_MFA), "bob", amz_date=date)
    c.equal("re-signed with the Date header's time: accepted", r.status, 200)
    aws.set_clock_offset(-3600)
    r = aws.signed_request("GetCallerIdentity", user="alice")
    c.check("server 1 h behind: Signature not yet current", r.status == 403 and
            (r.error_message() or "").startswith("Signature not yet current: "),
            r.error_message())
    aws.set_clock_offset(0)
    c.equal("offset back to 0", aws.signed_request("GetCallerIdentity", user="alice").status,
            200)


def test_log_and_control(c, aws):
    aws.clear_requests()
    c.equal("log cleared", aws.requests(), [])
    code = aws.totp("GAHT12345678")
    gst(aws, "GAHT12345678", code, "alice")
    aws.signed_request("GetCallerIdentity", user="alice", accept_json=True)
    aws.signed_request("GetCallerIdentity", access_key_id="AKIAALICE0EXAMPLE001",
                       secret_access_key="B" * 40)
    log = aws.requests()
    c.equal("log: three entries", [r["action"] for r in log],
            ["GetSessionToken", "GetCallerIdentity", "GetCallerIdentity"])
    c.equal("log: an MFA call was sent exactly once",
            sum(1 for r in log if r["mfa_code_present"]), 1)
    c.equal("log: signature ok / ok / not ok", [r["signature_ok"] for r in log],
            [True, True, False])
    c.equal("log: JSON flag", [r["json"] for r in log], [False, True, False])
    c.equal("log: statuses", [r["status"] for r in log], [200, 200, 403])
    c.equal("log: fields", sorted(log[0]), sorted([
        "seq", "time", "method", "path", "service", "action", "version", "access_key_id",
        "signature_ok", "session_token_present", "mfa_code_present", "serial_number",
        "duration_seconds", "json", "user_agent", "status", "error_code", "fault",
        "request_id", "region"]))
    dump = json.dumps(log)
    c.check("log: no code, no secret", code not in dump and
            aws.user("alice")["secret_access_key"] not in dump)
    c.equal("log: since", [r["seq"] for r in aws.requests(since=log[1]["seq"])],
            [log[2]["seq"]])

    def control_raw(method, path, body=None):
        conn = aws.connection()
        conn.request(method, "/_stand_in/" + path, body=body)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, json.loads(data)
    status, reply = control_raw("POST", "faults", b"{not json")
    c.check("control: bad JSON is 400", status == 400 and "bad JSON" in reply["error"], reply)
    status, reply = control_raw("POST", "faults", b'{"kind": "explode"}')
    c.check("control: unknown fault kind is 400", status == 400, reply)
    status, reply = control_raw("POST", "faults", b'{"kind": "delay"}')
    c.check("control: delay without seconds is 400", status == 400, reply)
    status, reply = control_raw("GET", "nothing-here")
    c.equal("control: unknown endpoint is 404", status, 404)
    status, reply = control_raw("POST", "clock", b'{"offset": "x"}')
    c.equal("control: bad clock offset is 400", status, 400)
    c.equal("control requests are not logged", len(aws.requests()), 3)


def test_startup_options(c):
    faults = [{"kind": "error", "code": "Throttling", "count": 1}]
    with StandIn(faults=faults, clock_offset=120, quiet=True) as aws:
        r = aws.signed_request("GetCallerIdentity", user="alice")
        c.equal("--faults: first request throttled", (r.status, r.error_code()),
                (400, "Throttling"))
        c.equal("--faults: then normal", aws.signed_request("GetCallerIdentity",
                                                            user="alice").status, 200)
        c.equal("--clock-offset: reported", aws.control("GET", "health")["clock_offset"], 120.0)
        date = email.utils.parsedate_to_datetime(
            aws.signed_request("GetCallerIdentity", user="alice").headers["Date"]).timestamp()
        c.check("--clock-offset: Date header 2 min ahead", abs(date - time.time() - 120) < 5)


def main():
    c = Checks()
    with StandIn() as aws:
        for test in (test_error_faults, test_delay, test_truncate, test_oversize, test_reset,
                     test_clock, test_log_and_control):
            c.run(test.__name__, test, aws)
        c.equal("server stopped cleanly", aws.stop(), 0)
    c.run("test_startup_options", test_startup_options)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
