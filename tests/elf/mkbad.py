#!/usr/bin/env python3
"""mkbad.py - make the malformed half of the ELF corpus.

Usage: mkbad.py DIR

Reads the programs that tests/elf/rules.mk built in DIR (static.elf,
pie.elf, sym.elf, and the linker-made bad ones plt.elf, interp.elf and
object.elf) and writes DIR/bad/NAME.elf, each damaged in one way,
plus DIR/bad/expected.txt: one line per file, "NAME<TAB>substring", the
substring elf_load() must put in its error message. test_elf.c loads every
file listed; the fuzz harness replays them.

The damage is computed from the files themselves (their own headers,
segments, dynamic section and symbols), so the corpus follows whatever
the local gcc and ld produce.
"""

import os
import struct
import sys

PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_TLS = 1, 2, 3, 7
PT_GNU_STACK = 0x6474E551
SHT_SYMTAB, SHT_DYNSYM = 2, 11
DT_NULL, DT_NEEDED, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 1, 7, 8, 9
DT_SYMTAB, DT_REL, DT_DEBUG, DT_PLTREL = 6, 17, 21, 20

EH = {"type": (16, "H"), "machine": (18, "H"), "entry": (24, "Q"),
      "phoff": (32, "Q"), "shoff": (40, "Q"), "phentsize": (54, "H"),
      "phnum": (56, "H"), "shentsize": (58, "H"), "shnum": (60, "H")}
PH = {"type": (0, "I"), "flags": (4, "I"), "offset": (8, "Q"),
      "vaddr": (16, "Q"), "filesz": (32, "Q"), "memsz": (40, "Q"),
      "align": (48, "Q")}
SH = {"type": (4, "I"), "offset": (24, "Q"), "size": (32, "Q"),
      "link": (40, "I"), "entsize": (56, "Q")}


class Elf:
    """A mutable ELF64 little-endian file with just enough parsing."""

    def __init__(self, data):
        self.d = bytearray(data)

    def copy(self):
        return Elf(bytes(self.d))

    def get(self, off, fmt):
        return struct.unpack_from("<" + fmt, self.d, off)[0]

    def put(self, off, fmt, value):
        struct.pack_into("<" + fmt, self.d, off, value)
        return self

    def eh(self, field, value=None):
        off, fmt = EH[field]
        if value is None:
            return self.get(off, fmt)
        return self.put(off, fmt, value)

    def ph_off(self, i):
        return self.eh("phoff") + 56 * i

    def ph(self, i, field, value=None):
        off, fmt = PH[field]
        if value is None:
            return self.get(self.ph_off(i) + off, fmt)
        return self.put(self.ph_off(i) + off, fmt, value)

    def phdrs(self, ptype):
        return [i for i in range(self.eh("phnum"))
                if self.ph(i, "type") == ptype]

    def sh(self, i, field, value=None):
        off, fmt = SH[field]
        base = self.eh("shoff") + 64 * i
        if value is None:
            return self.get(base + off, fmt)
        return self.put(base + off, fmt, value)

    def section(self, stype):
        return [i for i in range(self.eh("shnum"))
                if self.sh(i, "type") == stype][0]

    def symbols(self, stype=SHT_SYMTAB):
        """{name: file offset of its Elf64_Sym} of a symbol table."""
        s = self.section(stype)
        stroff = self.sh(self.sh(s, "link"), "offset")
        out = {}
        for off in range(self.sh(s, "offset"),
                         self.sh(s, "offset") + self.sh(s, "size"), 24):
            name = self.get(off, "I")
            end = self.d.index(b"\0", stroff + name)
            out[self.d[stroff + name:end].decode()] = off
        return out

    def sym_value(self, name):
        return self.get(self.symbols()[name] + 8, "Q")

    def dynamic(self):
        """[(file offset of entry, tag, value)] up to and with DT_NULL."""
        i = self.phdrs(PT_DYNAMIC)[0]
        out = []
        for off in range(self.ph(i, "offset"),
                         self.ph(i, "offset") + self.ph(i, "filesz"), 16):
            tag, val = struct.unpack_from("<QQ", self.d, off)
            out.append((off, tag, val))
        return out

    def dyn_off(self, tag):
        return [off for off, t, _ in self.dynamic() if t == tag][0]

    def vaddr_to_off(self, va):
        for i in self.phdrs(PT_LOAD):
            v, f = self.ph(i, "vaddr"), self.ph(i, "filesz")
            if v <= va < v + f:
                return self.ph(i, "offset") + va - v
        raise ValueError("0x%x not in a segment" % va)

    def rela(self, k):
        """File offset of the k-th DT_RELA entry."""
        va = [v for _, t, v in self.dynamic() if t == DT_RELA][0]
        return self.vaddr_to_off(va) + 24 * k


