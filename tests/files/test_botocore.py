#!/usr/bin/python3
# The INI reading of src/files agrees with botocore's, and what we write is read back by botocore
# and by the AWS CLI with exactly the values we wrote, for the profiles we wrote and for every
# profile we did not touch.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import concurrent.futures
import difflib
import glob
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filetest import (AWS, CORPUS, Checks, aws_env, botocore_credentials, botocore_parse,
                      read_bytes, tool, tool_dump, tool_dump_many, tool_write, work_dir,
                      write_bytes)

checks = Checks()

# Files botocore reads but we refuse, on purpose (amt-ini-read.c says why).
REFUSED_ON_PURPOSE = {"nul-byte.ini"}


def compare_parse(path, label):
    ours = tool_dump(path)
    theirs, error = botocore_parse(path)
    if theirs is None:
        return checks.check("sections" not in ours, f"{label}: both refuse it",
                            f"botocore: {error}; ours: {ours}")
    if "sections" not in ours:
        return checks.check(False, f"{label}: both read it", ours.get("error"))
    return checks.check(ours["sections"] == theirs, f"{label}: same sections, keys and values",
                        f"\n  botocore: {theirs!r:.400}\n  ours:     {ours['sections']!r:.400}")


def test_corpus():
    for path in sorted(glob.glob(os.path.join(CORPUS, "*"))):
        name = os.path.basename(path)
        result = tool("roundtrip", path)
        checks.check(result.returncode == 0, f"corpus {name}: byte-identical round trip",
                     result.stderr.decode())
        if name in REFUSED_ON_PURPOSE:
            theirs, _ = botocore_parse(path)
            ours = tool_dump(path)
            checks.check(theirs is not None and "error" in ours,
                         f"corpus {name}: botocore reads it, we refuse it (on purpose)")
            continue
        compare_parse(path, f"corpus {name}")


# Pieces of lines that exercise botocore's rules: headers, delimiters, indentation,
# continuations, comments, Unicode whitespace and line breaks.
PIECES = [b"[default]", b"[dev]", b"[DEFAULT]", b"[profile x]", b" [dev]", b"[a]b]", b"[]",
          b"[x] junk", b"k = v", b"K=V", b"k: v", b"key = a = b", b"  k = v", b"\tk=v", b"s3 =",
          b"  a = b", b"    c = d", b"  nokey", b"# c", b"; c", b"  # c", b"", b"   ",
          b"\xc2\xa0", b"\xe3\x80\x80k = v", b"x = \x0cy\x0b", b"=v", b"k =", b"k:",
          b"k=\xc2\x85z", b"\xc3\x89 = 1", b"v = \xe2\x80\xa8x", b"  \x1cq = r", b"[\xc3\xa9]"]
ENDINGS = [b"\n", b"\n", b"\n", b"\r\n", b"\r"]


def test_random_files():
    rng = random.Random(20261123)
    directory = work_dir("random")
    agreed = read = 0
    paths = []
    for i in range(400):
        lines = [rng.choice(PIECES) for _ in range(rng.randint(0, 12))]
        data = b"".join(line + rng.choice(ENDINGS) for line in lines)
        if rng.random() < 0.2:
            data = data.rstrip(b"\r\n")
        path = os.path.join(directory, f"{i:03}.ini")
        write_bytes(path, data)
        paths.append(path)
    for i, (path, ours) in enumerate(zip(paths, tool_dump_many(paths))):
        data = read_bytes(path)
        theirs, _ = botocore_parse(path)
        same = (theirs is None and "error" in ours) or (theirs == ours.get("sections"))
        if not same:
            checks.check(False, f"random file {i} read alike", f"{data!r}: {theirs} vs {ours}")
            return
        agreed += 1
        read += theirs is not None
    checks.check(agreed == 400, f"400 random files read alike by botocore and us ({read} valid)")


