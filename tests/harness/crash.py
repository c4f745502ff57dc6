#!/usr/bin/env python3
"""crash.py - crash states: every disk a power cut during a checkpoint can
leave must boot exactly the last committed generation or the one being
committed, pass `mkimage verify`, and resume hello's count consistently.

Recording: a writable copy of build/images/test/persist.img (hello
counting, `checkpoint 1`) boots under QEMU's blklogwrites driver, which
logs every guest write and flush in dm-log-writes' format (a 512-byte
superblock, then per request one 512-byte entry header {sector,
nr_sectors, flags, data_len} followed by its nr_sectors of data); the
run is killed after RECORD_COMMITS commits and a count after them.

States, from the recorded writes W0..Wn-1 (flushes kept in place):
- prefix Pi: the base image plus W0..Wi-1 (i = 0..n);
- torn Ti and Si: Pi plus the first half of Wi's sectors, or only its
  first sector (a write cut short; sector-granular, writes of 2 sectors
  or more; half a superblock over a zeroed slot is the whole one, as
  its second half is reserved zero, hence Si);
- dropped Di: the writes up to the last flush before Wi, plus Wi alone:
  Wi reached the disk but the unflushed writes before it did not (only
  where there are such writes; dropping every unflushed write of a
  prefix gives the prefix at that flush, which is already a Pi).

Each state must pass `mkimage verify` with the expected newest
generation (a torn superblock in the slot the next commit writes is
what a cut-short commit leaves: verify passes and notes it). Booted (snapshot=on, so the state is not changed), it must
print `restart: resuming generation N` with N in {k, k+1}, k the last
generation whose superblock write and a flush after it are in the
state, and N exactly the newest generation whose slot holds a valid
superblock (magic, kind, CRC32C). hello's first count after the
restart must be between L and L+2, L the last count the recording
printed before generation N's commit line (0 for generation 1): never
below the committed value. A generation whose superblock and flush
reached the disk before the kill but whose commit line was not printed
yet (its write-out runs while hello counts, docs/persistence.md) was
snapshotted after the previous generation's line: then L is the last
count before that line, and the first count may be up to two past the
last count the recording printed.

In `make test` (the `crash` suite) every state is verified, and a fixed
sample is booted (every SAMPLE_EVERY-th prefix of the first checkpoint,
and every state of the writes just before, at and after the first and
the last superblock write); `make crashtest` (this file run as a
program with --all) boots every state and prints `crashtest: N states
tried, M passed`.
A failing state's image and log stay in the log directory; `--state
NAME` re-runs only that state from the same recording.
"""

import argparse
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import persist          # noqa: E402
import qemu             # noqa: E402
from storefail import crc32c  # noqa: E402

LOG_MAGIC = 0x6a736677736872
LOG_FLUSH = 1
LOG_FUA = 2
LOG_DISCARD = 4
LOG_MARK = 8
SECTOR = 512
BLOCK = 4096
STORE_MAGIC = 0x31524F5453504143
STORE_BK_SUPER = 1
RING = 4
RECORD_COMMITS = 3
RECORD_TIMEOUT = 60
BOOT_TIMEOUT = 30
SAMPLE_EVERY = 3
COUNT_SLACK = 2


class Write:
    """One logged request: a write of data at sector, or a flush."""

    def __init__(self, sector, data, flags):
        self.sector = sector
        self.data = data
        self.flags = flags

    def is_flush(self):
        return bool(self.flags & LOG_FLUSH) and not self.data


