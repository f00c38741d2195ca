"""Shared by the drivers in tests/sts: run amt-sts-tool, and count checks.

The tool path comes from AMT_STS_TOOL (tests/sts/meson.build); the stand-in server from
tests/aws-stand-in (on PYTHONPATH through tests/meson.build)."""

import json
import os
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "aws-stand-in"))

TOOL = os.environ.get("AMT_STS_TOOL")


def tool_env(extra=None, access_key_id=None, secret_access_key=None, session_token=None):
    """The environment for amt-sts-tool: no inherited AWS_* variable, the given ones, and the
    credentials as AMT_TEST_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for name in ("AMT_TEST_ACCESS_KEY_ID", "AMT_TEST_SECRET_ACCESS_KEY", "AMT_TEST_SESSION_TOKEN"):
        env.pop(name, None)
    if access_key_id:
        env["AMT_TEST_ACCESS_KEY_ID"] = access_key_id
    if secret_access_key:
        env["AMT_TEST_SECRET_ACCESS_KEY"] = secret_access_key
    if session_token:
        env["AMT_TEST_SESSION_TOKEN"] = session_token
    env.update(extra or {})
    return env


def run_tool(action, *args, env=None, timeout=90, **creds):
    """Runs `amt-sts-tool call ACTION ARGS`; returns the list of JSON results (one per call)."""
    proc = subprocess.run([TOOL, "call", action, *args], env=tool_env(env, **creds),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError("amt-sts-tool exited with %d: %s" % (proc.returncode,
                                                                  proc.stderr.decode()))
    lines = [line for line in proc.stdout.decode().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def call(action, *args, **kwargs):
    """One call: its JSON result."""
    results = run_tool(action, *args, **kwargs)
    assert len(results) == 1, results
    return results[0]


def creds_of(user):
    return {"access_key_id": user["access_key_id"], "secret_access_key": user["secret_access_key"]}


def session_creds(result):
    return {"access_key_id": result["access_key_id"],
            "secret_access_key": result["secret_access_key"],
            "session_token": result["session_token"]}


class Checks:
    """One line per check; the summary line and exit status the test harness reads."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, func, *args):
        try:
            func(*args)
        except Exception:  # noqa: BLE001 - report every failure and go on
            self.failed += 1
            print("FAIL %s" % name)
            traceback.print_exc(file=sys.stdout)
        else:
            self.passed += 1
            print("ok   %s" % name)
        sys.stdout.flush()

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(0 if self.failed == 0 and self.passed > 0 else 1)


def expect_ok(result):
    assert result["ok"], result
    return result


def expect_error(result, code, sentence=None):
    assert not result["ok"], result
    assert result["code"] == code, "expected %s, got %s" % (code, result)
    if sentence is not None:
        assert result["message"] == sentence, "sentence: %r" % result["message"]
    return result


def count(requests, action, **fields):
    return sum(1 for r in requests if r["action"] == action and
               all(r.get(k) == v for k, v in fields.items()))
