#!/usr/bin/env python3
"""run_tests.py - run every test suite and print one summary line.

Suites: each host test program under BUILD/tests/*/test_*, each guest
image suite (tests/harness/guest.py), and each make target that prints
the protocol (fuzz and bench smoke runs). Every test is reported as
`PASS suite.name` or `FAIL suite.name: reason`; the last line is
`N passed, N failed`. Exit status 0 only if nothing failed.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "harness"))

import guest            # noqa: E402
import hostsuites       # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="build directory")
    ap.add_argument("--only", action="append", default=[],
                    help="run only suites whose name starts with this "
                         "(repeatable)")
    ap.add_argument("--list", action="store_true",
                    help="list the suites and exit")
    args = ap.parse_args()

    suites = hostsuites.collect(args.build) + guest.collect(args.build)
    if args.only:
        suites = [s for s in suites
                  if any(s.name.startswith(p) for p in args.only)]
    if args.list:
        for s in suites:
            print(s.name)
        return 0
    if not suites:
        print("no suites found under %s: run `make` first" % args.build)
        print("0 passed, 1 failed")
        return 1

    logdir = os.path.join(args.build, "test-logs")
    os.makedirs(logdir, exist_ok=True)
    passed = failed = 0
    start = time.monotonic()
    for suite in suites:
        t0 = time.monotonic()
        results = suite.run(logdir)
        for name, ok, reason in results:
            if ok:
                passed += 1
                print("PASS %s" % name)
            else:
                failed += 1
                print("FAIL %s: %s" % (name, reason))
        print("  -- %s: %d tests, %.1f s (log: %s)"
              % (suite.name, len(results), time.monotonic() - t0,
                 suite.log_path(logdir)))
        sys.stdout.flush()
    print("total wall time %.1f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
