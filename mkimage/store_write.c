/*
 * store_write.c - lays out and writes one generation of a fresh store.
 * Order: data blocks, OID map leaves and nodes, run list, manifest, free
 * map, and the superblock last, so a store whose superblock is valid has
 * every block it references written (the caller flushes between the two
 * steps; see disk.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/storefmt.h>

#include "store_write.h"
#include "util.h"

struct writer {
	const struct store_params *sp;
	struct store_ctx sc;
	store_put_fn	put;
	void		*ctx;
	int		dry;		/* only count blocks */
	uint64_t	next;		/* next free block */
	uint8_t		buf[STORE_BLOCK_SIZE];
	char		*err;
	size_t		errlen;
	int		failed;
};

/* A tree level under construction: children sorted by index. */
struct level {
	uint64_t	*index;
	struct store_bptr *bp;
	size_t		n, cap, capb;
};

static uint64_t
div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

static int
page_stored(const struct os_page *p)
{
	return p->data != NULL && !os_is_zero(p->data);
}

static uint64_t
alloc_block(struct writer *w)
{
	return w->next++;
}

static struct store_bptr
seal_put(struct writer *w, uint32_t kind, uint64_t block, uint32_t level,
    uint32_t count, uint64_t key)
{
	struct store_bptr bp = { 0 };

	if (w->dry)
		return bp;
	bp = store_seal(w->buf, &w->sc, kind, block, level, count, key);
	if (!w->failed && w->put(w->ctx, block, w->buf) != 0) {
		snprintf(w->err, w->errlen, "writing store block %llu failed",
		    (unsigned long long)block);
		w->failed = 1;
	}
	return bp;
}

static void
level_add(struct level *lv, uint64_t index, struct store_bptr bp)
{
	mki_grow(&lv->index, &lv->cap, lv->n + 1, sizeof(*lv->index));
	mki_grow(&lv->bp, &lv->capb, lv->n + 1, sizeof(*lv->bp));
	lv->index[lv->n] = index;
	lv->bp[lv->n] = bp;
	lv->n++;
}

static void
level_free(struct level *lv)
{
	free(lv->index);
	free(lv->bp);
	memset(lv, 0, sizeof(*lv));
}

static void
write_pages(struct writer *w, struct os_page *pages, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct os_page *p = &pages[i];
		struct store_bptr bp;

		if (w->dry) {
			w->next += page_stored(p);
			continue;
		}
		p->block = 0;
		p->crc = 0;
		if (!page_stored(p))
			continue;
		p->block = alloc_block(w);
		bp = store_data_bptr(p->data, p->block, w->sc.generation);
		p->crc = bp.crc;
		if (!w->failed && w->put(w->ctx, p->block, p->data) != 0) {
			snprintf(w->err, w->errlen, "writing store block %llu "
			    "failed", (unsigned long long)p->block);
			w->failed = 1;
		}
	}
}

/*
 * Build interior levels over lv (children at level 0, leaf i covering
 * keys [i * leaf_span, ...)) until one root remains at the given number
 * of levels; returns the root pointer. Nodes with no child are not
 * written. node_kind: MAPNODE or FREENODE.
 */
static struct store_bptr
write_levels(struct writer *w, struct level *lv, int levels,
    uint32_t node_kind, uint64_t leaf_span)
{
	struct store_bptr root = { 0 };

	for (int level = 1; level <= levels; level++) {
		struct level up = { 0 };
		uint64_t span = store_span(leaf_span, (unsigned)level) *
		    STORE_FANOUT;
		size_t i = 0;

		while (i < lv->n) {
			struct store_node *node = (struct store_node *)w->buf;
			uint64_t parent = lv->index[i] / STORE_FANOUT;
			uint32_t cnt = 0;

			memset(w->buf, 0, sizeof(w->buf));
			for (; i < lv->n && lv->index[i] / STORE_FANOUT ==
			    parent; i++) {
				node->child[lv->index[i] % STORE_FANOUT] =
				    lv->bp[i];
				cnt++;
			}
			uint64_t b = alloc_block(w);

			level_add(&up, parent, seal_put(w, node_kind, b,
			    (uint32_t)level, cnt, parent * span));
		}
		level_free(lv);
		*lv = up;
	}
	if (lv->n == 1)
		root = lv->bp[0];
	level_free(lv);
	return root;
}

/* Index of the object at arr position i, for each type. */
static uint64_t
entry_index(const struct objset *os, unsigned ot, size_t i)
{
	switch (ot) {
	case OT_PAGE:
		return OID_INDEX(os->pages[i].oid);
	case OT_CAPPAGE:
		return OID_INDEX(os->cpages[i].oid);
	case OT_GPT:
		return OID_INDEX(os->gpts[i].hdr.oid);
	case OT_PROCESS:
		return OID_INDEX(os->procs[i].hdr.oid);
	default:
		return OID_INDEX(os->eps[i].hdr.oid);
	}
}

