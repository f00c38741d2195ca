"""The C SigV4 signer (amt-sts-tool sign) against botocore's SigV4Auth on random requests:
random methods, paths, query parameters (any Unicode, reserved characters), header names and
values (runs of spaces and tabs, repeated names), bodies, session tokens, regions, services
and times. Both must agree on the canonical request and the Authorization header."""

import json
import random
import subprocess
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from sts_helper import TOOL, Checks

N_REQUESTS = 300
SEED = int(time.time())

PATH_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~"
VALUE_CHARS = [chr(c) for c in range(0x21, 0x7f)] + [" ", " ", " ", "\t"]
QUERY_CHARS = (PATH_CHARS + " +=&/%?#:;@!$'()*,[]\"<>\\^`{|}." + "éü€日本語\u00a0")
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"


def random_string(rng, chars, low, high):
    return "".join(rng.choice(chars) for _ in range(rng.randint(low, high)))


def random_request(rng):
    method = rng.choice(["GET", "POST"])
    segments = [random_string(rng, PATH_CHARS, 1, 8) for _ in range(rng.randint(0, 3))]
    path = "/" + "/".join(segments)
    query = [[random_string(rng, QUERY_CHARS, 1, 8), random_string(rng, QUERY_CHARS, 0, 10)]
             for _ in range(rng.randint(0, 5))]
    if query and rng.random() < 0.3:
        query.append([query[0][0], random_string(rng, QUERY_CHARS, 0, 5)])  # a repeated name
    host = rng.choice(["sts.amazonaws.com", "127.0.0.1:8443", "sts.eu-west-1.amazonaws.com"])
    headers = [["Host", host]]
    for _ in range(rng.randint(0, 4)):
        name = "X-Test-" + random_string(rng, NAME_CHARS, 1, 8)
        value = random_string(rng, VALUE_CHARS, 1, 20).strip(" \t") or "v"
        headers.append([name, value])
    if len(headers) > 1 and rng.random() < 0.3:
        headers.append([headers[1][0].lower(), "second value"])  # a repeated name
    body = ""
    if method == "POST":
        headers.append(["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"])
        body = random_string(rng, QUERY_CHARS, 0, 60)
    token = None
    if rng.random() < 0.5:
        token = random_string(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
                              100, 400)
    return {
        "method": method, "path": path, "query": query, "headers": headers, "body": body,
        "access_key_id": "AKIA" + random_string(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
        "secret_access_key": random_string(rng, PATH_CHARS + "+/", 40, 40),
        "session_token": token,
        "region": rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"]),
        "service": rng.choice(["sts", "iam", "service"]),
        "time": rng.randint(1_400_000_000, 2_000_000_000),
    }


def botocore_sign(spec, signed):
    """botocore's canonical request and Authorization for the request as the C signer made it
    (the URL carries the query exactly as it is sent)."""
    host = dict((n.lower(), v) for n, v in spec["headers"])["host"]
    url = "https://%s%s" % (host, signed["path_and_query"])
    pairs = [(n, v) for n, v in signed["headers"]
             if n.lower() not in ("authorization", "x-amz-date", "x-amz-security-token")]
    request = AWSRequest(method=spec["method"], url=url, data=spec["body"].encode("utf-8"))
    request.headers = HTTPHeaders.from_pairs(pairs)
    signer = SigV4Auth(Credentials(spec["access_key_id"], spec["secret_access_key"],
                                   spec["session_token"]), spec["service"], spec["region"])
    request.context["timestamp"] = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(spec["time"]))
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    signer._inject_signature_to_request(request, signature)
    return canonical, request.headers["Authorization"]


def check_one(spec):
    proc = subprocess.run([TOOL, "sign"], input=json.dumps(spec).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30, check=True)
    signed = json.loads(proc.stdout)
    canonical, authorization = botocore_sign(spec, signed)
    assert signed["canonical_request"] == canonical, \
        "canonical requests differ:\nC:\n%s\nbotocore:\n%s" % (signed["canonical_request"], canonical)
    assert signed["authorization"] == authorization, \
        "Authorization differs:\nC: %s\nbotocore: %s" % (signed["authorization"], authorization)


def check_batch(rng, n):
    for i in range(n):
        spec = random_request(rng)
        try:
            check_one(spec)
        except AssertionError as e:
            raise AssertionError("request %d (seed %d): %s\n%s" % (i, SEED, json.dumps(spec), e))


def main():
    checks = Checks()
    print("seed %d" % SEED)
    rng = random.Random(SEED)
    batches = 6
    for b in range(batches):
        checks.run("random requests %d-%d agree with botocore" % (b * N_REQUESTS // batches,
                                                                  (b + 1) * N_REQUESTS // batches - 1),
                   check_batch, rng, N_REQUESTS // batches)
    checks.finish()


if __name__ == "__main__":
    main()
