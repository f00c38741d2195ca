"""console, env and exec end to end, from a throw-away HOME, against the stand-in server: the
console URL of a role session carries a sign-in token the stand-in issued (its login action
takes it once) and the region's destination; a GetSessionToken profile is refused before any
code is asked for; `env` output evaluated by sh, and parsed from fish and JSON, gives exactly
the keys botocore resolves; `exec` runs the AWS CLI with no profile, returns the command's
status, and logs in first (here through mfa_process) when the session is expired or within
the lead time."""

import http.client
import json
import os
import subprocess
import time
import urllib.parse

from cli_helper import ALICE_MFA, Checks, Home, ini_sections, one_error_line
from fake_browser import opened_urls, register
from stand_in import StandIn

ADMIN = "arn:aws:iam::222222222222:role/Admin"


def alice_files(aws, region="eu-west-1", mfa_process=None):
    alice = aws.user("alice")
    credentials = ("[dev-long-term]\n"
                   "aws_access_key_id = %s\n"
                   "aws_secret_access_key = %s\n"
                   "aws_mfa_device = %s\n" % (alice["access_key_id"], alice["secret_access_key"],
                                               ALICE_MFA))
    config = ("[profile dev]\n"
              "region = %s\n"
              "%s"
              "\n"
              "[profile admin]\n"
              "role_arn = %s\n"
              "source_profile = dev\n"
              "mfa_serial = %s\n"
              "region = %s\n"
              % (region, "mfa_process = %s\n" % mfa_process if mfa_process else "",
                 ADMIN, ALICE_MFA, region))
    return config, credentials


