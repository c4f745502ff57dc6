"""qemu.py - boot a disk image headless under TCG, serial to a log file.

A run ends when the guest writes to isa-debug-exit (QEMU exit status
(value << 1) | 1), powers off, or hits the timeout, in which case QEMU is
killed and the run is marked timed out.
"""

import os
import shutil
import signal
import subprocess
import time

DEBUG_EXIT_PASS = 1     # guest wrote 0 to port 0xf4
DEBUG_EXIT_FAIL = 3     # guest wrote 1


def qemu_binary():
    return os.environ.get("QEMU", "qemu-system-x86_64")


def base_args(image, log, memory="128M", snapshot=True, readonly=False,
              extra=()):
    """The QEMU command line every guest test uses."""
    drive = "file=%s,format=raw,if=virtio" % image
    if snapshot:
        drive += ",snapshot=on"
    if readonly:
        drive += ",readonly=on"
    return [qemu_binary(), "-accel", "tcg", "-m", memory,
            "-display", "none", "-monitor", "none",
            "-serial", "file:%s" % log, "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-drive", drive] + list(extra)


def missing(name, *paths):
    """A suite's one result when an input is not built: [(name, False,
    why)] for the first of paths that does not exist, else []."""
    for path in paths:
        if not os.path.exists(path):
            return [(name, False, "%s missing: run `make`" % path)]
    return []


def sparse_copy(src, dst):
    """Copy disk image src to dst, holes kept (a writable copy for a
    guest to checkpoint into). Returns dst."""
    subprocess.run(["cp", "--sparse=always", src, dst], check=True)
    return dst


class Run:
    """Outcome of one QEMU run: exit status (None on timeout), the serial
    log text and the wall time in seconds."""

    def __init__(self, status, timed_out, log_text, seconds):
        self.status = status
        self.timed_out = timed_out
        self.log = log_text
        self.seconds = seconds


def boot(image, log, timeout, wait_for=None, **kw):
    """Boot image and wait for the guest to exit or the timeout. If
    wait_for is a string or a tuple of strings, stop as soon as one
    appears in the serial log (for images that halt or idle on purpose),
    or, if it is a function, as soon as it returns true for the log's
    text. Stopping kills QEMU with SIGKILL: no clean shutdown.
    Returns a Run."""
    if isinstance(wait_for, str):
        wait_for = (wait_for,)
    if wait_for is not None and not callable(wait_for):
        words = wait_for
        wait_for = lambda text: any(w in text for w in words)
    if shutil.which(qemu_binary()) is None:
        raise FileNotFoundError("%s not found: run `make deps`" % qemu_binary())
    os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
    if os.path.exists(log):
        os.unlink(log)
    start = time.monotonic()
    proc = subprocess.Popen(base_args(image, log, **kw),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    timed_out = False
    status = None
    while True:
        status = proc.poll()
        if status is not None:
            break
        if wait_for is not None:
            text = _read(log)
            if wait_for(text):
                _kill(proc)
                break
        if time.monotonic() - start > timeout:
            timed_out = True
            _kill(proc)
            break
        time.sleep(0.05)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    text = _read(log)
    if stderr.strip():
        text += "\n[qemu stderr] " + stderr
    return Run(status, timed_out, text, time.monotonic() - start)


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
