#!/usr/bin/env python3
"""mkinitramfs.py - the Linux guest's initramfs, an uncompressed newc cpio
archive (so that boot_to_init spends nothing on decompression).

Holds /init (our static benchmark program), /dev/console (the kernel opens
it for init's stdin/stdout/stderr), empty mount points, and the modules
listed in MODULES/order under /lib/modules/. Timestamps and owners are
zero, so the same inputs give the same bytes.

Usage: mkinitramfs.py OUT.cpio INIT MODULES_DIR
"""

import os
import stat
import sys


class Cpio:
    """Writer of the newc ("070701") format the kernel unpacks."""

    def __init__(self, f):
        self.f = f
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % v for v in fields)
        self.f.write(hdr + name_b)
        self.f.write(b"\0" * (-(len(hdr) + len(name_b)) % 4))
        self.f.write(data)
        self.f.write(b"\0" * (-len(data) % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def char_device(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: mkinitramfs.py OUT.cpio INIT MODULES_DIR")
    out, init, mods = sys.argv[1:]
    try:
        init_data = read(init)
        if init_data[:4] != b"\x7fELF":
            sys.exit("mkinitramfs: %s is not an ELF executable" % init)
        order = read(os.path.join(mods, "order")).decode().split()
        modules = [(n, read(os.path.join(mods, n))) for n in order]
        for name, _ in modules:
            if "/" in name or not name.endswith(".ko"):
                sys.exit("mkinitramfs: bad module name %r in %s/order"
                         % (name, mods))
        tmp = out + ".tmp"
        with open(tmp, "wb") as f:
            c = Cpio(f)
            for d in ("dev", "proc", "sys", "tmp", "lib", "lib/modules"):
                c.directory(d)
            c.char_device("dev/console", 5, 1)
            c.file("init", init_data, 0o755)
            for name, data in modules:
                c.file("lib/modules/" + name, data)
            c.file("lib/modules/order", "".join(
                n + "\n" for n, _ in modules).encode())
            c.close()
        os.replace(tmp, out)
    except (OSError, UnicodeDecodeError) as e:
        sys.exit("mkinitramfs: %s" % e)


if __name__ == "__main__":
    main()