CREDENTIALS = b"""# personal keys
[default]
aws_access_key_id = AKIADEFAULT00000000
aws_secret_access_key = defaultSecret/abc+def

[dev-long-term]
aws_access_key_id = AKIALONGTERM0000000
aws_secret_access_key = longTermSecret+xyz
aws_mfa_device = arn:aws:iam::123456789012:mfa/alice

[dev]
; written by aws-mfa
aws_access_key_id = ASIAOLD
aws_secret_access_key = oldsecret
aws_session_token = oldtoken
expiration = 2020-01-01 00:00:00
region = eu-west-1

[ci]
aws_access_key_id=AKIACI0000000000000
aws_secret_access_key=ciSecret
# trailing comment
"""

CONFIG = b"""[default]
region = us-east-1

[profile dev]
output = json
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = dev
mfa_serial = arn:aws:iam::123456789012:mfa/alice
duration_seconds = 3600

[profile staging]
region = eu-central-1
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
"""

UNTOUCHED = {
    "default": ("AKIADEFAULT00000000", "defaultSecret/abc+def", None),
    "dev-long-term": ("AKIALONGTERM0000000", "longTermSecret+xyz", None),
    "ci": ("AKIACI0000000000000", "ciSecret", None),
}

WRITES = [
    # section, key id, secret, token, expiration
    ("dev", "ASIADEV000000000001", "devSecret/1+a", "FwoGZXIvYXdzEDev//1==", "2026-11-23T18:04:05Z"),
    ("staging", "ASIASTAGING00000001", "stSecret=2", "FwoGZXIvYXdzESt+2/=", "2026-11-24T01:00:00Z"),
    ("d\u00e9veloppement", "ASIAUTF800000000001", "s\u00e9cret", "token3", "2027-01-01T00:00:00Z"),
    ("with space", "ASIASPACE0000000001", "spaceSecret", "token4", "2027-02-02T02:02:02Z"),
]


