"""Torture (suite slow): 200 logins against a stand-in that injects a random fault into each
(an AWS error of every kind, an HTML proxy page, a delay, a truncated or oversized answer, a
reset connection before or after the work, a skewed clock), into GetSessionToken or into the
chained AssumeRole. Every run must end with status 0, or 1 and one sentence for the user; the
credentials file must always parse, hold every written section whole, and keep the long-term
keys byte for byte.

AMT_STORM_RUNS sets the number of logins (default 200), AMT_STORM_SEED the random seed."""

import collections
import configparser
import os
import random

from cli_helper import ALICE_MFA, Checks, Home
from stand_in import StandIn

ADMIN = "arn:aws:iam::222222222222:role/Admin"
RUNS = int(os.environ.get("AMT_STORM_RUNS", "200"))
SEED = int(os.environ.get("AMT_STORM_SEED", str(random.SystemRandom().randrange(1 << 30))))
SESSION_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration")

FAULTS = [
    ("throttling", {"kind": "error", "code": "Throttling"}),
    ("internal-failure", {"kind": "error", "code": "InternalFailure"}),
    ("service-unavailable", {"kind": "error", "code": "ServiceUnavailable"}),
    ("access-denied", {"kind": "error", "code": "AccessDenied", "message": "User is not authorized"}),
    ("expired-token", {"kind": "error", "code": "ExpiredToken", "status": 400,
                       "message": "The security token included in the request is expired"}),
    ("invalid-client-token", {"kind": "error", "code": "InvalidClientTokenId", "status": 403,
                              "message": "The security token included in the request is invalid."}),
    ("proxy-page", {"kind": "error", "status": 502, "content_type": "text/html",
                    "body": "<html><body><h1>502 Bad Gateway</h1></body></html>"}),
    ("delay", {"kind": "delay", "seconds": 1.5}),
    ("truncate", {"kind": "truncate"}),
    ("oversize", {"kind": "oversize", "bytes": 2 * 1024 * 1024}),
    ("oversize-chunked", {"kind": "oversize", "bytes": 2 * 1024 * 1024, "chunked": True}),
    ("reset", {"kind": "reset"}),
    ("reset-after-work", {"kind": "reset", "process": True}),
    ("clock-ahead", None),
    ("none", None),
]


def check_file(home, original_long_term):
    text = home.read_credentials().decode()
    parser = configparser.RawConfigParser(strict=True)
    parser.read_string(text)  # raises on a torn or duplicated file
    for section in ("dev", "admin-mfa"):
        if parser.has_section(section):
            missing = [k for k in SESSION_KEYS if not parser.get(section, k, fallback="")]
            assert not missing, "[%s] is partial, missing %s" % (section, missing)
    block = text[text.index("[dev-long-term]"):].split("\n\n", 1)[0]
    assert block == original_long_term, "the long-term keys changed:\n%s" % block


def main():
    checks = Checks()
    rng = random.Random(SEED)
    print("seed %d, %d runs" % (SEED, RUNS))
    outcomes = collections.Counter()
    sentences = collections.Counter()
    with StandIn(quiet=True) as aws:
        alice = aws.user("alice")
        long_term = ("[dev-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                     "aws_mfa_device = %s" % (alice["access_key_id"], alice["secret_access_key"], ALICE_MFA))
        home = Home(aws, "[profile admin]\nrole_arn = %s\nsource_profile = dev\nmfa_serial = %s\n"
                    % (ADMIN, ALICE_MFA), long_term + "\n")

        def storm():
            bad = []
            for run in range(RUNS):
                name, fault = rng.choice(FAULTS)
                action = rng.choice(["GetSessionToken", "AssumeRole"])
                aws.reset_mfa()
                aws.clear_faults()
                if name == "clock-ahead":
                    aws.set_clock_offset(rng.choice([-3600, 3600]))
                elif fault is not None:
                    aws.set_faults(dict(fault, action=action))
                status, out, err = home.login("dev", aws.totp(ALICE_MFA))
                aws.set_clock_offset(0)
                lines = [line for line in err.splitlines() if line.strip()]
                outcomes["%s/%s -> %d" % (name, action if fault else "-", status)] += 1
                try:
                    assert status in (0, 1), "status %d" % status
                    if status == 1:
                        assert len(lines) == 1 and lines[0].startswith("aws-mfa-tray: "), err
                        sentence = lines[0][len("aws-mfa-tray: "):]
                        assert "<" not in sentence and 10 < len(sentence) < 500, sentence
                        assert sentence.rstrip().endswith((".", ")")), sentence
                        sentences[sentence] += 1
                    check_file(home, long_term)
                except AssertionError as e:
                    bad.append("run %d (%s on %s): %s" % (run, name, action, e))
            assert not bad, "\n".join(bad[:20])

        checks.run("%d logins under random faults: no crash, no partial file, one sentence each" % RUNS, storm)
    for outcome, n in sorted(outcomes.items()):
        print("  %4d  %s" % (n, outcome))
    print("sentences seen:")
    for sentence, n in sentences.most_common():
        print("  %4d  %s" % (n, sentence))
    checks.finish()


if __name__ == "__main__":
    main()
