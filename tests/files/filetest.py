# Shared by the tests in this directory: the check tally, amt-cred-tool, and botocore's reading.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import subprocess
import sys
import tempfile

import botocore.configloader
import botocore.exceptions
import botocore.session

TOOL = os.environ["AMT_CRED_TOOL"]
CORPUS = os.environ["AMT_CORPUS_DIR"]
AWS = "/usr/bin/aws"


class Checks:
    """Prints one line per check and ends with the tally the harness expects."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok - {what}")
        else:
            self.failed += 1
            print(f"FAIL - {what}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok

    def skip(self, what, why):
        print(f"skip - {what}: {why}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(0 if self.failed == 0 else 1)


def work_dir(name):
    base = os.environ.get("AMT_TEST_TMPDIR") or tempfile.mkdtemp()
    path = os.path.join(base, name)
    os.makedirs(path, exist_ok=True)
    return path


def tool(*args, env=None, stdin=None, check=False, **kwargs):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([TOOL, *args], input=stdin, capture_output=True, env=full_env,
                          check=check, **kwargs)


def tool_write(path, section, key_id, secret, token, expiration, **kwargs):
    stdin = f"{key_id}\n{secret}\n{token}\n{expiration}\n".encode()
    return tool("write", section, env={"AWS_SHARED_CREDENTIALS_FILE": path}, stdin=stdin,
                **kwargs)


def tool_dump(path):
    return tool_dump_many([path])[0]


def tool_dump_many(paths):
    out = tool("dump", *paths, check=True).stdout
    return [json.loads(line) for line in out.decode().splitlines()]


def botocore_parse(path):
    """raw_config_parse(), or the exception it raises."""
    try:
        return botocore.configloader.raw_config_parse(path), None
    except botocore.exceptions.BotoCoreError as error:
        return None, error


def botocore_credentials(profile, config_path, credentials_path):
    session = botocore.session.Session(profile=profile)
    session.set_config_variable("config_file", config_path)
    session.set_config_variable("credentials_file", credentials_path)
    credentials = session.get_credentials()
    if credentials is None:
        return None
    frozen = credentials.get_frozen_credentials()
    return (frozen.access_key, frozen.secret_key, frozen.token)


def aws_env(config_path, credentials_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_CONFIG_FILE": config_path,
        "AWS_SHARED_CREDENTIALS_FILE": credentials_path,
        "AWS_PAGER": "",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    return env


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data, mode=0o600):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def stray_files(directory, name="credentials"):
    """Files in directory other than name and our lock file."""
    allowed = {name, f".{name}.amt-lock"}
    return sorted(set(os.listdir(directory)) - allowed)
