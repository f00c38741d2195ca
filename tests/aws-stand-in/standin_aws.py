"""The AWS side of the stand-in server: the accounts (users, keys, MFA devices, roles), the
credentials it has issued, and the STS and IAM actions with AWS's rules and error messages.

Everything here is called with the server's lock held; `now` is the server's clock (real time
plus the configured offset), in epoch seconds."""

import base64
import datetime
import hashlib
import hmac
import json
import re
import secrets
import string

import pyotp

from standin_protocol import (AwsError, Timestamp, Validator, access_denied,
                              invalid_client_token_id, validation_error)

TOTP_STEP = 30
TOTP_WINDOW = 1  # codes of the previous and next 30 s step are accepted too, as AWS does

# The messages AWS answers with (AccessDenied, 403).
MSG_MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
MSG_MFA_WRONG_DEVICE = ("MultiFactorAuthentication failed, unable to validate MFA code.  "
                        "Please verify your MFA serial number is valid and associated with "
                        "this user.")
# AWS does not document what a reused code gets; by default the stand-in answers with a
# message of its own shape so clients and tests can tell it apart (--reused-code-style invalid
# answers with MSG_MFA_INVALID instead, which is what some reports of real AWS show).
MSG_MFA_REUSED = "MultiFactorAuthentication failed, unable to validate MFA code"
MSG_GST_WITH_SESSION = "Cannot call GetSessionToken with session credentials"
MSG_CHAINED_DURATION = ("The requested DurationSeconds exceeds the 1 hour session limit for "
                        "roles assuming other roles.")
MSG_MAX_SESSION_DURATION = ("The requested DurationSeconds exceeds the MaxSessionDuration set "
                            "for this role.")
MSG_EXPIRED_TOKEN = "The security token included in the request is expired"

SERIAL_PATTERN = r"[\w+=/:,.@-]*"
TOKEN_CODE_PATTERN = r"[\d]*"
ROLE_SESSION_NAME_PATTERN = r"[\w+=,.@-]*"
EXTERNAL_ID_PATTERN = r"[\w+=,.@:\/-]*"
USER_NAME_PATTERN = r"[\w+=,.@-]+"

_KEY_ALPHABET = string.ascii_uppercase + "234567"


class AccountsError(Exception):
    """The accounts file is not what the README describes."""


def _derived_id(prefix, *parts):
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:17]


def _parse_iso(text, where):
    try:
        dt = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        raise AccountsError("%s: expected a date like 2024-01-15T10:00:00Z, got %r"
                            % (where, text))
    return dt.replace(tzinfo=datetime.timezone.utc).timestamp()


class Device:
    def __init__(self, user, doc, where):
        self.user = user
        self.serial = doc.get("serial_number")
        if not isinstance(self.serial, str) or not re.fullmatch(r"[\w+=/:,.@-]{9,256}",
                                                                  self.serial):
            raise AccountsError("%s: serial_number must be 9-256 characters of [\\w+=/:,.@-]"
                                % where)
        seed = doc.get("seed")
        try:
            base64.b32decode(seed.upper() + "=" * (-len(seed) % 8))
        except (AttributeError, TypeError, ValueError):
            raise AccountsError("%s: seed must be a base32 string" % where)
        self.totp = pyotp.TOTP(seed.upper(), interval=TOTP_STEP)
        self.enable_date = _parse_iso(doc.get("enable_date", "2024-01-01T00:00:00Z"),
                                      where + ".enable_date")
        self.last_counter = None  # the time step of the last code accepted

    def code_at(self, epoch):
        return self.totp.at(int(epoch))


