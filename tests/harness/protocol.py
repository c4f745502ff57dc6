"""protocol.py - parse the TEST PLAN/PASS/FAIL/DONE lines of docs/testing.md,
and print them for suites that check a run from the host (print_suite).

A suite's verdict is built only from what it printed: every planned test
must report exactly once, and DONE must follow, or the suite fails with a
reason naming what is missing.
"""

import re
import sys

_LINE = re.compile(
    r"^TEST (?:(?P<kind>PLAN) (?P<psuite>\S+) (?P<count>\d+)"
    r"|(?P<res>PASS|FAIL) (?P<name>[^\s:]+)(?::\s?(?P<reason>.*))?"
    r"|DONE (?P<dsuite>\S+))\s*$")


class SuiteResult:
    """Results of one suite: (name, passed, reason) per test, plus problems
    with the suite as a whole (no plan, short count, no DONE, bad exit)."""

    def __init__(self, suite):
        self.suite = suite
        self.plans = {}          # suite name -> planned count
        self.done = set()        # suite names that printed DONE
        self.tests = []          # (name, passed, reason)
        self.problems = []       # suite-level failures

    def parse(self, text):
        """Read every protocol line in text (other lines are log output)."""
        seen = set()
        for raw in text.splitlines():
            m = _LINE.match(raw.strip().replace("\r", ""))
            if not m:
                continue
            if m.group("kind"):
                self.plans[m.group("psuite")] = int(m.group("count"))
            elif m.group("dsuite"):
                self.done.add(m.group("dsuite"))
            else:
                name = m.group("name")
                if name in seen:
                    self.problems.append("test %s reported twice" % name)
                seen.add(name)
                self.tests.append((name, m.group("res") == "PASS",
                                   m.group("reason") or ""))
        return self

    def check_complete(self):
        """Add a problem for every planned suite that ran short or never
        finished, and if nothing was planned at all."""
        if not self.plans:
            self.problems.append("no TEST PLAN line: the suite never started")
        for suite, count in self.plans.items():
            ran = sum(1 for name, _, _ in self.tests
                      if name.split(".", 1)[0] == suite)
            if ran != count:
                self.problems.append("suite %s planned %d tests but %d reported"
                                     % (suite, count, ran))
            if suite not in self.done:
                self.problems.append("suite %s never printed TEST DONE" % suite)
        return self

    @property
    def ok(self):
        return not self.problems and all(p for _, p, _ in self.tests)


def print_suite(suite, results, output, tail):
    """Print results [(name, ok, why)] as one protocol suite; if any
    failed, then the last tail characters of the output checked."""
    print("TEST PLAN %s %d" % (suite, len(results)))
    for name, ok, why in results:
        if ok:
            print("TEST PASS %s.%s" % (suite, name))
        else:
            print("TEST FAIL %s.%s: %s" % (suite, name, why))
    print("TEST DONE %s" % suite)
    if not all(ok for _, ok, _ in results):
        sys.stdout.write(output[-tail:])
