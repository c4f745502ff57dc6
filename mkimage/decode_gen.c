/*
 * decode_gen.c - decodes one generation of a store: the OID map trees,
 * run list, released lists, manifest and free map, then cross-checks the
 * block accounting. Damage is reported as a problem naming the block and
 * decoding continues around it. Memory use is bounded by the size of the
 * image (objects are only kept for entries that exist).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/crc32c.h>
#include <lib/storefmt.h>

#include "decode.h"
#include "util.h"

/* Decoding state for one generation. */
struct dstate {
	const struct img *im;
	struct decoded	*dc;
	struct problems	*pr;
	uint64_t	gen;
	size_t		capmanifest;	/* bytes allocated at os.manifest */
};

static int
bit(const uint8_t *bm, uint64_t b)
{
	return (bm[b / 8] >> (b % 8)) & 1;
}

static void
set_bit(uint8_t *bm, uint64_t b)
{
	bm[b / 8] |= (uint8_t)(1u << (b % 8));
}

/* Record that this generation uses block b for what. 0 if b is usable. */
static int
claim(struct dstate *ds, uint64_t b, unsigned kind, const char *what)
{
	if (b < STORE_FIRST_DATA || b >= ds->im->store_blocks) {
		prob_add(ds->pr, "%s points to block %llu, outside the store's "
		    "blocks %u..%llu", what, (unsigned long long)b,
		    STORE_FIRST_DATA,
		    (unsigned long long)ds->im->store_blocks - 1);
		return -1;
	}
	if (bit(ds->dc->reach, b)) {
		prob_add(ds->pr, "block %llu used twice (again as %s)",
		    (unsigned long long)b, what);
		return -1;
	}
	set_bit(ds->dc->reach, b);
	ds->dc->use.blocks[kind < STORE_BK_MAX ? kind : 0]++;
	return 0;
}

/*
 * Follow bp to a metadata block of the given kind, level and key.
 * Returns the block, or NULL after reporting why it cannot be used.
 */
static const uint8_t *
read_meta(struct dstate *ds, const struct store_bptr *bp, unsigned kind,
    unsigned level, uint64_t key, const char *what)
{
	const uint8_t *blk;
	const char *why;

	why = store_bptr_problem(bp, kind, level, ds->gen,
	    ds->im->store_blocks);
	if (why != NULL) {
		prob_add(ds->pr, "%s: pointer to block %llu (kind %u level %u, "
		    "expected %s level %u, birth %llu): %s", what,
		    (unsigned long long)bp->block, bp->kind, bp->level,
		    store_kind_name(kind), level, (unsigned long long)bp->birth,
		    why);
		return NULL;
	}
	if (claim(ds, bp->block, kind, what) != 0)
		return NULL;
	blk = img_block(ds->im, bp->block);
	if (blk == NULL) {
		prob_add(ds->pr, "block %llu (%s): past the end of the image",
		    (unsigned long long)bp->block, what);
		return NULL;
	}
	why = store_check_block(blk, bp, ds->im->store_id, key);
	if (why != NULL) {
		prob_add(ds->pr, "block %llu (%s %s): %s",
		    (unsigned long long)bp->block, store_kind_name(kind), what,
		    why);
		return NULL;
	}
	return blk;
}

