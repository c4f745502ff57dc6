"""storefail.py - damaged stores (and boot sectors) the kernel must boot
past, and `mkimage verify` must name.

Each case edits one thing in a copy of build/images/test/storefail.img
(images/test/storefail.mki: hello alone), keeping every checksum right
as a buggy or hostile writer would (the store's blocks, block pointers
and superblock are resealed): a process's registers, MXCSR or wait
state, the run list, the boot partition entry, free map entries (a
freed page's kept count must keep the stale caps to it dead; a
malformed free entry refuses its leaf); or breaks a page's data
checksum (the process faults with FC_STORE). Then:
- `mkimage verify` must fail naming it (or pass, for states a running
  system reaches: a parked or stopped process on the run list);
- the kernel must boot and print each expected line (or a line starting
  with it), count in `kernel: ready, N processes` only the processes
  that run, and never panic (or, for boot sector damage, the boot code
  must stop with its message before the kernel starts).

Errors while writing (blkdebug, store full): QEMU's blkdebug driver fails
the first or second write, the superblock write, or the first or second
flush of the first checkpoint of a copy of the persist image: the kernel
must say the checkpoint failed, commit generation 2 a period later, and
the disk must verify. storefull.img dirties more pages than its 1 MiB
store holds: every later checkpoint fails with error 6 and a `store:
full` line while its process counts on, the disk verifies at the last
commit, and a restart resumes the count that commit holds.

The fallback cases run a copy of the persist image until it has
committed generation 3, then damage newer generations with a wrong
checksum (the run list, a process leaf, the superblock; two
generations; every generation): the kernel must name the damage, fall
back to the newest intact generation and run its hello, zero the newer
slots before its next commit (mkimage verify then sees that commit as
the newest), or halt with `restart: no usable generation, halting`.
A seeded random bit flip in each of the blocks restart reads (the
superblock, the run list, the process leaf) and two torn blocks (the superblock, the
process leaf: their second half never written) in the newest
generation must be named and the previous generation resumed.

The store is located through the same layout the kernel reads
(include/abi/store.h, docs/store-format.md), so a case fails loudly if
that layout changes under it.
"""

import os
import random
import re
import struct
import subprocess

import bootfail
import qemu

BOOT_TIMEOUT = 120
READY = "kernel: ready"
PANIC = "panic:"
HELLO = "hello: a user process"         # the storefail image's process runs
HALT = "restart: no usable generation, halting"

SECTOR = 512
BLOCK = 4096
STORE_PART_TYPE = 0x7E
STORE_MAGIC = 0x31524F5453504143        # "CAPSTOR1"
STORE_SB_RING = 4
BK_SUPER, BK_MAPNODE, BK_MAPLEAF, BK_LIST = 1, 2, 3, 6
FANOUT = 168
OT_PAGE, OT_PROCESS, OT_ENDPOINT = 1, 4, 5
REF_SIZE, REFS_PER_LEAF = 24, 168
PROCS_PER_LEAF = 3

# struct store_blkhdr, store_super, store_list, obj_process offsets
HDR_CRC, HDR_LEVEL, HDR_COUNT, HDR_KEY, HDR_SIZE = 20, 40, 44, 48, 64
SB_MAP_ROOT, SB_OID_LIMIT, SB_OBJ_COUNT, SB_RUNLIST = 96, 288, 352, 512
SB_MANIFEST = 536
BPTR_SIZE, BPTR_CRC = 24, 16
LIST_ITEMS = HDR_SIZE + BPTR_SIZE
PROC_SIZE = 1304
EP_SIZE = 48
LEAF_SLOTS = {OT_PAGE: REFS_PER_LEAF, OT_PROCESS: PROCS_PER_LEAF,
              OT_ENDPOINT: 84}
ENTRY_SIZE = {OT_PAGE: REF_SIZE, OT_PROCESS: PROC_SIZE,
              OT_ENDPOINT: EP_SIZE}
# struct store_ref
R_BLOCK, R_CRC, R_COUNT, R_BANK, R_FLAGS = 0, 8, 12, 16, 20
REF_USED, REF_FREE = 1, 2
H_COUNT, H_BANK = 8, 12               # struct obj_hdr
P_RUN_STATE, P_FAULT_CODE, P_FAULT_ADDR, P_WAIT_OID = 16, 20, 24, 32
P_RIP, P_FS_BASE = 40 + 128, 40 + 144
P_MXCSR = 752 + 24
PS_STOPPED, PS_FAULTED = 0, 4
FC_UD = 7
USER_VA_END = 1 << 47


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def oid(ot, index):
    return ot << 56 | index


