#!/usr/bin/python3
"""GUI test (issue 13): a profile made by `aws configure --profile work` (keys and a region,
no mfa_serial) is listed under "Not Used with MFA Yet"; its "Use with MFA" button finds the
IAM user's one device (GetCallerIdentity, ListMFADevices), saves it as mfa_serial in
[profile work], and the code dialog follows; the session goes to [work-mfa], whose region is
work's. Real key events under Xvfb, against the stand-in.

Prints one line per check and "N passed, M failed".
"""

import os
import sys

from app import Applet, screenshot, start_gui_checks
from stand_in import StandIn
from xdo import type_into, wait_for, windows_named

BOB_MFA = 'arn:aws:iam::111111111111:mfa/bob'


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    aws_dir = os.path.join(os.environ['HOME'], '.aws')
    config = os.path.join(aws_dir, 'config')
    credentials = os.path.join(aws_dir, 'credentials')
    shots = os.environ.get('AMT_SCREENSHOT_DIR')
    with StandIn() as aws:
        bob = aws.user('bob')
        os.makedirs(aws_dir, mode=0o700, exist_ok=True)
        with open(config, 'w') as f:
            f.write('[profile work]\nregion = eu-west-1\n')
        with open(credentials, 'w') as f:
            f.write('[work]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                    % (bob['access_key_id'], bob['secret_access_key']))
        os.chmod(credentials, 0o600)

        env = aws.endpoint_env()
        with Applet(env=env, checks=checks):
            window = wait_for(lambda: windows_named('Sessions'))
            checks.check(window, 'the Sessions window opens')
            if not window:
                return checks.finish()
            if shots:
                screenshot(os.path.join(shots, 'use-with-mfa.png'))

            aws.clear_requests()
            type_into(window[-1], 'key:alt+u')  # "_Use with MFA", the only one
            dialog = wait_for(lambda: windows_named('Log In to AWS'), 15)
            checks.check(dialog, '"Use with MFA" finds the device and opens the code dialog')
            actions = [r['action'] for r in aws.requests()]
            checks.equal(actions, ['GetCallerIdentity', 'ListMFADevices'],
                         'the device is looked up, no code spent')
            text = open(config).read()
            checks.check('mfa_serial = %s' % BOB_MFA in text.split('[profile work]')[1],
                         'the device is saved as mfa_serial in [profile work]', text)
            if not dialog:
                return checks.finish()

            aws.wait_for_step_margin(8)
            type_into(dialog[-1], aws.totp(BOB_MFA))
            checks.check(wait_for(lambda: not windows_named('Log In to AWS'), 15),
                         'the code closes the dialog')
            text = open(credentials).read()
            checks.check('[work-mfa]' in text and 'aws_session_token' in text.split('[work-mfa]')[1],
                         'the session goes to [work-mfa]; the keys in [work] stay', text)
            checks.check(bob['access_key_id'] in text.split('[work-mfa]')[0],
                         'the long-term keys are kept')
            text = open(config).read()
            checks.check('[profile work-mfa]\nregion = eu-west-1' in text,
                         'the region travels to [profile work-mfa]', text)
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
