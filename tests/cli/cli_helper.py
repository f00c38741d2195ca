"""Shared by the tests in tests/cli: a throw-away HOME with AWS files, the aws-mfa-tray binary
run in it against the stand-in server, and the readers people use (botocore, /usr/bin/aws).

The binary is $AMT_BINARY (tests/meson.build); the stand-in is tests/aws-stand-in (on
PYTHONPATH), run with /usr/bin/python3."""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sts"))
from sts_helper import Checks  # noqa: E402,F401 - one line per check, shared with tests/sts

BINARY = os.environ.get("AMT_BINARY")

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
BOB_MFA = "arn:aws:iam::111111111111:mfa/bob"
DAVE_MFA = "arn:aws:iam::444444444444:mfa/dave"


class Home:
    """A HOME of its own with ~/.aws/config and ~/.aws/credentials, pointed at the stand-in."""

    def __init__(self, aws, config="", credentials=""):
        self.aws = aws
        base = os.environ.get("AMT_TEST_TMPDIR") or tempfile.gettempdir()
        self.path = tempfile.mkdtemp(prefix="home-", dir=base)
        self.aws_dir = os.path.join(self.path, ".aws")
        os.makedirs(self.aws_dir, mode=0o700)
        self.config = os.path.join(self.aws_dir, "config")
        self.credentials = os.path.join(self.aws_dir, "credentials")
        self.write(config, credentials)

    def write(self, config=None, credentials=None):
        if config is not None:
            with open(self.config, "w") as f:
                f.write(config)
        if credentials is not None:
            with open(self.credentials, "w") as f:
                f.write(credentials)
            os.chmod(self.credentials, 0o600)

    def read_credentials(self):
        with open(self.credentials, "rb") as f:
            return f.read()

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(HOME=self.path, AWS_ENDPOINT_URL=self.aws.url,
                   AWS_CA_BUNDLE=self.aws.ca_bundle, AWS_EC2_METADATA_DISABLED="true",
                   AWS_PAGER="")
        env.update(extra)
        return env

    def run(self, *args, stdin=None, env=None, timeout=120):
        """Runs aws-mfa-tray ARGS; returns (status, stdout, stderr)."""
        proc = subprocess.run([BINARY, *args], env=env or self.env(),
                              input=stdin.encode() if stdin is not None else None,
                              stdin=subprocess.DEVNULL if stdin is None else None,
                              capture_output=True, timeout=timeout)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def login(self, profile, *codes, **kwargs):
        stdin = "".join(code + "\n" for code in codes)
        return self.run("login", "--profile", profile, "--code-stdin", stdin=stdin, **kwargs)

    def status(self):
        status, out, err = self.run("status", "--json")
        assert status == 0, (status, err)
        return {p["name"]: p for p in json.loads(out)}

    def botocore_credentials(self, profile):
        """What botocore resolves for profile from these files: (key, secret, token)."""
        script = ("import botocore.session, json, sys\n"
                  "c = botocore.session.Session(profile=sys.argv[1]).get_credentials()\n"
                  "c = c.get_frozen_credentials() if c else None\n"
                  "print(json.dumps(None if c is None else [c.access_key, c.secret_key, c.token]))\n")
        proc = subprocess.run(["/usr/bin/python3", "-c", script, profile], env=self.env(),
                              capture_output=True, timeout=60)
        assert proc.returncode == 0, proc.stderr.decode()
        return json.loads(proc.stdout)

    def aws_cli(self, *args, timeout=90):
        """/usr/bin/aws with these files, against the stand-in: (status, parsed JSON or stderr)."""
        cmd = ["/usr/bin/aws", "--endpoint-url", self.aws.url, "--ca-bundle", self.aws.ca_bundle,
               "--region", "us-east-1", "--output", "json", *args]
        proc = subprocess.run(cmd, env=self.env(), stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
        if proc.returncode != 0:
            return proc.returncode, proc.stderr.decode()
        try:
            return 0, json.loads(proc.stdout or "null")
        except ValueError:
            return 0, proc.stdout.decode().strip()  # `configure get` prints plain text


def ini_sections(data):
    """The sections of an INI text as {name: {key: value}} (enough for our own files)."""
    sections, current = {}, None
    for line in data.decode().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), {})
        elif "=" in line and current is not None and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            current[key.strip()] = value.strip()
    return sections


def one_error_line(status, err, *fragments):
    """A failure: non-zero status, exactly one line on stderr, naming each fragment."""
    assert status != 0, "expected a failure, got status 0"
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, "expected one line on stderr, got: %r" % err
    assert lines[0].startswith("aws-mfa-tray: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], "%r not in %r" % (fragment, lines[0])
