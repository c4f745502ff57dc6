"""debugsuite.py - `make debug` must stop gdb at the kernel's entry.

Runs QEMU halted with its gdb stub on a free port and gdb in batch mode
with the script `make debug` uses (build/debug.gdb, port rewritten), then
compares gdb's $pc with the kernel ELF's entry point.
"""

import os
import re
import socket
import subprocess

import qemu

GDB_TIMEOUT = 120


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _entry(kernel):
    out = subprocess.run(["readelf", "-h", kernel], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    return int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", out)
               .group(1), 16)


class DebugSuite:
    name = "debug"

    def __init__(self, build):
        self.build = build

    def log_path(self, logdir):
        return os.path.join(logdir, "debug.log")

    def run(self, logdir):
        name = "debug.gdb_stops_at_kernel_entry"
        script = os.path.join(self.build, "debug.gdb")
        kernel = os.path.join(self.build, "kernel", "kernel.elf")
        image = os.path.join(self.build, "default.img")
        why = qemu.missing(name, script, kernel, image)
        if why:
            return why
        port = _free_port()
        with open(script) as f:
            text = re.sub(r"localhost:\d+", "localhost:%d" % port, f.read())
        batch = os.path.join(logdir, "debug-batch.gdb")
        with open(batch, "w") as f:
            f.write(text + "printf \"PC=%#lx\\n\", $pc\nkill\n")
        serial = os.path.join(logdir, "debug-serial.log")
        vm = subprocess.Popen(qemu.base_args(image, serial) +
                              ["-S", "-gdb", "tcp:127.0.0.1:%d" % port],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        try:
            out = subprocess.run(["gdb", "-q", "-batch", "-nx", "-x", batch],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT,
                                 timeout=GDB_TIMEOUT).stdout.decode(
                                     errors="replace")
        except subprocess.TimeoutExpired:
            out = "gdb timed out"
        finally:
            vm.kill()
            vm.wait()
        with open(self.log_path(logdir), "w") as f:
            f.write(out)
        m = re.search(r"PC=(0x[0-9a-f]+)", out)
        want = _entry(kernel)
        if not m:
            return [(name, False, "gdb printed no $pc (log %s)"
                     % self.log_path(logdir))]
        if int(m.group(1), 16) != want:
            return [(name, False, "gdb stopped at %s, kernel entry is %#x"
                     % (m.group(1), want))]
        return [(name, True, "")]
