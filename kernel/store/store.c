/*
 * store.c - mounting the store: read the superblock ring, check every
 * slot, make the newest valid generation current; and the run list.
 * Verified block reads and the OID map walk are in store_map.c.
 *
 * Invariant: while store_mnt.mounted, store_mnt.sb passed
 * store_check_super() (lib/storefmt.c, shared with mkimage) and is the
 * valid superblock with the highest generation of its store id below
 * the mount's limit (no limit unless store_mount_older() fell back past
 * damaged newer ones, which store_mnt.newer then counts); nothing else
 * is ever trusted without a check against it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <boot.h>
#include <dev/blk.h>
#include <lib/storefmt.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <store/ckpt_io.h>
#include <store/store.h>
#include <store/store_priv.h>
#include <x86_64/vm.h>

#define SECTORS_PER_BLOCK	(STORE_BLOCK_SIZE / BLK_SECTOR)

struct store_mnt	store_mnt;
struct store_stats	store_st;

static uint8_t		*scratch;	/* a frame for superblock reads */
static uint64_t		disk_lba;	/* first sector of the partition */

/* What each ring slot held, for the report. */
struct slot_state {
	bool		valid;
	bool		newer;		/* valid, at or above the limit */
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
		if (s[i].newer)
			kprintf("store: slot %d: generation %lu, newer "
			    "(damaged, discarded before the next commit)\n",
			    i, s[i].gen);
		else if (s[i].valid)
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

/*
 * Mount dev's valid generation with the highest number below limit;
 * valid slots at or above it (same store) are counted in
 * store_mnt.newer.
 */
static int
mount_below(const struct store_dev *dev, uint64_t limit)
{
	struct slot_state s[STORE_SB_RING];
	int best = -1, io = 0, empty = 0;
	unsigned newer = 0;

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

		s[i] = (struct slot_state){ false, false, 0, 0, NULL };
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
		if (s[i].gen >= limit)
			continue;
		if (best < 0 || s[i].gen > s[best].gen) {
			best = i;
			memcpy(&store_mnt.sb, scratch, sizeof(store_mnt.sb));
		}
	}
	for (int i = 0; i < STORE_SB_RING; i++)
		if (best >= 0 && s[i].valid &&
		    s[i].store_id != s[best].store_id) {
			s[i].valid = false;
			s[i].why = "belongs to another store";
		} else if (s[i].valid && s[i].gen >= limit) {
			s[i].newer = true;
			newer++;
		}
	report_slots(dev, s, best);
	if (best < 0) {
		if (limit == UINT64_MAX)
			kprintf("store: %s: no valid superblock\n", dev->name);
		else
			kprintf("store: %s: no valid generation below %lu\n",
			    dev->name, limit);
		return empty == STORE_SB_RING ? ERR_NOT_FOUND :
		    io > 0 ? ERR_IO : ERR_CORRUPT;
	}
	if (store_cache_reset() != 0) {
		kprintf("store: no memory for the block cache\n");
		return ERR_NO_SPACE;
	}
	store_mnt.dev = *dev;
	store_mnt.slot = (unsigned)best;
	store_mnt.newer = newer;
	store_mnt.mounted_gen = store_mnt.sb.hdr.generation;
	store_mnt.mounted = true;
	return 0;
}

/* Read ring slot into scratch: true if it holds a kept generation of the
   mounted store (valid, same store, not newer than the current one). */
static bool
read_kept_slot(unsigned slot)
{
	const struct store_super *sb = (const void *)scratch;
	const struct store_dev *dev = &store_mnt.dev;

	return dev->read(dev->ctx, slot, scratch) == 0 &&
	    store_check_super(scratch, slot, dev->blocks) == NULL &&
	    sb->hdr.store_id == store_mnt.sb.hdr.store_id &&
	    sb->hdr.generation <= store_mnt.sb.hdr.generation;
}

