"""bankpersist.py - the bankpersist suite: the space bank's state
survives a checkpoint and a restart (images/test/bankpersist.c).

A writable copy of build/images/test/bankpersist.img boots; its client
builds bank state, takes a checkpoint (`bankpersist: after checkpoint
generation N`), then tests that state and changes it. QEMU is killed
with SIGKILL after `TEST DONE bankpersist`, and the same disk boots
again: the kernel must resume generation N, the bank must not start
afresh (no second `spacebank: ready`), and the client, resumed just
after its checkpoint, must pass the same tests against the restored
state. Each run's tests are reported, the second's with a `restart_`
prefix. Between the runs `mkimage inspect` must decode the disk and
list the run-time banks' usage.
"""

import os
import re
import subprocess

import qemu
from protocol import SuiteResult

AFTER = re.compile(r"^bankpersist: after checkpoint generation (\d+)", re.M)
RESUMING = re.compile(r"^restart: resuming generation (\d+)", re.M)
DONE = "TEST DONE bankpersist"
TIMEOUT = 120


class BankPersistSuite:
    name = "bankpersist"

    def __init__(self, build):
        self.image = os.path.join(build, "images", "test",
                                  "bankpersist.img")
        self.mkimage = os.path.join(build, "mkimage")

    def _check_disk(self, img):
        """inspect decodes the disk the bank's objects were checkpointed
        to and lists rows beyond the declared bank (prime, id 1) for the
        run-time banks' objects. (verify is not asked: it counts the
        stale caps every rescind leaves behind, and the l2v 0 of a fresh
        GPT, as problems; docs/spacebank.md.)"""
        p = subprocess.run([self.mkimage, "inspect", img, "--sql",
                            "select id, objects from banks where id > 1"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = p.stdout.decode(errors="replace")
        if p.returncode != 0 or not out.strip():
            return ("bankpersist.inspect", False, "mkimage inspect exit %d, "
                    "no run-time bank listed: %s" % (p.returncode, out[:200]))
        return ("bankpersist.inspect", True, "")

    def log_path(self, logdir):
        return os.path.join(logdir, self.name)

    def _boot(self, img, log):
        return qemu.boot(img, log, TIMEOUT, wait_for=(DONE, "panic:"),
                         snapshot=False, memory="256M")

    def _results(self, run, log, prefix):
        res = SuiteResult(self.name).parse(run.log).check_complete()
        out = [(n.replace("bankpersist.", "bankpersist." + prefix, 1), ok,
                reason) for n, ok, reason in res.tests]
        problems = list(res.problems)
        if "panic:" in run.log:
            problems.append("kernel panic")
        if run.timed_out:
            problems.append("no %s within %d s" % (DONE, TIMEOUT))
        if problems:
            out.append(("bankpersist.%srun" % prefix, False,
                        "; ".join(problems) + " (log %s)" % log))
        return out

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image)
        if why:
            return why
        d = self.log_path(logdir)
        os.makedirs(d, exist_ok=True)
        img = os.path.join(d, "bankpersist.img")
        qemu.sparse_copy(self.image, img)
        first_log = os.path.join(d, "first.log")
        first = self._boot(img, first_log)
        results = self._results(first, first_log, "")
        m = AFTER.search(first.log)
        if m is None:
            results.append(("bankpersist.checkpoint", False,
                            "no checkpoint line (log %s)" % first_log))
            return results
        gen = int(m.group(1))
        results.append(self._check_disk(img))
        second_log = os.path.join(d, "second.log")
        second = self._boot(img, second_log)
        os.unlink(img)
        r = RESUMING.search(second.log)
        if r is None or int(r.group(1)) != gen:
            results.append(("bankpersist.resume", False,
                            "want 'restart: resuming generation %d' "
                            "(log %s)" % (gen, second_log)))
            return results
        if "spacebank: ready" in second.log:
            results.append(("bankpersist.resume", False, "the bank started "
                            "afresh after the restart (log %s)"
                            % second_log))
            return results
        results.append(("bankpersist.resume", True, ""))
        return results + self._results(second, second_log, "restart_")