/* Append the used entry e (index idx) of type ot to the object set. */
static void
take_entry(struct dstate *ds, unsigned ot, uint64_t idx, const uint8_t *e)
{
	struct objset *os = &ds->dc->os;
	oid_t oid = OID_MAKE(ot, idx);

	switch (ot) {
	case OT_PAGE:
	case OT_CAPPAGE: {
		struct store_ref ref;
		struct os_page *p;
		int cp = ot == OT_CAPPAGE;

		memcpy(&ref, e, sizeof(ref));
		if (cp)
			mki_grow(&os->cpages, &os->capcpages_, os->ncpages + 1,
			    sizeof(*p));
		else
			mki_grow(&os->pages, &os->cappages_, os->npages + 1,
			    sizeof(*p));
		p = cp ? &os->cpages[os->ncpages++] : &os->pages[os->npages++];
		p->oid = oid;
		p->alloc_count = ref.alloc_count;
		p->bank = ref.bank;
		p->flags = ref.flags;
		p->block = ref.block;
		p->crc = ref.crc;
		if (ref.flags & ~STORE_REF_ALL)
			prob_add(ds->pr, "%s %#llx: unknown flags %#x",
			    store_ot_name(ot), (unsigned long long)oid,
			    ref.flags);
		if (ref.block == 0) {
			ds->dc->use.zero_pages++;
			if (ref.crc != 0)
				prob_add(ds->pr, "%s %#llx: checksum without "
				    "a data block", store_ot_name(ot),
				    (unsigned long long)oid);
			break;
		}
		char what[64];
		const uint8_t *blk;

		snprintf(what, sizeof(what), "data of %s %#llx",
		    store_ot_name(ot), (unsigned long long)oid);
		if (claim(ds, ref.block, STORE_BK_DATA, what) != 0)
			break;
		blk = img_block(ds->im, ref.block);
		if (blk == NULL || crc32c(blk, STORE_BLOCK_SIZE) != ref.crc) {
			prob_add(ds->pr, "block %llu (%s): %s",
			    (unsigned long long)ref.block, what, blk == NULL ?
			    "past the end of the image" : "checksum mismatch");
			break;
		}
		if (cp) {
			p->data = mki_alloc(STORE_BLOCK_SIZE);
			memcpy(p->data, blk, STORE_BLOCK_SIZE);
		}
		break;
	}
	case OT_GPT:
		mki_grow(&os->gpts, &os->capgpts_, os->ngpts + 1,
		    sizeof(*os->gpts));
		memcpy(&os->gpts[os->ngpts++], e, sizeof(*os->gpts));
		break;
	case OT_PROCESS:
		mki_grow(&os->procs, &os->capprocs_, os->nprocs + 1,
		    sizeof(*os->procs));
		memcpy(&os->procs[os->nprocs++], e, sizeof(*os->procs));
		break;
	case OT_ENDPOINT:
		mki_grow(&os->eps, &os->capeps_, os->neps + 1,
		    sizeof(*os->eps));
		memcpy(&os->eps[os->neps++], e, sizeof(*os->eps));
		break;
	}
}

static void
walk_leaf(struct dstate *ds, unsigned ot, const uint8_t *blk, uint64_t key,
    uint64_t limit)
{
	const struct store_blkhdr *h = (const struct store_blkhdr *)blk;
	uint32_t per = store_leaf_slots(ot), esz = store_entry_size(ot);
	uint32_t used = 0;

	for (uint32_t s = 0; s < per; s++) {
		const uint8_t *e = blk + sizeof(*h) + (size_t)s * esz;
		uint64_t idx = key + s;
		struct obj_hdr oh;

		if (!store_entry_used(ot, e)) {
			struct objset *os = &ds->dc->os;
			const char *why;
			uint32_t kept;

			if ((why = store_unused_problem(ot, e, &kept)) != NULL)
				prob_add(ds->pr, "block %llu (%s map leaf): "
				    "entry %llu: %s",
				    (unsigned long long)h->block,
				    store_ot_name(ot), (unsigned long long)idx,
				    why);
			else if (kept != 0 && idx >= limit)
				prob_add(ds->pr, "block %llu (%s map leaf): free "
				    "entry %llu beyond the OID limit %llu",
				    (unsigned long long)h->block,
				    store_ot_name(ot), (unsigned long long)idx,
				    (unsigned long long)limit);
			else if (kept != 0) {
				mki_grow(&os->freed, &os->capfreed_,
				    os->nfreed + 1, sizeof(*os->freed));
				os->freed[os->nfreed].oid = OID_MAKE(ot, idx);
				os->freed[os->nfreed++].alloc_count = kept;
			}
			continue;
		}
		used++;
		if (idx >= limit) {
			prob_add(ds->pr, "block %llu (%s map leaf): entry %llu "
			    "beyond the OID limit %llu",
			    (unsigned long long)h->block, store_ot_name(ot),
			    (unsigned long long)idx, (unsigned long long)limit);
			continue;
		}
		memcpy(&oh, e, sizeof(oh));
		if (ot != OT_PAGE && ot != OT_CAPPAGE &&
		    oh.oid != OID_MAKE(ot, idx)) {
			prob_add(ds->pr, "block %llu (%s map leaf): entry %llu "
			    "holds OID %#llx", (unsigned long long)h->block,
			    store_ot_name(ot), (unsigned long long)idx,
			    (unsigned long long)oh.oid);
			continue;
		}
		take_entry(ds, ot, idx, e);
	}
	if (used != h->count)
		prob_add(ds->pr, "block %llu (%s map leaf): header counts %u "
		    "entries, holds %u", (unsigned long long)h->block,
		    store_ot_name(ot), h->count, used);
}

