#!/usr/bin/python3
"""./run demo: the whole flow without an AWS account.

Starts the stand-in AWS server (this directory), makes a throw-away HOME with two demo
profiles that point at it (the aws-mfa style "demo", and the role "demo-admin" assumed from
it, both behind one MFA device), starts the applet from the build tree in that HOME, and
prints the demo device's current code, refreshed every second, until the applet quits.

Every key and seed here is the stand-in's fake, public test data (accounts.json).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from stand_in import StandIn, totp_code  # noqa: E402

DEVICE = "arn:aws:iam::111111111111:mfa/alice"
ROLE = "arn:aws:iam::222222222222:role/Admin"


def write_home(home, aws):
    alice = aws.user("alice")
    aws_dir = os.path.join(home, ".aws")
    os.makedirs(aws_dir, mode=0o700)
    with open(os.path.join(aws_dir, "credentials"), "w") as f:
        f.write("# Demo keys of the stand-in server (fake, public test data)\n"
                "[demo-long-term]\n"
                "aws_access_key_id = %s\n"
                "aws_secret_access_key = %s\n"
                "aws_mfa_device = %s\n" % (alice["access_key_id"], alice["secret_access_key"], DEVICE))
    os.chmod(os.path.join(aws_dir, "credentials"), 0o600)
    with open(os.path.join(aws_dir, "config"), "w") as f:
        f.write("[profile demo]\n"
                "region = eu-west-1\n"
                "\n"
                "[profile demo-admin]\n"
                "role_arn = %s\n"
                "source_profile = demo\n"
                "mfa_serial = %s\n" % (ROLE, DEVICE))


def end_demo(signum, frame):
    """SIGTERM ends the demo as Ctrl+C does: the applet, the server and the HOME go."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("applet_args", nargs="*")
    args = parser.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    args.source_dir = os.path.abspath(args.source_dir)

    signal.signal(signal.SIGTERM, end_demo)
    base = tempfile.mkdtemp(prefix="aws-mfa-tray-demo-")
    home = os.path.join(base, "home")
    try:
        with StandIn(tmpdir=base, quiet=True) as aws:
            write_home(home, aws)
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(HOME=home,
                       XDG_CONFIG_HOME=os.path.join(home, ".config"),
                       AWS_ENDPOINT_URL=aws.url, AWS_CA_BUNDLE=aws.ca_bundle,
                       GSETTINGS_SCHEMA_DIR=os.path.join(args.build_dir, "data"),
                       # The modules of the build tree (src/base/amt-module.c)
                       AMT_MODULE_DIR=os.pathsep.join(os.path.join(args.build_dir, "src", d)
                                                      for d in ("aws", "core")),
                       GSETTINGS_BACKEND="memory",
                       XDG_DATA_DIRS=os.path.join(args.source_dir, "data") + ":" +
                       os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share"))
            applet = subprocess.Popen([os.path.join(args.build_dir, "src", "aws-mfa-tray"),
                                       *args.applet_args], env=env)
            print("\nDemo: a throw-away HOME in %s with the profiles demo and demo-admin,\n"
                  "pointing at a stand-in AWS server on %s.\n"
                  "Click Log In…, and type the code below (it changes every 30 s).\n"
                  "In another terminal: HOME=%s AWS_ENDPOINT_URL=%s AWS_CA_BUNDLE=%s \\\n"
                  "    %s status\n"
                  "Quit the applet (tray menu or Ctrl+Q) to end the demo.\n"
                  % (home, aws.url, home, aws.url, aws.ca_bundle,
                     os.path.join(args.build_dir, "src", "aws-mfa-tray")), flush=True)
            seed = aws.device_seed(DEVICE)
            try:
                while applet.poll() is None:
                    now = aws.server_time()
                    left = 30 - int(now) % 30
                    sys.stdout.write("\r  demo MFA code: %s  (%2d s left)  " % (totp_code(seed, now), left))
                    sys.stdout.flush()
                    time.sleep(1)
            except KeyboardInterrupt:
                applet.terminate()
            applet.wait()
            print()
            return applet.returncode
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
