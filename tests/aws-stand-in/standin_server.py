#!/usr/bin/python3
"""Stand-in AWS STS + IAM server for tests: HTTPS on 127.0.0.1, the AWS Query API, every
signature checked with botocore's SigV4 signer, every MFA code checked as TOTP, and faults that
a test can switch on at run time. See README.md next to this file.

Run it with Debian's /usr/bin/python3 (python3-botocore, python3-pyotp):

    /usr/bin/python3 standin_server.py --state-dir DIR --port-file DIR/port.json
"""

import argparse
import email.utils
import http.server
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import standin_aws  # noqa: E402
import standin_certs  # noqa: E402
from standin_protocol import (  # noqa: E402
    API_VERSIONS, AwsError, check_skew, incomplete_signature, new_request_id,
    parse_authorization, parse_query_pairs, peek_scope_service, render_error, render_result,
    request_timestamp, signature_does_not_match, verify_signature)

CONTROL_PREFIX = "/_stand_in/"
FEDERATION_PATH = "/federation"
MAX_BODY = 1024 * 1024
MAX_LOG = 10000
CONNECTION_IDLE_TIMEOUT = 60

FAULT_KINDS = ("error", "delay", "truncate", "oversize", "reset")
# What a fault of kind "error" answers when the test names only a code or only a status.
DEFAULT_ERRORS = {
    "InternalFailure": (500, "The request processing has failed because of an unknown error, "
                             "exception or failure."),
    "ServiceUnavailable": (503, "The request has failed due to a temporary failure of the "
                                "server."),
    "Throttling": (400, "Rate exceeded"),
    "RequestExpired": (400, "Request has expired."),
    "IDPCommunicationError": (400, "The request could not be fulfilled because the identity "
                                   "provider (IDP) that was asked to verify the incoming "
                                   "identity token could not be reached."),
}
DEFAULT_CODE_FOR_STATUS = {500: "InternalFailure", 502: "InternalFailure",
                           503: "ServiceUnavailable", 504: "InternalFailure",
                           400: "Throttling", 429: "Throttling"}


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _validate_fault(doc):
    """Check one fault description from a test; return a normalised copy."""
    if not isinstance(doc, dict):
        raise ControlError(400, "a fault must be a JSON object")
    fault = dict(doc)
    kind = fault.get("kind")
    if kind not in FAULT_KINDS:
        raise ControlError(400, "fault kind must be one of %s" % ", ".join(FAULT_KINDS))
    count = fault.get("count", 1)
    if fault.get("forever"):
        count = None
    elif not isinstance(count, int) or count < 1:
        raise ControlError(400, "count must be a positive integer (or use forever: true)")
    fault["count"] = count
    for key in ("action", "service"):
        if fault.get(key) is not None and not isinstance(fault[key], str):
            raise ControlError(400, "%s must be a string" % key)
    if kind == "error":
        code = fault.get("code")
        status = fault.get("status")
        if code is None and status is None:
            code = "InternalFailure"
        if code is None:
            code = DEFAULT_CODE_FOR_STATUS.get(status, "InternalFailure")
        if status is None:
            status = DEFAULT_ERRORS.get(code, (400, ""))[0]
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise ControlError(400, "status must be an HTTP status code")
        fault["code"] = code
        fault["status"] = status
        fault.setdefault("message", DEFAULT_ERRORS.get(code, (0, code))[1])
        if "headers" in fault and not isinstance(fault["headers"], dict):
            raise ControlError(400, "headers must be an object")
    elif kind == "delay":
        seconds = fault.get("seconds")
        if not isinstance(seconds, (int, float)) or not 0 <= seconds <= 600:
            raise ControlError(400, "delay needs seconds (0-600)")
    elif kind == "oversize":
        size = fault.setdefault("bytes", 10 * 1024 * 1024)
        if not isinstance(size, int) or not 0 < size <= 1024 * 1024 * 1024:
            raise ControlError(400, "oversize bytes must be 1 B - 1 GiB")
    elif kind == "truncate":
        send = fault.get("send_bytes")
        if send is not None and (not isinstance(send, int) or send < 0):
            raise ControlError(400, "send_bytes must be a non-negative integer")
    return fault


