"""template_run.py - the template suite: builds and boots images/template
the way docs/programs.md says (`make run-prog P=template`) and checks
what the program printed. Prints the protocol of docs/testing.md."""

import re
import subprocess
import sys

from protocol import print_suite

TIMEOUT = 240


def main():
    argv = ["make", "-s", "run-prog", "P=template"]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT)
        out, rc = proc.stdout.decode(errors="replace"), proc.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace"), "timeout"
    checks = [
        ("runs", rc == 0, "make run-prog ended with %s" % rc),
        ("instances", all(
            "template: instance %d exited with %d" % (k, k * k) in out
            and "template: instance %d says hello (counter %d)"
            % (k, 100 + k) in out for k in (1, 2, 3)),
         "an instance's lines are missing"),
        ("bank_back_to_start",
         re.search(r"template: done; bank pages in use: 0 \(starter's "
                   r"counter still 100\)", out) is not None,
         "no 'done' line with the bank back at 0 pages"),
    ]
    print_suite("template", checks, out, 3000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