def parse_log(path):
    """The requests of a blklogwrites log, in order. The superblock's
    entry count is only updated now and then (QEMU was killed), so
    entries are read up to the first all-zero header or the file's end."""
    with open(path, "rb") as f:
        raw = f.read()
    magic, version, _, sectorsize = struct.unpack_from("<QQQI", raw, 0)
    if magic != LOG_MAGIC or version != 1 or sectorsize != SECTOR:
        raise ValueError("%s: not a blklogwrites log (magic %#x, version "
                         "%d, sector size %d)" % (path, magic, version,
                                                  sectorsize))
    ops = []
    off = SECTOR
    while off + SECTOR <= len(raw):
        sector, nr, flags, _ = struct.unpack_from("<QQQQ", raw, off)
        if sector == 0 and nr == 0 and flags == 0:
            break
        if flags & ~(LOG_FLUSH | LOG_FUA | LOG_DISCARD | LOG_MARK):
            raise ValueError("%s: entry at byte %d has flags %#x"
                             % (path, off, flags))
        data = raw[off + SECTOR:off + SECTOR + nr * SECTOR]
        if len(data) != nr * SECTOR:
            break               # cut off by the kill: never acknowledged
        if flags & LOG_DISCARD:
            data = bytes(nr * SECTOR)
        if nr or flags & LOG_FLUSH:
            ops.append(Write(sector, data, flags))
        off += SECTOR + nr * SECTOR
    return ops


def store_start(image):
    """The store partition's first sector (MBR entry of type 0x7E)."""
    with open(image, "rb") as f:
        mbr = f.read(SECTOR)
    for i in range(4):
        entry = 446 + 16 * i
        if mbr[entry + 4] == 0x7E:
            return struct.unpack_from("<I", mbr, entry + 8)[0]
    raise ValueError("%s: no store partition (type 0x7e)" % image)


class State:
    """A crash state: name, the writes applied in order as (sector,
    data), and the generation expected at boot (filled by expect())."""

    def __init__(self, name, applied, committed):
        self.name = name
        self.applied = applied
        self.committed = committed      # k: superblock written + flushed
        self.newest = None              # exact expectation
        self.torn_slot = None           # a slot left invalid by a tear

    def build(self, base, out):
        shutil.copyfile(base, out)
        with open(out, "r+b") as f:
            for sector, data in self.applied:
                f.seek(sector * SECTOR)
                f.write(data)


def _sb_generation(data):
    """The generation of a valid superblock block (magic, kind, CRC32C
    with its CRC field taken as zero), or None."""
    magic, = struct.unpack_from("<Q", data, 0)
    kind, crc = struct.unpack_from("<II", data, 16)
    gen, = struct.unpack_from("<Q", data, 32)
    if magic != STORE_MAGIC or kind != STORE_BK_SUPER:
        return None
    if crc32c(bytes(data[:20]) + bytes(4) + bytes(data[24:BLOCK])) != crc:
        return None
    return gen


