"""persist.py - the persist suite: a checkpointed machine killed at an
arbitrary moment resumes from its last committed generation.

A writable copy of build/images/test/persist.img (the default image's
counting hello, `checkpoint 1`) boots until the kernel has printed two
`ckpt: committed generation N` lines and hello a count after them; QEMU
is then killed with SIGKILL (no clean shutdown; the last commit came
after a count, so the count it holds is not 0). Then:
- `mkimage verify` must pass the disk, its newest generation at least
  the last one printed;
- `mkimage inspect --generation N` must decode every kept generation;
- the second boot must print `restart: resuming generation N` with N at
  least the last committed one printed, and hello's first count must
  continue from the count at that commit (never from 0): at least the
  last count printed before that commit's line, at most one more than
  the last count the first run printed.
- on a read-only disk every checkpoint fails with `ckpt: generation 2
  failed: error E, still at generation 1`, is retried at the next
  period, and hello keeps counting.
"""

import os
import re
import subprocess

import qemu

COMMITTED = re.compile(r"^ckpt: committed generation (\d+): pause (\d+) us, "
                       r"(\d+) KiB in (\d+) ms", re.M)
RESUMING = re.compile(r"^restart: resuming generation (\d+) \((\d+) "
                      r"processes\)", re.M)
FAILED = re.compile(r"^ckpt: generation (\d+) failed: error (\d+), still at "
                    r"generation (\d+)", re.M)
COUNT = re.compile(r"^hello: count (\d+) \(generation (\d+)\)", re.M)
RING = 4
TIMEOUT = 60


def _counts_after(text, pos):
    return [int(m.group(1)) for m in COUNT.finditer(text, pos)]


def _two_commits_and_a_count(text):
    """Two commits, the last one after a count (so that the count it
    holds is not 0) and followed by another count."""
    commits = list(COMMITTED.finditer(text))
    return (len(commits) >= 2 and
            bool(_counts_after(text[:commits[-1].start()], 0)) and
            bool(_counts_after(text, commits[-1].end())))


def _resumed_and_counted(text):
    m = RESUMING.search(text)
    return m is not None and bool(_counts_after(text, m.end()))


def _two_failures_and_a_count(text):
    fails = list(FAILED.finditer(text))
    return len(fails) >= 2 and bool(_counts_after(text, fails[-1].end()))


def _mkimage(mkimage, *args):
    p = subprocess.run([mkimage] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(errors="replace")


class PersistSuite:
    name = "persist"

    def __init__(self, build):
        self.image = os.path.join(build, "images", "test", "persist.img")
        self.mkimage = os.path.join(build, "mkimage")

    def log_path(self, logdir):
        return os.path.join(logdir, self.name)

    def run(self, logdir):
        for path in (self.image, self.mkimage):
            if not os.path.exists(path):
                return [(self.name + ".image", False,
                         "%s missing: run `make`" % path)]
        d = self.log_path(logdir)
        os.makedirs(d, exist_ok=True)
        img = os.path.join(d, "persist.img")
        subprocess.run(["cp", "--sparse=always", self.image, img], check=True)
        results = []
        first = qemu.boot(img, os.path.join(d, "first.log"), TIMEOUT,
                          wait_for=_two_commits_and_a_count, snapshot=False)
        commits = list(COMMITTED.finditer(first.log))
        ok = _two_commits_and_a_count(first.log)
        results.append(("persist.checkpoints", ok, "" if ok else
                        "no two commits and a count within %d s (log %s)"
                        % (TIMEOUT, os.path.join(d, "first.log"))))
        if not ok:
            return results
        last = commits[-1]
        gen = int(last.group(1))
        before = _counts_after(first.log[:last.start()], 0)
        at_commit = before[-1] if before else 0
        highest = max(_counts_after(first.log, 0))
        results.append(self._verify(img, gen))
        results.append(self._inspect(img))
        second = qemu.boot(img, os.path.join(d, "second.log"), TIMEOUT,
                           wait_for=_resumed_and_counted)
        results.append(self._resume(second.log, gen, at_commit, highest,
                                    os.path.join(d, "second.log")))
        os.unlink(img)
        results.append(self._readonly(d))
        return results

    def _readonly(self, d):
        log = os.path.join(d, "readonly.log")
        run = qemu.boot(self.image, log, TIMEOUT, readonly=True,
                        wait_for=_two_failures_and_a_count)
        fails = FAILED.findall(run.log)
        if not _two_failures_and_a_count(run.log):
            return ("persist.readonly_disk_retries", False, "no two failed "
                    "checkpoints and a count after them (log %s)" % log)
        if any(f != ("2", f[1], "1") for f in fails):
            return ("persist.readonly_disk_retries", False, "failures %s, "
                    "want generation 2 still at 1 (log %s)" % (fails, log))
        if COMMITTED.search(run.log):
            return ("persist.readonly_disk_retries", False, "a commit on a "
                    "read-only disk (log %s)" % log)
        return ("persist.readonly_disk_retries", True, "")

    def _newest(self, img):
        rc, out = _mkimage(self.mkimage, "verify", img)
        m = re.search(r"ok \((\d+) generations, newest (\d+)\)", out)
        return rc, out, (int(m.group(2)) if m else None)

    def _verify(self, img, gen):
        rc, out, newest = self._newest(img)
        if rc != 0 or newest is None or newest < gen:
            return ("persist.verify_after_kill", False,
                    "mkimage verify exit %d, want newest >= %d: %s"
                    % (rc, gen, " | ".join(out.strip().splitlines()[:4])))
        return ("persist.verify_after_kill", True, "")

    def _inspect(self, img):
        rc, out, newest = self._newest(img)
        if newest is None:
            return ("persist.inspect_generations", False, "verify failed")
        bad = []
        for g in range(max(1, newest - RING + 1), newest + 1):
            rc, out = _mkimage(self.mkimage, "inspect", img,
                               "--generation", str(g))
            shown = re.search(r"^\s*\* slot \d\s+generation %d\b" % g, out,
                              re.M)
            if rc != 0 or not shown:
                bad.append("generation %d: exit %d" % (g, rc))
        return ("persist.inspect_generations", not bad, "; ".join(bad))

    def _resume(self, text, gen, at_commit, highest, log):
        m = RESUMING.search(text)
        if m is None:
            return ("persist.resume", False, "no 'restart: resuming "
                    "generation N' line (log %s)" % log)
        if int(m.group(1)) < gen:
            return ("persist.resume", False, "resumed generation %s, the "
                    "last committed was %d (log %s)" % (m.group(1), gen, log))
        counts = _counts_after(text, m.end())
        if not counts:
            return ("persist.resume", False, "no count after the restart "
                    "(log %s)" % log)
        if not at_commit <= counts[0] <= highest + 1:
            return ("persist.resume", False, "first count %d after the "
                    "restart, want %d..%d (log %s)"
                    % (counts[0], at_commit, highest + 1, log))
        return ("persist.resume", True, "")
