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

Exact restart (build/images/test/restart.img, images/test/restart.c):
the first boot is killed as soon as the server has committed the
generation that holds a client blocked in its call, a keeper holding a
fault, a 20 s and a 3 s sleeper and an OC_CKPT_WAIT waiter. After a
pause the second boot must resume that generation and:
- the client gets its answer (42, error 0) without printing its
  "calling" line again: the call was re-executed, never ERR_RESTART;
- the server and the keeper see the REPLY caps they held die, and the
  keeper receives the same fault again and resumes the faulter;
- the 20 s sleeper wakes 20 s after it fell asleep in host wall time
  (within RESTART_SLACK s: the RTC counts seconds), the pause and both
  boots included, and its persistent clock says the same; the 3 s one,
  whose deadline passed while the machine was off, wakes at once;
- the waiter, blocked in OC_CKPT_WAIT for the next generation, gets it
  when the server commits it, and OC_CKPT_WAIT for a committed
  generation answers at once;
- of the two faults in kept GPTs held at the commit, the one whose GPT
  K1 lives on comes to K1's keeper again with a cap to K1 (which maps
  the page through it and resumes the faulter); the one whose GPT was
  freed and its OID reused comes to the handler with no GPT cap, never
  to the new GPT's keeper. Between the boots, mkimage verify passes
  the disk and its catalog holds both processes' kept-GPT caps
  (place faultgpt), K1's valid, the freed one's stale.
