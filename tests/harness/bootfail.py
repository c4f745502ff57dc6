"""bootfail.py - the boot path's failure reports.

Each case damages one thing in a copy of a bootable image (the partition
table, the boot header, the kernel ELF) and expects the boot code to print
its message and halt. The damage is located through the same layout the
boot code reads (include/boot/bootpart.h), so a case fails loudly if that
layout changes under it.
"""

import struct

import qemu

SECTOR = 512
PART_TABLE = 446
HDR_MAGIC = b"CAPBOOT1"


class Layout:
    """Where the boot partition, its header and the kernel ELF sit."""

    def __init__(self, disk):
        self.part = None
        for i in range(4):
            entry = PART_TABLE + 16 * i
            if disk[entry] == 0x80:
                self.part = entry
                break
        if self.part is None:
            raise ValueError("image has no active partition")
        self.part_lba = struct.unpack_from("<I", disk, self.part + 8)[0]
        self.hdr = self.part_lba * SECTOR
        if disk[self.hdr:self.hdr + 8] != HDR_MAGIC:
            raise ValueError("image has no boot header")
        (self.kernel_offset, self.kernel_sectors,
         self.kernel_bytes) = struct.unpack_from("<3I", disk, self.hdr + 20)
        self.kernel = (self.part_lba + self.kernel_offset) * SECTOR

    def first_load_phdr(self, disk):
        phoff, = struct.unpack_from("<Q", disk, self.kernel + 32)
        phnum, = struct.unpack_from("<H", disk, self.kernel + 56)
        for i in range(phnum):
            at = self.kernel + phoff + 56 * i
            if struct.unpack_from("<I", disk, at)[0] == 1:
                return at
        raise ValueError("kernel has no PT_LOAD segment")


def _clear_active(disk, lay):
    disk[lay.part] = 0


def _header_magic(disk, lay):
    disk[lay.hdr] ^= 0xFF


def _stage2_count(disk, lay):
    struct.pack_into("<I", disk, lay.hdr + 16, 0)


def _header_version(disk, lay):
    struct.pack_into("<I", disk, lay.hdr + 8, 99)


def _kernel_size(disk, lay):
    struct.pack_into("<I", disk, lay.hdr + 28, lay.kernel_sectors * SECTOR + 1)


def _kernel_past_disk(disk, lay):
    struct.pack_into("<I", disk, lay.hdr + 20, 0x7FFFFFF0)


def _elf_magic(disk, lay):
    disk[lay.kernel + 1] = ord("X")


def _elf_class(disk, lay):
    disk[lay.kernel + 4] = 1          # ELFCLASS32


def _elf_machine(disk, lay):
    struct.pack_into("<H", disk, lay.kernel + 18, 3)    # EM_386


def _elf_type(disk, lay):
    struct.pack_into("<H", disk, lay.kernel + 16, 3)    # ET_DYN


def _elf_phoff(disk, lay):
    struct.pack_into("<Q", disk, lay.kernel + 32, 1 << 40)


def _elf_segment_low(disk, lay):
    struct.pack_into("<Q", disk, lay.first_load_phdr(disk) + 24, 0x7000)


def _elf_segment_file(disk, lay):
    struct.pack_into("<Q", disk, lay.first_load_phdr(disk) + 8, 1 << 33)


def _elf_entry(disk, lay):
    struct.pack_into("<Q", disk, lay.kernel + 24, 0xFFFFFFFF80000000)


# (name, damage, message the boot code must print)
CASES = [
    ("no_active_partition", _clear_active, "boot: no active partition"),
    ("bad_header_magic", _header_magic, "boot: bad boot header"),
    ("zero_stage2_sectors", _stage2_count, "boot: bad boot header"),
    ("bad_header_version", _header_version,
     "stage2: unsupported boot header version"),
    ("kernel_bytes_exceed_sectors", _kernel_size,
     "stage2: bad kernel size in boot header"),
    ("kernel_past_end_of_disk", _kernel_past_disk,
     "stage2: disk read error loading the kernel"),
    ("elf_bad_magic", _elf_magic, "stage2: bad kernel ELF: no ELF magic"),
    ("elf_32bit", _elf_class,
     "stage2: bad kernel ELF: not 64-bit little-endian"),
    ("elf_wrong_machine", _elf_machine, "stage2: bad kernel ELF: not x86-64"),
    ("elf_not_exec", _elf_type,
     "stage2: bad kernel ELF: not an executable (ET_EXEC)"),
    ("elf_phdr_out_of_file", _elf_phoff,
     "stage2: bad kernel ELF: bad program header table"),
    ("elf_segment_below_1mib", _elf_segment_low,
     "stage2: bad kernel ELF: segment outside 1 MiB..16 MiB"),
    ("elf_segment_out_of_file", _elf_segment_file,
     "stage2: bad kernel ELF: segment outside the file"),
    ("elf_entry_outside_kernel", _elf_entry,
     "stage2: bad kernel ELF: entry point outside the kernel"),
]


def write_damaged_copy(image, out, damage):
    """Copy image to out (sparse) and apply one case's damage to the copy.
    Only the boot partition is read and rewritten, so a large store costs
    nothing."""
    qemu.sparse_copy(image, out)
    with open(out, "r+b") as f:
        mbr = f.read(SECTOR)
        end = SECTOR
        for i in range(4):
            entry = PART_TABLE + 16 * i
            if mbr[entry] == 0x80:
                lba, count = struct.unpack_from("<II", mbr, entry + 8)
                end = max(end, (lba + count) * SECTOR)
        f.seek(0)
        disk = bytearray(f.read(max(end, SECTOR)))
        damage(disk, Layout(disk))
        f.seek(0)
        f.write(disk)
