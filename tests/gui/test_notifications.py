#!/usr/bin/python3
"""GUI test of the notifications, the applet as a real process with python-dbusmock's
notification daemon: a session a few seconds from its end gets the warning, then the
"has expired" notice when it ends, each once however often the files are re-read; a profile
whose mfa_process fails is refreshed without a dialog at the lead time, and the failure is
notified with its sentence.

Prints one line per check and "N passed, M failed".
"""

import datetime
import os
import sys
import time

from app import Applet, start_gui_checks
from stand_in import StandIn

ALICE_MFA = 'arn:aws:iam::111111111111:mfa/alice'
BOB_MFA = 'arn:aws:iam::111111111111:mfa/bob'


def iso(when):
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


def main():
    checks, has_display = start_gui_checks()
    if not has_display:
        return checks.finish()

    home = os.environ['HOME']
    with StandIn(quiet=True) as aws:
        alice, bob = aws.user('alice'), aws.user('bob')
        now = datetime.datetime.now(datetime.timezone.utc)
        aws_dir = os.path.join(home, '.aws')
        os.makedirs(aws_dir)
        credentials = os.path.join(aws_dir, 'credentials')
        text = ('[soon-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                'aws_mfa_device = %s\n\n'
                '[soon]\naws_access_key_id = ASIASOONEXAMPLE00001\naws_secret_access_key = s\n'
                'aws_session_token = t\nexpiration = %s\n\n'
                '[auto-long-term]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
                'aws_mfa_device = %s\nmfa_process = /bin/false\n\n'
                '[auto]\naws_access_key_id = ASIAAUTOEXAMPLE00001\naws_secret_access_key = s\n'
                'aws_session_token = t\nexpiration = %s\n'
                % (alice['access_key_id'], alice['secret_access_key'], ALICE_MFA,
                   iso(now + datetime.timedelta(seconds=6)),
                   bob['access_key_id'], bob['secret_access_key'], BOB_MFA,
                   iso(now + datetime.timedelta(minutes=8))))
        with open(credentials, 'w') as f:
            f.write(text)
        env = aws.endpoint_env()

        with Applet(args=['--background'], env=env, notifications=True, checks=checks) as applet:
            daemon = applet.notifications

            def about(profile, word):
                return lambda n: profile in n.summary and word in n.summary

            warning = checks.run('soon: the warning before it expires',
                                 daemon.wait_for_notification, about('soon', 'expires'), 10)
            expired = checks.run('soon: the notice when it has expired',
                                 daemon.wait_for_notification, about('soon', 'has expired'), 15)
            if expired is not None:
                checks.check('app.login::soon' in expired.action_keys(),
                             'the notice offers to log in again', repr(expired.actions))
                hints = expired.hints or {}
                checks.equal(hints.get('urgency'), 2, 'an expired session is urgent')

            failed = checks.run('auto: a failed mfa_process refresh is notified',
                                daemon.wait_for_notification, about('auto', 'could not be refreshed'), 15)
            if failed is not None:
                checks.check('mfa_process' in failed.body, 'with the sentence that names mfa_process',
                             failed.body)
            checks.check(not [n for n in daemon.notifications() if 'auto' in n.summary and 'expires' in n.summary],
                         'auto: no "expires" warning, since nobody needs to type a code')

            # The files re-read (a rewrite with the same content) bring no second notice.
            count = len(daemon.notifications())
            with open(credentials, 'w') as f:
                f.write(text)
            time.sleep(2)
            checks.equal(len(daemon.notifications()), count,
                         'a re-read of the files notifies nothing again')
            if warning is not None:
                checks.equal(len([n for n in daemon.notifications() if about('soon', 'expires')(n)]), 1,
                             'the warning came once for its deadline')
    return checks.finish()


if __name__ == '__main__':
    sys.exit(main())
