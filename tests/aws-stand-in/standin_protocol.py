"""AWS Query protocol pieces of the stand-in server: errors, response rendering (XML and the
Query-JSON variant), parameter parsing and SigV4 verification with botocore's signer."""

import datetime
import email.utils
import hashlib
import hmac
import json
import re
import urllib.parse
import uuid

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}
API_VERSIONS = {"sts": "2011-06-15", "iam": "2010-05-08"}
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 15 * 60


def new_request_id():
    return str(uuid.uuid4())


# ----------------------------------------------------------------------------------------------
# Errors


class AwsError(Exception):
    """An error answered the way AWS answers it (ErrorResponse body, HTTP status)."""

    def __init__(self, status, code, message, sender=None):
        super().__init__("%s: %s" % (code, message))
        self.status = status
        self.code = code
        self.message = message
        self.type = ("Sender" if status < 500 else "Receiver") if sender is None else (
            "Sender" if sender else "Receiver")


def access_denied(message):
    return AwsError(403, "AccessDenied", message)


def invalid_client_token_id():
    return AwsError(403, "InvalidClientTokenId",
                    "The security token included in the request is invalid.")


def signature_does_not_match(message=None):
    return AwsError(403, "SignatureDoesNotMatch", message or (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. "
        "Consult the service documentation for details."))


def incomplete_signature(message):
    return AwsError(400, "IncompleteSignature", message)


def validation_error(message):
    return AwsError(400, "ValidationError", message)


class Validator:
    """Collects member constraint violations and raises them as one ValidationError with the
    wording AWS uses: "1 validation error detected: Value '…' at 'durationSeconds' failed to
    satisfy constraint: Member must have value less than or equal to 129600"."""

    def __init__(self):
        self.errors = []

    def add(self, value, member, constraint):
        shown = "null" if value is None else "'%s'" % value
        self.errors.append("Value %s at '%s' failed to satisfy constraint: %s"
                           % (shown, member, constraint))

    def string(self, params, name, min_len=None, max_len=None, pattern=None, required=False):
        value = params.get(name)
        member = name[0].lower() + name[1:]
        if value is None:
            if required:
                self.add(None, member, "Member must not be null")
            return None
        if pattern is not None and not re.fullmatch(pattern, value):
            self.add(value, member,
                     "Member must satisfy regular expression pattern: %s" % pattern)
        if min_len is not None and len(value) < min_len:
            self.add(value, member,
                     "Member must have length greater than or equal to %d" % min_len)
        if max_len is not None and len(value) > max_len:
            self.add(value, member, "Member must have length less than or equal to %d" % max_len)
        return value

    def integer(self, params, name, minimum=None, maximum=None):
        raw = params.get(name)
        member = name[0].lower() + name[1:]
        if raw is None:
            return None
        try:
            value = int(raw.strip())
        except ValueError:
            # AWS answers a non-numeric integer member with a plain ValidationError too.
            self.add(raw, member, "Member must be an integer")
            return None
        if minimum is not None and value < minimum:
            self.add(value, member, "Member must have value greater than or equal to %d" % minimum)
        if maximum is not None and value > maximum:
            self.add(value, member, "Member must have value less than or equal to %d" % maximum)
        return value

    def check(self):
        if self.errors:
            n = len(self.errors)
            raise validation_error("%d validation error%s detected: %s" % (
                n, "" if n == 1 else "s", "; ".join(self.errors)))


# ----------------------------------------------------------------------------------------------
# Rendering


