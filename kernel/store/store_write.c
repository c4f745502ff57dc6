/*
 * store_write.c - building and committing the next generation of the
 * mounted store (<store_write.h>): the steps that put pages, inline
 * objects and the run list, the commit in the order of
 * docs/store-format.md, and abandoning a generation. The trees' blocks
 * are store_cow.c's, the free map and released lists store_free.c's.
 *
 * Invariants:
 * - store_mnt (the mount and its superblock) changes only when a
 *   commit's last flush succeeded; until then every read sees the
 *   current generation;
 * - slot_unsure is set from the moment a superblock write is issued
 *   until that commit succeeds or the slot has been checked: a failed
 *   commit may have left its superblock in the slot, and no later
 *   attempt may write a block before that superblock is known gone
 *   (the blocks it references are free in the current map);
 * - likewise, while store_mnt.newer (a restart fell back past newer
 *   generations), store_gen_begin() zeroes their slots and flushes
 *   before anything else is written, and only then clears it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/crc32c.h>
#include <lib/proccheck.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <store/store_write_priv.h>
#include <x86_64/vm.h>

#define RUN_BLOCKS	((PROC_RUNLIST_MAX + STORE_LIST_ITEMS - 1) / \
			    STORE_LIST_ITEMS)

struct store_ctx	store_gen_ctx;
struct store_gen_stats	store_gen_st;

static struct {
	bool		active;
	bool		slot_unsure;
	bool		run_set;	/* store_gen_runlist() replaced it */
	uint64_t	clock_ns;	/* the new superblock's clock_ns */
	uint64_t	limit[OT_MAX];	/* the next generation's OID limits */
	uint64_t	count[OT_MAX];	/* and object counts */
	struct store_bptr runlist;
	uint64_t	run_block[RUN_BLOCKS];
	unsigned	nrun_block;
	uint8_t		*frame;		/* lists, the superblock, slot reads */
} gw;

int
store_gen_write(uint64_t b, const void *buf, uint64_t *count)
{
	int err = store_mnt.dev.write(store_mnt.dev.ctx, b, buf);

	if (err != 0) {
		kprintf("store: writing block %lu of generation %lu failed: "
		    "error %d\n", b, store_gen_ctx.generation, err);
		store_st.io_errors++;
		return ERR_IO;
	}
	(*count)++;
	return 0;
}

static int
flush(void)
{
	int err = store_mnt.dev.flush(store_mnt.dev.ctx);

	if (err != 0) {
		kprintf("store: flush for generation %lu failed: error %d\n",
		    store_gen_ctx.generation, err);
		store_st.io_errors++;
		return ERR_IO;
	}
	store_gen_st.flushes++;
	return 0;
}

/* Abandon the generation after err; returns err. */
static int
fail(int err)
{
	store_gen_abort();
	return err;
}

/*
 * The slot the next superblock goes to must hold no generation above
 * the current one (an earlier attempt's, which may have landed): zero
 * it and flush if it might.
 */
static int
settle_slot(void)
{
	const struct store_super *sb = (const void *)gw.frame;
	unsigned slot = (unsigned)(store_gen_ctx.generation % STORE_SB_RING);
	int err;

	err = store_mnt.dev.read(store_mnt.dev.ctx, slot, gw.frame);
	if (err == 0 && (store_check_super(gw.frame, slot,
	    store_mnt.dev.blocks) != NULL || sb->hdr.store_id !=
	    store_gen_ctx.store_id || sb->hdr.generation <
	    store_gen_ctx.generation)) {
		gw.slot_unsure = false;
		return 0;
	}
	kprintf("store: clearing slot %u, left by a failed commit\n", slot);
	memset(gw.frame, 0, STORE_BLOCK_SIZE);
	if ((err = store_gen_write(slot, gw.frame,
	    &store_gen_st.super_writes)) != 0 || (err = flush()) != 0)
		return err;
	gw.slot_unsure = false;
	return 0;
}

/*
 * The mount fell back past valid newer generations (store_mnt.newer):
 * their blocks are free in the current free map, so before any block of
 * the next generation is written, zero every slot holding a generation
 * above the current one and flush (docs/store-format.md, the ring rule).
 */
