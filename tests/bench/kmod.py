"""kmod.py - dependency order of Linux kernel modules, read from the
.modinfo section of each .ko (an ELF64 relocatable), so no depmod or
modules.dep is needed. Every file is checked before use: a truncated or
foreign file raises ModError naming it.
"""

import os
import struct


class ModError(Exception):
    pass


def modinfo(path):
    """Return the key=value strings of path's .modinfo section as a dict
    (a key that repeats, such as alias, keeps its last value)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2 \
            or data[5] != 1:
        raise ModError("%s: not a little-endian ELF64 file" % path)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shentsize != 64 or shstrndx >= shnum \
            or shoff + shnum * 64 > len(data):
        raise ModError("%s: bad section header table" % path)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * 64)
        if off + size > len(data):
            raise ModError("%s: section %d lies outside the file" % (path, i))
        return name, data[off:off + size]

    _, names = section(shstrndx)
    for i in range(shnum):
        name_off, body = section(i)
        end = names.find(b"\0", name_off)
        if names[name_off:end] == b".modinfo":
            info = {}
            for item in body.split(b"\0"):
                key, eq, value = item.partition(b"=")
                if eq:
                    info[key.decode(errors="replace")] = \
                        value.decode(errors="replace")
            return info
    raise ModError("%s: no .modinfo section" % path)


def index(tree):
    """Map module name (dashes as underscores) to its .ko path in tree."""
    found = {}
    for root, _, files in os.walk(tree):
        for name in files:
            if name.endswith(".ko"):
                found[name[:-3].replace("-", "_")] = os.path.join(root, name)
    return found


def load_order(tree, wanted):
    """Paths of the wanted modules and everything they depend on, each
    after its dependencies."""
    mods = index(tree)
    order, done, active = [], set(), set()

    def visit(name):
        if name in done:
            return
        if name in active:
            raise ModError("module dependency cycle through %s" % name)
        if name not in mods:
            raise ModError("module %s not found under %s" % (name, tree))
        active.add(name)
        deps = modinfo(mods[name]).get("depends", "")
        for dep in filter(None, deps.split(",")):
            visit(dep.replace("-", "_"))
        active.discard(name)
        done.add(name)
        order.append(mods[name])

    for name in wanted:
        visit(name)
    return order