"""

import os
import re
import subprocess
import time

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

# The exact-restart image's lines (images/test/restart.c).
# Each line fits one OC_LOG_WRITE, so lines never interleave.
R_HOLD = re.compile(r"^rserver: held, gen (\d+)\r?$", re.M)
R_SLEEP = re.compile(r"^rsleep(\d+): asleep\r?$", re.M)
R_WOKE = re.compile(r"^rsleep(\d+): woke (-?\d+) after (\d+)\r?$", re.M)
R_WAITED = re.compile(r"^rwaiter: gen (\d+) err 0\r?$", re.M)
R_ANSWER = "rclient: answer 42 err 0"
R_FAULT_AGAIN = "rkeeper: fault 7 again"
R_RESUMED = "rfaulter: resumed"
R_G_HELD = "rgkeeper: holding both faults, K2 reused"
R_G_AGAIN = re.compile(r"^rgkeeper: again payload (\d+) addr ([0-9a-f]+) "
                       r"c1 type (\d+) K1 (\d+)\r?$", re.M)
R_G_RESUMED = "rkfaulter: resumed, read 0"
RESTART_PAUSE = 3               # s between the kill and the second boot
RESTART_SLACK = 2.5             # s: RTC seconds at commit and at restart


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
        why = qemu.missing(self.name + ".image", self.image, self.mkimage)
        if why:
            return why
        d = self.log_path(logdir)
        os.makedirs(d, exist_ok=True)
        img = os.path.join(d, "persist.img")
        qemu.sparse_copy(self.image, img)
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
        results += self._exact(d)
        return results

    def _exact(self, d):
        """The exact-restart image: boot, kill after the server's commit,
        boot again (module docstring)."""
        src = os.path.join(os.path.dirname(self.image), "restart.img")
        if not os.path.exists(src):
            return [("persist.restart.image", False,
                     "%s missing: run `make`" % src)]
        img = os.path.join(d, "restart.img")
        qemu.sparse_copy(src, img)
        seen = {}

        def stamp(text):
            """Note the host time each sleeper's line first appears."""
            for kind, pat in (("sleep", R_SLEEP), ("woke", R_WOKE)):
                for m in pat.finditer(text):
                    seen.setdefault((kind, int(m.group(1))),
                                    time.monotonic())

        def first_done(text):
            stamp(text)
            return R_HOLD.search(text) is not None or "panic" in text

        log1 = os.path.join(d, "restart1.log")
        log2 = os.path.join(d, "restart2.log")
        one = qemu.boot(img, log1, TIMEOUT, wait_for=first_done,
                        snapshot=False)
        hold = R_HOLD.search(one.log)
        if hold is None:
            os.unlink(img)
            return [("persist.restart.commit", False, "no 'rserver: held, "
                     "gen N' (log %s)" % log1)]
        gen = int(hold.group(1))
        between = self._fault_caps(img)
        time.sleep(RESTART_PAUSE)
        resumed = {}

        def second_done(text):
            stamp(text)
            m = RESUMING.search(text)
            if m is not None and "resume" not in resumed:
                resumed["resume"] = time.monotonic()
            after = text[m.end():] if m else ""
            return "panic" in text or (
                R_ANSWER in after and R_RESUMED in after and
                len(R_WOKE.findall(after)) >= 2 and
                any(int(g) > gen for g in R_WAITED.findall(after)) and
                len(R_G_AGAIN.findall(after)) >= 2 and
                R_G_RESUMED in after)

        two = qemu.boot(img, log2, TIMEOUT, wait_for=second_done,
                        snapshot=False)
        os.unlink(img)
        return [between] + self._exact_checks(one.log, two.log, gen, seen,
                                              resumed, log1, log2)

    def _fault_caps(self, img):
        """mkimage verify passes the killed restart disk, and its catalog
        holds the kept-GPT caps of both held faults: K1's valid, the
        freed K2's stale (ordered by holder: kfaulter, then sfaulter)."""
        name = "persist.restart.verify_fault_caps"
        rc, out = _mkimage(self.mkimage, "verify", img)
        if rc != 0:
            return (name, False, "mkimage verify exit %d: %s" %
                    (rc, " | ".join(out.strip().splitlines()[:4])))
        rc, out = _mkimage(self.mkimage, "inspect", img, "--sql",
                           "SELECT type, valid FROM caps WHERE place = "
                           "'faultgpt' ORDER BY holder")
        rows = out.strip().splitlines()
        want = ["GPT|1", "GPT|0"]
        return (name, rc == 0 and rows == want,
                "inspect exit %d, faultgpt caps %s, want %s" %
                (rc, rows, want))

    @staticmethod
    def _exact_checks(first, second, gen, seen, resumed, log1, log2):
        res = []

        def check(name, ok, why):
            res.append(("persist.restart." + name, ok, "" if ok else
                        "%s (logs %s, %s)" % (why, log1, log2)))
        m = RESUMING.search(second)
        check("resumes_generation", m is not None and
              int(m.group(1)) == gen and "panic" not in second,
              "want 'restart: resuming generation %d', no panic" % gen)
        after = second[m.end():] if m else ""
        check("fault_before_commit", re.search(
              r"^rkeeper: fault 7\r?$", first.partition(
                  R_HOLD.search(first).group(0))[0], re.M) is not None,
              "the keeper had not received the fault at the commit")
        check("call_answered", R_ANSWER in after and
              "rclient: calling" not in after,
              "the client's call was not answered exactly once, or it "
              "called again")
        check("reply_caps_died", "rserver: reply cap died" in after and
              "rkeeper: reply cap died" in after,
              "a REPLY cap from before the restart still worked")
        check("fault_delivered_again", R_FAULT_AGAIN in after and
              R_RESUMED in after,
              "the faulter's fault was not delivered again and answered")
        woke = {int(w.group(1)): w for w in R_WOKE.finditer(after)}
        slept = {int(w.group(1)): w for w in R_SLEEP.finditer(first)}
        ok, why = True, ""
        if 20 not in woke or 20 not in slept or 3 not in woke:
            ok, why = False, "a sleeper did not wake after the restart"
        else:
            w = woke[20]
            t0, t1 = seen.get(("sleep", 20)), seen.get(("woke", 20))
            host = t1 - t0 if t0 is not None and t1 is not None else -1
            guest = int(w.group(3)) / 1000.0
            if int(w.group(2)) != 0 or not 20 <= guest < 20 + \
                    RESTART_SLACK or abs(host - 20) > RESTART_SLACK:
                ok, why = False, ("20 s sleeper: error %s, %.2f s on its "
                                  "clock, %.2f s host wall time" %
                                  (w.group(2), guest, host))
            n = woke[3]
            late = seen.get(("woke", 3), 0) - resumed.get("resume", 0)
            if ok and (int(n.group(2)) != 0 or int(n.group(3)) < 3000 or
                       late > RESTART_SLACK):
                ok, why = False, ("3 s sleeper: error %s, slept %s ms, "
                                  "woke %.2f s after the resume" %
                                  (n.group(2), n.group(3), late))
        check("sleeps_keep_wall_time", ok, why)
        check("kept_gpt_faults_before_commit", R_G_HELD in first.partition(
              R_HOLD.search(first).group(0))[0],
              "gkeeper did not hold both kept-GPT faults at the commit")
        again = {int(a[0]): a[1:] for a in R_G_AGAIN.findall(after)}
        check("kept_gpt_fault_again", again.get(1) == ("0", "3", "1") and
              R_G_RESUMED in after, "want K1's keeper to get the fault "
              "again at address 0 with a cap to K1 and the faulter to "
              "resume; got %s" % again)
        check("freed_kept_gpt_fault_to_handler", 2 not in again and
              again.get(0) == ("500000000000", "0", "0"),
              "want the fault whose kept GPT was freed at the handler "
              "(payload 0, absolute address, no cap), never at payload 2;"
              " got %s" % again)
        waited = [int(g) for g in R_WAITED.findall(after)]
        check("checkpoint_wait", gen in waited and gen + 1 in waited and
              re.search(r"^rwaiter: at once 1 err 0\r?$", first, re.M)
              is not None, "OC_CKPT_WAIT "
              "answers %s after the restart, want %d (re-executed) and %d, "
              "and 1 at once before it" % (waited, gen, gen + 1))
        return res

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
