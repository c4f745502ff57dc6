"""ckptrun.py - the ckptrun suite: checkpoints written out while a process
rewrites its memory without pause hold that memory as one instant left it.

A writable copy of build/images/test/churn.img (images/test/churn.c: pass
after pass over 1,024 pages, each page checked to hold the previous
pass's number before it is given the current one; `checkpoint 1`) boots
until the kernel has committed CHECKPOINTS generations, each written out
while churn runs (docs/persistence.md), and churn printed a pass after
the last; QEMU is then killed with SIGKILL. Then:
- churn never printed `churn: BAD` (a write lost or seen twice while it
  ran: the write protection and the write hook);
- `mkimage verify` passes the disk, its newest generation at least the
  last one printed;
- booted again, the kernel resumes that generation (or a newer one) and
  churn goes on for two more printed passes without a `churn: BAD`: the
  generation holds every page as the instant of its snapshot left it,
  consistent with churn's registers; and its first pass after the
  restart is above the last one it printed before the previous
  generation's commit (it resumed, not restarted).
"""

import os
import re
import subprocess

import qemu

CHECKPOINTS = 3
TIMEOUT = 120
COMMITTED = re.compile(r"^ckpt: committed generation (\d+)", re.M)
RESUMING = re.compile(r"^restart: resuming generation (\d+)", re.M)
PASS = re.compile(r"^churn: pass (\d+)", re.M)
BAD = re.compile(r"^churn: BAD.*$", re.M)


def _passes(text, start=0, end=None):
    return [int(m.group(1)) for m in PASS.finditer(text, start,
                                                   len(text) if end is None
                                                   else end)]


def _enough_commits(text):
    commits = list(COMMITTED.finditer(text))
    return (len(commits) >= CHECKPOINTS and
            bool(_passes(text, commits[-1].end())))


def _resumed_two_passes(text):
    m = RESUMING.search(text)
    return m is not None and len(_passes(text, m.end())) >= 2


class CkptRunSuite:
    name = "ckptrun"

    def __init__(self, build):
        self.image = os.path.join(build, "images", "test", "churn.img")
        self.mkimage = os.path.join(build, "mkimage")

    def log_path(self, logdir):
        return os.path.join(logdir, self.name)

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image, self.mkimage)
        if why:
            return why
        d = self.log_path(logdir)
        os.makedirs(d, exist_ok=True)
        img = os.path.join(d, "churn.img")
        qemu.sparse_copy(self.image, img)
        first_log = os.path.join(d, "first.log")
        first = qemu.boot(img, first_log, TIMEOUT, wait_for=_enough_commits,
                          snapshot=False)
        commits = list(COMMITTED.finditer(first.log))
        ok = _enough_commits(first.log)
        results = [("ckptrun.write_out_while_running", ok, "" if ok else
                    "no %d commits and a pass after them within %d s (log "
                    "%s)" % (CHECKPOINTS, TIMEOUT, first_log))]
        if not ok:
            return results
        bad = BAD.search(first.log)
        results.append(("ckptrun.no_bad_page_while_running", bad is None,
                        "" if bad is None else "%s (log %s)"
                        % (bad.group(0), first_log)))
        gen = int(commits[-1].group(1))
        before_prev = _passes(first.log, 0, commits[-2].start())
        results.append(self._verify(img, gen))
        second_log = os.path.join(d, "second.log")
        second = qemu.boot(img, second_log, TIMEOUT,
                           wait_for=_resumed_two_passes)
        results.append(self._resume(second.log, gen, before_prev,
                                    second_log))
        os.unlink(img)
        return results

    def _verify(self, img, gen):
        p = subprocess.run([self.mkimage, "verify", img],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=TIMEOUT)
        out = p.stdout.decode(errors="replace")
        m = re.search(r"ok \((\d+) generations, newest (\d+)\)", out)
        ok = p.returncode == 0 and m is not None and int(m.group(2)) >= gen
        return ("ckptrun.verify_after_kill", ok, "" if ok else
                "mkimage verify exit %d, want newest >= %d: %s"
                % (p.returncode, gen,
                   " | ".join(out.strip().splitlines()[:4])))

    def _resume(self, text, gen, before_prev, log):
        name = "ckptrun.resume_consistent"
        m = RESUMING.search(text)
        if m is None:
            return (name, False, "no 'restart: resuming generation N' "
                    "line (log %s)" % log)
        if int(m.group(1)) < gen:
            return (name, False, "resumed generation %s, the last "
                    "committed was %d (log %s)" % (m.group(1), gen, log))
        bad = BAD.search(text)
        if bad is not None:
            return (name, False, "%s (log %s)" % (bad.group(0), log))
        passes = _passes(text, m.end())
        if len(passes) < 2:
            return (name, False, "fewer than two passes after the restart "
                    "(log %s)" % log)
        if before_prev and passes[0] <= before_prev[-1]:
            return (name, False, "first pass %d after the restart, not "
                    "above %d, printed before generation %d's commit (log "
                    "%s)" % (passes[0], before_prev[-1], gen - 1, log))
        return (name, True, "")
