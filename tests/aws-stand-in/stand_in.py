"""Test helper for the stand-in AWS server (standin_server.py in this directory).

    import os, sys
    sys.path.insert(0, os.path.join(os.environ["AMT_TESTS_DIR"], "aws-stand-in"))
    from stand_in import StandIn

    with StandIn() as aws:                      # default accounts: accounts.json here
        alice = aws.user("alice")
        code = aws.totp("arn:aws:iam::111111111111:mfa/alice")
        ...  # point the program at aws.url, trusting aws.ca_bundle
        aws.set_faults({"kind": "error", "code": "Throttling", "action": "GetSessionToken"})
        assert [r["action"] for r in aws.requests()] == ["GetSessionToken"]

The server runs as a subprocess of Debian's /usr/bin/python3 (it needs python3-botocore and
python3-pyotp); this module itself needs only the standard library, except sign() and
signed_request(), which sign with botocore.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import struct
import subprocess
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_SCRIPT = os.path.join(HERE, "standin_server.py")
DEFAULT_ACCOUNTS = os.path.join(HERE, "accounts.json")
PYTHON = "/usr/bin/python3"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
API_VERSIONS = {"sts": "2011-06-15", "iam": "2010-05-08"}
TOTP_STEP = 30


class Response:
    """What signed_request() got back."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # http.client.HTTPMessage: case-insensitive
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def xml(self):
        return ET.fromstring(self.body)

    def find(self, path):
        """Text of the first element at path (namespace-free, e.g. 'Error/Code' or
        './/AccessKeyId') in an XML body, or None."""
        node = strip_namespaces(self.xml()).find(path)
        return None if node is None else (node.text or "")

    def error_code(self):
        if "json" in (self.headers.get("Content-Type") or ""):
            return self.json().get("Error", {}).get("Code")
        return self.find("Error/Code")

    def error_message(self):
        if "json" in (self.headers.get("Content-Type") or ""):
            return self.json().get("Error", {}).get("Message")
        return self.find("Error/Message")

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:200])


def strip_namespaces(root):
    """Drop the {namespace} prefix of every tag under root (in place); return root."""
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = node.tag.split("}", 1)[1]
    return root


def totp_code(seed, epoch, steps=0):
    """The 6-digit TOTP code (RFC 6238: HMAC-SHA1, 30 s steps) of base32 seed at epoch
    (+ steps x 30 s). Standard library only, so any Python can use this module; the server
    checks codes with pyotp, which the tests compare it with."""
    key = base64.b32decode(seed.upper() + "=" * (-len(seed) % 8))
    counter = int(epoch) // TOTP_STEP + steps
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def clean_env(base=None):
    """A copy of the environment without any AWS_* variable."""
    env = dict(os.environ if base is None else base)
    for name in list(env):
        if name.startswith("AWS_"):
            del env[name]
    return env