static void
walk_map(struct dstate *ds, unsigned ot, const struct store_bptr *bp,
    unsigned level, uint64_t key, uint64_t limit)
{
	uint32_t per = store_leaf_slots(ot);
	char what[48];
	const uint8_t *blk;

	snprintf(what, sizeof(what), "%s map", store_ot_name(ot));
	blk = read_meta(ds, bp, level ? STORE_BK_MAPNODE : STORE_BK_MAPLEAF,
	    level, key, what);
	if (blk == NULL)
		return;
	if (level == 0) {
		walk_leaf(ds, ot, blk, key, limit);
		return;
	}
	const struct store_node *n = (const struct store_node *)blk;
	uint64_t span = store_span(per, level);
	uint32_t cnt = 0;

	for (uint32_t i = 0; i < STORE_FANOUT; i++) {
		const struct store_bptr *c = &n->child[i];

		if (c->block == 0) {
			if (!mki_all_zero(c, sizeof(*c)))
				prob_add(ds->pr, "block %llu (%s node): null "
				    "child %u is not zero",
				    (unsigned long long)bp->block, what, i);
			continue;
		}
		cnt++;
		if (key + i * span >= limit) {
			prob_add(ds->pr, "block %llu (%s node): child %u lies "
			    "beyond the OID limit", (unsigned long long)bp->block,
			    what, i);
			continue;
		}
		walk_map(ds, ot, c, level - 1, key + i * span, limit);
	}
	if (cnt != n->hdr.count)
		prob_add(ds->pr, "block %llu (%s node): header counts %u "
		    "children, holds %u", (unsigned long long)bp->block, what,
		    n->hdr.count, cnt);
}

static void
walk_free(struct dstate *ds, const struct store_bptr *bp, unsigned level,
    uint64_t key)
{
	const uint8_t *blk = read_meta(ds, bp, level ? STORE_BK_FREENODE :
	    STORE_BK_FREELEAF, level, key, "free map");
	uint64_t B = ds->im->store_blocks;
	const char *why;

	if (blk == NULL)
		return;
	/* The kernel's rules for a leaf's and a node's contents. */
	why = level ? store_check_freenode(blk, B) :
	    store_check_freeleaf(blk, B);
	if (why != NULL)
		prob_add(ds->pr, "block %llu (free map %s): %s",
		    (unsigned long long)bp->block, level ? "node" : "leaf",
		    why);
	if (level == 0) {
		const struct store_freeleaf *fl = (const void *)blk;

		for (uint64_t i = 0; i < STORE_BITS_PER_LEAF && key + i < B;
		    i++)
			if ((fl->bits[i / 8] >> (i % 8)) & 1)
				set_bit(ds->dc->freemap, key + i);
		return;
	}
	const struct store_node *n = (const struct store_node *)blk;
	uint64_t span = store_span(STORE_BITS_PER_LEAF, level);

	for (uint32_t i = 0; i < STORE_FANOUT; i++)
		if (n->child[i].block != 0 &&
		    store_freenode_child(level, key, i, B))
			walk_free(ds, &n->child[i], level - 1, key + i * span);
}

/*
 * Follow a chain of LIST or MANIFEST blocks; calls take(ds, payload,
 * bytes) for each. The chain is bounded by the store size.
 */
