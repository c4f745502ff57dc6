"""guests.py - the QEMU command lines of the two benchmark guests and a
run with a timeout.

Both guests get the same machine: TCG, one CPU (qemu64 at x86-64-v2), 512
MiB, no NIC, serial to a log file, isa-debug-exit, one virtio-blk disk,
and the bench.* words (`bench.iters=1 bench.runs=5 ...`) twice: on the
kernel command line (Linux reads /proc/cmdline) and in the fw_cfg file
opt/bench/args (for our kernel, which has no command line). Only what is
booted differs: Linux gets -kernel/-initrd and a scratch disk, ours boots
build/bench.img from that disk as the BIOS does. The oversubscribed
row's boots get OVERSUB_MEMORY instead, Linux a swap disk, and QEMU logs
their disk writes (write_trace_args).
"""

import os
import shutil
import signal
import subprocess
import time

ACCEL = "tcg"          # the only accelerator: see docs/bench.md on KVM
MEMORY = "512M"
# QEMU's default qemu64 raised to the x86-64-v2 level (SSSE3, SSE4.1,
# SSE4.2, POPCNT), which every x86-64 CPU since 2009 has: our store
# checksums each block with SSE4.2's crc32 instruction. Not SSE4.2 alone,
# which no real CPU is: glibc's static /init, seeing SSE4.2, takes string
# functions that also use SSSE3 and dies of #UD. Linux gets the same CPU
# (its raw disk row computes no checksum).
CPU = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt"
DISK_BYTES = 128 << 20  # Linux's scratch disk; the disk row writes 64 MiB
# The oversubscribed row's boots, both sides: their memory, and the
# region the process writes and reads back, twice that.
OVERSUB_MEMORY = "128M"
OVERSUB_REGION_MIB = 256
# QEMU's trace event for each write request the virtio disk receives
# (its sector count): the disk bytes a boot wrote, counted by QEMU.
WRITE_EVENT = "virtio_blk_handle_write"
LINUX_APPEND = "console=ttyS0 quiet panic=-1"


class GuestError(Exception):
    pass


def qemu_binary():
    return os.environ.get("QEMU", "qemu-system-x86_64")


def qemu_version():
    try:
        out = subprocess.run([qemu_binary(), "--version"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GuestError("cannot run %s: %s" % (qemu_binary(), e))
    return out.splitlines()[0].strip() if out else "unknown"


def common_args(log, words, icount, memory=None):
    """The settings both guests share. icount: deterministic instruction
    clock (-icount shift=0) or plain TCG on the wall clock. memory: only
    for a boot that prepares a disk and measures nothing, or the row that
    needs less memory than the others (OVERSUB_MEMORY) on both sides
    (MEMORY if None)."""
    args = [qemu_binary(), "-accel", ACCEL, "-cpu", CPU]
    if icount:
        args += ["-icount", "shift=0"]
    return args + ["-m", memory or MEMORY, "-nographic", "-monitor", "none",
                   "-serial", "file:%s" % log, "-no-reboot", "-nic", "none",
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                   "-fw_cfg", "name=opt/bench/args,string=%s"
                   % words.replace(",", ",,")]     # QEMU's comma escape


def disk_args(path):
    return ["-drive", "file=%s,format=raw,if=virtio" % path]


def linux_args(files, log, words, icount, disk):
    """Linux: Debian's vmlinuz, our initramfs, a blank scratch disk."""
    with open(disk, "wb") as f:
        f.truncate(DISK_BYTES)
    return linux_boot(files, log, words, icount, disk)


def linux_boot(files, log, words, icount, disk, memory=None):
    """Linux's command line with disk as it is."""
    return common_args(log, words, icount, memory) + [
        "-kernel", files["vmlinuz"], "-initrd", files["initramfs"],
        "-append", "%s %s" % (LINUX_APPEND, words)] + disk_args(disk)


def make_swap_disk(path, size):
    """A sparse file of size bytes made a swap area by the host's mkswap
    (one page of header; the guest needs nothing but swapon)."""
    with open(path, "wb") as f:
        f.truncate(size)
    mkswap = shutil.which("mkswap") or "/sbin/mkswap"
    try:
        r = subprocess.run([mkswap, path], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GuestError("cannot run %s: %s (Debian's util-linux)"
                         % (mkswap, e))
    if r.returncode != 0:
        raise GuestError("%s %s failed: %s" % (mkswap, path,
                                                r.stderr.strip()))


def write_trace_args(path):
    """QEMU logs each write request of the virtio disk to path."""
    return ["-trace", WRITE_EVENT, "-D", path]


def disk_write_bytes(path):
    """Bytes the virtio disk was asked to write, from write_trace_args's
    log (lines "virtio_blk_handle_write vdev P req P sector S nsectors
    N"); None if there is no log, or a line of the event is malformed."""
    total = 0
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if not w or w[0] != WRITE_EVENT:
                    continue
                try:
                    total += int(w[w.index("nsectors") + 1]) * 512
                except (ValueError, IndexError):
                    return None
    except FileNotFoundError:
        return None
    return total


def ours_args(image, log, words, icount, disk, memory=None):
    """Ours: disk a fresh sparse copy of image (a run checkpoints into
    it), or disk as it is if image is None."""
    if image is not None and subprocess.run(
            ["cp", "--sparse=always", image, disk]).returncode:
        raise GuestError("cannot copy %s to %s" % (image, disk))
    return common_args(log, words, icount, memory) + disk_args(disk)


class Run:
    """One QEMU run: exit status (None after a timeout), the log text,
    wall seconds, and QEMU's stderr."""

    def __init__(self, status, timed_out, text, seconds, stderr):
        self.status = status
        self.timed_out = timed_out
        self.text = text
        self.seconds = seconds
        self.stderr = stderr


def run(args, log, timeout):
    """Run QEMU until it exits or timeout seconds pass (then kill it)."""
    if shutil.which(args[0]) is None:
        raise GuestError("%s not found: install qemu-system-x86 (`make deps`)"
                         % args[0])
    os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
    if os.path.exists(log):
        os.unlink(log)
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    timed_out = False
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, err = proc.communicate()
    try:
        with open(log, "rb") as f:
            text = f.read().decode(errors="replace")
    except FileNotFoundError:
        text = ""
    return Run(None if timed_out else proc.returncode, timed_out, text,
               time.monotonic() - start, err.decode(errors="replace").strip())