def parse_sh(text):
    """What sh makes of `eval "$(aws-mfa-tray env …)"`: the variables as the shell sees them."""
    script = 'eval "$1"; env -0'
    proc = subprocess.run(["/bin/sh", "-c", script, "sh", text], capture_output=True,
                          env={"PATH": "/usr/bin:/bin"}, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return dict(item.split("=", 1) for item in proc.stdout.decode().split("\0") if "=" in item)


def parse_fish(text):
    """`set -gx NAME 'value'` lines, read by fish's quoting rules (fish itself is not needed)."""
    result = {}
    for line in text.splitlines():
        assert line.startswith("set -gx "), line
        name, rest = line[len("set -gx "):].split(" ", 1)
        assert rest.startswith("'") and rest.endswith("'"), rest
        value, i, body = [], 0, rest[1:-1]
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in "\\'":
                value.append(body[i + 1])
                i += 2
            else:
                assert body[i] != "'", "unescaped quote in %r" % rest
                value.append(body[i])
                i += 1
        result[name] = "".join(value)
    return result


def main():
    checks = Checks()
    with StandIn() as aws:
        def logged_in_home(**kwargs):
            home = Home(aws, *alice_files(aws, **kwargs))
            aws.reset_mfa()
            aws.wait_for_step_margin(8)
            status, out, err = home.login("dev", aws.totp(ALICE_MFA))
            assert status == 0, err
            return home

        def signin_env(home):
            return home.env(AWS_ENDPOINT_URL_SIGNIN=aws.url)

        def follow_login(url):
            """Opens the login URL the way a browser would, without following the redirect:
            (status, Location)."""
            parts = urllib.parse.urlsplit(url)
            conn = http.client.HTTPSConnection(parts.hostname, parts.port,
                                               context=aws.ssl_context(), timeout=30)
            conn.request("GET", parts.path + "?" + parts.query)
            response = conn.getresponse()
            response.read()
            conn.close()
            return response.status, response.getheader("Location")

        def console_url_for_role():
            home = logged_in_home()
            files = ini_sections(home.read_credentials())
            aws.clear_requests()
            # Every debug message on: none may carry the token, the secret or the query.
            env = dict(signin_env(home), G_MESSAGES_DEBUG="all")
            status, out, err = home.run("console", "--profile", "admin", "--print-url", env=env)
            assert status == 0, err
            assert "getSigninToken" in err, err
            url = out.strip()
            assert url.startswith(aws.url + "/federation?Action=login&"), url
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
            assert query["Destination"] == \
                "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1", query
            requests = aws.requests()
            assert [(r["service"], r["action"], r["status"]) for r in requests] == \
                [("signin", "getSigninToken", 200)], requests
            # The token was issued for admin's role session, and nothing else was asked for.
            assert requests[0]["access_key_id"] == files["admin-mfa"]["aws_access_key_id"]
            assert requests[0]["duration_seconds"] is None, requests[0]
            # The stand-in takes the token it issued, once: the browser lands on the console.
            assert follow_login(url) == (302, query["Destination"])
            assert follow_login(url)[0] == 400
            # Neither the token nor the session's secret reaches standard error.
            assert query["SigninToken"] not in err and "Session=" not in err, err
            assert files["admin-mfa"]["aws_secret_access_key"] not in out + err

        def console_opens_default_browser():
            home = logged_in_home()
            opened_path = os.path.join(home.path, "opened-urls")
            # In the test's XDG directories (tests/isolate), which the command inherits.
            register(home.path, opened_path)
            status, out, err = home.run("console", "--profile", "admin", env=signin_env(home))
            assert status == 0, err
            assert out == "", out
            assert "Opened the AWS Console for admin" in err, err
            deadline = time.monotonic() + 15
            while not opened_urls(opened_path) and time.monotonic() < deadline:
                time.sleep(0.1)
            urls = opened_urls(opened_path)
            assert len(urls) == 1 and urls[0].startswith(aws.url + "/federation?Action=login&"), urls
            assert follow_login(urls[0])[0] == 302

        def console_partitions():
            # The role's partition picks the console of the destination (the sign-in host is
            # checked in tests/unit/test-console.c: here AWS_ENDPOINT_URL_SIGNIN replaces it).
            home = logged_in_home()
            with open(home.config) as f:
                text = f.read()
            for arn, destination in (
                    ("arn:aws-us-gov:iam::222222222222:role/Admin",
                     "https://console.amazonaws-us-gov.com/console/home?region=eu-west-1"),
                    ("arn:aws-cn:iam::222222222222:role/Admin",
                     "https://console.amazonaws.cn/console/home?region=eu-west-1")):
                with open(home.config, "w") as f:
                    f.write(text.replace(ADMIN, arn))
                status, out, err = home.run("console", "--profile", "admin", "--print-url",
                                            env=signin_env(home))
                assert status == 0, err
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(out.strip()).query))
                assert query["Destination"] == destination, query
            # A partition with no known console sign-in: one sentence, no request.
            with open(home.config, "w") as f:
                f.write(text.replace(ADMIN, "arn:aws-iso:iam::222222222222:role/Admin"))
            aws.clear_requests()
            status, out, err = home.run("console", "--profile", "admin", "--print-url",
                                        env=signin_env(home))
            one_error_line(status, err, "aws-iso", "partitions")
            assert aws.requests() == [], aws.requests()

        def console_refused_for_session_profile():
            home = logged_in_home()
            aws.clear_requests()
            status, out, err = home.run("console", "--profile", "dev", "--print-url",
                                        env=signin_env(home))
            one_error_line(status, err, "role sessions", "GetSessionToken")
            assert aws.requests() == [], aws.requests()

        def console_with_expired_session_asks_first():
            home = logged_in_home()
            aws.expire_sessions()
            with open(home.credentials) as f:
                text = f.read()
            # The files say expired too: the session must be refreshed before the sign-in.
            files = ini_sections(text.encode())
            old = files["admin-mfa"]["expiration"]
            with open(home.credentials, "w") as f:
                f.write(text.replace(old, "2020-01-01T00:00:00Z"))
            aws.clear_requests()
            status, out, err = home.run("console", "--profile", "admin", "--print-url",
                                        env=signin_env(home))
            # stdin is not a terminal and no applet runs: nothing can ask, nothing was sent.
            one_error_line(status, err, "mfa_process")
            assert aws.requests() == [], aws.requests()

        def env_formats():
            home = logged_in_home()
            files = ini_sections(home.read_credentials())
            keys = files["admin-mfa"]
            expected = {"AWS_ACCESS_KEY_ID": keys["aws_access_key_id"],
                        "AWS_SECRET_ACCESS_KEY": keys["aws_secret_access_key"],
                        "AWS_SESSION_TOKEN": keys["aws_session_token"],
                        "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
                        "AWS_CREDENTIAL_EXPIRATION": keys["expiration"]}
            status, sh_text, err = home.run("env", "--profile", "admin")
            assert status == 0, err
            seen = parse_sh(sh_text)
            assert {k: v for k, v in seen.items() if k.startswith("AWS_")} == expected, seen
            status, fish_text, err = home.run("env", "--profile", "admin", "--format", "fish")
            assert status == 0, err
            assert parse_fish(fish_text) == expected
            status, json_text, err = home.run("env", "--profile", "admin", "--format", "json")
            assert status == 0, err
            assert json.loads(json_text) == expected
            # botocore, given only these variables, resolves exactly the session's keys.
            script = ("import botocore.session, json\n"
                      "s = botocore.session.Session()\n"
                      "c = s.get_credentials().get_frozen_credentials()\n"
                      "print(json.dumps([c.access_key, c.secret_key, c.token, s.get_config_variable('region'), s.get_credentials().method]))\n")
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(seen)
            env.update(HOME=home.path, AWS_CONFIG_FILE="/dev/null",
                       AWS_SHARED_CREDENTIALS_FILE="/dev/null")
            proc = subprocess.run(["/usr/bin/python3", "-c", script], env=env,
                                  capture_output=True, timeout=60)
            assert proc.returncode == 0, proc.stderr
            assert json.loads(proc.stdout) == [keys["aws_access_key_id"],
                                               keys["aws_secret_access_key"],
                                               keys["aws_session_token"], "eu-west-1", "env"]

        def env_quotes_what_the_shell_would_expand():
            # A region with every character sh and fish treat specially survives both.
            nasty = "it's $(rm -rf ~) `x` \\ \" $HOME\t;|&"
            home = logged_in_home(region="us-east-1")
            with open(home.config) as f:
                text = f.read()
            with open(home.config, "w") as f:
                f.write(text.replace("region = us-east-1\n\n[profile admin]",
                                     "region = us-east-1\n\n[profile admin]") .replace(
                    "mfa_serial = %s\nregion = us-east-1" % ALICE_MFA,
                    "mfa_serial = %s\nregion = %s" % (ALICE_MFA, nasty)))
            status, sh_text, err = home.run("env", "--profile", "admin")
            assert status == 0, err
            assert parse_sh(sh_text)["AWS_REGION"] == nasty.strip(), sh_text
            status, fish_text, err = home.run("env", "--profile", "admin", "--format", "fish")
            assert parse_fish(fish_text)["AWS_REGION"] == nasty.strip()

        def exec_runs_aws_cli():
            home = logged_in_home()
            files = ini_sections(home.read_credentials())
            env = home.env(AWS_PROFILE="dev", AWS_DEFAULT_PROFILE="dev")
            status, out, err = home.run("exec", "--profile", "admin", "--",
                                        "/usr/bin/aws", "--endpoint-url", aws.url,
                                        "--output", "json", "sts", "get-caller-identity", env=env)
            assert status == 0, err
            identity = json.loads(out)
            # The role's session, not dev's (AWS_PROFILE was removed for the command).
            assert identity["Arn"].startswith("arn:aws:sts::222222222222:assumed-role/Admin/"), identity
            requests = [r for r in aws.requests() if r["action"] == "GetCallerIdentity"]
            assert requests[-1]["access_key_id"] == files["admin-mfa"]["aws_access_key_id"]
            assert requests[-1]["signature_ok"] is True
            # The command's exit status, and its environment without the profile variables.
            status, out, err = home.run("exec", "--profile", "admin", "/bin/sh", "-c",
                                        'test -z "$AWS_PROFILE$AWS_DEFAULT_PROFILE" && exit 42',
                                        env=env)
            assert status == 42, (status, err)
            status, out, err = home.run("exec", "--profile", "admin", "--", "/nonexistent/cmd",
                                        env=env)
            assert status == 127 and "/nonexistent/cmd" in err, (status, err)

        def exec_logs_in_first():
            seed = aws.device_seed(ALICE_MFA)
            script = os.path.join(os.environ.get("AMT_TEST_TMPDIR", "/tmp"), "alice-code.py")
            with open(script, "w") as f:
                f.write("import pyotp\nprint(pyotp.TOTP(%r).now())\n" % seed)
            home = Home(aws, *alice_files(aws, mfa_process="/usr/bin/python3 " + script))
            aws.reset_mfa()
            aws.wait_for_step_margin(8)
            aws.clear_requests()
            # Never logged in: exec asks for the code (mfa_process), then runs the command.
            status, out, err = home.run("exec", "--profile", "admin", "--", "/usr/bin/aws",
                                        "--endpoint-url", aws.url, "--output", "json",
                                        "sts", "get-caller-identity")
            assert status == 0, err
            assert json.loads(out)["Account"] == "222222222222"
            actions = [r["action"] for r in aws.requests()]
            assert actions.index("GetSessionToken") < actions.index("GetCallerIdentity"), actions

        def bad_command_lines():
            home = Home(aws, *alice_files(aws))
            for args in (["console"], ["env"], ["env", "--profile", "admin", "--format", "csh"],
                         ["exec", "--profile", "admin"], ["console", "--profile", "a", "extra"]):
                status, out, err = home.run(*args)
                assert status == 2, (args, status, err)
                assert len(err.strip().splitlines()) == 1, err
            status, out, err = home.run("env", "--profile", "nobody")
            one_error_line(status, err, "nobody", "aws-mfa-tray status")

        checks.run("console: a role session's URL carries the stand-in's token", console_url_for_role)
        checks.run("console: opens the default browser", console_opens_default_browser)
        checks.run("console: the partition picks the sign-in host", console_partitions)
        checks.run("console: a GetSessionToken profile is refused before any code", console_refused_for_session_profile)
        checks.run("console: an expired session needs a code before any request", console_with_expired_session_asks_first)
        checks.run("env: sh, fish and json give botocore's keys", env_formats)
        checks.run("env: quoting survives sh and fish", env_quotes_what_the_shell_would_expand)
        checks.run("exec: the AWS CLI with no profile, and the command's status", exec_runs_aws_cli)
        checks.run("exec: logs in first when there is no session", exec_logs_in_first)
        checks.run("bad command lines", bad_command_lines)
    checks.finish()


if __name__ == "__main__":
    main()
