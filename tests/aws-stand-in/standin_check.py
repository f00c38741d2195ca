"""A tiny check runner for the stand-in's test scripts: one line per check, then
"N passed, M failed"; the exit status is non-zero when anything failed."""

import sys
import traceback


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        """Record one check; detail is shown when it fails. Returns ok."""
        if ok:
            self.passed += 1
            print("ok   - %s" % name)
        else:
            self.failed += 1
            print("FAIL - %s%s" % (name, (": " + str(detail)) if detail != "" else ""))
        sys.stdout.flush()
        return bool(ok)

    def equal(self, name, actual, expected):
        return self.check(name, actual == expected,
                          "expected %r, got %r" % (expected, actual))

    def run(self, name, func, *args):
        """Run a group of checks; an exception in it counts as one failed check."""
        try:
            func(self, *args)
        except Exception:
            self.check("%s (raised)" % name, False, traceback.format_exc())

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.stdout.flush()
        return 0 if self.failed == 0 and self.passed > 0 else 1