def parse_faults(doc):
    if isinstance(doc, dict) and "faults" in doc:
        doc = doc["faults"]
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list):
        raise ControlError(400, "expected a fault object, a list of them, or {\"faults\": [...]}")
    return [_validate_fault(f) for f in doc]


class StandInServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address, ssl_context, aws, clock_offset=0.0, faults=(), quiet=False):
        super().__init__(address, Handler)
        self.ssl_context = ssl_context
        self.aws = aws
        self.lock = threading.RLock()
        self.clock_offset = float(clock_offset)
        self.faults = list(faults)
        self.log = []
        self.seq = 0
        self.quiet = quiet

    def now(self):
        return time.time() + self.clock_offset

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the connection's own thread, so that a slow or
        # broken client never holds up the accept loop.
        request.settimeout(CONNECTION_IDLE_TIMEOUT)
        # A response goes out in several writes (headers, then body): without this, Nagle's
        # algorithm holds the body back until the client's delayed ACK of the headers, 40 ms
        # on Linux, which would be most of every request's time. AWS's front ends answer at
        # once.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def take_fault(self, service, action):
        """Consume and return the first pending fault that applies to this request."""
        with self.lock:
            for fault in self.faults:
                if fault.get("action") is not None and fault["action"] != action:
                    continue
                if fault.get("service") is not None and fault["service"] != service:
                    continue
                if fault["count"] is not None:
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        self.faults.remove(fault)
                return dict(fault)
        return None

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.log.append(entry)
            del self.log[:-MAX_LOG]
        if not self.quiet:
            sys.stderr.write("stand-in: #%d %s %s %s key=%s mfa=%s%s -> %s %s\n" % (
                entry["seq"], entry["method"], entry["service"] or "-", entry["action"] or "-",
                entry["access_key_id"] or "-", "yes" if entry["mfa_code_present"] else "no",
                " fault=" + entry["fault"] if entry["fault"] else "", entry["status"],
                entry["error_code"] or ""))
            sys.stderr.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = CONNECTION_IDLE_TIMEOUT

    # -- plumbing -------------------------------------------------------------------------------

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        # Only the base class's own complaints (bad request line, time-out) come here. A
        # request line may carry a query string with an MFA code or a token: leave it out.
        if not self.server.quiet:
            text = re.sub(r"\?\S*", "?…", format % args)
            sys.stderr.write("stand-in: %s\n" % text)

    def log_request(self, code="-", size="-"):
        pass  # every AWS request is logged by StandInServer.record

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        # The server's clock, with its offset: a skewed server shows it here, as AWS would.
        self.send_header("Date", email.utils.formatdate(self.server.now(), usegmt=True))

    def _send(self, status, content_type, body, request_id=None, extra_headers=None,
              content_length=None):
        self.send_response(status)
        if request_id is not None:
            self.send_header("x-amzn-RequestId", request_id)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if content_length is None
                                               else content_length))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, str(value))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset_connection(self):
        """Close the TCP connection with a RST and without a TLS close_notify."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        # rfile holds a reference to the socket (makefile); without it, close() is real.
        # wfile writes straight to the socket and stays open for the base class's flush().
        try:
            self.rfile.close()
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _read_body(self):
        """The request body, honouring Content-Length or chunked transfer coding."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip() or b"x", 16)
                except ValueError:
                    raise ControlError(400, "bad chunk size")
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ControlError(413, "request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise ControlError(400, "bad Content-Length")
        if n < 0:
            raise ControlError(400, "bad Content-Length")
        if n > MAX_BODY:
            raise ControlError(413, "request body too large")
        return self.rfile.read(n)

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def _dispatch(self):
        try:
            body = self._read_body()
        except ControlError as e:
            self.close_connection = True
            self._send(e.status, "text/plain", (e.message + "\n").encode())
            return
        raw_path, _, raw_query = self.path.partition("?")
        if raw_path.startswith(CONTROL_PREFIX):
            self._control(raw_path[len(CONTROL_PREFIX):], raw_query, body)
            return
        if raw_path == FEDERATION_PATH:
            self._federation(raw_query)
            return
        try:
            self._aws(raw_path, raw_query, body)
        except (OSError, ssl.SSLError):
            raise  # the client went away: nothing to answer
        except Exception:
            # A bug in the stand-in: say so loudly, and answer as AWS would to its own bug.
            traceback.print_exc()
            self.close_connection = True
            error = AwsError(500, "InternalFailure", DEFAULT_ERRORS["InternalFailure"][1])
            content_type, payload = render_error("sts", error, new_request_id(), False)
            self._send(500, content_type, payload)

    # -- the AWS API ----------------------------------------------------------------------------

    def _aws(self, raw_path, raw_query, body):
        server = self.server
        request_id = new_request_id()
        as_json = "application/json" in (self.headers.get("Accept") or "")
        # The request log entry (README.md): never a secret, a token or a code.
        entry = {
            "time": server.now(), "method": self.command, "path": raw_path,
            "service": None, "action": None, "version": None, "access_key_id": None,
            "signature_ok": None,
            "session_token_present": self.headers.get("X-Amz-Security-Token") is not None,
            "mfa_code_present": False, "serial_number": None, "duration_seconds": None,
            "json": as_json, "user_agent": self.headers.get("User-Agent"),
            "status": None, "error_code": None, "fault": None, "request_id": request_id,
            "region": None,
        }

        params, params_error = {}, None
        try:
            pairs = parse_query_pairs(raw_query, plus_is_space=True)
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if self.command == "POST" and content_type in ("", "application/x-www-form-urlencoded"):
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise AwsError(404, "MalformedQueryString",
                                   "The query string contains a syntax error.")
                pairs += parse_query_pairs(text, plus_is_space=True)
            for name, value in pairs:
                params.setdefault(name, value)
        except AwsError as e:
            params_error = e
        service = peek_scope_service(self.headers.get("Authorization"))
        if service not in API_VERSIONS:
            service = "iam" if params.get("Version") == API_VERSIONS["iam"] else "sts"
        entry.update(service=service, action=params.get("Action"), version=params.get("Version"),
                     mfa_code_present="TokenCode" in params,
                     serial_number=params.get("SerialNumber"),
                     duration_seconds=params.get("DurationSeconds"))

        fault = server.take_fault(service, entry["action"])
        if fault is not None:
            entry["fault"] = fault["kind"]
            if fault["kind"] == "error":
                self._send_fault_error(fault, service, request_id, as_json, entry)
                return
            if fault["kind"] == "reset" and not fault.get("process", False):
                entry["status"] = "reset"
                server.record(entry)
                self._reset_connection()
                return

        if params_error is not None:
            status, content_type, payload = self._error(service, params_error, request_id,
                                                        as_json, entry)
        else:
            status, content_type, payload = self._process(service, raw_path, raw_query, body,
                                                          params, request_id, as_json, entry)
        entry["status"] = status

        if fault is not None and fault["kind"] == "reset":  # with "process": true
            entry["status"] = "reset"
            server.record(entry)
            self._reset_connection()
            return
        # Logged once processed, so a test can see the request while the answer is delayed.
        server.record(entry)
        if fault is not None and fault["kind"] == "delay":
            time.sleep(fault["seconds"])

        if fault is not None and fault["kind"] == "truncate":
            send = fault.get("send_bytes")
            send = len(payload) // 2 if send is None else min(send, len(payload) - 1)
            self.close_connection = True
            self.send_response(status)
            self.send_header("x-amzn-RequestId", request_id)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[:max(send, 0)])
            return
        if fault is not None and fault["kind"] == "oversize":
            self._send_oversize(status, content_type, payload, request_id, fault)
            return
        self._send(status, content_type, payload, request_id)

    def _federation(self, raw_query):
        """The console sign-in endpoint: GET only, parameters in the query string, JSON or
        a redirect out, short text bodies for refusals (as signin.aws.amazon.com answers)."""
        server = self.server
        entry = {
            "time": server.now(), "method": self.command, "path": FEDERATION_PATH,
            "service": "signin", "action": None, "version": None, "access_key_id": None,
            "signature_ok": None, "session_token_present": False, "mfa_code_present": False,
            "serial_number": None, "duration_seconds": None, "json": False,
            "user_agent": self.headers.get("User-Agent"), "status": None, "error_code": None,
            "fault": None, "request_id": new_request_id(),
        }
        try:
            params = dict(parse_query_pairs(raw_query, plus_is_space=True))
        except AwsError:
            params = {}
        action = params.get("Action")
        entry.update(action=action, duration_seconds=params.get("SessionDuration"),
                     session_token_present="Session" in params)
        fault = server.take_fault("signin", action)
        if fault is not None and fault["kind"] == "error":
            entry.update(fault="error", status=fault["status"], error_code=fault["code"])
            server.record(entry)
            self._send(fault["status"], "text/plain", (fault["message"] + "\n").encode())
            return
        try:
            if self.command != "GET":
                raise standin_aws.FederationError(405, "the federation endpoint takes GET")
            with server.lock:
                if action == "getSigninToken":
                    key_id, reply = standin_aws.get_signin_token(server.aws, params, server.now())
                    entry["access_key_id"] = key_id
                    payload = json.dumps(reply).encode()
                    entry["status"] = 200
                elif action == "login":
                    key_id, destination = standin_aws.check_login(server.aws, params,
                                                                  server.now())
                    entry["access_key_id"] = key_id
                    entry["status"] = 302
                else:
                    raise standin_aws.FederationError(400, "unknown Action")
        except standin_aws.FederationError as e:
            entry.update(status=e.status, error_code=e.message)
            server.record(entry)
            self._send(e.status, "text/plain", (e.message + "\n").encode())
            return
        server.record(entry)
        if entry["status"] == 302:
            self._send(302, "text/plain", b"", extra_headers={"Location": destination})
        else:
            self._send(200, "application/json", payload)

    def _error(self, service, error, request_id, as_json, entry):
        entry["error_code"] = error.code
        content_type, payload = render_error(service, error, request_id, as_json)
        return error.status, content_type, payload

    def _send_fault_error(self, fault, service, request_id, as_json, entry):
        entry["status"] = fault["status"]
        entry["error_code"] = fault["code"]
        self.server.record(entry)
        if fault.get("body") is not None:
            payload = str(fault["body"]).encode()
            content_type = fault.get("content_type", "text/html")
        else:
            error = AwsError(fault["status"], fault["code"], fault["message"],
                             sender=fault.get("sender"))
            content_type, payload = render_error(service, error, request_id, as_json)
        self._send(fault["status"], content_type, payload, request_id, fault.get("headers"))

    def _send_oversize(self, status, content_type, payload, request_id, fault):
        """The real response followed by padding up to `bytes` bytes: for XML an XML comment,
        for JSON trailing whitespace, so the document stays well-formed."""
        total = max(fault["bytes"], len(payload))
        if content_type == "text/xml":
            head, tail = payload + b"<!--", b"-->\n"
        else:
            head, tail = payload, b"\n"
        pad = max(total - len(head) - len(tail), 0)
        chunked = bool(fault.get("chunked"))
        self.close_connection = True
        self.send_response(status)
        self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Type", content_type)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(head) + pad + len(tail)))
        self.send_header("Connection", "close")
        self.end_headers()

        def write(data):
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)

        write(head)
        block = b" " * 65536
        while pad > 0:
            n = min(pad, len(block))
            write(block[:n])
            pad -= n
        write(tail)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _process(self, service, raw_path, raw_query, body, params, request_id, as_json, entry):
        server = self.server
        try:
            with server.lock:
                now = server.now()
                authorization = self.headers.get("Authorization")
                if not authorization:
                    if "X-Amz-Signature" in params or "X-Amz-Credential" in params:
                        raise incomplete_signature(
                            "The stand-in does not support query-string (presigned) "
                            "authentication.")
                    raise AwsError(403, "MissingAuthenticationToken",
                                   "Request is missing Authentication Token")
                stamp = request_timestamp(self.headers)
                auth = parse_authorization(authorization, stamp is not None)
                entry["access_key_id"] = auth.access_key_id
                entry["region"] = auth.region
                epoch, stamp_text = stamp
                try:
                    if auth.terminator != "aws4_request":
                        raise signature_does_not_match(
                            "Credential should be scoped with a valid terminator: "
                            "'aws4_request', not '%s'. " % auth.terminator)
                    if auth.service not in API_VERSIONS:
                        raise signature_does_not_match(
                            "Credential should be scoped to correct service: '%s'. " % service)
                    if auth.date != stamp_text[:8]:
                        raise signature_does_not_match(
                            "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                            "version of date from HTTP: '%s' != '%s', from '%s'."
                            % (auth.date, stamp_text[:8], stamp_text))
                    # AWS refuses an empty region ("Credential should be scoped to a valid
                    # region"): a client that found no region must not pass here.
                    if not auth.region:
                        raise signature_does_not_match(
                            "Credential should be scoped to a valid region. ")
                    if service == "iam" and auth.region != "us-east-1":
                        raise signature_does_not_match(
                            "Credential should be scoped to a valid region. ")
                    check_skew(epoch, stamp_text, now)
                except AwsError:
                    entry["signature_ok"] = False
                    raise
                secret, session, user = server.aws.credentials_for(auth.access_key_id)
                token = self.headers.get("X-Amz-Security-Token")
                server.aws.check_token(session, token, now)
                try:
                    verify_signature(self.command, raw_path, raw_query, self.headers, body,
                                     auth, stamp_text, secret, token)
                except AwsError:
                    entry["signature_ok"] = False
                    raise
                entry["signature_ok"] = True
                principal = server.aws.principal(session, user)
                server.aws.check_service_access(service, principal)

                action = params.get("Action")
                if not action:
                    raise AwsError(400, "MissingAction",
                                   "The request is missing an action or a required parameter.")
                version = params.get("Version")
                if version != API_VERSIONS[service] or not server.aws.has_action(service, action):
                    raise AwsError(400, "InvalidAction", "Could not find operation %s for "
                                   "version %s" % (action, version or "NO_VERSION_SPECIFIED"))
                result = server.aws.call(service, action, params, principal, now)
        except AwsError as e:
            return self._error(service, e, request_id, as_json, entry)
        content_type, payload = render_result(service, action, result, request_id, as_json)
        return 200, content_type, payload

    # -- the control API ------------------------------------------------------------------------

    def _control(self, path, raw_query, body):
        server = self.server
        try:
            doc = None
            if body:
                try:
                    doc = json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as e:
                    raise ControlError(400, "bad JSON: %s" % e)
            query = dict(urllib.parse.parse_qsl(raw_query))
            method = self.command
            with server.lock:
                if path == "health" and method == "GET":
                    reply = {"ok": True, "time": server.now(), "clock_offset": server.clock_offset}
                elif path == "faults" and method == "GET":
                    reply = {"faults": server.faults}
                elif path == "faults" and method == "POST":
                    faults = parse_faults(doc if doc is not None else [])
                    if isinstance(doc, dict) and doc.get("replace"):
                        server.faults = []
                    server.faults.extend(faults)
                    reply = {"faults": server.faults}
                elif path == "faults" and method == "DELETE":
                    server.faults = []
                    reply = {"faults": []}
                elif path == "clock" and method == "GET":
                    reply = {"time": server.now(), "clock_offset": server.clock_offset}
                elif path == "clock" and method == "POST":
                    offset = (doc or {}).get("offset")
                    if not isinstance(offset, (int, float)):
                        raise ControlError(400, "clock needs {\"offset\": seconds}")
                    server.clock_offset = float(offset)
                    reply = {"time": server.now(), "clock_offset": server.clock_offset}
                elif path == "requests" and method == "GET":
                    since = int(query.get("since", "0") or 0)
                    reply = {"requests": [e for e in server.log if e["seq"] > since]}
                elif path == "requests" and method == "DELETE":
                    server.log = []
                    reply = {"requests": []}
                elif path == "sessions" and method == "GET":
                    reply = {"sessions": [_session_view(s) for s in server.aws.sessions.values()]}
                elif path == "sessions/expire" and method == "POST":
                    n = server.aws.expire_sessions((doc or {}).get("access_key_id"), server.now())
                    reply = {"expired": n}
                elif path == "mfa" and method == "GET":
                    reply = {"devices": [{"serial_number": d.serial, "user_name": d.user.name,
                                          "last_used_step": d.last_counter}
                                         for d in server.aws.devices.values()]}
                elif path == "mfa/reset" and method == "POST":
                    serial = (doc or {}).get("serial_number")
                    for device in server.aws.devices.values():
                        if serial is None or device.serial == serial:
                            device.last_counter = None
                    reply = {"ok": True}
                else:
                    raise ControlError(404, "no control endpoint %s %s%s"
                                       % (method, CONTROL_PREFIX, path))
            payload = (json.dumps(reply) + "\n").encode()
            self._send(200, "application/json", payload)
        except (ControlError, ValueError) as e:
            status = e.status if isinstance(e, ControlError) else 400
            message = e.message if isinstance(e, ControlError) else str(e)
            self._send(status, "application/json", (json.dumps({"error": message}) + "\n").encode())