class User:
    def __init__(self, doc, where):
        self.name = doc.get("user_name")
        self.account_id = doc.get("account_id")
        if not isinstance(self.name, str) or not re.fullmatch(r"[\w+=,.@-]{1,64}", self.name):
            raise AccountsError("%s: user_name must be 1-64 characters of [\\w+=,.@-]" % where)
        if not isinstance(self.account_id, str) or not re.fullmatch(r"\d{12}", self.account_id):
            raise AccountsError("%s: account_id must be 12 digits" % where)
        self.user_id = doc.get("user_id") or _derived_id("AIDA", self.account_id, self.name)
        self.arn = "arn:aws:iam::%s:user/%s" % (self.account_id, self.name)
        self.keys = {}
        for i, key in enumerate(doc.get("access_keys", [])):
            kwhere = "%s.access_keys[%d]" % (where, i)
            akid = key.get("access_key_id")
            secret = key.get("secret_access_key")
            if not isinstance(akid, str) or not re.fullmatch(r"AKIA[A-Z0-9]{16}", akid):
                raise AccountsError("%s: access_key_id must be AKIA + 16 of [A-Z0-9]" % kwhere)
            if not isinstance(secret, str) or len(secret) != 40:
                raise AccountsError("%s: secret_access_key must be 40 characters" % kwhere)
            status = key.get("status", "Active")
            if status not in ("Active", "Inactive"):
                raise AccountsError("%s: status must be Active or Inactive" % kwhere)
            self.keys[akid] = (secret, status)
        self.devices = [Device(self, d, "%s.mfa_devices[%d]" % (where, i))
                        for i, d in enumerate(doc.get("mfa_devices", []))]


class Role:
    def __init__(self, doc, where):
        self.arn = doc.get("arn")
        m = re.fullmatch(r"arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})",
                         self.arn or "")
        if not m:
            raise AccountsError("%s: arn must look like arn:aws:iam::123456789012:role/Name"
                                % where)
        self.account_id, self.name = m.group(1), m.group(2)
        self.role_id = doc.get("role_id") or _derived_id("AROA", self.arn)
        self.require_mfa = bool(doc.get("require_mfa", False))
        self.external_id = doc.get("external_id")
        self.max_session_duration = int(doc.get("max_session_duration", 3600))
        if not 3600 <= self.max_session_duration <= 43200:
            raise AccountsError("%s: max_session_duration must be 3600-43200" % where)
        self.trusted_accounts = set(doc.get("trusted_accounts", [self.account_id]))


class Session:
    """Temporary credentials the server has issued."""

    def __init__(self, kind, user, role, session_name, mfa, issued, expiration):
        self.kind = kind  # "session" (GetSessionToken) or "assumed-role" (AssumeRole)
        self.user = user  # the IAM user at the start of the chain
        self.role = role
        self.session_name = session_name
        self.mfa = mfa
        self.chained = False  # an AssumeRole by an assumed role
        self.issued = issued
        self.expiration = expiration
        self.access_key_id = "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
        self.secret_access_key = base64.b64encode(secrets.token_bytes(30)).decode()
        # Real tokens are long and use the whole base64 alphabet (+, /, =): so do these.
        self.session_token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(
            secrets.token_bytes(360)).decode()


class Principal:
    """Who signed a request."""

    def __init__(self, kind, user, session=None):
        self.kind = kind  # "user", "session" or "assumed-role"
        self.user = user
        self.session = session
        self.mfa = bool(session and session.mfa)
        if kind == "assumed-role":
            role = session.role
            self.account_id = role.account_id
            self.arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (role.account_id, role.name,
                                                               session.session_name)
            self.user_id = "%s:%s" % (role.role_id, session.session_name)
        else:
            self.account_id = user.account_id
            self.arn = user.arn
            self.user_id = user.user_id


def _credentials(session):
    return {"AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "SessionToken": session.session_token,
            "Expiration": Timestamp(session.expiration)}


