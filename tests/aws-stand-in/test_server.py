#!/usr/bin/python3
"""The stand-in server as a process: the port file, the test CA and server certificate (both
ways of making them), start-up time, clean stop on SIGTERM and SIGINT, nothing on stdout and no
secret on stderr, a bad accounts file, accounts given as a dict, the reused-code style option,
the benchmarks' --accept-any-code."""

import base64
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from stand_in import PYTHON, SERVER_SCRIPT, StandIn  # noqa: E402
from standin_check import Checks  # noqa: E402

BOB_MFA = "arn:aws:iam::111111111111:mfa/bob"


def tmpdir():
    base = os.environ.get("AMT_TEST_TMPDIR")
    return tempfile.mkdtemp(prefix="server-test-", dir=base)


def start_raw(args, state_dir):
    port_file = os.path.join(state_dir, "port.json")
    proc = subprocess.Popen([PYTHON, SERVER_SCRIPT, "--state-dir", state_dir, "--port-file",
                             port_file, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    t0 = time.monotonic()
    while not os.path.exists(port_file) and proc.poll() is None and time.monotonic() - t0 < 20:
        time.sleep(0.01)
    return proc, port_file, time.monotonic() - t0


def tls_connect(port, cafile, server_hostname):
    ctx = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        with ctx.wrap_socket(sock, server_hostname=server_hostname) as tls:
            return tls.version()


def test_process(c, backend):
    state_dir = tmpdir()
    proc, port_file, elapsed = start_raw(["--cert-backend", backend], state_dir)
    if not c.check("%s: started, port file written" % backend, os.path.exists(port_file),
                   proc.stderr.read().decode() if proc.poll() is not None else "timeout"):
        proc.kill()
        return
    print("     (%s: listening %.2f s after exec)" % (backend, elapsed))
    c.check("%s: start-up under 5 s" % backend, elapsed < 5, elapsed)
    with open(port_file) as f:
        info = json.load(f)
    c.equal("%s: port file keys" % backend, sorted(info),
            ["ca_bundle", "control_url", "pid", "port", "state_dir", "url"])
    c.equal("%s: url" % backend, info["url"], "https://127.0.0.1:%d" % info["port"])
    c.equal("%s: pid" % backend, info["pid"], proc.pid)
    c.equal("%s: no temporary file left beside the port file" % backend,
            sorted(n for n in os.listdir(state_dir) if n.startswith(".port-")), [])
    c.equal("%s: state dir holds the CA and server files" % backend,
            sorted(n for n in os.listdir(state_dir) if n.endswith(".pem")),
            ["ca-key.pem", "ca.pem", "server-key.pem", "server.pem"])
    c.equal("%s: private keys are 0600" % backend,
            [oct(os.stat(os.path.join(state_dir, n)).st_mode & 0o777)
             for n in ("ca-key.pem", "server-key.pem")], ["0o600", "0o600"])
    for name in ("127.0.0.1", "localhost"):
        try:
            version = tls_connect(info["port"], info["ca_bundle"], name)
        except (OSError, ssl.SSLError) as e:
            version = repr(e)
        c.check("%s: certificate verifies for %s" % (backend, name),
                version in ("TLSv1.2", "TLSv1.3"), version)
    try:
        tls_connect(info["port"], info["ca_bundle"], "example.com")
        wrong = "verified"
    except ssl.SSLCertVerificationError:
        wrong = "refused"
    except (OSError, ssl.SSLError) as e:
        wrong = repr(e)
    c.equal("%s: certificate does not verify for example.com" % backend, wrong, "refused")
    try:
        tls_connect(info["port"], None, "127.0.0.1")
        system = "verified"
    except ssl.SSLCertVerificationError:
        system = "refused"
    c.equal("%s: not trusted without the CA bundle" % backend, system, "refused")
    openssl = subprocess.run(["openssl", "verify", "-CAfile", info["ca_bundle"],
                              os.path.join(state_dir, "server.pem")], capture_output=True,
                             text=True)
    c.equal("%s: openssl verify" % backend, openssl.returncode, 0)

    sig = signal.SIGTERM if backend == "cryptography" else signal.SIGINT
    t0 = time.monotonic()
    proc.send_signal(sig)
    try:
        status = proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = "hung"
    c.equal("%s: exit status 0 on %s" % (backend, sig.name), status, 0)
    c.check("%s: stopped within 2 s" % backend, time.monotonic() - t0 < 2, time.monotonic() - t0)
    c.equal("%s: nothing on stdout" % backend, proc.stdout.read(), b"")
    err = proc.stderr.read().decode()
    c.check("%s: stderr says where it listens" % backend, info["url"] in err, err)
    c.check("%s: no traceback on stderr" % backend, "Traceback" not in err, err)


def test_stop_with_busy_connections(c):
    aws = StandIn(quiet=True).start()
    idle = socket.create_connection(("127.0.0.1", aws.port))
    conn = aws.connection()
    conn.request("GET", "/_stand_in/health")
    conn.getresponse().read()  # a kept-alive connection
    aws.set_faults({"kind": "delay", "seconds": 30})
    slow = aws.connection(timeout=60)
    slow.request("GET", "/")
    time.sleep(0.3)
    t0 = time.monotonic()
    status = aws.stop()
    c.equal("stop with idle, kept-alive and delayed connections: exit 0", status, 0)
    c.check("... within 3 s", time.monotonic() - t0 < 3, time.monotonic() - t0)
    idle.close()
    conn.close()
    slow.close()


def test_bad_accounts(c):
    d = tmpdir()
    bad = os.path.join(d, "accounts.json")
    cases = [
        ("not JSON", "{", "cannot read"),
        ("short secret", json.dumps({"users": [{
            "user_name": "x", "account_id": "123456789012",
            "access_keys": [{"access_key_id": "AKIAXXXXXXXXXXXXXXXX",
                             "secret_access_key": "short"}]}]}), "secret_access_key"),
        ("bad seed", json.dumps({"users": [{
            "user_name": "x", "account_id": "123456789012",
            "mfa_devices": [{"serial_number": "arn:aws:iam::123456789012:mfa/x",
                             "seed": "not base32!"}]}]}), "seed"),
        ("bad role ARN", json.dumps({"roles": [{"arn": "role/Admin"}]}), "arn"),
    ]
    for name, text, word in cases:
        with open(bad, "w") as f:
            f.write(text)
        proc = subprocess.run([PYTHON, SERVER_SCRIPT, "--accounts", bad, "--state-dir", d,
                               "--port-file", os.path.join(d, "port.json")],
                              capture_output=True, text=True, timeout=20)
        c.check("bad accounts (%s): exit 2 with a message naming %s" % (name, word),
                proc.returncode == 2 and word in proc.stderr and "Traceback" not in proc.stderr,
                (proc.returncode, proc.stderr))
    c.check("bad accounts: no port file", not os.path.exists(os.path.join(d, "port.json")))


def test_dict_accounts_and_reused_style(c):
    accounts = {"users": [{
        "user_name": "solo", "account_id": "999999999999",
        "access_keys": [{"access_key_id": "AKIASOLO000EXAMPLE01",
                         "secret_access_key": "0123456789abcdefghijklmnopqrstuvwxyz+/AB"}],
        "mfa_devices": [{"serial_number": "arn:aws:iam::999999999999:mfa/solo",
                         "seed": "JBSWY3DPEHPK3PXP"}]}]}
    with StandIn(accounts=accounts, reused_code_style="invalid", quiet=True) as aws:
        serial = "arn:aws:iam::999999999999:mfa/solo"
        code = aws.totp(serial)
        r1 = aws.signed_request("GetSessionToken", {"SerialNumber": serial, "TokenCode": code},
                                user="solo")
        r2 = aws.signed_request("GetSessionToken", {"SerialNumber": serial, "TokenCode": code},
                                user="solo")
        c.equal("dict accounts: code accepted", r1.status, 200)
        c.equal("--reused-code-style invalid: reused code gets the invalid-code message",
                (r2.status, r2.error_code(), r2.error_message()),
                (403, "AccessDenied",
                 "MultiFactorAuthentication failed with invalid MFA one time pass code. "))
        r = aws.signed_request("GetCallerIdentity", user="solo")
        c.equal("dict accounts: identity", r.find("GetCallerIdentityResult/Arn"),
                "arn:aws:iam::999999999999:user/solo")


def test_accept_any_code(c):
    """--accept-any-code (for benchmarks): any well-formed code, as often as sent, but only for
    the caller's own device; without it the same codes are refused."""
    gst = "GetSessionToken"
    with StandIn(quiet=True) as strict:
        bad = strict.invalid_totp(BOB_MFA)
        r = strict.signed_request(gst, {"SerialNumber": BOB_MFA, "TokenCode": bad}, user="bob")
        c.equal("default: a code that is not the TOTP code is refused",
                (r.status, r.error_code()), (403, "AccessDenied"))
    with StandIn(accept_any_code=True) as aws:
        bad = aws.invalid_totp(BOB_MFA)
        statuses = [aws.signed_request(gst, {"SerialNumber": BOB_MFA, "TokenCode": bad},
                                       user="bob").status for _ in range(3)]
        c.equal("--accept-any-code: a wrong code is accepted, three times in a row",
                statuses, [200, 200, 200])
        r = aws.signed_request(gst, {"SerialNumber": BOB_MFA, "TokenCode": bad}, user="bob")
        c.check("--accept-any-code: the credentials are MFA-authenticated",
                r.status == 200 and any(s["mfa"] for s in aws.sessions()), r)
        r = aws.signed_request(gst, {"SerialNumber": "arn:aws:iam::111111111111:mfa/alice",
                                     "TokenCode": bad}, user="bob")
        c.equal("--accept-any-code: another user's device is still refused",
                (r.status, r.error_code()), (403, "AccessDenied"))
        r = aws.signed_request(gst, {"SerialNumber": BOB_MFA, "TokenCode": "12345"}, user="bob")
        c.equal("--accept-any-code: a code that is not 6 digits is still refused",
                (r.status, r.error_code()), (400, "ValidationError"))
        aws.stop()
        c.check("--accept-any-code: the server log says so",
                "accepting any well-formed MFA code" in aws.server_log(), aws.server_log())


def test_log_has_no_secrets(c):
    with StandIn() as aws:
        code = aws.totp(BOB_MFA)
        r = aws.signed_request("GetSessionToken", {"SerialNumber": BOB_MFA, "TokenCode": code},
                               user="bob")
        creds = {e.tag.split("}")[1]: e.text for e in r.xml().iter() if e.text and
                 e.tag.endswith(("SecretAccessKey", "SessionToken"))}
        aws.signed_request("GetCallerIdentity", access_key_id="ASIAUNKNOWN000000000",
                           secret_access_key="s" * 40, session_token="IQoJsecret-token")
        aws.stop()
        log = aws.server_log()
        c.check("server log: one line per request",
                log.count("GetSessionToken") == 1 and log.count("GetCallerIdentity") == 1, log)
        leaked = [s for s in [code, aws.user("bob")["secret_access_key"], "IQoJsecret-token",
                              *creds.values()] if s in log]
        c.equal("server log: no code, secret or token", leaked, [])


def test_helper_totp(c):
    import pyotp
    from stand_in import totp_code
    seeds = ["JBSWY3DPEHPK3PXP", "OEB3K7OKRNAP4SJHWKRM6REH22QQUZMU", "gezdgnbvgy3tqojq"]
    times = [0, 59, 1111111109, 1234567890, 2000000000, time.time()]
    mismatches = [(seed, t) for seed in seeds for t in times
                  if totp_code(seed, t) != pyotp.TOTP(seed.upper()).at(int(t))]
    c.equal("helper's TOTP = pyotp's", mismatches, [])
    c.equal("helper's TOTP: RFC 6238 test vector (T=59, SHA1, 8 digits -> last 6)",
            totp_code(base64.b32encode(b"12345678901234567890").decode(), 59), "287082")


def main():
    c = Checks()
    c.run("cryptography backend", test_process, "cryptography")
    c.run("openssl backend", test_process, "openssl")
    c.run("stop while busy", test_stop_with_busy_connections)
    c.run("bad accounts", test_bad_accounts)
    c.run("dict accounts", test_dict_accounts_and_reused_style)
    c.run("accept any code", test_accept_any_code)
    c.run("no secrets in the log", test_log_has_no_secrets)
    c.run("helper TOTP", test_helper_totp)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