def _session_view(session):
    """A session as the control API shows it: never the secret key or the token."""
    return {"access_key_id": session.access_key_id, "kind": session.kind,
            "user_name": session.user.name if session.user else None,
            "role_arn": session.role.arn if session.role else None,
            "session_name": session.session_name, "mfa": session.mfa,
            "issued": session.issued, "expiration": session.expiration}


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".port-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_faults_option(value):
    """--faults takes JSON, or @FILE holding JSON."""
    if value.startswith("@"):
        with open(value[1:], encoding="utf-8") as f:
            value = f.read()
    return parse_faults(json.loads(value))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Stand-in AWS STS/IAM server for tests.")
    parser.add_argument("--accounts", default=os.path.join(HERE, "accounts.json"),
                        help="the accounts JSON file (default: accounts.json next to this file)")
    parser.add_argument("--state-dir", help="where the CA and server certificate go "
                        "(default: a new temporary directory)")
    parser.add_argument("--port-file", help="write {port, url, ca_bundle, pid} here as JSON "
                        "once listening (atomically)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="default 0: any free port")
    parser.add_argument("--clock-offset", type=float, default=0.0,
                        help="seconds added to the server's clock")
    parser.add_argument("--faults", help="faults to start with: JSON or @FILE")
    parser.add_argument("--reused-code-style", choices=("distinct", "invalid"),
                        default="distinct", help="how a reused MFA code is refused (README)")
    parser.add_argument("--accept-any-code", action="store_true",
                        help="for benchmarks: accept every well-formed MFA code of the "
                        "caller's device, reused or not (default: TOTP, each code once)")
    parser.add_argument("--cert-backend", choices=("auto", "cryptography", "openssl"),
                        default="auto")
    parser.add_argument("--quiet", action="store_true", help="no per-request lines on stderr")
    args = parser.parse_args(argv)

    try:
        aws = standin_aws.AwsState.from_file(args.accounts,
                                             reused_code_style=args.reused_code_style,
                                             accept_any_code=args.accept_any_code)
        faults = load_faults_option(args.faults) if args.faults else []
    except (standin_aws.AccountsError, ControlError, OSError, ValueError) as e:
        sys.stderr.write("stand-in: %s\n" % e)
        return 2

    state_dir = args.state_dir or tempfile.mkdtemp(prefix="aws-stand-in-")
    certs = standin_certs.make_certs(state_dir, backend=args.cert_backend)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certs.server_cert, certs.server_key)

    server = StandInServer((args.host, args.port), context, aws, args.clock_offset, faults,
                           args.quiet)
    port = server.server_address[1]
    url = "https://%s:%d" % (args.host, port)
    info = {"port": port, "url": url, "ca_bundle": certs.ca_cert, "pid": os.getpid(),
            "state_dir": os.path.abspath(state_dir), "control_url": url + "/_stand_in"}
    if args.port_file:
        write_atomically(args.port_file, json.dumps(info, indent=2) + "\n")

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write("stand-in: listening on %s (CA bundle %s)\n" % (url, certs.ca_cert))
    if args.accept_any_code:
        sys.stderr.write("stand-in: accepting any well-formed MFA code (--accept-any-code)\n")
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.stderr.write("stand-in: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
