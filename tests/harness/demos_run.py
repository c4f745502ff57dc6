"""demos_run.py - the demos suite: boots issue 10's demos as the README
says (`make run-prog P=demos`, images/demos/) and checks each one's
result lines. Prints the protocol of docs/testing.md."""

import re
import subprocess
import sys

from protocol import print_suite

TIMEOUT = 240

CHECKS = [
    ("spawner", r"with 100 instances running: 300 \(each wrote 2 heap "
                r"pages and its stack page\)"),
    ("destroy", r"destroy: 0; first instance's PROCESS cap now: error 1; "
                r"the bank's cap: error 1\n.*bank 'user' pages after: 0, "
                r"GPTs 0, processes 0; instances alive: 0"),
    ("shared_list", r"walker: node at 0x300000000000 value 100\n"
                    r"(.*\n)*.*main: the walker's sum is 510"),
    ("heap_64m", r"its bank: 1638[45] pages, \d+ GPTs .*\n"
                 r".*bank destroyed: 'user' holds 0 pages"),
    ("bad_instruction", r"#0 0x[0-9a-f]+ crash_c\+0\n.*#1 0x[0-9a-f]+ "
                        r"crash_b\+0x[0-9a-f]+\n.*#2 0x[0-9a-f]+ crash_a"),
    ("instance_fault", r"ctor: instance \d+:  #0 0x[0-9a-f]+ crash_c\+0\n"
                       r".*#1 0x[0-9a-f]+ crash_b\+0x[0-9a-f]+\n"
                       r"(.*\n)*instance ended with status "
                       r"0x8000000000000007"),
    ("done", r"== demos done"),
]


def main():
    argv = ["make", "-s", "run-prog", "P=demos"]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT)
        out, rc = proc.stdout.decode(errors="replace"), proc.returncode
        out = out.replace("\r", "")
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace"), "timeout"
    results = [("runs", rc == 0, "make run-prog ended with %s" % rc)]
    for name, pattern in CHECKS:
        results.append((name, re.search(pattern, out) is not None,
                        "no match for /%s/" % pattern))
    print_suite("demos", results, out, 4000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