class StandIn:
    """Starts the stand-in server as a subprocess and talks to its control API.

    accounts: a path, a dict (written to a file in the state dir) or None (accounts.json).
    tmpdir: where the state dir goes (default: $AMT_TEST_TMPDIR, else a new temporary dir).
    faults: a list of faults active from the start (see README.md, "Faults").
    clock_offset: seconds added to the server's clock.
    reused_code_style: "distinct" (default) or "invalid" (README.md, "MFA codes").
    accept_any_code: accept every well-formed code of the caller's device, reused or not
      (--accept-any-code, for benchmarks; default False: TOTP, each code once).
    cert_backend: "auto", "cryptography" or "openssl".
    quiet: no per-request lines in the server log.

    Attributes once started: url, port, ca_bundle, state_dir, pid, log_path (the server's
    stderr), accounts (the parsed accounts document).
    """

    def __init__(self, accounts=None, tmpdir=None, faults=None, clock_offset=0,
                 reused_code_style=None, cert_backend=None, quiet=False, startup_timeout=20,
                 accept_any_code=False):
        self._accounts_arg = accounts
        self._tmpdir = tmpdir
        self._faults = faults
        self._clock_offset = clock_offset
        self._reused_code_style = reused_code_style
        self._accept_any_code = accept_any_code
        self._cert_backend = cert_backend
        self._quiet = quiet
        self._startup_timeout = startup_timeout
        self.process = None
        self.url = self.port = self.ca_bundle = self.pid = None
        self.state_dir = self.log_path = self.accounts_path = None
        self.accounts = None
        self._ssl_context = None
        self._owned_dir = None
        self._log_file = None
        self._saved_log = None

    # -- life cycle -----------------------------------------------------------------------------

    def start(self):
        base = self._tmpdir or os.environ.get("AMT_TEST_TMPDIR")
        if base:
            os.makedirs(base, exist_ok=True)
            self.state_dir = tempfile.mkdtemp(prefix="aws-stand-in-", dir=base)
        else:
            self.state_dir = self._owned_dir = tempfile.mkdtemp(prefix="aws-stand-in-")
        if isinstance(self._accounts_arg, dict):
            self.accounts_path = os.path.join(self.state_dir, "accounts.json")
            with open(self.accounts_path, "w") as f:
                json.dump(self._accounts_arg, f)
        else:
            self.accounts_path = self._accounts_arg or DEFAULT_ACCOUNTS
        with open(self.accounts_path, encoding="utf-8") as f:
            self.accounts = json.load(f)

        port_file = os.path.join(self.state_dir, "port.json")
        cmd = [PYTHON, SERVER_SCRIPT, "--accounts", self.accounts_path,
               "--state-dir", self.state_dir, "--port-file", port_file]
        if self._faults:
            cmd += ["--faults", json.dumps(self._faults)]
        if self._clock_offset:
            cmd += ["--clock-offset", str(self._clock_offset)]
        if self._reused_code_style:
            cmd += ["--reused-code-style", self._reused_code_style]
        if self._accept_any_code:
            cmd.append("--accept-any-code")
        if self._cert_backend:
            cmd += ["--cert-backend", self._cert_backend]
        if self._quiet:
            cmd.append("--quiet")
        self.log_path = os.path.join(self.state_dir, "server.log")
        self._log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=self._log_file,
                                        env=clean_env())
        deadline = time.monotonic() + self._startup_timeout
        while not os.path.exists(port_file):
            exited = self.process.poll() is not None
            if exited or time.monotonic() > deadline:
                status = self.stop()
                raise RuntimeError("stand-in server %s:\n%s" % (
                    "exited with %d" % status if exited else "did not start in time",
                    self.server_log()))
            time.sleep(0.02)
        with open(port_file) as f:
            info = json.load(f)
        self.url, self.port, self.ca_bundle = info["url"], info["port"], info["ca_bundle"]
        self.pid = info["pid"]
        return self

    def stop(self, timeout=10):
        """SIGTERM the server and wait for it; returns its exit status."""
        status = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            status = self.process.returncode
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._owned_dir is not None:
            self._saved_log = self.server_log()  # still readable after the dir is gone
            shutil.rmtree(self._owned_dir, ignore_errors=True)
            self._owned_dir = None
        return status

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def server_log(self):
        """What the server wrote on stderr so far."""
        if self._saved_log is not None:
            return self._saved_log
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- accounts and codes ---------------------------------------------------------------------

    def user(self, name):
        """The accounts entry of an IAM user, plus its first key as access_key_id /
        secret_access_key."""
        for user in self.accounts.get("users", []):
            if user["user_name"] == name:
                result = dict(user)
                key = user["access_keys"][0]
                result["access_key_id"] = key["access_key_id"]
                result["secret_access_key"] = key["secret_access_key"]
                return result
        raise KeyError(name)

    def device_seed(self, serial):
        for user in self.accounts.get("users", []):
            for device in user.get("mfa_devices", []):
                if device["serial_number"] == serial:
                    return device["seed"]
        raise KeyError(serial)

    def server_time(self):
        return self.control("GET", "clock")["time"]

    def totp(self, serial, steps=0):
        """The code the MFA device shows now by the server's clock (+ steps x 30 s). The server
        accepts steps -1, 0 and +1, each once, and never one at or before the last used."""
        return totp_code(self.device_seed(serial), self.server_time(), steps)

    def next_totp(self, serial):
        """The code of the next 30 s step: a second valid code for a device without waiting."""
        return self.totp(serial, 1)

    def wait_for_step_margin(self, margin=4):
        """Make sure at least `margin` seconds are left in the current 30 s step (sleeping at
        most that long), for a test that sends codes of several steps and needs the server's
        idea of the current step not to move meanwhile. Returns the seconds slept."""
        left = TOTP_STEP - self.server_time() % TOTP_STEP
        if left >= margin:
            return 0.0
        time.sleep(left + 0.05)
        return left + 0.05

    def invalid_totp(self, serial):
        """A well-formed code that matches none of the steps the server could accept."""
        seed, now = self.device_seed(serial), self.server_time()
        taken = {totp_code(seed, now, s) for s in range(-3, 4)}
        for candidate in ("000000", "123456", "999999", "314159", "271828"):
            if candidate not in taken:
                return candidate
        raise AssertionError("unreachable")

    # -- control API ----------------------------------------------------------------------------

    def ssl_context(self):
        """A client SSL context that trusts the stand-in's CA (and only it)."""
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context(cafile=self.ca_bundle)
        return self._ssl_context

    def connection(self, timeout=30, host="127.0.0.1"):
        return http.client.HTTPSConnection(host, self.port, timeout=timeout,
                                           context=self.ssl_context())

    def control(self, method, path, body=None):
        """Call /_stand_in/<path>; returns the decoded JSON reply, raises on an error status."""
        conn = self.connection()
        try:
            data = None if body is None else json.dumps(body).encode()
            headers = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, "/_stand_in/" + path, body=data, headers=headers)
            resp = conn.getresponse()
            reply = json.loads(resp.read() or b"{}")
            if resp.status != 200:
                raise RuntimeError("control %s %s: %d %s" % (method, path, resp.status, reply))
            return reply
        finally:
            conn.close()

    def set_faults(self, *faults, replace=True):
        """Queue faults (dicts, see README.md); replace=True drops the ones still pending."""
        return self.control("POST", "faults", {"faults": list(faults),
                                               "replace": replace})["faults"]

    def add_fault(self, kind, **options):
        options["kind"] = kind
        return self.set_faults(options, replace=False)

    def faults(self):
        return self.control("GET", "faults")["faults"]

    def clear_faults(self):
        self.control("DELETE", "faults")

    def set_clock_offset(self, seconds):
        return self.control("POST", "clock", {"offset": seconds})

    def requests(self, since=0):
        """The request log: dicts with seq, time, method, path, service, action, version,
        access_key_id, signature_ok, session_token_present, mfa_code_present, serial_number,
        duration_seconds, json, user_agent, status, error_code, fault, request_id, region (of
        the signing scope)."""
        return self.control("GET", "requests?since=%d" % since)["requests"]

    def clear_requests(self):
        self.control("DELETE", "requests")

    def sessions(self):
        return self.control("GET", "sessions")["sessions"]

    def expire_sessions(self, access_key_id=None):
        body = {} if access_key_id is None else {"access_key_id": access_key_id}
        return self.control("POST", "sessions/expire", body)["expired"]

    def reset_mfa(self, serial=None):
        """Forget which codes were used (for one device, or all)."""
        self.control("POST", "mfa/reset", {} if serial is None else {"serial_number": serial})

    # -- clients --------------------------------------------------------------------------------

    def endpoint_env(self):
        """What points this program (its AWS clients) at the stand-in: the endpoint and the CA
        bundle that trusts it, to add to an environment."""
        return {"AWS_ENDPOINT_URL": self.url, "AWS_CA_BUNDLE": self.ca_bundle}

    def aws_env(self, access_key_id=None, secret_access_key=None, session_token=None,
                user=None, region="us-east-1", client_validation=True, base=None):
        """Environment for /usr/bin/aws: no AWS_* from the caller, empty config and
        credentials files in the state dir, the CA bundle, a region and the given keys (or
        those of user). client_validation=False turns off the CLI's own parameter checks
        (parameter_validation = false) so that the server's ValidationError shows."""
        env = clean_env(base)
        config = os.path.join(self.state_dir,
                              "aws-config" if client_validation else "aws-config-novalidate")
        creds = os.path.join(self.state_dir, "aws-credentials")
        for path in (config, creds):
            if not os.path.exists(path):
                # Atomically: several CLI runs may be started at once.
                fd, tmp = tempfile.mkstemp(dir=self.state_dir, prefix=".aws-")
                with os.fdopen(fd, "w") as f:
                    if path == config and not client_validation:
                        f.write("[default]\nparameter_validation = false\n")
                os.rename(tmp, path)
        env.update(AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=creds,
                   AWS_CA_BUNDLE=self.ca_bundle, AWS_DEFAULT_REGION=region,
                   AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
        if user is not None:
            u = self.user(user)
            access_key_id, secret_access_key = u["access_key_id"], u["secret_access_key"]
        if access_key_id is not None:
            env["AWS_ACCESS_KEY_ID"] = access_key_id
            env["AWS_SECRET_ACCESS_KEY"] = secret_access_key
        if session_token is not None:
            env["AWS_SESSION_TOKEN"] = session_token
        return env

    def aws_cli(self, *args, env=None, timeout=60, **env_kwargs):
        """Run /usr/bin/aws against the stand-in: --endpoint-url, --ca-bundle and JSON output
        are added. env_kwargs go to aws_env() when env is not given."""
        if env is None:
            env = self.aws_env(**env_kwargs)
        cmd = ["/usr/bin/aws", "--endpoint-url", self.url, "--ca-bundle", self.ca_bundle,
               "--output", "json", *args]
        return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)

    def signed_request(self, action, params=None, timeout=30, host="127.0.0.1", tamper=None,
                       **sign_options):
        """Send one Query API request signed with botocore's SigV4 signer; returns a Response.

        Takes sign()'s arguments, and tamper(prepared): called with sign()'s result before
        sending, to change the method, path, headers or body after signing."""
        prepared = self.sign(action, params, host=host, **sign_options)
        if tamper is not None:
            tamper(prepared)
        return self.send(prepared, timeout=timeout, host=host)

    def sign(self, action, params=None, service="sts", user=None, access_key_id=None,
             secret_access_key=None, session_token=None, region="us-east-1", method="POST",
             accept_json=False, amz_date=None, headers=None, sign_headers=None, body=None,
             host="127.0.0.1", version=None):
        """Build and sign one Query API request with botocore's SigV4 signer; returns
        {"method", "path", "headers", "body"} for send().

        action/params: the Action (None: none) and its parameters, encoded the SigV4 way;
        Version is added unless version=False (version="…" for another). user: sign with that
        user's first key; or give access_key_id/secret_access_key (and session_token).
        amz_date: the signing time (epoch seconds), default now. headers: extra headers;
        sign_headers: names among them to sign too (the others are sent unsigned). body: a raw
        body to send (and sign) instead of the form encoding."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        if user is not None:
            u = self.user(user)
            access_key_id, secret_access_key = u["access_key_id"], u["secret_access_key"]
        form = {}
        if action is not None:
            form["Action"] = action
        if version is not False:
            form["Version"] = version or API_VERSIONS.get(service, API_VERSIONS["sts"])
        form.update(params or {})
        netloc = "%s:%d" % (host, self.port)
        encoded = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                                      urllib.parse.quote(str(v), safe="-_.~"))
                           for k, v in form.items())
        if method == "GET":
            url, data = "https://%s/?%s" % (netloc, encoded), b""
        else:
            url = "https://%s/" % netloc
            data = encoded.encode() if body is None else body
        extra = dict(headers or {})
        request = AWSRequest(method=method, url=url, data=data, headers={})
        if method != "GET":
            request.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        for name in sign_headers or ():
            request.headers[name] = extra.pop(name)
        signer = SigV4Auth(Credentials(access_key_id, secret_access_key, session_token),
                           service, region)
        when = time.time() if amz_date is None else amz_date
        request.context["timestamp"] = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
        # What SigV4Auth.add_auth() does, with the given time instead of utcnow().
        signer._modify_request_before_signing(request)
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signer._inject_signature_to_request(request, signature)

        sent_headers = dict(request.headers.items())
        sent_headers.update(extra)
        if accept_json:
            sent_headers["Accept"] = "application/json"
        parts = urllib.parse.urlsplit(url)
        return {"method": method, "path": parts.path + ("?" + parts.query if parts.query else ""),
                "headers": sent_headers, "body": request.body or b""}

    def send(self, prepared, timeout=30, host="127.0.0.1"):
        """Send a request from sign(); returns a Response."""
        conn = self.connection(timeout=timeout, host=host)
        try:
            conn.request(prepared["method"], prepared["path"], body=prepared["body"],
                         headers=prepared["headers"])
            resp = conn.getresponse()
            return Response(resp.status, resp.reason, resp.headers, resp.read())
        finally:
            conn.close()


def parse_aws_error(stderr):
    """(code, message) from the AWS CLI's "An error occurred (Code) when calling the X
    operation: message" line, or (None, None)."""
    m = re.search(r"An error occurred \((\w+)\) when calling the \w+ operation: (.*)", stderr)
    return (m.group(1), m.group(2).strip()) if m else (None, None)