static void
walk_chain(struct dstate *ds, const struct store_bptr *first, unsigned kind,
    const char *what, void (*take)(struct dstate *, const uint8_t *, size_t))
{
	struct store_bptr bp = *first;
	uint64_t off = 0;
	size_t per = kind == STORE_BK_LIST ? STORE_LIST_ITEMS :
	    STORE_MANIFEST_BYTES;

	while (bp.block != 0) {
		const uint8_t *blk = read_meta(ds, &bp, kind, 0, off, what);
		const struct store_list *l = (const void *)blk;
		size_t n;

		if (blk == NULL)
			return;
		if (l->hdr.count > per) {
			prob_add(ds->pr, "block %llu (%s): count %u exceeds "
			    "the block", (unsigned long long)bp.block, what,
			    l->hdr.count);
			return;
		}
		n = kind == STORE_BK_LIST ? (size_t)l->hdr.count * 8 :
		    l->hdr.count;
		take(ds, blk + sizeof(l->hdr) + sizeof(l->next), n);
		off += n;
		bp = l->next;
	}
}

static void
take_run(struct dstate *ds, const uint8_t *p, size_t n)
{
	struct objset *os = &ds->dc->os;

	for (size_t i = 0; i + 8 <= n; i += 8) {
		mki_grow(&os->runlist, &os->caprun_, os->nrun + 1, sizeof(oid_t));
		memcpy(&os->runlist[os->nrun++], p + i, 8);
	}
}

static void
take_released(struct dstate *ds, const uint8_t *p, size_t n)
{
	struct decoded *dc = ds->dc;

	for (size_t i = 0; i + 8 <= n; i += 8) {
		mki_grow(&dc->released, &dc->capreleased_, dc->nreleased + 1,
		    sizeof(uint64_t));
		memcpy(&dc->released[dc->nreleased++], p + i, 8);
	}
}

static void
take_manifest(struct dstate *ds, const uint8_t *p, size_t n)
{
	struct objset *os = &ds->dc->os;

	/* Grown by doubling: a block at a time would copy quadratically. */
	mki_grow(&os->manifest, &ds->capmanifest, os->manifest_len + n + 1, 1);
	memcpy(os->manifest + os->manifest_len, p, n);
	os->manifest_len += n;
}

static size_t
count_type(const struct objset *os, unsigned ot)
{
	switch (ot) {
	case OT_PAGE: return os->npages;
	case OT_CAPPAGE: return os->ncpages;
	case OT_GPT: return os->ngpts;
	case OT_PROCESS: return os->nprocs;
	case OT_ENDPOINT: return os->neps;
	default: return 0;
	}
}

static void
decode_maps(struct dstate *ds)
{
	const struct store_super *sb = &ds->dc->sb;

	for (unsigned ot = 0; ot < STORE_OT_MAX; ot++) {
		const struct store_bptr *r = &sb->map_root[ot];
		int levels;

		if (ot == OT_NONE || ot >= OT_MAX) {
			if (!mki_all_zero(r, sizeof(*r)) || sb->oid_limit[ot] ||
			    sb->obj_count[ot])
				prob_add(ds->pr, "superblock %d: map root for "
				    "unknown object type %u", ds->dc->slot, ot);
			continue;
		}
		levels = store_map_levels(ot, sb->oid_limit[ot]);
		if (levels < 0) {
			prob_add(ds->pr, "superblock %d: %s OID limit %llu is "
			    "absurd", ds->dc->slot, store_ot_name(ot),
			    (unsigned long long)sb->oid_limit[ot]);
			continue;
		}
		if (r->block != 0 && r->level != (unsigned)levels)
			prob_add(ds->pr, "superblock %d: %s map root at level "
			    "%u, OID limit needs %d", ds->dc->slot,
			    store_ot_name(ot), r->level, levels);
		else if (r->block != 0)
			walk_map(ds, ot, r, (unsigned)levels, 0,
			    sb->oid_limit[ot]);
		if (count_type(&ds->dc->os, ot) != sb->obj_count[ot])
			prob_add(ds->pr, "superblock %d: counts %llu %s objects, "
			    "the map holds %zu", ds->dc->slot,
			    (unsigned long long)sb->obj_count[ot],
			    store_ot_name(ot), count_type(&ds->dc->os, ot));
	}
}

