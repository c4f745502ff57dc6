"""guest.py - suites that boot disk images in QEMU.

- kernel-selftest: the in-kernel unit tests (build/selftest.img, which
  boots the test kernel) report through the protocol on the serial port
  and exit via isa-debug-exit; a panic halts the guest, and the run
  stops at its last line. It boots a writable copy of the image, which
  the store writer's tests commit generations to; mkimage must then
  verify and inspect the copy (ckptdisk.py).
- USER_IMAGES: user-level test programs (build/images/test/*.img) report
  through the kernel log; the system keeps running after TEST DONE.
- boot: the default image reaches the kernel and reports the memory it
  was given; each damaged image (bootfail.py) prints its boot error.
- storefail: damaged stores and boot sectors (storefail.py) that mkimage
  verify must name and the kernel must boot past with its exact lines.
- persist: a checkpointed machine killed with SIGKILL resumes its last
  committed generation and count (persist.py).
- shell: the default image's shell driven at its console, killed and
  booted again: variables and history are kept (shellsuite.py).
- console: a person at the terminal, typing through COM1 and the PS/2
  keyboard at a line editor (console.py, term.py).
- bankpersist: the space bank's state survives a checkpoint and a
  restart (bankpersist.py).
- ckptrun: checkpoints written out while a process rewrites its memory
  hold it as one instant left it, also after a restart (ckptrun.py).
- crash: every disk state a power cut during a checkpoint can leave
  (recorded with blklogwrites) passes verify; a sample boots the right
  generation and count (crash.py; all of them in `make crashtest`).
- slstore: programs whose memory is twice the guest's RAM write and read
  it back, also across a checkpoint and a kill, two at once, and with
  the store too small (slstore.py; full size in `make test-slstore-full`).
"""

import os
import re
import shutil
import struct
import subprocess

import bankpersist
import bootfail
import ckptdisk
import console
import ckptrun
import crash
import debugsuite
import persist
import shellsuite
import slstore
import qemu
import storefail
from hostsuites import results_with_problems
from protocol import SuiteResult

SELFTEST_TIMEOUT = 300
# The test kernel's CPU has SSE4.2 (the bench's CPU, x86-64-v2), so its
# store checksums take the crc32 instruction (st_crc32c compares it with
# the tables); every other guest suite keeps QEMU's default qemu64,
# without it: the tables' path.
SELFTEST_CPU = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt"
BOOT_TIMEOUT = 120
READY = "kernel: ready"
PANIC = "panic:"
HALTED = "panic: halted"          # the last line of every fatal path
MEMORY_LINE = re.compile(r"memory: (\d+) MiB usable")


class ImageSuite:
    """A disk image whose guest prints the protocol on the serial port.
    Subclasses say how to boot it (boot) and what else the run must show
    (judge, which adds suite-level problems)."""

    def __init__(self, name, image, timeout):
        self.name = name
        self.image = image
        self.timeout = timeout

    def log_path(self, logdir):
        return os.path.join(logdir, self.name + ".serial.log")

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image)
        if why:
            return why
        run = self.boot(self.log_path(logdir))
        res = SuiteResult(self.name).parse(run.log).check_complete()
        self.judge(run, res)
        return results_with_problems(res)


class ProtocolImageSuite(ImageSuite):
    """The guest exits through isa-debug-exit when its tests are done. A
    kernel panic halts it: the run stops at `panic: halted` and fails.
    Each protocol suite in expect must plan at least one test (the test
    kernel finds its tests at link time; none found must not pass).
    cpu: a QEMU -cpu model, or None for QEMU's default (qemu64)."""

    def __init__(self, name, image, timeout, expect=(), mkimage=None,
                 cpu=None):
        super().__init__(name, image, timeout)
        self.expect = expect
        self.mkimage = mkimage      # set: boot a writable copy, check it
        self.copy = None
        self.extra = ("-cpu", cpu) if cpu else ()

    def boot(self, log):
        if self.mkimage is None:
            return qemu.boot(self.image, log, self.timeout, wait_for=HALTED,
                             extra=self.extra)
        self.copy = ckptdisk.image_copy(log)
        shutil.copyfile(self.image, self.copy)
        return qemu.boot(self.copy, log, self.timeout, wait_for=HALTED,
                         snapshot=False, extra=self.extra)

    def judge(self, run, res):
        if self.copy is not None:
            res.tests.extend(ckptdisk.check(self.mkimage, self.copy, run.log))
        for suite in self.expect:
            if res.plans.get(suite, 0) == 0:
                res.problems.append("suite %s planned no tests" % suite)
        panic = re.search(r"^.*%s.*$" % re.escape(PANIC), run.log, re.M)
        if panic:
            res.problems.append("kernel %s" % panic.group(0).strip())
        elif run.timed_out:
            res.problems.append("guest did not exit within %d s (hang)"
                                % self.timeout)
        elif run.status not in (qemu.DEBUG_EXIT_PASS, qemu.DEBUG_EXIT_FAIL):
            res.problems.append("QEMU exit status %s: guest did not exit "
                                "through isa-debug-exit" % run.status)
        elif run.status == qemu.DEBUG_EXIT_FAIL and res.ok:
            res.problems.append("guest reported failure but no test failed")
        elif run.status == qemu.DEBUG_EXIT_PASS and not all(
                ok for _, ok, _ in res.tests):
            res.problems.append("guest reported success despite failures")