uint64_t
store_mounted_generation(void)
{
	return store_mnt.mounted ? store_mnt.mounted_gen : 0;
}

int
store_kept_super(unsigned i, struct store_super *out)
{
	const struct store_super *sb = (const void *)scratch;
	uint64_t gen[STORE_SB_RING];
	unsigned slot, k, newer;

	if (!store_mnt.mounted || scratch == NULL)
		return ERR_NOT_FOUND;
	for (slot = 0; slot < STORE_SB_RING; slot++)
		gen[slot] = read_kept_slot(slot) ? sb->hdr.generation : 0;
	for (slot = 0; slot < STORE_SB_RING; slot++) {
		if (gen[slot] == 0)
			continue;
		for (k = newer = 0; k < STORE_SB_RING; k++)
			if (gen[k] > gen[slot])
				newer++;
		/* Generations are unique: exactly i are newer. */
		if (newer == i && read_kept_slot(slot) &&
		    sb->hdr.generation == gen[slot]) {
			memcpy(out, scratch, sizeof(*out));
			return 0;
		}
	}
	return ERR_NOT_FOUND;
}

int
store_mount(const struct store_dev *dev)
{
	return mount_below(dev, UINT64_MAX);
}

int
store_mount_older(void)
{
	struct store_dev dev;
	uint64_t gen;

	if (!store_mnt.mounted)
		return ERR_NOT_FOUND;
	dev = store_mnt.dev;
	gen = store_mnt.sb.hdr.generation;
	return mount_below(&dev, gen);
}

static int
disk_read(void *ctx, uint64_t block, void *buf)
{
	(void)ctx;
	return blk_read(disk_lba + block * SECTORS_PER_BLOCK, buf,
	    SECTORS_PER_BLOCK) == 0 ? 0 : ERR_IO;
}

/* The checkpoint writer's writes are queued (ckpt_io.h), others wait. */
static int
disk_write(void *ctx, uint64_t block, const void *buf)
{
	(void)ctx;
	if (ckpt_io_in_writer())
		return ckpt_io_write(disk_lba + block * SECTORS_PER_BLOCK,
		    buf);
	return blk_write(disk_lba + block * SECTORS_PER_BLOCK, buf,
	    SECTORS_PER_BLOCK);
}

_Static_assert(STORE_DEV_RUN_MAX * STORE_BLOCK_SIZE <= BLK_REQ_MAX_BYTES,
    "a page-out run is one disk request");

/* One request over n whole frames, waited for; errors as disk_read()
   and disk_write() give them. */
static int
disk_io_frames(void *ctx, bool write, uint64_t block,
    const uint64_t *frames, unsigned n)
{
	struct blk_req r;
	int err;

	(void)ctx;
	assert(!ckpt_io_in_writer() && n <= STORE_DEV_RUN_MAX);
	memset(&r, 0, sizeof(r));
	r.op = write ? BLK_OP_WRITE : BLK_OP_READ;
	r.lba = disk_lba + block * SECTORS_PER_BLOCK;
	r.len = n * STORE_BLOCK_SIZE;
	r.frames = frames;
	if ((err = blk_submit(&r)) == 0)
		err = blk_wait(&r);
	return write || err == 0 ? err : ERR_IO;
}

static int
disk_flush(void *ctx)
{
	(void)ctx;
	if (ckpt_io_in_writer())
		return ckpt_io_flush();
	return blk_flush();
}

int
store_mount_disk(void)
{
	struct store_dev dev = { "disk", 0, disk_read, NULL, disk_write,
	    disk_flush, disk_io_frames };
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
	if (blk_read_only())
		dev.write = NULL;	/* and no io_frames write: pageout.c */
	return store_mount(&dev);
}

void
store_unmount(void)
{
	store_write_forget();
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

uint64_t
store_take_bad_block(void)
{
	uint64_t b = store_st.bad_block;

	store_st.bad_block = 0;
	return b;
}

void
store_stats(struct store_stats *out)
{
	*out = store_st;
}