class Store:
    """The current generation of the store in an image file opened r+b:
    read blocks, edit them, and reseal each block on the path back to
    the superblock, so every checksum stays right."""

    def __init__(self, f, gen=None):
        """The newest generation, or generation gen."""
        self.f = f
        f.seek(0)
        mbr = f.read(SECTOR)
        self.lba = None
        for i in range(4):
            e = 446 + 16 * i
            if mbr[e + 4] == STORE_PART_TYPE:
                self.lba = struct.unpack_from("<I", mbr, e + 8)[0]
                break
        if self.lba is None:
            raise ValueError("image has no store partition")
        best = None
        for slot in range(STORE_SB_RING):
            b = self.block(slot)
            magic, = struct.unpack_from("<Q", b, 0)
            kind, = struct.unpack_from("<I", b, 16)
            g, = struct.unpack_from("<Q", b, 32)
            if magic == STORE_MAGIC and kind == BK_SUPER and \
                    (best is None or g > best[1]) and gen in (None, g):
                best = (slot, g)
        if best is None:
            raise ValueError("image has no superblock")
        self.slot, self.gen = best
        self.sb = self.block(self.slot)

    def block(self, n):
        self.f.seek(self.lba * SECTOR + n * BLOCK)
        return bytearray(self.f.read(BLOCK))

    def _put(self, n, data):
        struct.pack_into("<I", data, HDR_CRC, 0)
        crc = crc32c(data)
        struct.pack_into("<I", data, HDR_CRC, crc)
        self.f.seek(self.lba * SECTOR + n * BLOCK)
        self.f.write(data)
        return crc

    def _commit(self, path, data):
        """Write data as the last block of path, a list of (block number,
        block, offset of the pointer to the next block), root first, then
        reseal every block above it and the superblock."""
        crc = self._put(path[-1][0], data)
        for n, blk, ptr in reversed(path[:-1]):
            struct.pack_into("<I", blk, ptr + BPTR_CRC, crc)
            crc = self._put(n, blk)
        return crc

    def spoil(self, n):
        """Flip a byte of block n past its header, leaving its checksum
        wrong (a torn or decayed block)."""
        blk = self.block(n)
        blk[HDR_SIZE] ^= 0xFF
        self.write_raw(n, blk)

    def write_raw(self, n, blk):
        """Write block n as it is, checksum and all."""
        self.f.seek(self.lba * SECTOR + n * BLOCK)
        self.f.write(blk)

    def runlist_block(self):
        return self._bptr(self.sb, SB_RUNLIST)[0]

    def process_leaf(self, index):
        """The block of the OT_PROCESS map leaf holding process index."""
        n, level = self.root(OT_PROCESS)
        while level > 0:
            blk = self.block(n)
            key, = struct.unpack_from("<Q", blk, HDR_KEY)
            span = PROCS_PER_LEAF * FANOUT ** (level - 1)
            n, level = self._bptr(blk, HDR_SIZE + BPTR_SIZE
                                  * ((index - key) // span))
        return n

    def root(self, ot):
        return self._bptr(self.sb, SB_MAP_ROOT + BPTR_SIZE * ot)

    @staticmethod
    def _bptr(blk, off):
        block, = struct.unpack_from("<Q", blk, off)
        level = blk[off + 21]
        return block, level

    def edit_process(self, index, edit):
        """edit(entry, at) changes process index's map entry, a bytearray
        view of its leaf at offset at."""
        self.edit_entry(OT_PROCESS, index, edit)

    def edit_entry(self, ot, index, edit, used_delta=0):
        """edit(leaf, at) changes the map entry of (ot, index) in its
        leaf at offset at; used_delta adjusts the leaf's and the
        superblock's count of entries in use."""
        per, size = LEAF_SLOTS[ot], ENTRY_SIZE[ot]
        n, level = self.root(ot)
        path, ptr = [], SB_MAP_ROOT + BPTR_SIZE * ot
        parent = (self.slot, self.sb)
        while True:
            path.append((parent[0], parent[1], ptr))
            blk = self.block(n)
            key, = struct.unpack_from("<Q", blk, HDR_KEY)
            if level == 0:
                break
            span = per * FANOUT ** (level - 1)
            ptr = HDR_SIZE + BPTR_SIZE * ((index - key) // span)
            parent = (n, blk)
            n, level = self._bptr(blk, ptr)
        edit(blk, HDR_SIZE + (index - key) * size)
        count, = struct.unpack_from("<I", blk, HDR_COUNT)
        struct.pack_into("<I", blk, HDR_COUNT, count + used_delta)
        path.append((n, blk, None))
        crc = self._commit(path[1:], blk)
        struct.pack_into("<I", self.sb, SB_MAP_ROOT + BPTR_SIZE * ot
                         + BPTR_CRC, crc)
        at = SB_OBJ_COUNT + 8 * ot
        count, = struct.unpack_from("<Q", self.sb, at)
        struct.pack_into("<Q", self.sb, at, count + used_delta)
        self._put(self.slot, self.sb)

    def runlist(self):
        n, _ = self._bptr(self.sb, SB_RUNLIST)
        blk = self.block(n)
        count, = struct.unpack_from("<I", blk, HDR_COUNT)
        return [struct.unpack_from("<Q", blk, LIST_ITEMS + 8 * i)[0]
                for i in range(count)]

    def set_runlist(self, items):
        """Rewrite the first run list block (the whole list must fit)."""
        n, _ = self._bptr(self.sb, SB_RUNLIST)
        blk = self.block(n)
        struct.pack_into("<I", blk, HDR_COUNT, len(items))
        for i, item in enumerate(items):
            struct.pack_into("<Q", blk, LIST_ITEMS + 8 * i, item)
        crc = self._put(n, blk)
        struct.pack_into("<I", self.sb, SB_RUNLIST + BPTR_CRC, crc)
        self._put(self.slot, self.sb)

    def set_oid_limit(self, ot, limit):
        struct.pack_into("<Q", self.sb, SB_OID_LIMIT + 8 * ot, limit)
        self._put(self.slot, self.sb)


def _set_reg(at, value):
    return lambda st, p: st.edit_process(
        p, lambda blk, e: struct.pack_into("<Q", blk, e + at, value))


def _mxcsr(st, p):
    def edit(blk, e):
        m, = struct.unpack_from("<I", blk, e + P_MXCSR)
        struct.pack_into("<I", blk, e + P_MXCSR, m | 1 << 16)
    st.edit_process(p, edit)


def _wait_self(st, p):
    st.edit_process(p, lambda blk, e: struct.pack_into(
        "<Q", blk, e + P_WAIT_OID, oid(OT_PROCESS, p)))


def _faulted(st, p):
    def edit(blk, e):
        blk[e + P_RUN_STATE] = PS_FAULTED
        struct.pack_into("<I", blk, e + P_FAULT_CODE, FC_UD)
        struct.pack_into("<Q", blk, e + P_FAULT_ADDR, 0x1234)
    st.edit_process(p, edit)


def _stopped(st, p):
    def edit(blk, e):
        blk[e + P_RUN_STATE] = PS_STOPPED
    st.edit_process(p, edit)


def _pages_damaged(st, p):
    """Spoil the data block of every page in the first page map leaf
    (the storefail image's hello has its code there): found only when a
    fault loads one, long after the restart."""
    n, level = st.root(OT_PAGE)
    while level > 0:
        n, level = st._bptr(st.block(n), HDR_SIZE)
    leaf = st.block(n)
    for i in range(REFS_PER_LEAF):
        b, = struct.unpack_from("<Q", leaf, HDR_SIZE + REF_SIZE * i)
        if b != 0:
            st.spoil(b)


def _free_pages(st, p):
    """Free every stored page of the first page map leaf (hello's code
    is there), keeping each count one above the caps hello's space holds:
    a stale cap to a freed object must not find it again. Verify counts
    those caps as stale (a running system makes them), and names only
    the freed pages' data blocks, still marked used: leaked."""
    n, level = st.root(OT_PAGE)
    while level > 0:
        n, level = st._bptr(st.block(n), HDR_SIZE)
    leaf = st.block(n)
    key, = struct.unpack_from("<Q", leaf, HDR_KEY)
    for i in range(REFS_PER_LEAF):
        at = HDR_SIZE + REF_SIZE * i
        flags, = struct.unpack_from("<I", leaf, at + R_FLAGS)
        block, = struct.unpack_from("<Q", leaf, at + R_BLOCK)
        if not flags & REF_USED or block == 0:
            continue

        def free(blk, e):
            count, = struct.unpack_from("<I", blk, e + R_COUNT)
            blk[e:e + REF_SIZE] = bytes(REF_SIZE)
            struct.pack_into("<I", blk, e + R_COUNT, count + 1)
            struct.pack_into("<I", blk, e + R_FLAGS, REF_FREE)
        st.edit_entry(OT_PAGE, key + i, free, -1)


def _free_process(bank):
    """Make the unused process entry after hello's free with count 3
    (and, if bank is set, a bank too: malformed)."""
    def damage(st, p):
        def free(blk, e):
            struct.pack_into("<I", blk, e + H_COUNT, 3)
            struct.pack_into("<I", blk, e + H_BANK, bank)
        st.set_oid_limit(OT_PROCESS, p + 2)     # still one leaf
        st.edit_entry(OT_PROCESS, p + 1, free)
        if not bank:
            st.set_runlist(st.runlist() + [oid(OT_PROCESS, p + 1)])
    return damage


def _manifest_damaged(st, p):
    """Spoil the manifest's first block, which the kernel never reads:
    only the idle-time scrub can find it."""
    n, _ = st._bptr(st.sb, SB_MANIFEST)
    st.spoil(n)


def _run_dup(st, p):
    st.set_runlist(st.runlist() + [oid(OT_PROCESS, p)])


def _run_beyond_limit(st, p):
    st.set_runlist(st.runlist() + [oid(OT_PROCESS, p + 7)])


def _run_unused_entry(st, p):
    st.set_oid_limit(OT_PROCESS, p + 3)         # still one leaf
    st.set_runlist(st.runlist() + [oid(OT_PROCESS, p + 2)])


def _part_count_past_disk(disk):
    struct.pack_into("<I", disk, 446 + 12, 0x7FFFFFFF)


def _part_lba_past_disk(disk):
    struct.pack_into("<I", disk, 446 + 8, 0x7FFFFF00)


def _store_cases(p):
    """(name, damage(store, index), verify wants, kernel lines, runs) for
    the storefail image's first process, of index p."""
    o = "%#x" % oid(OT_PROCESS, p)

    def refuse(why):
        return ["store: object %s: %s" % (o, why),
                "restart: generation 1 damaged (process %s corrupt), no "
                "older generation" % o, HALT]
    def refuse_leaf():
        return ["store: block ", "restart: generation 1 damaged (process "
                "%s corrupt), no older generation" % o, HALT]
    rip = "rip %#x is not a canonical user-half address" % USER_VA_END
    fs = "fs_base 0xdead000000000000 is not a canonical user-half address"
    return [
        ("rip_noncanonical", _set_reg(P_RIP, USER_VA_END),
         "process %s: %s" % (o, rip),
         ["proc: process %s: %s, parked" % (o, rip),
          "kernel: ready, 0 processes"], False),
        ("fs_base_noncanonical", _set_reg(P_FS_BASE, 0xDEAD << 48),
         "process %s: %s" % (o, fs),
         ["proc: process %s: %s, parked" % (o, fs),
          "kernel: ready, 0 processes"], False),
        ("mxcsr_reserved_bit", _mxcsr,
         "process %s: MXCSR sets reserved bits" % o,
         refuse("MXCSR sets reserved bits"), False),
        ("running_with_wait_oid", _wait_self,
         "process %s: waits on an object, but is not blocked" % o,
         refuse("waits on an object, but is not blocked"), False),
        ("runlist_duplicate", _run_dup,
         "run list entry 1 (%s): listed twice" % o,
         ["kernel: run list entry 1 (%s): listed twice, not started" % o,
          "kernel: ready, 1 processes"], True),
        ("runlist_beyond_oid_limit", _run_beyond_limit,
         "run list entry 1 (%#x): not stored" % oid(OT_PROCESS, p + 7),
         ["kernel: run list entry 1 (%#x): not stored, not started"
          % oid(OT_PROCESS, p + 7), "kernel: ready, 1 processes"], True),
        ("runlist_unused_map_entry", _run_unused_entry,
         "run list entry 1 (%#x): not stored" % oid(OT_PROCESS, p + 2),
         ["kernel: run list entry 1 (%#x): not stored, not started"
          % oid(OT_PROCESS, p + 2), "kernel: ready, 1 processes"], True),
        ("page_data_damaged", _pages_damaged,
         "(data of PAGE 0x100000000000001): checksum mismatch",
         ["store: damaged block ",
          "fault: process %s: FC_STORE at " % o], False),
        ("free_entry_stale_caps", _free_pages,
         "blocks marked used are kept by no generation (leaked)",
         ["fault: process %s: FC_NO_MAPPING at " % o], False),
        ("free_entry_malformed", _free_process(7),
         "entry %d: a free entry holds more than its allocation count"
         % (p + 1), refuse_leaf(), False),
        ("runlist_free_entry", _free_process(0),
         "run list entry 1 (%#x): not stored" % oid(OT_PROCESS, p + 1),
         ["kernel: run list entry 1 (%#x): not stored, not started"
          % oid(OT_PROCESS, p + 1), "kernel: ready, 1 processes"], True),
        ("scrub_finds_untouched_damage", _manifest_damaged,
         "(manifest manifest): checksum mismatch",
         ["kernel: ready, 1 processes", "scrub: block ",
          "scrub: generation 1: "], True),
        ("runlist_parked_faulted", _faulted, None,
         ["proc: process %s: starts faulted (FC_UD at 0x1234), parked" % o,
          "kernel: ready, 0 processes"], False),
        ("runlist_stopped", _stopped, None,
         ["proc: process %s: stopped, left stopped" % o,
          "kernel: ready, 0 processes"], False),
    ]


# (name, damage(disk bytes), verify wants, boot lines, kernel starts)
BOOT_CASES = [
    ("bootpart_count_past_disk", _part_count_past_disk,
     "boot partition (sectors 2048..2147485695) extends past the end",
     ["kernel: ready, 1 processes"], True),
    ("bootpart_lba_past_disk", _part_lba_past_disk,
     "boot partition (sectors 2147483392..", ["boot: disk read error"],
     False),
]


# The fallback cases: a copy of the persist image run until it has
# committed FALLBACK_GENS generations, then older ones damaged.
FALLBACK_GENS = 3
COMMITTED = "ckpt: committed generation %d"
COUNT = "hello: count"


def _fb_runlist(st, older):
    """Spoil the run list of the newest generation, and of `older` more."""
    for g in range(st.gen, st.gen - older - 1, -1):
        Store(st.f, g).spoil(Store(st.f, g).runlist_block())
    return "run list corrupt"


def _fb_leaf(st, p):
    """Spoil the newest generation's leaf of process p (which the older
    one must not share)."""
    n = st.process_leaf(p)
    if Store(st.f, st.gen - 1).process_leaf(p) == n:
        raise ValueError("generations %d and %d share leaf %d"
                         % (st.gen - 1, st.gen, n))
    st.spoil(n)
    return "process %#x corrupt" % oid(OT_PROCESS, p)


def _fb_super(st, p):
    blk = st.block(st.slot)
    blk[200] ^= 0xFF
    st.f.seek(st.lba * SECTOR + st.slot * BLOCK)
    st.f.write(blk)
    return None


def _fb_blocks(st, p):
    """The blocks of the newest generation that restart reads, with what
    the kernel calls each when damaged (None: a superblock, skipped)."""
    leaf = st.process_leaf(p)
    if Store(st.f, st.gen - 1).process_leaf(p) == leaf:
        raise ValueError("generations %d and %d share leaf %d"
                         % (st.gen - 1, st.gen, leaf))
    return [(st.slot, None), (st.runlist_block(), "run list corrupt"),
            (leaf, "process %#x corrupt" % oid(OT_PROCESS, p))]


def _fb_flip(which):
    """Flip one random bit (seeded) of block which of _fb_blocks: the
    superblock, the run list, the process leaf."""
    def damage(st, p):
        rng = random.Random(which)
        n, what = _fb_blocks(st, p)[which]
        blk = st.block(n)
        blk[rng.randrange(BLOCK)] ^= 1 << rng.randrange(8)
        st.write_raw(n, blk)
        return what
    return damage


def _fb_torn(which):
    """Tear block which (0: the superblock, 2: the process leaf) of the
    newest generation: its first four sectors written, the last four
    still holding what the block held before (stale bytes, seeded)."""
    def damage(st, p):
        n, what = _fb_blocks(st, p)[which]
        blk = st.block(n)
        rng = random.Random(which)
        blk[BLOCK // 2:] = bytes(rng.randrange(256)
                                 for _ in range(BLOCK // 2))
        st.write_raw(n, blk)
        return what
    return damage


def _fallback_cases(n):
    """(name, damage(store, p) -> what the kernel says, lines(what),
    generation resumed or None for a halt, wait for a commit) for a
    store whose newest generation is n."""
    def back(what, g):
        return "restart: generation %d damaged (%s), falling back to " \
            "generation %d" % (g, what, g - 1)
    resume = "restart: resuming generation %d (1 processes)"

    def either(what):
        """A damaged superblock is skipped; other blocks are named."""
        if what is None:
            return ["store: slot %d: skipped: checksum mismatch"
                    % (n % STORE_SB_RING), resume % (n - 1)]
        return [back(what, n), resume % (n - 1)]
    return [
        ("fallback_runlist", lambda st, p: _fb_runlist(st, 0),
         lambda w: [back(w, n), resume % (n - 1)], n - 1, False),
        ("fallback_process_leaf", _fb_leaf,
         lambda w: [back(w, n), resume % (n - 1)], n - 1, False),
        ("fallback_bit_flip_superblock", _fb_flip(0), either, n - 1,
         False),
        ("fallback_bit_flip_runlist", _fb_flip(1), either, n - 1, False),
        ("fallback_bit_flip_process_leaf", _fb_flip(2), either, n - 1,
         False),
        ("fallback_torn_superblock", _fb_torn(0), either, n - 1, False),
        ("fallback_torn_process_leaf", _fb_torn(2), either, n - 1, False),
        ("fallback_superblock", _fb_super,
         lambda w: ["store: slot %d: skipped: checksum mismatch"
                    % (n % STORE_SB_RING), resume % (n - 1)], n - 1, False),
        # two generations skipped: the next commit (n - 1) must first
        # zero both newer slots, whose blocks n - 2's free map calls free
        ("fallback_two_then_commit", lambda st, p: _fb_runlist(st, 1),
         lambda w: [back(w, n), back(w, n - 1), resume % (n - 2),
                    "store: discarding generation %d in slot %d (newer "
                    "than %d)" % (n - 1, (n - 1) % STORE_SB_RING, n - 2),
                    "store: discarding generation %d in slot %d (newer "
                    "than %d)" % (n, n % STORE_SB_RING, n - 2),
                    COMMITTED % (n - 1)], n - 2, True),
        ("fallback_none_usable",
         lambda st, p: _fb_runlist(st, min(n, STORE_SB_RING) - 1),
         lambda w: ["restart: generation %d damaged (%s), no older "
                    "generation" % (max(1, n - STORE_SB_RING + 1), w),
                    HALT], None, False),
    ]


# I/O errors injected under QEMU's blkdebug driver into the first
# checkpoint of a copy of the persist image: (name, blkdebug event, the
# nth such event fails, or the request covering superblock slot `slot`
# fails, the kernel's line).
IO_CASES = [
    ("ioerror_write_1", "write_aio", 1, None,
     "ckpt: the write of sector "),
    ("ioerror_write_2", "write_aio", 2, None,
     "ckpt: the write of sector "),
    ("ioerror_superblock_write", "write_aio", None, 2,
     "ckpt: the write of sector {slot_sector} failed"),
    ("ioerror_flush_1", "flush_to_disk", 1, None,
     "store: flush for generation 2 failed"),
    ("ioerror_flush_2", "flush_to_disk", 2, None,
     "store: flush for generation 2 failed"),
]
IO_FAILED = "ckpt: generation 2 failed: error "
IO_COMMITTED = "ckpt: committed generation 2: "


def blkdebug_conf(event, nth, sector):
    """A blkdebug rule file failing (EIO, once) the nth `event`, or the
    request covering `sector`: states 1..nth count the events."""
    rules = []
    for i in range(1, nth or 1):
        rules.append('[set-state]\nstate = "%d"\nevent = "%s"\n'
                     'new_state = "%d"\n' % (i, event, i + 1))
    rule = '[inject-error]\nevent = "%s"\nerrno = "5"\nonce = "on"\n' \
        % event
    if nth is not None:
        rule += 'state = "%d"\n' % nth
    if sector is not None:
        rule += 'sector = "%d"\n' % sector
    return "\n".join(rules + [rule])


def _failed_then_committed(text):
    """A failed first checkpoint, then generation 2 committed and a
    count after it."""
    before, _, after = text.partition(IO_FAILED)
    return IO_COMMITTED in after and COUNT in after.partition(
        IO_COMMITTED)[2]


def _lines(text):
    return set(line.rstrip("\r") for line in text.splitlines())


class StoreFailSuite:
    """Every case: verify's verdict, then a boot of the damaged copy."""

    name = "storefail"

    def __init__(self, build):
        self.image = os.path.join(build, "images", "test", "storefail.img")
        self.mkimage = os.path.join(build, "mkimage")
        self.persist = os.path.join(build, "images", "test", "persist.img")

    def log_path(self, logdir):
        return os.path.join(logdir, self.name)

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image, self.mkimage, self.persist)
        if why:
            return why
        os.makedirs(self.log_path(logdir), exist_ok=True)
        with open(self.image, "rb") as f:
            first = Store(f).runlist()[0]
        cases = [(n, d, v, lines, runs, False) for n, d, v, lines, runs
                 in _store_cases(first & ((1 << 56) - 1))]
        cases += [(n, d, v, lines, runs, True) for n, d, v, lines, runs
                  in BOOT_CASES]
        return [self._case(logdir, *c) for c in cases] + \
            self._fallback(logdir) + \
            [self._ioerror(logdir, *c) for c in IO_CASES] + \
            [self._store_full(logdir)]

    def _ioerror(self, logdir, case, event, nth, slot, line):
        """A write or flush of the first checkpoint fails: the kernel
        says so, stays at generation 1, commits generation 2 a period
        later, and the disk verifies."""
        name = "%s.%s" % (self.name, case)
        d = self.log_path(logdir)
        img = os.path.join(d, case + ".img")
        conf = os.path.join(d, case + ".blkdebug")
        log = os.path.join(d, case + ".log")
        qemu.sparse_copy(self.persist, img)
        with open(img, "rb") as f:
            lba = Store(f).lba
        with open(conf, "w") as f:
            f.write(blkdebug_conf(event, nth, None if slot is None else
                                  lba + slot * BLOCK // SECTOR))
        run = qemu.boot("blkdebug:%s:%s" % (conf, img), log, BOOT_TIMEOUT,
                        snapshot=False, wait_for=lambda t: PANIC in t or
                        _failed_then_committed(t))
        ver = subprocess.run([self.mkimage, "verify", img],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = ver.stdout.decode(errors="replace")
        os.unlink(img)
        if PANIC in run.log or not _failed_then_committed(run.log):
            return (name, False, "no failed checkpoint then generation 2 "
                    "committed and a count (log %s)" % log)
        if slot is not None:            # the superblock slot's sector
            line = line.format(slot_sector=lba + slot * 8)
        if not any(g.startswith(line) for g in _lines(run.log)):
            return (name, False, "no line '%s' (log %s)" % (line, log))
        if ver.returncode != 0 or "ok (" not in out:
            return (name, False, "verify after the error: %s" % out.strip())
        return (name, True, "")

    def _store_full(self, logdir):
        """storefull.img dirties more than its 1 MiB store holds: each
        checkpoint then fails with ERR_NO_SPACE and a store: full line
        while the process counts on; the disk verifies at the last
        commit, and a restart resumes its count."""
        name = self.name + ".store_full"
        d = self.log_path(logdir)
        src = os.path.join(os.path.dirname(self.persist), "storefull.img")
        img = os.path.join(d, "storefull.img")
        log1 = os.path.join(d, "storefull1.log")
        log2 = os.path.join(d, "storefull2.log")
        full = "store: full: no free block for generation "
        failed = re.compile(r"^ckpt: generation (\d+) failed: error 6, "
                            r"still at generation (\d+)", re.M)
        count = re.compile(r"^rfull: count (\d+)", re.M)
        committed = re.compile(r"^ckpt: committed generation (\d+)", re.M)

        def filled(text):
            f = list(failed.finditer(text))
            return PANIC in text or (len(f) >= 2 and full in text and
                                     count.search(text, f[-1].end()))
        qemu.sparse_copy(src, img)
        one = qemu.boot(img, log1, BOOT_TIMEOUT, snapshot=False,
                        wait_for=filled)
        if PANIC in one.log or not filled(one.log):
            os.unlink(img)
            return (name, False, "no two checkpoints failing with error 6 "
                    "and '%s', and a count after (log %s)" % (full, log1))
        last = list(committed.finditer(one.log))[-1]
        gen = int(last.group(1))
        at = [int(c) for c in count.findall(one.log[:last.start()])]
        ver = subprocess.run([self.mkimage, "verify", img],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = ver.stdout.decode(errors="replace")
        two = qemu.boot(img, log2, BOOT_TIMEOUT, wait_for=lambda t: PANIC in
                        t or count.search(t) is not None)
        os.unlink(img)
        if ver.returncode != 0 or "newest %d)" % gen not in out:
            return (name, False, "verify: want newest %d: %s"
                    % (gen, out.strip()))
        if any(int(f.group(2)) != gen for f in failed.finditer(one.log)):
            return (name, False, "a failure not at generation %d (log %s)"
                    % (gen, log1))
        first = count.search(two.log)
        want = (at[-1] if at else 0) + 1
        if first is None or int(first.group(1)) != want:
            return (name, False, "after the restart the count went on "
                    "from %s, want %d (log %s)" % (first and first.group(1),
                                                  want, log2))
        return (name, True, "")

    def _fallback(self, logdir):
        """Damaged newer generations of a checkpointed store: the kernel
        falls back to the newest intact one, or halts if none is."""
        d = self.log_path(logdir)
        base = os.path.join(d, "fallback_base.img")
        log = os.path.join(d, "fallback_base.log")
        qemu.sparse_copy(self.persist, base)
        qemu.boot(base, log, BOOT_TIMEOUT, snapshot=False,
                  wait_for=COMMITTED % FALLBACK_GENS)
        with open(base, "rb") as f:
            st = Store(f)
            n, p = st.gen, st.runlist()[0] & ((1 << 56) - 1)
        if n < FALLBACK_GENS:
            os.unlink(base)
            return [(self.name + ".fallback", False, "the persist image "
                     "reached generation %d only (log %s)" % (n, log))]
        res = [self._fb_case(d, base, p, *c) for c in _fallback_cases(n)]
        os.unlink(base)
        return res

    def _fb_case(self, d, base, p, case, damage, lines, gen, commit):
        name = "%s.%s" % (self.name, case)
        img = os.path.join(d, case + ".img")
        log = os.path.join(d, case + ".log")
        qemu.sparse_copy(base, img)
        try:
            with open(img, "r+b") as f:
                want = lines(damage(Store(f), p))
        except (ValueError, OSError) as e:
            os.unlink(img)
            return (name, False, "cannot damage image: %s" % e)
        if commit:
            wait = (want[-1], PANIC)
        elif gen is None:
            wait = (HALT, PANIC)
        else:
            wait = lambda t: PANIC in t or COUNT in t.partition(want[-1])[2]
        run = qemu.boot(img, log, BOOT_TIMEOUT, wait_for=wait,
                        snapshot=not commit)
        ver = None
        if commit:
            ver = subprocess.run([self.mkimage, "verify", img],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
        os.unlink(img)
        if PANIC in run.log:
            return (name, False, "kernel panicked (log %s)" % log)
        got = _lines(run.log)
        missing = [w for w in want if not any(g.startswith(w) for g in got)]
        if missing:
            return (name, False, "no line '%s' (log %s)" % (missing[0], log))
        if gen is None and (READY in run.log or COUNT in run.log):
            return (name, False, "the kernel ran on (log %s)" % log)
        if gen is not None and not commit and \
                COUNT not in run.log.partition(want[-1])[2]:
            return (name, False, "hello did not run (log %s)" % log)
        if ver is not None:
            out = ver.stdout.decode(errors="replace")
            if ver.returncode != 0 or "newest %d)" % (gen + 1) not in out:
                return (name, False, "verify after the commit: %s"
                        % out.strip())
        return (name, True, "")

    def _damage(self, img, damage, boot):
        if boot:
            bootfail.write_damaged_copy(self.image, img,
                                        lambda disk, lay: damage(disk))
            return
        qemu.sparse_copy(self.image, img)
        with open(img, "r+b") as f:
            st = Store(f)
            damage(st, st.runlist()[0] & ((1 << 56) - 1))

    def _case(self, logdir, case, damage, want, lines, runs, boot):
        name = "%s.%s" % (self.name, case)
        img = os.path.join(self.log_path(logdir), case + ".img")
        log = os.path.join(self.log_path(logdir), case + ".log")
        try:
            self._damage(img, damage, boot)
        except (ValueError, OSError, subprocess.CalledProcessError) as e:
            return (name, False, "cannot damage image: %s" % e)
        ver = subprocess.run([self.mkimage, "verify", img],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = ver.stdout.decode(errors="replace")
        def wait(text):
            got = _lines(text)
            return PANIC in text or (
                (HELLO in text or not runs) and
                all(any(g.startswith(w) for g in got) for w in lines))
        run = qemu.boot(img, log, BOOT_TIMEOUT, wait_for=wait)
        os.unlink(img)
        if want is None and ver.returncode != 0:
            return (name, False, "verify failed: %s" % out.strip())
        if want is not None and (ver.returncode != 1 or want not in out):
            return (name, False, "verify did not report '%s': %s"
                    % (want, out.strip()))
        if PANIC in run.log:
            return (name, False, "kernel panicked (log %s)" % log)
        got = _lines(run.log)
        missing = [w for w in lines if not any(g.startswith(w) for g in got)]
        if missing:
            return (name, False, "no line '%s' (log %s)" % (missing[0], log))
        if runs and HELLO not in run.log:
            return (name, False, "the undamaged process did not run "
                    "(log %s)" % log)
        if not boot and not runs and HELLO in run.log:
            return (name, False, "the damaged process ran (log %s)" % log)
        if boot and not runs and READY in run.log:
            return (name, False, "kernel started despite the damage")
        return (name, True, "")
