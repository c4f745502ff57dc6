/*
 * store.c - mounting the store: read the superblock ring, check every
 * slot, make the newest valid generation current; and the run list.
 * Verified block reads and the OID map walk are in store_map.c.
 *
 * Invariant: while store_mnt.mounted, store_mnt.sb passed
 * store_check_super() and is the valid superblock with the highest
 * generation of its store id; nothing else is ever trusted without a
 * check against it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <boot.h>
#include <dev/blk.h>
#include <lib/crc32c.h>
#include <lib/string.h>
#include <pmm.h>
#include <printf.h>
#include <store.h>
#include <store_priv.h>
#include <x86_64/vm.h>

#define SECTORS_PER_BLOCK	(STORE_BLOCK_SIZE / BLK_SECTOR)

struct store_mnt	store_mnt;
struct store_stats	store_st;

static uint8_t		*scratch;	/* a frame for superblock reads */
static uint64_t		disk_lba;	/* first sector of the partition */

bool
store_all_zero(const void *p, uint64_t n)
{
	typedef uint64_t __attribute__((may_alias)) word;
	const uint8_t *b = p;
	uint64_t i = 0;

	/* Whole leaves are checked on every miss: 8 bytes at a time. */
	for (; i < n && ((uint64_t)(b + i) & 7) != 0; i++)
		if (b[i] != 0)
			return false;
	for (; i + 8 <= n; i += 8)
		if (*(const word *)(b + i) != 0)
			return false;
	for (; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

const char *
store_type_name(unsigned ot)
{
	switch (ot) {
#define OBJTYPE(name, code)	case code: return #name;
#include <abi/objtype.def>
#undef OBJTYPE
	default:
		return "?";
	}
}

const char *
store_kind_name(unsigned kind)
{
	static const char *const names[STORE_BK_MAX] = {
		"none", "super", "mapnode", "mapleaf", "freenode",
		"freeleaf", "list", "manifest", "data",
	};

	return kind < STORE_BK_MAX ? names[kind] : "?";
}

int
store_map_levels(unsigned ot, uint64_t oid_limit)
{
	uint64_t cover = store_leaf_slots(ot);
	int levels = 0;

	if (cover == 0 || oid_limit > OID_INDEX_MASK + 1)
		return -1;
	while (cover < oid_limit) {
		cover *= STORE_FANOUT;	/* cannot wrap: cover < 2^56 here */
		levels++;
	}
	return levels;
}

/*
 * Why the pointer bp (to a block of kind at level, in a generation gen
 * store of `blocks` blocks) cannot be followed; NULL if it can. A null
 * pointer must be all zero and is reported as "null" for callers that
 * need a block.
 */
const char *
store_bptr_problem(const struct store_bptr *bp, unsigned kind,
    unsigned level, uint64_t gen, uint64_t blocks)
{
	if (bp->block == 0)
		return store_all_zero(bp, sizeof(*bp)) ? "null" :
		    "null pointer is not zero";
	if (bp->block < STORE_FIRST_DATA || bp->block >= blocks)
		return "block number outside the store";
	if (bp->kind != kind)
		return "pointer names the wrong kind of block";
	if (bp->level != level)
		return "pointer names the wrong tree level";
	if (bp->birth == 0 || bp->birth > gen)
		return "birth generation is 0 or after this generation";
	if (bp->reserved != 0)
		return "reserved field of the pointer is not zero";
	return NULL;
}

/* Like store_bptr_problem, but a null pointer (all zero) is fine. */
static const char *
optional_bptr(const struct store_bptr *bp, unsigned kind, unsigned level,
    uint64_t gen, uint64_t blocks)
{
	const char *why = store_bptr_problem(bp, kind, level, gen, blocks);

	return why != NULL && strcmp(why, "null") == 0 ? NULL : why;
}

uint32_t
store_block_crc(const void *blk)
{
	static const uint8_t zero4[4];
	const uint8_t *b = blk;
	uint64_t off = __builtin_offsetof(struct store_blkhdr, crc);
	uint32_t c;

	c = crc32c_update(0, b, off);
	c = crc32c_update(c, zero4, 4);
	return crc32c_update(c, b + off + 4, STORE_BLOCK_SIZE - off - 4);
}

/* The map roots of sb: shapes that agree with the OID limits. */
static const char *
check_roots(const struct store_super *sb, uint64_t blocks)
{
	uint64_t gen = sb->hdr.generation;

	for (unsigned ot = 0; ot < STORE_OT_MAX; ot++) {
		const struct store_bptr *r = &sb->map_root[ot];
		int levels;

		if (ot == OT_NONE || ot >= OT_MAX) {
			if (!store_all_zero(r, sizeof(*r)) ||
			    sb->oid_limit[ot] != 0 || sb->obj_count[ot] != 0)
				return "map root for an unknown object type";
			continue;
		}
		levels = store_map_levels(ot, sb->oid_limit[ot]);
		if (levels < 0)
			return "an OID limit beyond any OID";
		if (sb->obj_count[ot] > sb->oid_limit[ot])
			return "an object count above its OID limit";
		if (r->block == 0) {
			if (!store_all_zero(r, sizeof(*r)) ||
			    sb->obj_count[ot] != 0)
				return "objects counted but no map root";
			continue;
		}
		if (store_bptr_problem(r, levels ? STORE_BK_MAPNODE :
		    STORE_BK_MAPLEAF, (unsigned)levels, gen, blocks) != NULL)
			return "a map root that does not fit its OID limit";
	}
	return NULL;
}

const char *
store_check_super(const void *blk, unsigned slot, uint64_t blocks)
{
	const struct store_super *sb = blk;
	const struct store_blkhdr *h = &sb->hdr;
	uint64_t gen = h->generation;

	if (h->magic != STORE_MAGIC)
		return "bad magic";
	if (h->version != STORE_VERSION)
		return "unknown version";
	if (h->page_size != STORE_BLOCK_SIZE)
		return "bad page size";
	if (store_block_crc(blk) != h->crc)
		return "checksum mismatch";
	if (h->kind != STORE_BK_SUPER)
		return "not a superblock";
	if (h->block != slot || h->level != 0)
		return "header names another block or level";
	if (gen == 0 || gen % STORE_SB_RING != slot)
		return "generation does not belong in this slot";
	if (sb->ring_size != STORE_SB_RING)
		return "unknown ring size";
	if (sb->store_blocks != blocks)
		return "store size differs from the partition's";
	if (sb->used_blocks > blocks || sb->used_blocks < STORE_SB_RING)
		return "used block count out of range";
	if (sb->flags & ~STORE_SB_F_ALL)
		return "unknown flags";
	if (!store_all_zero(sb->reserved, sizeof(sb->reserved)))
		return "reserved bytes are not zero";
	const char *why = check_roots(sb, blocks);

	if (why != NULL)
		return why;
	if (store_bptr_problem(&sb->free_root, sb->free_root.level ?
	    STORE_BK_FREENODE : STORE_BK_FREELEAF, sb->free_root.level, gen,
	    blocks) != NULL)
		return "bad free map root";
	for (unsigned i = 0; i < STORE_RELEASED_LISTS; i++)
		if (optional_bptr(&sb->released[i], STORE_BK_LIST, 0, gen,
		    blocks) != NULL)
			return "bad released list pointer";
	if (optional_bptr(&sb->runlist, STORE_BK_LIST, 0, gen, blocks) != NULL)
		return "bad run list pointer";
	if (optional_bptr(&sb->manifest, STORE_BK_MANIFEST, 0, gen,
	    blocks) != NULL)
		return "bad manifest pointer";
	return NULL;
}

/* What each ring slot held, for the report. */
struct slot_state {
	bool		valid;
	uint64_t	gen;
	uint64_t	store_id;
	const char	*why;		/* when not valid; NULL: empty */
};

static void
report_slots(const struct store_dev *dev, const struct slot_state *s,
    int best)
{
	unsigned empty = 0;

	for (int i = 0; i < STORE_SB_RING; i++) {
		if (i == best)
			continue;
		if (s[i].valid)
			kprintf("store: slot %d: generation %lu, older "
			    "(kept)\n", i, s[i].gen);
		else if (s[i].why == NULL)
			empty++;
		else
			kprintf("store: slot %d: skipped: %s\n", i, s[i].why);
	}
	if (best >= 0)
		kprintf("store: generation %lu from slot %d is current (%s, "
		    "%lu blocks, store id %#lx; %u empty slots)\n", s[best].gen,
		    best, dev->name, dev->blocks, s[best].store_id, empty);
}

int
store_mount(const struct store_dev *dev)
{
	struct slot_state s[STORE_SB_RING];
	int best = -1, io = 0, empty = 0;

	store_unmount();
	if (scratch == NULL) {
		uint64_t pa = pmm_alloc();

		if (pa == 0) {
			kprintf("store: no memory to mount\n");
			return ERR_NO_SPACE;
		}
		scratch = phys_to_virt(pa);
	}
	if (dev->blocks < STORE_FIRST_DATA) {
		kprintf("store: %s: %lu blocks is too small for a store\n",
		    dev->name, dev->blocks);
		return ERR_CORRUPT;
	}
	for (int i = 0; i < STORE_SB_RING; i++) {
		const struct store_super *sb = (const void *)scratch;
		int err = dev->read(dev->ctx, (uint64_t)i, scratch);

		s[i] = (struct slot_state){ false, 0, 0, NULL };
		if (err != 0) {
			s[i].why = "read failed";
			io++;
			store_st.io_errors++;
			continue;
		}
		if (store_all_zero(scratch, STORE_BLOCK_SIZE)) {
			empty++;
			continue;
		}
		s[i].why = store_check_super(scratch, (unsigned)i, dev->blocks);
		if (s[i].why != NULL)
			continue;
		s[i].valid = true;
		s[i].gen = sb->hdr.generation;
		s[i].store_id = sb->hdr.store_id;
		if (best < 0 || s[i].gen > s[best].gen) {
			best = i;
			memcpy(&store_mnt.sb, scratch, sizeof(store_mnt.sb));
		}
	}
	for (int i = 0; best >= 0 && i < STORE_SB_RING; i++)
		if (s[i].valid && s[i].store_id != s[best].store_id) {
			s[i].valid = false;
			s[i].why = "belongs to another store";
		}
	report_slots(dev, s, best);
	if (best < 0) {
		kprintf("store: %s: no valid superblock\n", dev->name);
		return empty == STORE_SB_RING ? ERR_NOT_FOUND :
		    io > 0 ? ERR_IO : ERR_CORRUPT;
	}
	if (store_cache_reset() != 0) {
		kprintf("store: no memory for the block cache\n");
		return ERR_NO_SPACE;
	}
	store_mnt.dev = *dev;
	store_mnt.slot = (unsigned)best;
	store_mnt.mounted = true;
	return 0;
}

static int
disk_read(void *ctx, uint64_t block, void *buf)
{
	(void)ctx;
	return blk_read(disk_lba + block * SECTORS_PER_BLOCK, buf,
	    SECTORS_PER_BLOCK) == 0 ? 0 : ERR_IO;
}

int
store_mount_disk(void)
{
	struct store_dev dev = { "disk", 0, disk_read, NULL };
	uint64_t lba = boot_info.store_lba, n = boot_info.store_sectors;
	uint64_t cap = blk_capacity();

	if (n == 0) {
		kprintf("store: the disk has no store partition\n");
		return ERR_NOT_FOUND;
	}
	if (cap == 0) {
		kprintf("store: the disk driver is not up\n");
		return ERR_IO;
	}
	if (lba > cap || n > cap - lba) {
		kprintf("store: partition [%lu, +%lu) sectors lies beyond the "
		    "disk's %lu\n", lba, n, cap);
		return ERR_CORRUPT;
	}
	disk_lba = lba;
	dev.blocks = n / SECTORS_PER_BLOCK;
	return store_mount(&dev);
}

void
store_unmount(void)
{
	store_mnt.mounted = false;
}

const struct store_super *
store_current(void)
{
	return store_mnt.mounted ? &store_mnt.sb : NULL;
}

int
store_runlist(uint64_t *oids, unsigned max, unsigned *n)
{
	struct store_bptr bp;
	uint64_t off = 0, hops = 0;
	bool too_big = false;

	*n = 0;
	if (!store_mnt.mounted)
		return 0;
	bp = store_mnt.sb.runlist;
	while (bp.block != 0) {
		const struct store_list *l;
		const void *blk;
		int err;

		if (++hops > store_mnt.dev.blocks) {
			kprintf("store: the run list is longer than the "
			    "store\n");
			store_st.corrupt++;
			return ERR_CORRUPT;
		}
		err = store_meta(&bp, STORE_BK_LIST, 0, off, OT_NONE,
		    "run list", &blk);
		if (err != 0)
			return err;
		l = blk;
		for (uint32_t i = 0; i < l->hdr.count; i++) {
			if (OID_TYPE(l->item[i]) != OT_PROCESS) {
				kprintf("store: block %lu (run list): item %u "
				    "is %#lx, not a process\n", bp.block, i,
				    l->item[i]);
				store_st.corrupt++;
				return ERR_CORRUPT;
			}
			if (*n < max)
				oids[(*n)++] = l->item[i];
			else
				too_big = true;
		}
		off += (uint64_t)l->hdr.count * 8;
		bp = l->next;
	}
	return too_big ? ERR_TOO_BIG : 0;
}

void
store_stats(struct store_stats *out)
{
	*out = store_st;
}