/* Cross-check what this generation uses against the stored free map. */
static void
check_accounting(struct dstate *ds)
{
	const struct decoded *dc = ds->dc;
	uint64_t B = ds->im->store_blocks, marked = 0;

	for (uint64_t b = 0; b < B; b++) {
		marked += bit(dc->freemap, b);
		if (bit(dc->reach, b) && !bit(dc->freemap, b))
			prob_add(ds->pr, "block %llu is in use but the free map "
			    "marks it free", (unsigned long long)b);
	}
	if (marked != dc->sb.used_blocks)
		prob_add(ds->pr, "superblock %d: counts %llu used blocks, the "
		    "free map marks %llu", dc->slot,
		    (unsigned long long)dc->sb.used_blocks,
		    (unsigned long long)marked);
	for (size_t i = 0; i < dc->nreleased; i++) {
		uint64_t b = dc->released[i];

		if (b < STORE_FIRST_DATA || b >= B)
			prob_add(ds->pr, "released list names block %llu, "
			    "outside the store", (unsigned long long)b);
		else if (bit(dc->reach, b))
			prob_add(ds->pr, "block %llu is released but still in "
			    "use", (unsigned long long)b);
		else if (!bit(dc->freemap, b))
			prob_add(ds->pr, "block %llu is released but the free "
			    "map marks it free", (unsigned long long)b);
	}
}

void
img_decode(const struct img *im, int slot, struct decoded *dc,
    struct problems *pr)
{
	struct dstate ds = { im, dc, pr, 0, 0 };
	uint64_t B = im->store_blocks;
	int levels;
	char err[160];

	memset(dc, 0, sizeof(*dc));
	dc->slot = slot;
	dc->sb = im->gen[slot].sb;
	ds.gen = dc->sb.hdr.generation;
	dc->reach = mki_alloc(B / 8 + 1);
	dc->freemap = mki_alloc(B / 8 + 1);
	for (uint64_t b = 0; b < STORE_FIRST_DATA && b < B; b++)
		set_bit(dc->reach, b);
	dc->use.blocks[STORE_BK_SUPER] = STORE_SB_RING;
	decode_maps(&ds);
	walk_chain(&ds, &dc->sb.runlist, STORE_BK_LIST, "run list", take_run);
	for (int i = 0; i < STORE_RELEASED_LISTS; i++)
		walk_chain(&ds, &dc->sb.released[i], STORE_BK_LIST,
		    "released list", take_released);
	walk_chain(&ds, &dc->sb.manifest, STORE_BK_MANIFEST, "manifest",
	    take_manifest);
	if (dc->sb.manifest.block != 0) {
		if (mf_decode(dc->os.manifest, dc->os.manifest_len, &dc->mf,
		    err, sizeof(err)) != 0)
			prob_add(pr, "manifest: %s", err);
		else
			dc->have_manifest = 1;
	}
	levels = store_free_levels(B);
	if (dc->sb.free_root.block == 0 || levels < 0)
		prob_add(pr, "superblock %d: no free map", slot);
	else if (dc->sb.free_root.level != (unsigned)levels)
		prob_add(pr, "superblock %d: free map root at level %u, the "
		    "store needs %d", slot, dc->sb.free_root.level, levels);
	else
		walk_free(&ds, &dc->sb.free_root, (unsigned)levels, 0);
	for (uint64_t b = 0; b < STORE_FIRST_DATA && b < B; b++)
		if (!bit(dc->freemap, b))
			prob_add(pr, "free map marks superblock slot %llu free",
			    (unsigned long long)b);
	check_accounting(&ds);
}

void
img_decoded_free(struct decoded *dc)
{
	os_free(&dc->os);
	mf_free(&dc->mf);
	free(dc->reach);
	free(dc->freemap);
	free(dc->released);
	memset(dc, 0, sizeof(*dc));
}