static int
discard_newer(void)
{
	const struct store_super *sb = (const void *)gw.frame;
	uint64_t cur = store_mnt.sb.hdr.generation, gen;
	int err;

	for (unsigned slot = 0; slot < STORE_SB_RING; slot++) {
		err = store_mnt.dev.read(store_mnt.dev.ctx, slot, gw.frame);
		if (err == 0 && (store_check_super(gw.frame, slot,
		    store_mnt.dev.blocks) != NULL || sb->hdr.store_id !=
		    store_mnt.sb.hdr.store_id || sb->hdr.generation <= cur))
			continue;
		gen = err == 0 ? sb->hdr.generation : 0;
		if (err == 0)
			kprintf("store: discarding generation %lu in slot %u "
			    "(newer than %lu)\n", gen, slot, cur);
		else
			kprintf("store: clearing unreadable slot %u\n", slot);
		memset(gw.frame, 0, STORE_BLOCK_SIZE);
		if ((err = store_gen_write(slot, gw.frame,
		    &store_gen_st.super_writes)) != 0)
			return err;
	}
	if ((err = flush()) != 0)
		return err;
	store_mnt.newer = 0;
	return 0;
}

int
store_gen_begin(void)
{
	const struct store_super *sb = &store_mnt.sb;
	uint64_t pa;
	int err;

	assert(!gw.active);
	if (!store_mnt.mounted)
		return ERR_NOT_FOUND;
	if (store_mnt.dev.write == NULL || store_mnt.dev.flush == NULL) {
		kprintf("store: %s cannot be written\n", store_mnt.dev.name);
		return ERR_NO_ACCESS;
	}
	if (gw.frame == NULL) {
		if ((pa = pmm_alloc()) == 0)
			return ERR_NO_SPACE;
		gw.frame = phys_to_virt(pa);
	}
	if ((err = sf_load()) != 0)
		return err;
	memset(&store_gen_st, 0, sizeof(store_gen_st));
	store_gen_ctx.store_id = sb->hdr.store_id;
	store_gen_ctx.generation = sb->hdr.generation + 1;
	if (gw.slot_unsure && (err = settle_slot()) != 0)
		return err;
	if (store_mnt.newer > 0 && (err = discard_newer()) != 0)
		return err;
	for (unsigned t = 0; t < OT_MAX; t++) {
		gw.limit[t] = sb->oid_limit[t];
		gw.count[t] = sb->obj_count[t];
	}
	gw.run_set = false;
	gw.clock_ns = sb->clock_ns;
	gw.nrun_block = 0;
	gw.active = true;
	return 0;
}

/* The next generation's map entry of (t, idx), in its changed leaf. */
static int
entry_of(unsigned t, uint64_t idx, uint8_t **e)
{
	uint32_t per = store_leaf_slots(t);
	struct cow_blk *d;
	int err;

	if ((err = cow_get(t, 0, idx - idx % per, &d)) != 0)
		return err;
	*e = d->buf + sizeof(struct store_blkhdr) +
	    (idx % per) * store_entry_size(t);
	if (idx >= gw.limit[t])
		gw.limit[t] = idx + 1;
	return 0;
}

/*
 * Make the next generation's entry of page or cap page oid ref (its
 * flags set here), letting go of the block the entry had. data, if not
 * NULL, is written to a block allocated for it first (ref's block and
 * CRC set here); else ref names a held block, adopted. Abandons the
 * generation on error.
 */
