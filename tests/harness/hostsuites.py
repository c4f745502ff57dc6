"""hostsuites.py - host test programs and make-target suites.

A host suite is a program (BUILD/tests/<group>/test_<name>) or a command
(a make target) whose stdout carries the protocol of docs/testing.md.
"""

import glob
import os
import subprocess

from protocol import SuiteResult

HOST_TIMEOUT = 300

# make targets that print the protocol (a missing target fails its suite)
MAKE_SUITES = [
    ("fuzz-smoke", ["make", "-s", "fuzz-smoke"], 600),
    ("bench-smoke", ["make", "-s", "bench-smoke"], 900),
    ("template", ["python3", "tests/harness/template_run.py"], 300),
    ("demos", ["python3", "tests/harness/demos_run.py"], 300),
]


class CommandSuite:
    def __init__(self, name, argv, timeout):
        self.name = name
        self.argv = argv
        self.timeout = timeout

    def log_path(self, logdir):
        return os.path.join(logdir, self.name.replace("/", "_") + ".log")

    def run(self, logdir):
        """Run the command; return [(test name, passed, reason)]."""
        reason = None
        try:
            proc = subprocess.run(self.argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  timeout=self.timeout)
            text = proc.stdout.decode(errors="replace")
            if proc.returncode != 0:
                reason = "exited with status %d" % proc.returncode
        except subprocess.TimeoutExpired as e:
            text = (e.stdout or b"").decode(errors="replace")
            reason = "timed out after %d s" % self.timeout
        except OSError as e:
            text = ""
            reason = "cannot run: %s" % e
        with open(self.log_path(logdir), "w") as f:
            f.write(text)
        res = SuiteResult(self.name).parse(text).check_complete()
        if reason:
            res.problems.append(reason)
        return results_with_problems(res)


def results_with_problems(res):
    """The suite's test results, plus one failing entry per suite-level
    problem, so a crashed suite can never look like a passing one."""
    out = [(name, ok, reason) for name, ok, reason in res.tests]
    for problem in res.problems:
        out.append(("%s.suite" % res.suite, False, problem))
    return out


def collect(build):
    suites = []
    for path in sorted(glob.glob(os.path.join(build, "tests", "*", "test_*"))):
        if os.access(path, os.X_OK) and not os.path.isdir(path) \
                and "." not in os.path.basename(path):
            group = os.path.basename(os.path.dirname(path))
            name = "%s/%s" % (group, os.path.basename(path))
            suites.append(CommandSuite(name, [path], HOST_TIMEOUT))
    for name, argv, timeout in MAKE_SUITES:
        suites.append(CommandSuite(name, argv, timeout))
    return suites
