"""AmtAwsClient (through amt-sts-tool) against every fault of the stand-in server: error
statuses, throttling, delays (time-outs), truncated and oversized bodies, connection resets,
a skewed server clock, non-AWS error pages, cancellation. Nothing crashes; each failure maps to
its error code and sentence; retries are bounded, and a request that carried an MFA code is
never sent again (the request log counts them) — except the one re-sign after a clock-skew
refusal, which AWS gives before it looks at the code."""

import time

from stand_in import StandIn
from sts_helper import Checks, call, count, creds_of, expect_error, expect_ok

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"

SENTENCES = {
    "server": "AWS had a temporary problem. Try again in a few minutes.",
    "throttled": "AWS is limiting the request rate. Wait a minute and try again.",
    "timeout": "AWS did not answer in time. Check your network connection and try again.",
    "invalid-response": "The server's answer was incomplete or not from AWS. Check the endpoint "
                        "URL and any proxy, then try again.",
    "response-too-large": "The server's answer was too large to be from AWS. Check the endpoint "
                          "URL and any proxy.",
    "network": "Could not reach AWS. Check your network connection and proxy, then try again.",
    "mfa-code-reused": "This code was already used. Wait for the next code and try again.",
}


def main():
    checks = Checks()
    with StandIn() as aws:
        alice = creds_of(aws.user("alice"))
        env = aws.endpoint_env()
        fast = ["--retry-delay", "20"]

        def fresh():
            aws.clear_faults()
            aws.set_clock_offset(0)
            aws.clear_requests()

        def identity(*args):
            return call("GetCallerIdentity", *fast, *args, env=env, **alice)

        def session_with_code(*args):
            aws.wait_for_step_margin()
            aws.reset_mfa(ALICE_MFA)
            return call("GetSessionToken", *fast, "--serial", ALICE_MFA,
                        "--code", aws.totp(ALICE_MFA), *args, env=env, **alice)

        def settle(action, expected, timeout=10):
            """The log entry of a delayed request appears once the server answered."""
            deadline = time.time() + timeout
            while count(aws.requests(), action) < expected and time.time() < deadline:
                time.sleep(0.1)
            time.sleep(0.3)
            return count(aws.requests(), action)

        def error_500_retried():
            fresh()
            aws.set_faults({"kind": "error", "status": 500, "action": "GetCallerIdentity"})
            expect_ok(identity())
            assert count(aws.requests(), "GetCallerIdentity") == 2, aws.requests()

        def error_503_bounded():
            fresh()
            aws.set_faults({"kind": "error", "status": 503, "forever": True})
            expect_error(identity(), "server", SENTENCES["server"])
            assert count(aws.requests(), "GetCallerIdentity") == 3, aws.requests()

        def throttling_retried():
            fresh()
            aws.set_faults({"kind": "error", "code": "Throttling", "count": 2})
            expect_ok(identity("--json"))
            assert count(aws.requests(), "GetCallerIdentity") == 3, aws.requests()

        def throttling_bounded():
            fresh()
            aws.set_faults({"kind": "error", "code": "Throttling", "forever": True})
            r = identity()
            expect_error(r, "throttled", SENTENCES["throttled"])
            assert count(aws.requests(), "GetCallerIdentity") == 3, aws.requests()

        def list_pages_retried():
            fresh()
            aws.set_faults({"kind": "error", "code": "Throttling", "action": "ListMFADevices"})
            r = expect_ok(call("ListMFADevices", *fast, "--page-size", "2", env=env, **alice))
            assert len(r["serials"]) == 3, r
            assert count(aws.requests(), "ListMFADevices") == 3, aws.requests()

        def mfa_never_retried_on_errors():
            for fault, code in [({"kind": "error", "code": "Throttling"}, "throttled"),
                                ({"kind": "error", "status": 500}, "server"),
                                ({"kind": "error", "status": 503}, "server")]:
                fresh()
                aws.set_faults(dict(fault, forever=True))
                expect_error(session_with_code(), code, SENTENCES[code])
                assert count(aws.requests(), "GetSessionToken") == 1, (fault, aws.requests())

        def delay_times_out_and_retries():
            fresh()
            aws.set_faults({"kind": "delay", "seconds": 2, "forever": True})
            r = identity("--timeout", "700")
            expect_error(r, "timeout", SENTENCES["timeout"])
            assert settle("GetCallerIdentity", 3) == 3, aws.requests()

        def mfa_call_never_retried_after_timeout():
            fresh()
            aws.set_faults({"kind": "delay", "seconds": 2, "forever": True})
            started = time.time()
            r = session_with_code("--timeout", "700")
            expect_error(r, "timeout", SENTENCES["timeout"])
            assert time.time() - started < 5
            assert settle("GetSessionToken", 1) == 1, aws.requests()
            log = [x for x in aws.requests() if x["action"] == "GetSessionToken"]
            assert log[0]["mfa_code_present"], log

        def truncated():
            fresh()
            aws.set_faults({"kind": "truncate", "forever": True})
            expect_error(identity(), "invalid-response", SENTENCES["invalid-response"])
            aws.set_faults({"kind": "truncate", "send_bytes": 10, "forever": True})
            expect_error(identity("--json"), "invalid-response", SENTENCES["invalid-response"])
            expect_error(session_with_code(), "invalid-response", SENTENCES["invalid-response"])
            assert count(aws.requests(), "GetSessionToken") == 1, aws.requests()

        def oversized():
            for fault in [{"kind": "oversize"}, {"kind": "oversize", "chunked": True},
                          {"kind": "oversize", "bytes": 2 * 1024 * 1024}]:
                fresh()
                aws.set_faults(dict(fault, forever=True))
                expect_error(identity(), "response-too-large", SENTENCES["response-too-large"])
            fresh()
            aws.set_faults({"kind": "oversize", "bytes": 8192, "chunked": True, "forever": True})
            expect_error(identity("--max-response-size", "4096"), "response-too-large")
            expect_ok(identity())  # 8 KiB is within the default 1 MiB cap

        def reset_retried():
            fresh()
            aws.set_faults({"kind": "reset"})
            expect_ok(identity())
            assert count(aws.requests(), "GetCallerIdentity") == 2, aws.requests()
            fresh()
            aws.set_faults({"kind": "reset", "forever": True})
            expect_error(identity(), "network", SENTENCES["network"])
            assert count(aws.requests(), "GetCallerIdentity") == 3, aws.requests()

        def reset_after_processing_with_code():
            fresh()
            aws.wait_for_step_margin(8)
            aws.reset_mfa(ALICE_MFA)
            code = aws.totp(ALICE_MFA)
            aws.set_faults({"kind": "reset", "process": True})
            r = call("GetSessionToken", *fast, "--serial", ALICE_MFA, "--code", code, env=env, **alice)
            expect_error(r, "network", SENTENCES["network"])
            assert count(aws.requests(), "GetSessionToken") == 1, aws.requests()
            # The server spent the code: sending it again is refused as reused.
            r = call("GetSessionToken", *fast, "--serial", ALICE_MFA, "--code", code, env=env, **alice)
            expect_error(r, "mfa-code-reused", SENTENCES["mfa-code-reused"])

        def skew_ahead_resigned_with_code():
            fresh()
            aws.set_clock_offset(3600)
            r = expect_ok(session_with_code())
            assert abs(r["clock_skew"] - 3600) <= 5, r
            log = [x for x in aws.requests() if x["action"] == "GetSessionToken"]
            assert len(log) == 2, log
            assert log[0]["signature_ok"] is False and log[0]["error_code"] == "SignatureDoesNotMatch", log
            assert log[1]["status"] == 200 and log[1]["mfa_code_present"], log

        def skew_behind_resigned():
            fresh()
            aws.set_clock_offset(-5400)
            r = expect_ok(identity("--json"))
            assert abs(r["clock_skew"] + 5400) <= 5, r
            assert count(aws.requests(), "GetCallerIdentity") == 2, aws.requests()

        def small_skew_ignored():
            fresh()
            aws.set_clock_offset(600)  # within AWS's 15 minutes: nothing to correct
            r = expect_ok(identity())
            assert r["clock_skew"] == 0, r
            assert count(aws.requests(), "GetCallerIdentity") == 1, aws.requests()

        def skew_error_without_date():
            fresh()
            aws.set_faults({"kind": "error", "code": "RequestExpired", "message": "Request has expired.",
                            "status": 400, "headers": {"Date": "not a date"}, "forever": True})
            r = identity()
            assert r["code"] == "clock-skew", r
            assert r["message"].startswith("Your computer's clock is off"), r
            assert count(aws.requests(), "GetCallerIdentity") == 1, aws.requests()

        def skew_error_persistent():
            fresh()
            future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 7200))
            aws.set_faults({"kind": "error", "code": "SignatureDoesNotMatch", "status": 403,
                            "message": "Signature expired: 20261123T160405Z is now earlier than "
                                       "20261123T161410Z (20261123T162910Z - 15 min.)",
                            "headers": {"Date": future}, "forever": True})
            r = session_with_code()
            expect_error(r, "clock-skew", "Your computer's clock is off by 120 minutes. Set it "
                                          "right (enable automatic time) and try again.")
            assert count(aws.requests(), "GetSessionToken") == 2, aws.requests()

        def html_error_pages():
            fresh()
            aws.set_faults({"kind": "error", "status": 502, "body": "<html><body>Bad gateway",
                            "content_type": "text/html", "forever": True})
            expect_error(identity(), "server", SENTENCES["server"])
            fresh()
            aws.set_faults({"kind": "error", "status": 403, "body": "<html>Blocked by proxy</html>",
                            "content_type": "text/html", "forever": True})
            expect_error(identity(), "invalid-response", SENTENCES["invalid-response"])
            fresh()
            aws.set_faults({"kind": "error", "status": 200, "body": "not xml at all",
                            "content_type": "text/plain", "forever": True})
            expect_error(identity(), "invalid-response", SENTENCES["invalid-response"])

        def json_error_bodies():
            fresh()
            aws.set_faults({"kind": "error", "code": "Throttling", "forever": True})
            expect_error(identity("--json"), "throttled", SENTENCES["throttled"])

        def cancellation():
            fresh()
            aws.set_faults({"kind": "delay", "seconds": 5, "forever": True})
            started = time.time()
            r = identity("--cancel-after", "300")
            assert r["code"] == "cancelled", r
            assert time.time() - started < 3, time.time() - started
            settle("GetCallerIdentity", 1, timeout=7)

        for name, func in [
            ("500 once: retried, succeeds", error_500_retried),
            ("503 always: three attempts, server error", error_503_bounded),
            ("throttled twice: retried, succeeds (JSON)", throttling_retried),
            ("throttled always: three attempts, throttled", throttling_bounded),
            ("ListMFADevices page retried", list_pages_retried),
            ("a call with an MFA code is not retried on 4xx/5xx", mfa_never_retried_on_errors),
            ("delay: time-out, retried when no code", delay_times_out_and_retries),
            ("a call with an MFA code is never retried after a time-out", mfa_call_never_retried_after_timeout),
            ("truncated body", truncated),
            ("oversized body (Content-Length, chunked, small cap)", oversized),
            ("connection reset: retried, bounded", reset_retried),
            ("reset after the code was spent: not retried; then reused", reset_after_processing_with_code),
            ("server clock 1 h ahead: re-signed once, even with a code", skew_ahead_resigned_with_code),
            ("server clock 90 min behind: re-signed (JSON)", skew_behind_resigned),
            ("10 min skew: nothing to do", small_skew_ignored),
            ("skew refusal without a usable Date", skew_error_without_date),
            ("skew refusal that persists: one re-sign, then the skew error", skew_error_persistent),
            ("non-AWS error pages", html_error_pages),
            ("JSON error bodies", json_error_bodies),
            ("cancellation during a slow answer", cancellation),
        ]:
            checks.run(name, func)

        aws.clear_faults()
        aws.set_clock_offset(0)
        checks.run("server still healthy", lambda: expect_ok(identity()))

    checks.finish()


if __name__ == "__main__":
    main()