class Recording:
    """A parsed recording: the writes, the base image and where its
    superblock slots are, and the counts the run printed."""

    def __init__(self, base, logfile, serial):
        self.base = base
        self.ops = parse_log(logfile)
        self.serial = serial
        first = store_start(base)
        self.slots = [first + s * (BLOCK // SECTOR) for s in range(RING)]
        self.base_slots = []
        with open(base, "rb") as f:
            for s in self.slots:
                f.seek(s * SECTOR)
                self.base_slots.append(f.read(BLOCK))
        self.writes = [i for i, op in enumerate(self.ops)
                       if not op.is_flush()]

    def _overlay(self, slots, sector, data):
        """Apply a write of data at sector to the slot copies in slots;
        returns the generation of the slot it changed, if now valid."""
        gen = None
        for i, s in enumerate(self.slots):
            lo = max(sector, s)
            hi = min(sector + len(data) // SECTOR, s + BLOCK // SECTOR)
            if lo < hi:
                slots[i][(lo - s) * SECTOR:(hi - s) * SECTOR] = \
                    data[(lo - sector) * SECTOR:(hi - sector) * SECTOR]
                gen = _sb_generation(slots[i])
        return gen

    def superblock_writes(self):
        """Indexes into writes of the superblock writes."""
        return [w for w, i in enumerate(self.writes)
                if any(self.ops[i].sector < s + BLOCK // SECTOR and
                       s < self.ops[i].sector + len(self.ops[i].data) //
                       SECTOR for s in self.slots)]

    def _state(self, name, opidx, torn=None, keep=None):
        """The state of the ops opidx applied in order (flushes among
        them), then the first keep sectors of write torn, if given."""
        applied = []
        slots = [bytearray(b) for b in self.base_slots]
        committed = max(g for g in map(_sb_generation, slots)
                        if g is not None)
        pending = None
        for i in opidx:
            op = self.ops[i]
            if op.is_flush():
                if pending is not None:
                    committed = max(committed, pending)
                    pending = None
                continue
            applied.append((op.sector, op.data))
            gen = self._overlay(slots, op.sector, op.data)
            if gen is not None:
                pending = gen
            if op.flags & LOG_FUA and pending is not None:
                committed = max(committed, pending)
                pending = None
        if torn is not None:
            op = self.ops[torn]
            applied.append((op.sector, op.data[:keep * SECTOR]))
            self._overlay(slots, op.sector, op.data[:keep * SECTOR])
        st = State(name, applied, committed)
        if torn is not None:
            for i, s in enumerate(self.slots):
                if (op.sector < s + BLOCK // SECTOR and s < op.sector + keep
                        and _sb_generation(slots[i]) is None):
                    st.torn_slot = i
        st.newest = max((g for g in map(_sb_generation, slots)
                         if g is not None), default=None)
        return st

    def states(self):
        """Every crash state, in order: P0..Pn, Ti, Di."""
        n = len(self.writes)
        ops_before = [self.writes[w] for w in range(n)] + [len(self.ops)]
        out = []
        for w in range(n + 1):
            out.append(self._state("P%d" % w, range(ops_before[w])))
        for w in range(n):
            nr = len(self.ops[self.writes[w]].data) // SECTOR
            if nr >= 2:
                out.append(self._state("T%d" % w, range(ops_before[w]),
                                       torn=self.writes[w], keep=nr // 2))
                out.append(self._state("S%d" % w, range(ops_before[w]),
                                       torn=self.writes[w], keep=1))
        for w in range(n):
            i = self.writes[w]
            flush = max((j for j in range(i) if self.ops[j].is_flush()),
                        default=-1)
            if any(not self.ops[j].is_flush() for j in range(flush + 1, i)):
                out.append(self._state("D%d" % w,
                                       list(range(flush + 1)) + [i]))
        return out

    def sample(self, states):
        """The states `make test` boots: every SAMPLE_EVERY-th prefix up
        to the first superblock write, and every state of the writes
        just before, at and just after the first and the last
        superblock write."""
        sbs = self.superblock_writes()
        keep = set()
        if sbs:
            keep.update("P%d" % w for w in range(0, sbs[0], SAMPLE_EVERY))
        for sb in sorted(set(sbs[:1] + sbs[-1:])):
            for w in range(sb - 1, sb + 2):
                keep.update(("P%d" % w, "T%d" % w, "S%d" % w, "D%d" % w))
        return [s for s in states if s.name in keep]

    def _count_before_line(self, gen):
        """The last count printed before generation gen's commit line (0
        if none was); None if the recording has no such line."""
        for m in persist.COMMITTED.finditer(self.serial):
            if int(m.group(1)) == gen:
                counts = persist._counts_after(self.serial[:m.start()], 0)
                return counts[-1] if counts else 0
        return None

    def count_range(self, gen):
        """The first count hello may print after resuming generation
        gen: (low, high). Generation 1, mkimage's: 0..COUNT_SLACK. One
        whose commit line the recording printed: from the last count
        before that line, COUNT_SLACK more at most. One committed on the
        disk before the kill but not printed: its snapshot came after
        the previous generation's line, so from the last count before
        that line up to COUNT_SLACK past the last count printed (its
        snapshot may hold a count not printed yet, and hello prints the
        next one)."""
        low = self._count_before_line(gen)
        if low is not None or gen <= 1:
            low = low or 0
            return low, low + COUNT_SLACK
        prev = self._count_before_line(gen - 1)
        printed = persist._counts_after(self.serial, 0)
        return prev or 0, (max(printed) if printed else 0) + COUNT_SLACK


def record(image, d):
    """Boot a copy of image under blklogwrites until RECORD_COMMITS
    commits and a count after them, then SIGKILL QEMU. Returns (base
    copy, log file, serial text, problem or None)."""
    base = os.path.join(d, "base.img")
    disk = os.path.join(d, "recorded.img")
    wlog = os.path.join(d, "writes.log")
    serial = os.path.join(d, "record.serial.log")
    shutil.copyfile(image, base)
    shutil.copyfile(image, disk)
    for path in (wlog, serial):
        with open(path, "wb"):
            pass
    argv = [qemu.qemu_binary(), "-accel", "tcg", "-m", "128M",
            "-display", "none", "-monitor", "none",
            "-serial", "file:%s" % serial, "-no-reboot",
            "-blockdev", "driver=file,node-name=disk,filename=%s" % disk,
            "-blockdev", "driver=file,node-name=wlog,filename=%s" % wlog,
            "-blockdev", "driver=blklogwrites,node-name=lw,file=disk,"
                         "log=wlog,log-append=off",
            "-device", "virtio-blk-pci,drive=lw"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    start = time.monotonic()
    text = ""
    done = False
    while proc.poll() is None and time.monotonic() - start < RECORD_TIMEOUT:
        text = qemu._read(serial)
        commits = list(persist.COMMITTED.finditer(text))
        if (len(commits) >= RECORD_COMMITS and
                persist._counts_after(text, commits[-1].end())):
            done = True
            break
        time.sleep(0.05)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    err = proc.stderr.read().decode(errors="replace").strip()
    proc.stderr.close()
    text = qemu._read(serial)
    if not done:
        return base, wlog, text, ("no %d commits and a count within %d s "
                                  "(log %s) %s" % (RECORD_COMMITS,
                                                   RECORD_TIMEOUT, serial,
                                                   err))
    return base, wlog, text, None


def _resumed_or_stopped(text):
    return (persist._resumed_and_counted(text) or "panic:" in text)


def check_state(rec, st, mkimage, d, boot):
    """Build st's disk, verify it and (if boot) boot it. Returns a
    problem string, or None when the state passes; the image and log
    are removed when it passes."""
    img = os.path.join(d, st.name + ".img")
    log = os.path.join(d, st.name + ".serial.log")
    st.build(rec.base, img)
    problem = _verify_problem(st, mkimage, img)
    if problem is None and boot:
        problem = _boot_problem(rec, st, img, log)
    if problem is None:
        os.unlink(img)
        if os.path.exists(log):
            os.unlink(log)
    else:
        problem += " (image %s)" % img
    return problem


def _verify_problem(st, mkimage, img):
    """mkimage verify must pass the state with st.newest its newest
    generation. A torn superblock slot is the slot the next commit
    writes: verify passes and notes it (see docs/testing.md)."""
    rc, out = persist._mkimage(mkimage, "verify", img)
    lines = out.strip().splitlines()
    if st.torn_slot is not None:
        want = ("note: block %d (superblock slot %d): checksum mismatch"
                % (st.torn_slot, st.torn_slot))
        if rc != 0 or not any(want in ln for ln in lines):
            return ("mkimage verify exit %d, want ok and '%s': %s"
                    % (rc, want, " | ".join(lines[:3])))
    m = re.search(r"ok \((\d+) generations?, newest (\d+)\)", out)
    if rc != 0 or m is None or int(m.group(2)) != st.newest:
        return ("mkimage verify exit %d, want ok with newest %s: %s"
                % (rc, st.newest, " | ".join(lines[:3])))
    return None


def _boot_problem(rec, st, img, log):
    run = qemu.boot(img, log, BOOT_TIMEOUT, wait_for=_resumed_or_stopped)
    m = persist.RESUMING.search(run.log)
    if m is None:
        last = run.log.strip().splitlines()[-1:] or ["nothing"]
        return ("no 'restart: resuming generation N' within %d s, last line "
                "'%s' (log %s)" % (BOOT_TIMEOUT, last[0], log))
    gen = int(m.group(1))
    k = st.committed
    if gen not in (k, k + 1) or gen != st.newest:
        return ("resumed generation %d, want %d (last committed %d, newest "
                "whole superblock %s) (log %s)"
                % (gen, st.newest, k, st.newest, log))
    counts = persist._counts_after(run.log, m.end())
    if not counts:
        return "no count after the restart (log %s)" % log
    low, high = rec.count_range(gen)
    if not low <= counts[0] <= high:
        return ("first count %d after resuming generation %d, want %d..%d "
                "(log %s)" % (counts[0], gen, low, high, log))
    return None


class CrashSuite:
    """The `crash` suite of `make test`: verify every state, boot a
    sample (or every state with all=True)."""

    name = "crash"

    def __init__(self, build, all_states=False, only=None, out=None):
        self.image = os.path.join(build, "images", "test", "persist.img")
        self.mkimage = os.path.join(build, "mkimage")
        self.all = all_states
        self.only = only
        self.out = out
        self.tried = 0
        self.passed = 0

    def log_path(self, logdir):
        return os.path.join(logdir, self.name)

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image, self.mkimage)
        if why:
            return why
        d = self.log_path(logdir)
        if self.only is None:
            shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d, exist_ok=True)
        if self.only is not None:
            rec = Recording(os.path.join(d, "base.img"),
                            os.path.join(d, "writes.log"),
                            qemu._read(os.path.join(d, "record.serial.log")))
        else:
            base, wlog, text, problem = record(self.image, d)
            if problem is not None:
                return [("crash.record", False, problem)]
            try:
                rec = Recording(base, wlog, text)
            except ValueError as e:
                return [("crash.record", False, str(e))]
        states = rec.states()
        sbs = rec.superblock_writes()
        results = [("crash.record", len(sbs) >= RECORD_COMMITS,
                    "" if len(sbs) >= RECORD_COMMITS else
                    "%d superblock writes among %d writes logged, want %d"
                    % (len(sbs), len(rec.writes), RECORD_COMMITS))]
        if self.only is not None:
            states = [s for s in states if s.name in self.only]
        booted = set(s.name for s in (states if self.all or self.only
                                      else rec.sample(states)))
        failed = {"P": [], "T": [], "D": []}
        tried = {"P": 0, "T": 0, "D": 0}
        for st in states:
            boot = st.name in booted
            problem = check_state(rec, st, self.mkimage, d, boot)
            kind = "T" if st.name[0] == "S" else st.name[0]
            tried[kind] += 1
            self.tried += 1
            if problem is None:
                self.passed += 1
            else:
                failed[kind].append("%s: %s" % (st.name, problem))
            if self.out is not None:
                self.out.write("%s %s%s%s\n" % (
                    "PASS" if problem is None else "FAIL", st.name,
                    " (booted)" if boot else " (verified)",
                    ": " + problem if problem else ""))
                self.out.flush()
        for kind, what in (("P", "prefixes"), ("T", "torn_writes"),
                           ("D", "dropped_unflushed")):
            bad = failed[kind]
            none = tried[kind] == 0 and self.only is None
            results.append(("crash.%s" % what, not none and not bad,
                            "; ".join(bad[:3]) if bad else
                            ("no such state" if none else "")))
        return results


def main():
    ap = argparse.ArgumentParser(description="make crashtest: boot every "
                                 "crash state of a recorded checkpoint run")
    ap.add_argument("--build", default="build")
    ap.add_argument("--all", action="store_true",
                    help="boot every state (default: the make test sample)")
    ap.add_argument("--state", action="append",
                    help="re-run only this state (P3, T7, D2, ...) of the "
                    "last recording in BUILD/test-logs/crashtest")
    args = ap.parse_args()
    logdir = os.path.join(args.build, "test-logs")
    suite = CrashSuite(args.build, all_states=args.all, only=args.state,
                       out=sys.stdout)
    suite.name = "crashtest"
    start = time.monotonic()
    results = suite.run(logdir)
    for name, ok, reason in results:
        print("%s %s%s" % ("PASS" if ok else "FAIL", name,
                           ": " + reason if reason else ""))
    print("crashtest: %d states tried, %d passed (%.1f s, log %s)"
          % (suite.tried, suite.passed, time.monotonic() - start,
             suite.log_path(logdir)))
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