class UserImageSuite(ImageSuite):
    """User-level test programs print the protocol through the kernel
    log. The system keeps running afterwards, so the run stops at
    `TEST DONE <suite>`; a kernel panic ends it at once and fails."""

    def boot(self, log):
        return qemu.boot(self.image, log, self.timeout,
                         wait_for=("TEST DONE %s" % self.name, PANIC),
                         memory="256M")

    def judge(self, run, res):
        panic = re.search(r"^.*%s.*$" % re.escape(PANIC), run.log, re.M)
        if panic:
            res.problems.append("kernel %s" % panic.group(0).strip())
        if run.timed_out:
            res.problems.append("no TEST DONE within %d s (hang)"
                                % self.timeout)


class BootSuite:
    """The boot path: the default image boots with several memory sizes,
    and every damaged image stops with its message."""

    name = "boot"
    MEMORY_SIZES = [64, 128, 512, 2048]

    def __init__(self, image):
        self.image = image

    def log_path(self, logdir):
        return os.path.join(logdir, "boot")

    def run(self, logdir):
        why = qemu.missing("boot.image", self.image)
        if why:
            return why
        os.makedirs(self.log_path(logdir), exist_ok=True)
        results = [self._mbr()]
        for mib in self.MEMORY_SIZES:
            results.append(self._memory(logdir, mib))
        for case, damage, message in bootfail.CASES:
            results.append(self._failure(logdir, case, damage, message))
        return results

    def _mbr(self):
        with open(self.image, "rb") as f:
            mbr = f.read(512)
        name = "boot.mbr_signature_and_partitions"
        if len(mbr) != 512 or mbr[510:512] != b"\x55\xaa":
            return (name, False, "sector 0 does not end in 0x55AA")
        types = [mbr[446 + 16 * i + 4] for i in range(4)]
        active = [i for i in range(4) if mbr[446 + 16 * i] == 0x80]
        if 0x7F not in types or 0x7E not in types or len(active) != 1:
            return (name, False, "partition types %s, active %s" % (types, active))
        lba, = struct.unpack_from("<I", mbr, 446 + 16 * active[0] + 8)
        if lba == 0:
            return (name, False, "active partition starts at LBA 0")
        return (name, True, "")

    def _memory(self, logdir, mib):
        name = "boot.memory_%dm" % mib
        log = os.path.join(self.log_path(logdir), "memory_%dm.log" % mib)
        run = qemu.boot(self.image, log, BOOT_TIMEOUT, wait_for=READY,
                        memory="%dM" % mib)
        if READY not in run.log:
            return (name, False, "no '%s' within %d s (log %s)"
                    % (READY, BOOT_TIMEOUT, log))
        m = MEMORY_LINE.search(run.log)
        if not m:
            return (name, False, "no 'memory: N MiB usable' line")
        usable = int(m.group(1))
        # Below 1 MiB, the kernel image and firmware areas are not usable.
        if not mib - 16 <= usable < mib:
            return (name, False, "%d MiB usable with -m %dM" % (usable, mib))
        return (name, True, "")

    def _failure(self, logdir, case, damage, message):
        name = "boot.%s" % case
        img = os.path.join(self.log_path(logdir), case + ".img")
        log = os.path.join(self.log_path(logdir), case + ".log")
        try:
            bootfail.write_damaged_copy(self.image, img, damage)
        except (ValueError, OSError, subprocess.CalledProcessError) as e:
            return (name, False, "cannot damage image: %s" % e)
        run = qemu.boot(img, log, BOOT_TIMEOUT, wait_for=message)
        os.unlink(img)
        if message not in run.log:
            return (name, False, "expected '%s' (log %s)" % (message, log))
        if READY in run.log:
            return (name, False, "kernel started despite the damage")
        return (name, True, "")


# User-level test images: (suite name, image under BUILD, timeout in s).
USER_IMAGES = [
    ("faults", "images/test/faults.img", 120),
    ("caps", "images/test/caps.img", 300),
    ("caperr", "images/test/caperr.img", 120),
    ("ipc", "images/test/ipc.img", 120),
    ("sched", "images/test/sched.img", 120),
    ("keeper", "images/test/keeper.img", 120),
    ("prockeep", "images/test/pktest.img", 120),
    ("vcopy", "images/test/vctest.img", 120),
    ("ctor", "images/test/ctortest.img", 180),
    ("fuzz", "images/test/fuzz.img", 300),
    ("bank", "images/test/bank.img", 120),
    ("bankfuzz", "images/test/bankfuzz.img", 300),
]


def collect(build):
    users = [UserImageSuite(name, os.path.join(build, image), timeout)
             for name, image, timeout in USER_IMAGES]
    return users + [BootSuite(os.path.join(build, "default.img")),
            storefail.StoreFailSuite(build),
            persist.PersistSuite(build),
            console.ConsoleSuite(build),
            shellsuite.ShellSuite(build),
            bankpersist.BankPersistSuite(build),
            ckptrun.CkptRunSuite(build),
            crash.CrashSuite(build),
            slstore.SlstoreSuite(build),
            ProtocolImageSuite("kernel-selftest",
                               os.path.join(build, "selftest.img"),
                               SELFTEST_TIMEOUT, expect=("kernel", "blk",
                                                         "ckptdisk"),
                               mkimage=os.path.join(build, "mkimage"),
                               cpu=SELFTEST_CPU),
            debugsuite.DebugSuite(build)]