def lines_changed_only_in(before, after, first, last):
    """Every difference between before and after lies in before's lines [first, last) or is an
    insertion at its end."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if not ((first <= i1 and i2 <= last) or (i1 == i2 == len(a))):
            return False, f"{tag} at lines {i1}-{i2}"
    return True, ""


def test_written_profiles_read_back():
    directory = work_dir("readback")
    credentials = os.path.join(directory, "credentials")
    config = os.path.join(directory, "config")
    write_bytes(credentials, CREDENTIALS)
    write_bytes(config, CONFIG)

    for section, key_id, secret, token, expiration in WRITES:
        result = tool_write(credentials, section, key_id, secret, token, expiration)
        checks.check(result.returncode == 0, f"write [{section}]", result.stderr.decode())

    after = read_bytes(credentials).decode()
    before = CREDENTIALS.decode()
    dev_first = before.splitlines().index("[dev]")
    dev_last = before.splitlines().index("[ci]") - 1
    ok, detail = lines_changed_only_in(before, after, dev_first, dev_last)
    checks.check(ok, "only [dev] changed in place; new sections were appended", detail)
    checks.check(after.startswith(before[:before.index("[dev]")]), "bytes before [dev] unchanged")
    checks.check("; written by aws-mfa\n" in after and "region = eu-west-1\n" in after,
                 "[dev] kept its comment and the key we do not own")

    # botocore, through the whole credential chain of a Session.
    for section, key_id, secret, token, _ in WRITES:
        got = botocore_credentials(section, config, credentials)
        checks.check(got == (key_id, secret, token), f"botocore reads [{section}] as written",
                     repr(got))
    for profile, expected in UNTOUCHED.items():
        got = botocore_credentials(profile, config, credentials)
        checks.check(got == expected, f"botocore reads untouched [{profile}] as before", repr(got))

    parsed, error = botocore_parse(credentials)
    checks.check(parsed is not None and parsed["dev"]["expiration"] == "2026-11-23T18:04:05Z",
                 "botocore reads the expiration", repr(error))

    # The AWS CLI (its own copy of botocore), a few processes at a time.
    env = aws_env(config, credentials)

    def export(profile):
        result = subprocess.run([AWS, "configure", "export-credentials", "--profile", profile,
                                 "--format", "process"], capture_output=True, env=env, timeout=120)
        if result.returncode != 0:
            return None, result.stderr.decode()
        data = json.loads(result.stdout)
        return (data["AccessKeyId"], data["SecretAccessKey"], data.get("SessionToken")), ""

    def configure_get(profile, key):
        result = subprocess.run([AWS, "configure", "get", key, "--profile", profile],
                                capture_output=True, env=env, timeout=120)
        return result.stdout.decode().strip()

    expected = {w[0]: (w[1], w[2], w[3]) for w in WRITES}
    expected.update(UNTOUCHED)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        exports = {p: pool.submit(export, p) for p in expected}
        gets = {(w[0], key): pool.submit(configure_get, w[0], key)
                for w in WRITES[:2] for key in ("aws_session_token", "expiration")}
        gets[("ci", "aws_access_key_id")] = pool.submit(configure_get, "ci", "aws_access_key_id")
        for profile, future in exports.items():
            got, stderr = future.result()
            checks.check(got == expected[profile],
                         f"aws configure export-credentials --profile '{profile}'",
                         f"{got!r} {stderr}")
        for (profile, key), future in gets.items():
            written = {w[0]: w for w in WRITES}
            if key == "aws_session_token":
                value = written[profile][3]
            elif key == "expiration":
                value = written[profile][4]
            else:
                value = UNTOUCHED[profile][0]
            got = future.result()
            checks.check(got == value, f"aws configure get {key} --profile '{profile}'",
                         f"{got!r} != {value!r}")

    # Our expiration reading.
    result = tool("read", "dev", env={"AWS_SHARED_CREDENTIALS_FILE": credentials})
    checks.check(result.returncode == 0 and
                 json.loads(result.stdout)["expiration"] == "2026-11-23T18:04:05Z",
                 "we read back the expiration we wrote", result.stderr.decode())
    write_bytes(credentials, CREDENTIALS)
    result = tool("read", "dev", env={"AWS_SHARED_CREDENTIALS_FILE": credentials})
    checks.check(result.returncode == 0 and
                 json.loads(result.stdout)["expiration"] == "2020-01-01T00:00:00Z",
                 "we read aws-mfa's expiration form", result.stderr.decode())


LISTED_KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration",
               "mfa_serial", "source_profile", "role_arn", "external_id", "role_session_name",
               "duration_seconds", "region", "sts_regional_endpoints", "ca_bundle",
               "endpoint_url", "mfa_process", "credential_process"]


def test_profile_view():
    import botocore.session

    directory = work_dir("profiles")
    credentials = os.path.join(directory, "credentials")
    config = os.path.join(directory, "config")
    write_bytes(credentials, CREDENTIALS + b"\n[staging]\nregion = overridden\n"
                b"[profile dev]\naws_access_key_id = LITERAL\n")
    write_bytes(config, CONFIG + b"[profile  \"quoted name\"]\nregion = ap-south-1\n"
                b"[preview]\ncloudfront = true\n[profile extra]\nca_bundle = /x\n")

    result = tool("profiles", env={"AWS_CONFIG_FILE": config,
                                   "AWS_SHARED_CREDENTIALS_FILE": credentials})
    if not checks.check(result.returncode == 0, "profile view loads", result.stderr.decode()):
        return
    ours = json.loads(result.stdout)

    session = botocore.session.Session()
    session.set_config_variable("config_file", config)
    session.set_config_variable("credentials_file", credentials)
    theirs = session.full_config["profiles"]

    checks.check(sorted(ours) == sorted(theirs), "same profile names as botocore",
                 f"{sorted(ours)} vs {sorted(theirs)}")
    mismatches = []
    for profile, values in theirs.items():
        for key in LISTED_KEYS:
            if ours.get(profile, {}).get(key) != values.get(key):
                mismatches.append((profile, key, ours.get(profile, {}).get(key), values.get(key)))
    checks.check(not mismatches, "same merged values as botocore's full_config", repr(mismatches))
    checks.check(ours["admin"]["@elsewhere"] == "role_arn" and
                 ours["sso"]["@elsewhere"] == "sso_session" and
                 ours["dev"]["@elsewhere"] is None,
                 "profiles that resolve elsewhere are recognized")
    checks.check(ours["dev"]["@long_term"] and
                 ours["dev"]["@mfa_serial"] == "arn:aws:iam::123456789012:mfa/alice",
                 "the aws-mfa long-term convention is recognized")


test_corpus()
test_random_files()
test_written_profiles_read_back()
test_profile_view()
checks.finish()