class Timestamp:
    """A point in time: ISO-8601 in XML, epoch seconds (as AWS's JSON does it) in JSON."""

    def __init__(self, epoch):
        self.epoch = int(epoch)

    def iso(self):
        return datetime.datetime.fromtimestamp(self.epoch, datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")

    def json(self):
        # AWS's Query-JSON responses print timestamps as a Java double: 1.764000123E9.
        mantissa, exponent = ("%.15e" % float(self.epoch)).split("e")
        mantissa = mantissa.rstrip("0")
        if mantissa.endswith("."):
            mantissa += "0"
        return "%sE%d" % (mantissa, int(exponent))


def _xml_escape(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _xml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Timestamp):
        return value.iso()
    return _xml_escape(str(value))


def _xml_element(name, value, indent, out):
    pad = "  " * indent
    if value is None:
        return
    if isinstance(value, dict):
        out.append("%s<%s>" % (pad, name))
        for k, v in value.items():
            _xml_element(k, v, indent + 1, out)
        out.append("%s</%s>" % (pad, name))
    elif isinstance(value, list):
        out.append("%s<%s>" % (pad, name))
        for item in value:
            _xml_element("member", item, indent + 1, out)
        out.append("%s</%s>" % (pad, name))
    else:
        out.append("%s<%s>%s</%s>" % (pad, name, _xml_scalar(value), name))


def _json_value(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Timestamp):
        return value.json()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join("%s:%s" % (json.dumps(k), _json_value(v))
                              for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_value(v) for v in value) + "]"
    return json.dumps(str(value))


def render_result(service, action, result, request_id, as_json):
    """The body of a successful Query API response: (content_type, bytes)."""
    if as_json:
        body = {action + "Response": {action + "Result": result,
                                      "ResponseMetadata": {"RequestId": request_id}}}
        return "application/json", _json_value(body).encode()
    out = ['<%sResponse xmlns="%s">' % (action, NAMESPACES[service])]
    if result:
        _xml_element(action + "Result", result, 1, out)
    else:
        out.append("  <%sResult/>" % action)
    _xml_element("ResponseMetadata", {"RequestId": request_id}, 1, out)
    out.append("</%sResponse>" % action)
    return "text/xml", ("\n".join(out) + "\n").encode()


def render_error(service, error, request_id, as_json):
    """The body of an error response: (content_type, bytes)."""
    if as_json:
        body = {"Error": {"Code": error.code, "Message": error.message, "Type": error.type},
                "RequestId": request_id}
        return "application/json", _json_value(body).encode()
    out = ['<ErrorResponse xmlns="%s">' % NAMESPACES.get(service, NAMESPACES["sts"])]
    _xml_element("Error", {"Type": error.type, "Code": error.code, "Message": error.message},
                 1, out)
    out.append("  <RequestId>%s</RequestId>" % request_id)
    out.append("</ErrorResponse>")
    return "text/xml", ("\n".join(out) + "\n").encode()


# ----------------------------------------------------------------------------------------------
# Parameters


def parse_query_pairs(text, plus_is_space):
    """Split an application/x-www-form-urlencoded string into (name, value) pairs, keeping
    blank values. Raises AwsError(MalformedQueryString) on bytes that are not UTF-8."""
    pairs = []
    if not text:
        return pairs
    unquote = urllib.parse.unquote_plus if plus_is_space else urllib.parse.unquote
    for piece in text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        try:
            pairs.append((unquote(name, errors="strict"), unquote(value, errors="strict")))
        except UnicodeDecodeError:
            raise AwsError(404, "MalformedQueryString",
                           "The query string contains a syntax error.")
    return pairs


# ----------------------------------------------------------------------------------------------
# SigV4


class ParsedAuth:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
    Signature=…` header."""

    def __init__(self, access_key_id, date, region, service, terminator, signed_headers,
                 signature):
        self.access_key_id = access_key_id
        self.date = date
        self.region = region
        self.service = service
        self.terminator = terminator
        self.signed_headers = signed_headers
        self.signature = signature


def peek_scope_service(authorization):
    """The service named in an Authorization header's credential scope, or None."""
    m = re.search(r"Credential=([^,\s]*)", authorization or "")
    if not m:
        return None
    parts = m.group(1).split("/")
    return parts[3] if len(parts) == 5 else None


def parse_authorization(authorization, has_date):
    """Parse the Authorization header; raise the IncompleteSignature AWS returns when a part
    is missing."""
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != "AWS4-HMAC-SHA256":
        raise incomplete_signature(
            "Unsupported AWS 'algorithm': '%s'. Supported: 'AWS4-HMAC-SHA256'." % algorithm)
    fields = {}
    for item in rest.split(","):
        key, eq, value = item.strip().partition("=")
        if eq:
            fields[key.strip()] = value.strip()
    problems = []
    for name in ("Credential", "Signature", "SignedHeaders"):
        if not fields.get(name):
            problems.append("Authorization header requires '%s' parameter." % name)
    if not has_date:
        problems.append("Authorization header requires existence of either a 'X-Amz-Date' "
                        "or a 'Date' header.")
    if problems:
        raise incomplete_signature(" ".join(problems) + " Authorization=" + authorization)
    scope = fields["Credential"].split("/")
    if len(scope) != 5:
        raise incomplete_signature(
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got '%s'" % fields["Credential"])
    signed = [h.strip().lower() for h in fields["SignedHeaders"].split(";") if h.strip()]
    return ParsedAuth(scope[0], scope[1], scope[2], scope[3], scope[4], signed,
                      fields["Signature"])


def request_timestamp(headers):
    """The request's signing time from X-Amz-Date (or, failing that, Date): (epoch, SigV4
    timestamp). Raises IncompleteSignature when it is malformed; returns None when absent."""
    value = headers.get("x-amz-date")
    if value is not None:
        try:
            dt = datetime.datetime.strptime(value.strip(), SIGV4_TIMESTAMP)
        except ValueError:
            raise incomplete_signature(
                "Date must be in ISO-8601 'basic format'. Got '%s'. "
                "See http://en.wikipedia.org/wiki/ISO_8601" % value)
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    elif headers.get("date") is not None:
        try:
            dt = email.utils.parsedate_to_datetime(headers.get("date"))
        except (TypeError, ValueError):
            dt = None
        if dt is None or dt.tzinfo is None:
            raise incomplete_signature("Date must be in RFC 7231 format. Got '%s'."
                                       % headers.get("date"))
    else:
        return None
    epoch = dt.timestamp()
    return epoch, amz_date(epoch)


def amz_date(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        SIGV4_TIMESTAMP)


def check_skew(request_epoch, request_amz_date, server_epoch):
    """AWS refuses a signature more than 15 minutes away from its own clock."""
    if request_epoch < server_epoch - MAX_SKEW_SECONDS:
        raise signature_does_not_match("Signature expired: %s is now earlier than %s (%s - 15 min.)"
                                       % (request_amz_date,
                                          amz_date(server_epoch - MAX_SKEW_SECONDS),
                                          amz_date(server_epoch)))
    if request_epoch > server_epoch + MAX_SKEW_SECONDS:
        raise signature_does_not_match(
            "Signature not yet current: %s is still later than %s (%s + 15 min.)"
            % (request_amz_date, amz_date(server_epoch + MAX_SKEW_SECONDS),
               amz_date(server_epoch)))


class _ReceivedSigner(SigV4Auth):
    """botocore's SigV4 signer, made to sign exactly the headers the client said it signed."""

    def __init__(self, credentials, service, region, received_headers, signed_names):
        super().__init__(credentials, service, region)
        self._received = received_headers
        self._signed_names = signed_names

    def headers_to_sign(self, request):
        headers = HTTPHeaders()
        for name in self._signed_names:
            for value in self._received.get_all(name) or []:
                headers[name] = value
        return headers


def compute_signature(method, raw_path, raw_query, headers, body, auth, timestamp, secret_key,
                      token):
    """Recompute the request's SigV4 signature with botocore, over the request as received.

    headers is an http.client.HTTPMessage (case-insensitive, repeated headers kept);
    timestamp the request's signing time in SigV4 form (20261123T180405Z)."""
    host = headers.get("host", "")
    request = AWSRequest(method=method, url="https://%s%s" % (host, raw_path or "/"),
                         data=body, headers={})
    # botocore encodes the canonical query string itself from the decoded pairs, so a client
    # must have encoded them the SigV4 way (a '+' is read as a space, as AWS reads it).
    request.params = parse_query_pairs(raw_query, plus_is_space=True)
    request.context["timestamp"] = timestamp
    if "x-amz-content-sha256" in auth.signed_headers:
        request.headers["X-Amz-Content-SHA256"] = headers.get("x-amz-content-sha256", "")
    signer = _ReceivedSigner(Credentials(auth.access_key_id, secret_key, token),
                             auth.service, auth.region, headers, auth.signed_headers)
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    return signer.signature(string_to_sign, request)


def verify_signature(method, raw_path, raw_query, headers, body, auth, timestamp, secret_key,
                     token):
    """Raise SignatureDoesNotMatch unless the request's signature is the one botocore computes
    with secret_key."""
    if "host" not in auth.signed_headers:
        raise signature_does_not_match(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    content_sha = headers.get("x-amz-content-sha256")
    if content_sha is not None and content_sha != hashlib.sha256(body).hexdigest():
        raise signature_does_not_match()
    expected = compute_signature(method, raw_path, raw_query, headers, body, auth, timestamp,
                                 secret_key, token)
    if not hmac.compare_digest(expected, auth.signature.lower()):
        raise signature_does_not_match()