class AwsState:
    def __init__(self, accounts_doc, reused_code_style="distinct", accept_any_code=False):
        if not isinstance(accounts_doc, dict):
            raise AccountsError("the accounts file must hold a JSON object")
        # Benchmarks only (--accept-any-code): any well-formed code of the caller's device is
        # valid, as often as it is sent, so a timing loop needs no TOTP clock.
        self.accept_any_code = bool(accept_any_code)
        self.reused_code_message = (MSG_MFA_INVALID if reused_code_style == "invalid"
                                    else MSG_MFA_REUSED)
        self.users = [User(u, "users[%d]" % i) for i, u in enumerate(accounts_doc.get("users", []))]
        self.roles = {}
        for i, r in enumerate(accounts_doc.get("roles", [])):
            role = Role(r, "roles[%d]" % i)
            self.roles[role.arn] = role
        self.keys = {}
        self.devices = {}
        for user in self.users:
            for akid, (secret, status) in user.keys.items():
                if akid in self.keys:
                    raise AccountsError("access key %s is listed twice" % akid)
                self.keys[akid] = (user, secret, status)
            for device in user.devices:
                if device.serial in self.devices:
                    raise AccountsError("MFA device %s is listed twice" % device.serial)
                self.devices[device.serial] = device
        self.sessions = {}
        self.signin_tokens = {}  # SigninToken → (access key id of the session, issued)

    @classmethod
    def from_file(cls, path, **kwargs):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise AccountsError("cannot read %s: %s" % (path, e))
        try:
            return cls(doc, **kwargs)
        except (AttributeError, TypeError, ValueError, KeyError) as e:
            # A value of the wrong JSON type somewhere the checks above did not look.
            raise AccountsError("%s: malformed accounts file (%s: %s); see README.md"
                                % (path, type(e).__name__, e))

    # ------------------------------------------------------------------------------------------
    # Authentication

    def credentials_for(self, access_key_id):
        """(secret, session-or-None, user) for an access key id, or raise InvalidClientTokenId."""
        if access_key_id in self.keys:
            user, secret, status = self.keys[access_key_id]
            if status != "Active":
                raise invalid_client_token_id()
            return secret, None, user
        session = self.sessions.get(access_key_id)
        if session is None:
            raise invalid_client_token_id()
        return session.secret_access_key, session, session.user

    def check_token(self, session, token, now):
        """The X-Amz-Security-Token rules: long-term keys carry none, temporary keys carry
        exactly the token issued with them, and it must not have expired."""
        if session is None:
            if token is not None:
                raise invalid_client_token_id()
            return
        if token is None or not hmac.compare_digest(token.encode(),
                                                    session.session_token.encode()):
            raise invalid_client_token_id()
        if now >= session.expiration:
            raise AwsError(400, "ExpiredToken", MSG_EXPIRED_TOKEN)

    def principal(self, session, user):
        if session is None:
            return Principal("user", user)
        return Principal(session.kind, user, session)

    def check_service_access(self, service, principal):
        # Credentials from GetSessionToken without MFA cannot call IAM (AWS answers with
        # InvalidClientTokenId, not AccessDenied).
        if service == "iam" and principal.kind == "session" and not principal.mfa:
            raise invalid_client_token_id()

    def expire_sessions(self, access_key_id, now):
        n = 0
        for session in self.sessions.values():
            if access_key_id is None or session.access_key_id == access_key_id:
                session.expiration = min(session.expiration, int(now) - 1)
                n += 1
        return n

    # ------------------------------------------------------------------------------------------
    # MFA

    def check_mfa(self, user, serial, code, now):
        """Validate SerialNumber/TokenCode for the user; raises AccessDenied as AWS does. A code
        is accepted for the current, previous or next 30 s step, once: a code of a step at or
        before the last accepted one for the device is refused as reused. With accept_any_code,
        the device must still be the caller's, but every code is accepted, every time."""
        device = self.devices.get(serial) if serial is not None else None
        if device is None or user is None or device.user is not user:
            raise access_denied(MSG_MFA_WRONG_DEVICE)
        if code is None:
            raise access_denied(MSG_MFA_INVALID)
        if self.accept_any_code:
            return
        current = int(now) // TOTP_STEP
        matched = None
        for counter in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
            if hmac.compare_digest(device.totp.generate_otp(counter), code):
                matched = counter
        if matched is None:
            raise access_denied(MSG_MFA_INVALID)
        if device.last_counter is not None and matched <= device.last_counter:
            raise access_denied(self.reused_code_message)
        device.last_counter = matched

    # ------------------------------------------------------------------------------------------
    # Actions

    ACTIONS = {
        ("sts", "GetSessionToken"): "get_session_token",
        ("sts", "AssumeRole"): "assume_role",
        ("sts", "GetCallerIdentity"): "get_caller_identity",
        ("iam", "ListMFADevices"): "list_mfa_devices",
    }

    def has_action(self, service, action):
        return (service, action) in self.ACTIONS

    def call(self, service, action, params, principal, now):
        return getattr(self, self.ACTIONS[(service, action)])(params, principal, now)

    def _issue(self, session):
        self.sessions[session.access_key_id] = session
        return session

    def get_session_token(self, params, principal, now):
        if principal.kind != "user":
            raise access_denied(MSG_GST_WITH_SESSION)
        v = Validator()
        duration = v.integer(params, "DurationSeconds", 900, 129600)
        serial = v.string(params, "SerialNumber", 9, 256, SERIAL_PATTERN)
        code = v.string(params, "TokenCode", 6, 6, TOKEN_CODE_PATTERN)
        v.check()
        mfa = False
        if serial is not None or code is not None:
            self.check_mfa(principal.user, serial, code, now)
            mfa = True
        duration = 43200 if duration is None else duration
        session = self._issue(Session("session", principal.user, None, None, mfa, int(now),
                                      int(now) + duration))
        return {"Credentials": _credentials(session)}

    def assume_role(self, params, principal, now):
        v = Validator()
        role_arn = v.string(params, "RoleArn", 20, 2048, required=True)
        session_name = v.string(params, "RoleSessionName", 2, 64, ROLE_SESSION_NAME_PATTERN,
                                required=True)
        duration = v.integer(params, "DurationSeconds", 900, 43200)
        external_id = v.string(params, "ExternalId", 2, 1224, EXTERNAL_ID_PATTERN)
        serial = v.string(params, "SerialNumber", 9, 256, SERIAL_PATTERN)
        code = v.string(params, "TokenCode", 6, 6, TOKEN_CODE_PATTERN)
        policy = v.string(params, "Policy", 1, 2048)
        v.check()

        mfa = principal.mfa
        if serial is not None or code is not None:
            self.check_mfa(principal.user, serial, code, now)
            mfa = True

        role = self.roles.get(role_arn)
        denied = access_denied("User: %s is not authorized to perform: sts:AssumeRole on "
                               "resource: %s" % (principal.arn, role_arn))
        if role is None or principal.account_id not in role.trusted_accounts:
            raise denied
        if role.external_id is not None and external_id != role.external_id:
            raise denied
        if role.require_mfa and not mfa:
            raise denied

        chained = principal.kind == "assumed-role"
        if duration is None:
            duration = 3600
        if chained and duration > 3600:
            raise validation_error(MSG_CHAINED_DURATION)
        if duration > role.max_session_duration:
            raise validation_error(MSG_MAX_SESSION_DURATION)

        session = self._issue(Session("assumed-role", principal.user, role, session_name, mfa,
                                      int(now), int(now) + duration))
        session.chained = chained
        assumed = Principal("assumed-role", principal.user, session)
        # None members are left out of XML and are null in JSON, as AWS does.
        return {"AssumedRoleUser": {"AssumedRoleId": assumed.user_id, "Arn": assumed.arn},
                "Credentials": _credentials(session),
                "PackedPolicySize": (None if policy is None
                                     else min(100, len(policy) * 100 // 2048 + 1)),
                "SourceIdentity": None}

    def get_caller_identity(self, params, principal, now):
        return {"UserId": principal.user_id, "Account": principal.account_id,
                "Arn": principal.arn}

    def list_mfa_devices(self, params, principal, now):
        v = Validator()
        user_name = v.string(params, "UserName", 1, 128, USER_NAME_PATTERN)
        marker = v.string(params, "Marker", 1, 320, r"[\u0020-\u00FF]+")
        max_items = v.integer(params, "MaxItems", 1, 1000)
        v.check()
        if user_name is not None:
            user = next((u for u in self.users
                         if u.name == user_name and u.account_id == principal.account_id), None)
            if user is None:
                raise AwsError(404, "NoSuchEntity",
                               "The user with name %s cannot be found." % user_name)
        elif principal.kind == "assumed-role":
            raise validation_error("Must specify userName when calling with non-User credentials")
        else:
            user = principal.user
        start = 0
        if marker is not None:
            try:
                kind, _, index = base64.b64decode(marker, validate=True).decode().partition(":")
                start = int(index)
                if kind != user.name or not 0 <= start <= len(user.devices):
                    raise ValueError
            except ValueError:
                raise validation_error("Invalid Marker: %s" % marker)
        limit = 100 if max_items is None else max_items
        page = user.devices[start:start + limit]
        end = start + len(page)
        truncated = end < len(user.devices)
        return {
            "IsTruncated": truncated,
            "MFADevices": [{"UserName": user.name, "SerialNumber": d.serial,
                            "EnableDate": Timestamp(d.enable_date)} for d in page],
            "Marker": (base64.b64encode(("%s:%d" % (user.name, end)).encode()).decode()
                       if truncated else None),
        }


# ----------------------------------------------------------------------------------------------
# The federation sign-in endpoint (signin.aws.amazon.com/federation)

SIGNIN_TOKEN_LIFETIME = 15 * 60  # AWS: a sign-in token must be used within 15 minutes


class FederationError(Exception):
    """A refusal of the federation endpoint: AWS answers these with a status and a short
    text body, not an AWS error document."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def get_signin_token(state, params, now):
    """Action=getSigninToken: a token for a live role session given in Session (JSON with
    sessionId, sessionKey, sessionToken). Returns (access key id, {"SigninToken": …})."""
    try:
        doc = json.loads(params.get("Session") or "")
    except ValueError:
        raise FederationError(400, "Session is not JSON")
    if not isinstance(doc, dict):
        raise FederationError(400, "Session is not a JSON object")
    key_id, secret, token = (doc.get("sessionId"), doc.get("sessionKey"),
                             doc.get("sessionToken"))
    if not all(isinstance(v, str) and v for v in (key_id, secret, token)):
        raise FederationError(400, "Session needs sessionId, sessionKey and sessionToken")
    duration = params.get("SessionDuration")
    session = state.sessions.get(key_id)
    if session is None or not hmac.compare_digest(secret.encode(),
                                                  session.secret_access_key.encode()) \
            or not hmac.compare_digest(token.encode(), session.session_token.encode()):
        raise FederationError(400, "the session is not one this server issued")
    if now >= session.expiration:
        raise FederationError(400, "the session has expired")
    # AWS signs in role (and federation) sessions only; GetSessionToken's are refused.
    if session.kind != "assumed-role":
        raise FederationError(400, "only role sessions can sign in to the console")
    if duration is not None:
        if not re.fullmatch(r"\d{1,6}", duration) or not 900 <= int(duration) <= 43200:
            raise FederationError(400, "SessionDuration must be 900-43200")
        # A role session made with role chaining cannot ask for a duration (AWS's rule).
        if session.chained:
            raise FederationError(400, "SessionDuration is not allowed for a chained role session")
    signin_token = secrets.token_urlsafe(96)
    state.signin_tokens[signin_token] = (key_id, now)
    return key_id, {"SigninToken": signin_token}


def check_login(state, params, now):
    """Action=login: the URL a browser opens. Returns (access key id, the Destination to
    redirect to) for a token this server issued less than 15 minutes ago, once."""
    issued = state.signin_tokens.pop(params.get("SigninToken") or "", None)
    if issued is None or now - issued[1] > SIGNIN_TOKEN_LIFETIME:
        raise FederationError(400, "the sign-in token is not valid")
    destination = params.get("Destination") or ""
    if not destination.startswith("https://"):
        raise FederationError(400, "Destination must be an https URL")
    return issued[0], destination