static int
put_ref(oid_t oid, struct store_ref *ref, const void *data)
{
	unsigned t = OID_TYPE(oid);
	uint64_t idx = OID_INDEX(oid);
	struct store_ref old;
	uint8_t *e;
	int err;

	assert(gw.active);
	if ((t != OT_PAGE && t != OT_CAPPAGE) ||
	    store_map_levels(t, idx + 1) < 0)
		return fail(ERR_BAD_ARG);
	if ((err = entry_of(t, idx, &e)) != 0)
		return fail(err);
	memcpy(&old, e, sizeof(old));
	if (old.block != 0 && sf_taken(old.block))
		sf_unalloc(old.block);		/* put twice */
	else if (old.block != 0 &&
	    (err = sf_release(old.block, "page data")) != 0)
		return fail(err);
	if (data != NULL) {
		if ((err = sf_alloc(&ref->block)) != 0)
			return fail(err);
		ref->crc = crc32c(data, PAGE_SIZE);
		err = store_gen_write(ref->block, data,
		    &store_gen_st.data_writes);
		if (err != 0)
			return fail(err);
	} else if (ref->block != 0 && (err = sf_adopt(ref->block)) != 0)
		return fail(err);
	ref->flags = STORE_REF_USED;
	if (!(old.flags & STORE_REF_USED))
		gw.count[t]++;
	memcpy(e, ref, sizeof(*ref));
	return 0;
}

int
store_gen_page(oid_t oid, const void *data, uint32_t alloc_count,
    uint32_t bank)
{
	struct store_ref ref = { 0 };

	ref.alloc_count = alloc_count;
	ref.bank = bank;
	if (data != NULL && store_all_zero(data, PAGE_SIZE))
		data = NULL;
	return put_ref(oid, &ref, data);
}

int
store_gen_page_held(oid_t oid, uint64_t block, uint32_t crc,
    uint32_t alloc_count, uint32_t bank)
{
	struct store_ref ref = { 0 };

	assert(block != 0);
	ref.block = block;
	ref.crc = crc;
	ref.alloc_count = alloc_count;
	ref.bank = bank;
	return put_ref(oid, &ref, NULL);
}

int
store_gen_object(const void *obj)
{
	const struct obj_hdr *h = obj;
	unsigned t = OID_TYPE(h->oid);
	uint64_t idx = OID_INDEX(h->oid);
	uint8_t *e;
	int err;

	assert(gw.active);
	if ((t != OT_GPT && t != OT_PROCESS && t != OT_ENDPOINT) ||
	    store_map_levels(t, idx + 1) < 0)
		return fail(ERR_BAD_ARG);
	if ((err = entry_of(t, idx, &e)) != 0)
		return fail(err);
	if (!store_entry_used(t, e))
		gw.count[t]++;
	memcpy(e, obj, store_entry_size(t));
	return 0;
}

/* Release the blocks of the current generation's run list. */
static int
release_runlist(void)
{
	struct store_bptr bp = store_mnt.sb.runlist;
	uint64_t off = 0, hops = 0;
	int err;

	while (bp.block != 0) {
		const struct store_list *l;

		if (++hops > store_mnt.dev.blocks) {
			kprintf("store: the run list is longer than the "
			    "store\n");
			return ERR_CORRUPT;
		}
		err = store_meta(&bp, STORE_BK_LIST, 0, off, OT_NONE,
		    "run list", (const void **)&l);
		if (err == 0)
			err = sf_release(bp.block, "run list");
		if (err != 0)
			return err;
		off += (uint64_t)l->hdr.count * 8;
		bp = l->next;
	}
	return 0;
}

int
store_gen_runlist(const oid_t *oids, unsigned n)
{
	struct store_list *l = (struct store_list *)gw.frame;
	struct store_bptr next = { 0 };
	int err;

	assert(gw.active);
	if (n > PROC_RUNLIST_MAX)
		return fail(ERR_TOO_BIG);
	for (unsigned i = 0; i < n; i++)
		if (OID_TYPE(oids[i]) != OT_PROCESS)
			return fail(ERR_BAD_ARG);
	if (gw.run_set)
		for (unsigned j = 0; j < gw.nrun_block; j++)
			sf_unalloc(gw.run_block[j]);
	else if ((err = release_runlist()) != 0)
		return fail(err);
	gw.run_set = true;
	gw.nrun_block = (n + STORE_LIST_ITEMS - 1) / STORE_LIST_ITEMS;
	for (unsigned j = 0; j < gw.nrun_block; j++)
		if ((err = sf_alloc(&gw.run_block[j])) != 0)
			return fail(err);
	for (unsigned j = gw.nrun_block; j-- > 0;) {
		unsigned first = j * (unsigned)STORE_LIST_ITEMS;
		unsigned cnt = n - first < STORE_LIST_ITEMS ? n - first :
		    (unsigned)STORE_LIST_ITEMS;

		memset(l, 0, STORE_BLOCK_SIZE);
		memcpy(l->item, oids + first, (uint64_t)cnt * 8);
		l->next = next;
		next = store_seal(l, &store_gen_ctx, STORE_BK_LIST,
		    gw.run_block[j], 0, cnt, (uint64_t)first * 8);
		err = store_gen_write(gw.run_block[j], l,
		    &store_gen_st.list_writes);
		if (err != 0)
			return fail(err);
	}
	gw.runlist = next;
	return 0;
}

