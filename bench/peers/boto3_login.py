#!/usr/bin/python3
"""A peer of the refresh-latency benchmark (bench/README.md): what aws-mfa and the many
scripts like it do, with boto3 (Debian's python3-boto3): read the long-term keys and the MFA
device of [NAME-long-term], call STS GetSessionToken with the code read from stdin, and write
the session into [NAME] of the credentials file with configparser.

    boto3_login.py --profile NAME [--endpoint-url URL] < code

The CA bundle comes from AWS_CA_BUNDLE or the profile's ca_bundle, as botocore reads it."""

import argparse
import configparser
import os
import sys

import boto3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", required=True)
    ap.add_argument("--endpoint-url")
    ap.add_argument("--duration", type=int, default=43200)
    opts = ap.parse_args()

    path = os.path.expanduser(os.environ.get("AWS_SHARED_CREDENTIALS_FILE",
                                             "~/.aws/credentials"))
    config = configparser.RawConfigParser(interpolation=None)
    config.read(path)
    long_term = opts.profile + "-long-term"
    serial = config.get(long_term, "aws_mfa_device")
    code = sys.stdin.readline().strip()

    session = boto3.session.Session(profile_name=long_term)
    sts = session.client("sts", endpoint_url=opts.endpoint_url)
    answer = sts.get_session_token(DurationSeconds=opts.duration, SerialNumber=serial,
                                   TokenCode=code)["Credentials"]

    if not config.has_section(opts.profile):
        config.add_section(opts.profile)
    config.set(opts.profile, "aws_access_key_id", answer["AccessKeyId"])
    config.set(opts.profile, "aws_secret_access_key", answer["SecretAccessKey"])
    config.set(opts.profile, "aws_session_token", answer["SessionToken"])
    config.set(opts.profile, "expiration",
               answer["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"))
    with open(path, "w") as f:
        config.write(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
