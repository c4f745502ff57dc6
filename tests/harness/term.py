"""term.py - a QEMU guest driven like a person at its terminal: COM1 is a
Unix socket the harness types into and reads from (everything the guest
prints is also logged to a file), and the QEMU monitor's socket sends
keys to the PS/2 keyboard (`sendkey`).
"""

import os
import socket
import subprocess
import time

import qemu


class Terminal:
    def __init__(self, image, logdir, name, memory="128M", snapshot=True):
        self.log = os.path.join(logdir, name + ".serial.log")
        self.serial_path = os.path.join(logdir, name + ".serial.sock")
        self.monitor_path = os.path.join(logdir, name + ".monitor.sock")
        for p in (self.log, self.serial_path, self.monitor_path):
            if os.path.exists(p):
                os.unlink(p)
        drive = "file=%s,format=raw,if=virtio" % image
        if snapshot:
            drive += ",snapshot=on"
        argv = [qemu.qemu_binary(), "-accel", "tcg", "-m", memory,
                "-display", "none",
                "-chardev", "socket,id=s0,path=%s,server=on,wait=off,"
                "logfile=%s" % (self.serial_path, self.log),
                "-serial", "chardev:s0",
                "-monitor", "unix:%s,server=on,wait=off" % self.monitor_path,
                "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-drive", drive]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.text = ""
        self.serial = self._connect(self.serial_path)
        self.monitor = None

    def _connect(self, path):
        deadline = time.monotonic() + 10
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                s.setblocking(False)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)

    def _pump(self):
        while True:
            try:
                data = self.serial.recv(65536)
            except BlockingIOError:
                return
            if not data:
                return
            self.text += data.decode(errors="replace")

    def expect(self, what, timeout=30, start=0):
        """Wait until what (a string, or a function of the text read so
        far) appears after position start. Returns the end position of the
        match (or True for a function), None on timeout or exit."""
        deadline = time.monotonic() + timeout
        while True:
            self._pump()
            if callable(what):
                if what(self.text):
                    return True
            else:
                i = self.text.find(what, start)
                if i >= 0:
                    return i + len(what)
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self._pump()
                return None
            time.sleep(0.02)

    def type(self, data, pace=0.0):
        """Send bytes to COM1; pace seconds between bytes if given."""
        if isinstance(data, str):
            data = data.encode()
        chunks = [data[i:i + 1] for i in range(len(data))] if pace else [data]
        for c in chunks:
            self.serial.setblocking(True)
            self.serial.sendall(c)
            self.serial.setblocking(False)
            if pace:
                time.sleep(pace)

    def sendkey(self, *keys):
        """Press keys on the PS/2 keyboard (QEMU names: a, shift-a, ret,
        backspace, up, ...)."""
        if self.monitor is None:
            self.monitor = self._connect(self.monitor_path)
        for k in keys:
            self.monitor.setblocking(True)
            self.monitor.sendall(("sendkey %s\n" % k).encode())
            self.monitor.setblocking(False)
            time.sleep(0.05)

    def wait_exit(self, timeout=30):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        qemu._kill(self.proc)
        for s in (self.serial, self.monitor):
            if s is not None:
                s.close()
        # The socket's text is exact; QEMU's log file may repeat a byte
        # whose write it had to retry, so it is only for people to read.