/* The maps' changed blocks, bottom-up, into sb's roots, limits, counts. */
static int
write_maps(struct store_super *sb)
{
	int err;

	for (unsigned t = 1; t < OT_MAX; t++) {
		int top = store_map_levels(t, gw.limit[t]);

		if (cow_first(t, 0) == NULL)
			continue;
		assert(top >= 0);
		if ((err = cow_grow(t, (unsigned)top)) != 0 ||
		    (err = cow_write_tree(t, (unsigned)top,
		    &sb->map_root[t])) != 0)
			return err;
		sb->oid_limit[t] = gw.limit[t];
		sb->obj_count[t] = gw.count[t];
	}
	return 0;
}

void
store_gen_clock(uint64_t clock_ns)
{
	assert(gw.active);
	gw.clock_ns = clock_ns;
}

int
store_gen_commit(uint64_t time_ns, uint64_t *gen)
{
	const struct store_super *cur = &store_mnt.sb;
	struct store_super *sb = (struct store_super *)gw.frame;
	unsigned slot = (unsigned)(store_gen_ctx.generation % STORE_SB_RING);
	const char *why;
	int err;

	assert(gw.active);
	memcpy(sb, cur, sizeof(*sb));
	if (gw.run_set)
		sb->runlist = gw.runlist;
	sb->released[2] = cur->released[1];
	sb->released[1] = cur->released[0];
	sb->time_ns = time_ns;
	sb->clock_ns = gw.clock_ns;
	sb->flags &= ~(uint32_t)STORE_SB_F_MKIMAGE;
	if ((err = write_maps(sb)) != 0 || (err = sf_clear_released()) != 0 ||
	    (err = sf_settle()) != 0 || (err = sf_write(sb)) != 0)
		return fail(err);
	store_seal(sb, &store_gen_ctx, STORE_BK_SUPER, slot, 0, 0, 0);
	/*
	 * Counts carried over from the current superblock are not checked
	 * against its maps at mount: a wrong one may surface here.
	 */
	why = store_check_super(sb, slot, store_mnt.dev.blocks);
	if (why != NULL) {
		kprintf("store: the superblock of generation %lu would be "
		    "invalid: %s\n", store_gen_ctx.generation, why);
		store_st.corrupt++;
		return fail(ERR_CORRUPT);
	}
	if ((err = flush()) != 0)
		return fail(err);
	gw.slot_unsure = true;
	err = store_gen_write(slot, sb, &store_gen_st.super_writes);
	if (err != 0 || (err = flush()) != 0)
		return fail(err);
	gw.slot_unsure = false;
	memcpy(&store_mnt.sb, sb, sizeof(store_mnt.sb));
	store_mnt.slot = slot;
	sf_commit();
	cow_drop();
	gw.active = false;
	*gen = store_gen_ctx.generation;
	return 0;
}

void
store_gen_abort(void)
{
	if (!gw.active)
		return;
	cow_drop();
	sf_abort();
	gw.active = false;
}

bool
store_gen_active(void)
{
	return gw.active;
}

void
store_gen_stats(struct store_gen_stats *st)
{
	*st = store_gen_st;
}

void
store_write_forget(void)
{
	store_gen_abort();
	sf_forget();
	gw.slot_unsure = false;
}
