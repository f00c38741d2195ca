#!/usr/bin/python3
"""The stand-in's console federation endpoint (GET /federation): getSigninToken takes only a
live role session it issued, with its exact secret and token, and SessionDuration only within
AWS's limits and not for a chained role; login redirects once per token; nothing secret is
logged."""

import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stand_in import StandIn, strip_namespaces  # noqa: E402
from standin_check import Checks  # noqa: E402

ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
ADMIN = "arn:aws:iam::222222222222:role/Admin"
DEPLOY = "arn:aws:iam::222222222222:role/Deploy"


def credentials_of(resp, action):
    assert resp.status == 200, (resp.status, resp.text)
    creds = strip_namespaces(resp.xml()).find("%sResult/Credentials" % action)
    return {e.tag: e.text for e in creds}


def federation(aws, method="GET", **params):
    conn = aws.connection()
    try:
        conn.request(method, "/federation?" + urllib.parse.urlencode(params))
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location"), resp.read().decode()
    finally:
        conn.close()


def session_param(creds, **override):
    doc = {"sessionId": creds["AccessKeyId"], "sessionKey": creds["SecretAccessKey"],
           "sessionToken": creds["SessionToken"]}
    doc.update(override)
    return json.dumps(doc)


def test_federation(c, aws):
    gst = credentials_of(aws.signed_request("GetSessionToken", {
        "SerialNumber": ALICE_MFA, "TokenCode": aws.totp(ALICE_MFA)}, user="alice"),
        "GetSessionToken")
    mfa_session = {"access_key_id": gst["AccessKeyId"], "secret_access_key": gst["SecretAccessKey"],
                   "session_token": gst["SessionToken"]}
    role = credentials_of(aws.signed_request("AssumeRole", {
        "RoleArn": ADMIN, "RoleSessionName": "alice"}, **mfa_session), "AssumeRole")
    role_session = {"access_key_id": role["AccessKeyId"], "secret_access_key": role["SecretAccessKey"],
                    "session_token": role["SessionToken"]}
    chained = credentials_of(aws.signed_request("AssumeRole", {
        "RoleArn": DEPLOY, "RoleSessionName": "chained"}, **role_session), "AssumeRole")

    aws.clear_requests()
    status, _, body = federation(aws, Action="getSigninToken", Session=session_param(role))
    c.equal("a role session gets a token", status, 200)
    token = json.loads(body).get("SigninToken") if status == 200 else None
    c.check("the answer is {\"SigninToken\": …}", isinstance(token, str) and len(token) > 64, body)

    destination = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    c.equal("login redirects to the destination",
            federation(aws, Action="login", Destination=destination, SigninToken=token)[:2],
            (302, destination))
    c.equal("a token signs in once",
            federation(aws, Action="login", Destination=destination, SigninToken=token)[0], 400)
    c.equal("an unknown token is refused",
            federation(aws, Action="login", Destination=destination, SigninToken="x" * 80)[0], 400)

    c.equal("a GetSessionToken session is refused",
            federation(aws, Action="getSigninToken", Session=session_param(gst))[0], 400)
    c.equal("a wrong secret is refused",
            federation(aws, Action="getSigninToken",
                       Session=session_param(role, sessionKey="x" * 40))[0], 400)
    c.equal("a wrong token is refused",
            federation(aws, Action="getSigninToken",
                       Session=session_param(role, sessionToken="IQoJ" + "A" * 100))[0], 400)
    c.equal("not JSON is refused",
            federation(aws, Action="getSigninToken", Session="{not json")[0], 400)
    c.equal("POST is refused",
            federation(aws, method="POST", Action="getSigninToken", Session=session_param(role))[0],
            405)
    c.equal("SessionDuration within 900-43200 is taken",
            federation(aws, Action="getSigninToken", Session=session_param(role),
                       SessionDuration="3600")[0], 200)
    c.equal("SessionDuration over 43200 is refused",
            federation(aws, Action="getSigninToken", Session=session_param(role),
                       SessionDuration="43201")[0], 400)
    c.equal("SessionDuration with a chained role session is refused",
            federation(aws, Action="getSigninToken", Session=session_param(chained),
                       SessionDuration="3600")[0], 400)
    c.equal("a chained role session without SessionDuration gets a token",
            federation(aws, Action="getSigninToken", Session=session_param(chained))[0], 200)

    aws.expire_sessions(role["AccessKeyId"])
    c.equal("an expired role session is refused",
            federation(aws, Action="getSigninToken", Session=session_param(role))[0], 400)

    log = json.dumps(aws.requests())
    c.check("the log names the session's key id", role["AccessKeyId"] in log)
    c.check("the log holds no secret, token or sign-in token",
            role["SecretAccessKey"] not in log and role["SessionToken"] not in log and
            token not in log)
    server_log = aws.server_log()
    c.check("stderr holds no secret or token",
            role["SecretAccessKey"] not in server_log and token not in server_log)


def main():
    c = Checks()
    with StandIn() as aws:
        c.run("federation", test_federation, aws)
    sys.exit(c.finish())


if __name__ == "__main__":
    main()