def overlap(e):
    load = e.phdrs(PT_LOAD)
    a, b = load[-2], load[-1]
    return e.ph(a, "memsz", e.ph(b, "vaddr") - e.ph(a, "vaddr") + 16)


def unsorted(e):
    a, b = e.phdrs(PT_LOAD)[:2]
    ea, eb = e.ph_off(a), e.ph_off(b)
    pa, pb = bytes(e.d[ea:ea + 56]), bytes(e.d[eb:eb + 56])
    e.d[ea:ea + 56], e.d[eb:eb + 56] = pb, pa
    return e


def share_page(e):
    """Grow a segment to end in the page where the next one starts."""
    load = e.phdrs(PT_LOAD)
    for a, b in zip(load, load[1:]):
        vb = e.ph(b, "vaddr")
        if vb % 4096 != 0 and vb - 1 - e.ph(a, "vaddr") >= e.ph(a, "filesz"):
            return e.ph(a, "memsz", vb - 1 - e.ph(a, "vaddr"))
    raise ValueError("no segment starts inside a page")


def trunc_seg(e):
    """Cut the file inside the last segment, with no section headers."""
    i = [i for i in e.phdrs(PT_LOAD) if e.ph(i, "filesz") > 0][-1]
    e.eh("shoff", 0).eh("shnum", 0)
    e.d = e.d[:e.ph(i, "offset") + e.ph(i, "filesz") // 2]
    return e


def set_type(ptype, old):
    def f(e):
        return e.ph(e.phdrs(old)[0], "type", ptype)
    return f


def first_load(field, value):
    def f(e):
        i = e.phdrs(PT_LOAD)[0]
        return e.ph(i, field, value(e, i) if callable(value) else value)
    return f


def last_load(field, value):
    def f(e):
        i = e.phdrs(PT_LOAD)[-1]
        return e.ph(i, field, value(e, i) if callable(value) else value)
    return f


def place_last(vaddr, memsz):
    """Move the last PT_LOAD to vaddr (kept page-congruent), memsz bytes."""
    def f(e):
        i = e.phdrs(PT_LOAD)[-1]
        e.ph(i, "vaddr", vaddr + e.ph(i, "offset") % 4096)
        return e.ph(i, "memsz", max(memsz, e.ph(i, "filesz")))
    return f


def same_bytes(e):
    """Point every PT_LOAD at the whole file: copies beyond its size."""
    load = e.phdrs(PT_LOAD)
    for k, i in enumerate(load):
        e.ph(i, "offset", 0).ph(i, "filesz", len(e.d))
        e.ph(i, "memsz", len(e.d)).ph(i, "vaddr", 0x400000 + k * (1 << 24))
    return e


def no_load(e):
    for i in e.phdrs(PT_LOAD):
        e.ph(i, "type", 0)
    return e


def symtab(field, value):
    def f(e):
        return e.sh(e.section(SHT_SYMTAB), field, value)
    return f


def sym_name(e):
    off = e.symbols()["corpus_magic"]
    return e.put(off, "I", 0x7FFFFFFF)


def strtab_not_strtab(e):
    return e.sh(e.sh(e.section(SHT_SYMTAB), "link"), "type", 1)


def rela_type(t):
    def f(e):
        return e.put(e.rela(0) + 8, "Q", t)
    return f


def rela_offset(value):
    def f(e):
        return e.put(e.rela(0), "Q",
                     value(e) if callable(value) else value)
    return f


def dyn_tag(old, new):
    def f(e):
        return e.put(e.dyn_off(old), "Q", new)
    return f


def dyn_val(tag, value):
    def f(e):
        return e.put(e.dyn_off(tag) + 8, "Q", value)
    return f


def no_dt_null(e):
    for off, tag, _ in e.dynamic():
        if tag == DT_NULL:
            e.put(off, "Q", DT_DEBUG)
    return e


def undefined_sym(e):
    off = e.symbols(SHT_DYNSYM)["sym_value"]
    return e.put(off + 6, "H", 0)


def field(name, value):
    def f(e):
        return e.eh(name, value(e) if callable(value) else value)
    return f


def byte(i, value):
    def f(e):
        e.d[i] = value
        return e
    return f


def cut(n):
    def f(e):
        e.d = e.d[:n(e) if callable(n) else n]
        return e
    return f


# (name, base file, mutation, expected error substring)
CASES = [
    ("empty", "static", cut(0), "not an ELF file"),
    ("trunc_magic", "static", cut(3), "not an ELF file"),
    ("trunc_ident", "static", cut(10), "truncated ELF header"),
    ("trunc_ehdr", "static", cut(63), "truncated ELF header"),
    ("trunc_phdrs", "static", cut(64 + 56 + 20),
     "program header table out of bounds"),
    ("trunc_shdrs", "static", cut(lambda e: len(e.d) - 10),
     "section header table out of bounds"),
    ("trunc_segment", "static", trunc_seg, "file range"),
    ("trunc_pie_half", "pie", cut(lambda e: len(e.d) // 2),
     "section header table out of bounds"),
    ("bad_magic", "static", byte(1, ord("X")), "not an ELF file"),
    ("class32", "static", byte(4, 1), "32-bit ELF not supported"),
    ("class_bad", "static", byte(4, 9), "bad ELF class 9"),
    ("bigendian", "static", byte(5, 2), "big-endian ELF not supported"),
    ("ident_version", "static", byte(6, 0), "bad ELF version 0"),
    ("machine_i386", "static", field("machine", 3), "wrong machine 3"),
    ("machine_aarch64", "static", field("machine", 183),
     "wrong machine 183"),
    ("type_rel", "static", field("type", 1), "relocatable object"),
    ("type_core", "static", field("type", 4), "wrong ELF type 4"),
    ("phoff_huge", "static", field("phoff", 0xFFFFFFFFFFFFFF00),
     "program header table out of bounds"),
    ("phoff_end", "static", field("phoff", lambda e: len(e.d) - 8),
     "program header table out of bounds"),
    ("phnum_zero", "static", field("phnum", 0), "no program headers"),
    ("phnum_xnum", "static", field("phnum", 0xFFFF), "extended program"),
    ("phentsize", "static", field("phentsize", 32), "bad e_phentsize 32"),
    ("shoff_huge", "static", field("shoff", 0xFFFFFFFFFFFFFFC0),
     "section header table out of bounds"),
    ("shnum_huge", "static", field("shnum", 0xFFF0),
     "section header table out of bounds"),
    ("shentsize", "static", field("shentsize", 40), "bad e_shentsize 40"),
    ("shnum_zero", "static", field("shnum", 0), "extended section"),
    ("overlap", "static", overlap, "PT_LOAD segments overlap"),
    ("overlap_pie", "pie", overlap, "PT_LOAD segments overlap"),
    ("unsorted", "static", unsorted, "not sorted by address"),
    ("share_page", "pie", share_page, "share the page"),
    ("memsz_huge", "static", last_load("memsz", 1 << 41), "too large"),
    ("memsz_max", "static", last_load("memsz", 0xFFFFFFFFFFFFFFFF),
     "too large"),
    ("vaddr_wrap", "static", place_last(0xFFFFFFFFFFFFF000, 0x2000),
     "non-canonical"),
    ("vaddr_top_page", "static", place_last(0xFFFFFFFFFFFFF000, 0x100),
     "non-canonical"),
    ("vaddr_noncanonical", "static",
     last_load("vaddr", lambda e, i: 0x0000800000000000
               + e.ph(i, "offset") % 4096),
     "non-canonical"),
    ("vaddr_straddle", "static", place_last(0x00007FFFFFFFF000, 0x2000),
     "non-canonical"),
    ("span_huge", "static",
     last_load("vaddr", lambda e, i: e.ph(i, "vaddr") + (2 << 40)),
     "too large (limit 1 TiB)"),
    ("filesz_gt_memsz", "static",
     last_load("filesz", lambda e, i: e.ph(i, "memsz") + 1),
     "> memsz"),
    ("offset_oob", "static",
     last_load("offset", lambda e, i: len(e.d) + 4096), "out of bounds"),
    ("offset_huge", "static", last_load("offset", 0xFFFFFFFFFFFFF000),
     "out of bounds"),
    ("filesz_oob", "static",
     lambda e: last_load("filesz", 1 << 39)(last_load("memsz", 1 << 39)(e)),
     "out of bounds"),
    ("not_congruent", "static",
     last_load("vaddr", lambda e, i: e.ph(i, "vaddr") + 8),
     "not page-congruent"),
    ("align_odd", "static", first_load("align", 3), "bad alignment"),
    ("align_huge", "static", first_load("align", 1 << 40), "bad alignment"),
    ("interp", "static", set_type(PT_INTERP, PT_GNU_STACK), "PT_INTERP"),
    ("tls", "static", set_type(PT_TLS, PT_GNU_STACK), "PT_TLS"),
    ("phdr_type_8", "static", set_type(8, PT_GNU_STACK),
     "unsupported program header type 8"),
    ("no_load", "static", no_load, "no loadable segments"),
    ("file_ranges_overlap", "static", same_bytes, "file ranges overlap"),
    ("entry_zero", "static", field("entry", 0), "entry point"),
    ("entry_data", "static", field("entry", lambda e:
                                   e.sym_value("corpus_magic")),
     "entry point"),
    ("symtab_link", "static", symtab("link", 0), "bad string table index"),
    ("symtab_oob", "static", symtab("offset", 0xFFFFFFFFFFFF0000),
     "symbol table out of bounds"),
    ("symtab_entsize", "static", symtab("entsize", 16), "bad entry size"),
    ("symtab_size", "static", symtab("size", 25), "bad entry size"),
    ("sym_name", "static", sym_name, "outside the string table"),
    ("strtab_type", "static", strtab_not_strtab, "not a string table"),
    ("reloc_copy", "pie", rela_type(5),
     "unsupported relocation type R_X86_64_COPY"),
    ("reloc_irelative", "pie", rela_type(37), "R_X86_64_IRELATIVE"),
    ("reloc_pc32", "pie", rela_type(2), "R_X86_64_PC32"),
    ("reloc_unknown", "pie", rela_type(200), "unknown relocation type 200"),
    ("reloc_target_oob", "pie", rela_offset(0x7FFF0000),
     "outside the segments' file bytes"),
    ("reloc_target_bss", "pie",
     rela_offset(lambda e: e.sym_value("corpus_scratch")),
     "outside the segments' file bytes"),
    ("reloc_sym_nosymtab", "pie",
     lambda e: rela_type(1 | 1 << 32)(dyn_tag(DT_SYMTAB, DT_DEBUG)(e)),
     "no DT_SYMTAB"),
    ("dt_needed", "pie", dyn_tag(DT_DEBUG, DT_NEEDED), "DT_NEEDED"),
    ("dt_rel", "pie", dyn_tag(DT_DEBUG, DT_REL), "DT_REL relocations"),
    ("dt_relaent", "pie", dyn_val(DT_RELAENT, 16), "bad DT_RELAENT 16"),
    ("dt_rela_oob", "pie", dyn_val(DT_RELA, 0x7FFF0000), "DT_RELA table"),
    ("dt_relasz", "pie", dyn_val(DT_RELASZ, 25), "not a multiple of 24"),
    ("dt_no_null", "pie", no_dt_null, "not terminated by DT_NULL"),
    ("dynamic_oob", "pie",
     lambda e: e.ph(e.phdrs(PT_DYNAMIC)[0], "offset", len(e.d)),
     "PT_DYNAMIC out of bounds"),
    ("undefined_sym", "sym", undefined_sym,
     "undefined symbol 'sym_value'"),
    ("reloc_sym_oob", "sym",
     lambda e: e.put(e.rela(0) + 12, "I", 0x00FFFFFF),
     "symbol 16777215 outside the file"),
    # Files the linker made this way (tests/elf/rules.mk), kept as built.
    ("natural_plt", "plt", lambda e: e,
     "unsupported relocation type R_X86_64_JUMP_SLOT"),
    ("natural_interp", "interp", lambda e: e, "PT_INTERP"),
    ("natural_object", "object", lambda e: e, "relocatable object"),
]


def main():
    top = sys.argv[1]
    out = os.path.join(top, "bad")
    os.makedirs(out, exist_ok=True)
    base = {}
    for name in ("static", "pie", "sym", "plt", "interp", "object"):
        with open(os.path.join(top, name + ".elf"), "rb") as f:
            base[name] = Elf(f.read())
    lines = ["# generated by tests/elf/mkbad.py: file, expected error"]
    for name, src, mutate, want in CASES:
        e = mutate(base[src].copy())
        with open(os.path.join(out, name + ".elf"), "wb") as f:
            f.write(bytes(e.d))
        lines.append("%s.elf\t%s" % (name, want))
    with open(os.path.join(out, "expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