static void
encode_entry(const struct objset *os, unsigned ot, size_t i, uint8_t *e)
{
	const struct os_page *pg = NULL;
	struct store_ref ref = { 0 };

	switch (ot) {
	case OT_PAGE:
		pg = &os->pages[i];
		break;
	case OT_CAPPAGE:
		pg = &os->cpages[i];
		break;
	case OT_GPT:
		memcpy(e, &os->gpts[i], sizeof(os->gpts[i]));
		return;
	case OT_PROCESS:
		memcpy(e, &os->procs[i], sizeof(os->procs[i]));
		return;
	default:
		memcpy(e, &os->eps[i], sizeof(os->eps[i]));
		return;
	}
	ref.block = pg->block;
	ref.crc = pg->crc;
	ref.alloc_count = pg->alloc_count;
	ref.bank = pg->bank;
	ref.flags = pg->flags;
	memcpy(e, &ref, sizeof(ref));
}

/*
 * Write the OID map of one type (n objects, sorted by OID); only leaves
 * holding objects are written. Returns the root, *limit the OID limit.
 */
static struct store_bptr
write_map(struct writer *w, struct objset *os, unsigned ot, size_t n,
    uint64_t *limit)
{
	uint32_t per = store_leaf_slots(ot), esz = store_entry_size(ot);
	struct level lv = { 0 };
	size_t i = 0;

	*limit = n == 0 ? 0 : entry_index(os, ot, n - 1) + 1;
	while (i < n) {
		uint64_t leaf = entry_index(os, ot, i) / per;
		uint8_t *payload = w->buf + sizeof(struct store_blkhdr);
		uint32_t cnt = 0;

		memset(w->buf, 0, sizeof(w->buf));
		for (; i < n && entry_index(os, ot, i) / per == leaf; i++) {
			if (!w->dry)
				encode_entry(os, ot, i, payload +
				    (size_t)(entry_index(os, ot, i) % per) *
				    esz);
			cnt++;
		}
		uint64_t b = alloc_block(w);

		level_add(&lv, leaf, seal_put(w, STORE_BK_MAPLEAF, b, 0, cnt,
		    leaf * per));
	}
	return write_levels(w, &lv, store_map_levels(ot, *limit),
	    STORE_BK_MAPNODE, per);
}

/* A chain of LIST or MANIFEST blocks, written tail first. */
static struct store_bptr
write_chain(struct writer *w, uint32_t kind, const uint8_t *bytes,
    uint64_t len, size_t per_block)
{
	uint64_t nblocks = div_up(len, per_block);
	struct store_bptr next = { 0 };
	uint64_t first = w->next;

	w->next += nblocks;
	for (uint64_t i = nblocks; i-- > 0 && !w->dry;) {
		uint64_t off = i * per_block;
		uint64_t n = len - off < per_block ? len - off : per_block;
		struct store_list *lb = (struct store_list *)w->buf;

		memset(w->buf, 0, sizeof(w->buf));
		lb->next = next;	/* same offset in store_manifest */
		memcpy(w->buf + sizeof(struct store_blkhdr) +
		    sizeof(struct store_bptr), bytes + off, n);
		next = seal_put(w, kind, first + i, 0,
		    (uint32_t)(kind == STORE_BK_LIST ? n / 8 : n), off);
	}
	return next;
}

/* The free map: blocks [0, used) are in use, the rest free. */
static struct store_bptr
write_freemap(struct writer *w, uint64_t used)
{
	uint64_t B = w->sp->store_blocks;
	uint64_t nleaves = div_up(B, STORE_BITS_PER_LEAF);
	struct level lv = { 0 };

	for (uint64_t l = 0; l < nleaves; l++) {
		struct store_freeleaf *fl = (struct store_freeleaf *)w->buf;
		uint64_t base = l * STORE_BITS_PER_LEAF;
		uint32_t cnt = 0;

		memset(w->buf, 0, sizeof(w->buf));
		for (uint64_t b = base; !w->dry && b < used &&
		    b < base + STORE_BITS_PER_LEAF; b++) {
			fl->bits[(b - base) / 8] |= (uint8_t)(1u << (b % 8));
			cnt++;
		}
		uint64_t blk = alloc_block(w);

		level_add(&lv, l, seal_put(w, STORE_BK_FREELEAF, blk, 0, cnt,
		    base));
	}
	return write_levels(w, &lv, store_free_levels(B), STORE_BK_FREENODE,
	    STORE_BITS_PER_LEAF);
}

static const size_t *
type_counts(const struct objset *os, size_t counts[STORE_OT_MAX])
{
	memset(counts, 0, STORE_OT_MAX * sizeof(counts[0]));
	counts[OT_PAGE] = os->npages;
	counts[OT_CAPPAGE] = os->ncpages;
	counts[OT_GPT] = os->ngpts;
	counts[OT_PROCESS] = os->nprocs;
	counts[OT_ENDPOINT] = os->neps;
	return counts;
}

/* Run the whole layout; in dry mode nothing is written or sealed. */
static uint64_t
layout(struct writer *w, struct objset *os, struct store_super *sb,
    uint64_t used)
{
	size_t counts[STORE_OT_MAX];

	type_counts(os, counts);
	w->next = STORE_FIRST_DATA;
	write_pages(w, os->pages, os->npages);
	write_pages(w, os->cpages, os->ncpages);
	for (unsigned ot = 1; ot < OT_MAX; ot++) {
		sb->map_root[ot] = write_map(w, os, ot, counts[ot],
		    &sb->oid_limit[ot]);
		sb->obj_count[ot] = counts[ot];
	}
	sb->runlist = write_chain(w, STORE_BK_LIST,
	    (const uint8_t *)os->runlist, (uint64_t)os->nrun * 8,
	    STORE_LIST_ITEMS * 8);
	sb->manifest = write_chain(w, STORE_BK_MANIFEST, os->manifest,
	    os->manifest_len, STORE_MANIFEST_BYTES);
	sb->free_root = write_freemap(w, used);
	return w->next;
}

/* True if os's OIDs are sorted, typed right and within the format. */
static int
objset_ok(const struct objset *os)
{
	size_t counts[STORE_OT_MAX];

	type_counts(os, counts);
	for (unsigned ot = 1; ot < OT_MAX; ot++)
		for (size_t i = 0; i < counts[ot]; i++) {
			uint64_t idx = entry_index(os, ot, i);

			if (i > 0 && idx <= entry_index(os, ot, i - 1))
				return 0;
			if (store_map_levels(ot, idx + 1) < 0)
				return 0;
		}
	return 1;
}

uint64_t
store_blocks_needed(const struct objset *os, uint64_t store_blocks)
{
	struct writer *w;
	struct store_params sp = { .store_blocks = store_blocks };
	struct store_super sb;
	uint64_t n;

	if (!objset_ok(os) || store_free_levels(store_blocks) < 0)
		return UINT64_MAX;
	w = mki_alloc(sizeof(*w));
	w->sp = &sp;
	w->dry = 1;
	n = layout(w, (struct objset *)os, &sb, 0);
	free(w);
	return n;
}

int
store_write(struct objset *os, const struct store_params *sp,
    store_put_fn putfn, void *ctx, struct store_super *sb, char *err,
    size_t errlen)
{
	struct writer *w;
	uint64_t need = store_blocks_needed(os, sp->store_blocks);
	int rc;

	if (need == UINT64_MAX) {
		snprintf(err, errlen, "too many objects for the store format");
		return -1;
	}
	if (need > sp->store_blocks) {
		snprintf(err, errlen, "store too small: needs %llu blocks "
		    "(%llu KiB), has %llu", (unsigned long long)need,
		    (unsigned long long)need * 4, (unsigned long long)
		    sp->store_blocks);
		return -1;
	}
	w = mki_alloc(sizeof(*w));
	w->sp = sp;
	w->sc.store_id = sp->store_id;
	w->sc.generation = sp->generation;
	w->put = putfn;
	w->ctx = ctx;
	w->err = err;
	w->errlen = errlen;
	memset(sb, 0, sizeof(*sb));
	if (layout(w, os, sb, need) != need) {
		/* The dry run counted every block: a bug, not bad input. */
		fprintf(stderr, "mkimage: store layout differs from its "
		    "plan\n");
		abort();
	}
	sb->store_blocks = sp->store_blocks;
	sb->time_ns = sp->time_ns;
	sb->used_blocks = need;
	sb->ring_size = STORE_SB_RING;
	sb->flags = sp->flags;
	store_seal(sb, &w->sc, STORE_BK_SUPER, sp->generation % STORE_SB_RING,
	    0, 0, 0);
	if (!w->failed && putfn(ctx, sp->generation % STORE_SB_RING, sb) != 0) {
		snprintf(err, errlen, "writing the superblock failed");
		w->failed = 1;
	}
	rc = w->failed ? -1 : 0;
	free(w);
	return rc;
}
