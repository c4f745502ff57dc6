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

#include "storefmt.h"
#include "store_write.h"
#include "util.h"

struct writer {
	const struct store_params *sp;
	struct store_ctx sc;
	store_put_fn	put;
	void		*ctx;
	uint64_t	next;		/* next free block */
	uint64_t	limit;		/* blocks reserved by the plan */
	uint8_t		buf[STORE_BLOCK_SIZE];
	char		*err;
	size_t		errlen;
	int		failed;
};

static uint64_t
div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* Blocks of a tree with nleaves leaves and the given levels above. */
static uint64_t
tree_blocks(uint64_t nleaves, int levels)
{
	uint64_t total = nleaves, n = nleaves;

	for (int k = 0; k < levels; k++) {
		n = div_up(n, STORE_FANOUT);
		total += n;
	}
	return total;
}

static int
page_stored(const struct os_page *p)
{
	return p->data != NULL && !os_is_zero(p->data);
}

uint64_t
store_blocks_needed(const struct objset *os, uint64_t store_blocks)
{
	const size_t counts[STORE_OT_MAX] = {
		[OT_PAGE] = os->npages, [OT_CAPPAGE] = os->ncpages,
		[OT_GPT] = os->ngpts, [OT_PROCESS] = os->nprocs,
		[OT_ENDPOINT] = os->neps,
	};
	uint64_t total = STORE_SB_RING;
	int lv;

	for (size_t i = 0; i < os->npages; i++)
		total += page_stored(&os->pages[i]);
	for (size_t i = 0; i < os->ncpages; i++)
		total += page_stored(&os->cpages[i]);
	for (unsigned ot = 1; ot < OT_MAX; ot++) {
		if (counts[ot] == 0)
			continue;
		lv = store_map_levels(ot, counts[ot]);
		if (lv < 0)
			return UINT64_MAX;
		total += tree_blocks(div_up(counts[ot], store_leaf_slots(ot)),
		    lv);
	}
	total += div_up(os->nrun, STORE_LIST_ITEMS);
	total += div_up(os->manifest_len, STORE_MANIFEST_BYTES);
	lv = store_free_levels(store_blocks);
	if (lv < 0)
		return UINT64_MAX;
	total += tree_blocks(div_up(store_blocks, STORE_BITS_PER_LEAF), lv);
	return total;
}

static uint64_t
alloc_block(struct writer *w)
{
	if (w->next >= w->limit) {
		/* The plan counted every block: this is a bug, not input. */
		fprintf(stderr, "mkimage: store plan exceeded (%llu >= %llu)\n",
		    (unsigned long long)w->next, (unsigned long long)w->limit);
		abort();
	}
	return w->next++;
}

static void
put(struct writer *w, uint64_t block, const void *buf)
{
	if (w->failed)
		return;
	if (w->put(w->ctx, block, buf) != 0) {
		snprintf(w->err, w->errlen, "writing store block %llu failed",
		    (unsigned long long)block);
		w->failed = 1;
	}
}

static void
write_pages(struct writer *w, struct os_page *pages, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct os_page *p = &pages[i];
		struct store_bptr bp;

		p->block = 0;
		p->crc = 0;
		if (!page_stored(p))
			continue;
		p->block = alloc_block(w);
		bp = store_data_bptr(p->data, p->block, w->sc.generation);
		p->crc = bp.crc;
		put(w, p->block, p->data);
	}
}

/*
 * Build interior levels over bps[0..n) (children at level-1) until one
 * root remains; returns the root pointer. node_kind: MAPNODE/FREENODE.
 * leaf_span: keys one leaf covers.
 */
static struct store_bptr
write_levels(struct writer *w, struct store_bptr *bps, uint64_t n,
    int levels, uint32_t node_kind, uint64_t leaf_span)
{
	for (int level = 1; level <= levels; level++) {
		uint64_t nn = div_up(n, STORE_FANOUT);
		uint64_t span = store_span(leaf_span, (unsigned)level) *
		    STORE_FANOUT;

		for (uint64_t i = 0; i < nn; i++) {
			struct store_node *node = (struct store_node *)w->buf;
			uint64_t first = i * STORE_FANOUT;
			uint32_t cnt = 0;

			memset(w->buf, 0, sizeof(w->buf));
			for (uint64_t c = 0; c < STORE_FANOUT &&
			    first + c < n; c++) {
				node->child[c] = bps[first + c];
				cnt += bps[first + c].block != 0;
			}
			uint64_t b = alloc_block(w);

			bps[i] = store_seal(w->buf, &w->sc, node_kind, b,
			    (uint32_t)level, cnt, i * span);
			put(w, b, w->buf);
		}
		n = nn;
	}
	return bps[0];
}

/* Write the OID map of one type; entries come from os. */
static struct store_bptr
write_map(struct writer *w, struct objset *os, unsigned ot, size_t n)
{
	uint32_t per = store_leaf_slots(ot), esz = store_entry_size(ot);
	uint64_t nleaves = div_up(n, per);
	int levels = store_map_levels(ot, n);
	struct store_bptr *bps, root;

	bps = mki_alloc(nleaves * sizeof(*bps));
	for (uint64_t l = 0; l < nleaves; l++) {
		uint8_t *payload = w->buf + sizeof(struct store_blkhdr);
		uint32_t cnt = 0;

		memset(w->buf, 0, sizeof(w->buf));
		for (uint32_t s = 0; s < per && l * per + s < n; s++) {
			size_t idx = l * per + s;
			uint8_t *e = payload + (size_t)s * esz;
			struct store_ref ref = { 0 };
			const struct os_page *pg = NULL;

			switch (ot) {
			case OT_PAGE:
				pg = &os->pages[idx];
				break;
			case OT_CAPPAGE:
				pg = &os->cpages[idx];
				break;
			case OT_GPT:
				memcpy(e, &os->gpts[idx], esz);
				break;
			case OT_PROCESS:
				memcpy(e, &os->procs[idx], esz);
				break;
			case OT_ENDPOINT:
				memcpy(e, &os->eps[idx], esz);
				break;
			}
			if (pg != NULL) {
				ref.block = pg->block;
				ref.crc = pg->crc;
				ref.alloc_count = pg->alloc_count;
				ref.bank = pg->bank;
				ref.flags = pg->flags;
				memcpy(e, &ref, sizeof(ref));
			}
			cnt += store_entry_used(ot, e);
		}
		uint64_t b = alloc_block(w);

		bps[l] = store_seal(w->buf, &w->sc, STORE_BK_MAPLEAF, b, 0, cnt,
		    l * per);
		put(w, b, w->buf);
	}
	root = write_levels(w, bps, nleaves, levels, STORE_BK_MAPNODE, per);
	free(bps);
	return root;
}

/* A chain of LIST or MANIFEST blocks, written tail first. */
static struct store_bptr
write_chain(struct writer *w, uint32_t kind, const uint8_t *bytes,
    uint64_t len, size_t per_block)
{
	uint64_t nblocks = div_up(len, per_block);
	struct store_bptr next = { 0 };
	uint64_t first = w->next;

	for (uint64_t i = 0; i < nblocks; i++)
		alloc_block(w);
	for (uint64_t i = nblocks; i-- > 0;) {
		uint64_t off = i * per_block;
		uint64_t n = len - off < per_block ? len - off : per_block;
		struct store_list *lb = (struct store_list *)w->buf;

		memset(w->buf, 0, sizeof(w->buf));
		lb->next = next;	/* same offset in store_manifest */
		memcpy(w->buf + sizeof(struct store_blkhdr) +
		    sizeof(struct store_bptr), bytes + off, n);
		next = store_seal(w->buf, &w->sc, kind, first + i, 0,
		    (uint32_t)(kind == STORE_BK_LIST ? n / 8 : n), off);
		put(w, first + i, w->buf);
	}
	return next;
}

static struct store_bptr
write_freemap(struct writer *w, uint64_t used)
{
	uint64_t B = w->sp->store_blocks;
	uint64_t nleaves = div_up(B, STORE_BITS_PER_LEAF);
	int levels = store_free_levels(B);
	struct store_bptr *bps = mki_alloc(nleaves * sizeof(*bps));
	struct store_bptr root;

	for (uint64_t l = 0; l < nleaves; l++) {
		struct store_freeleaf *fl = (struct store_freeleaf *)w->buf;
		uint64_t base = l * STORE_BITS_PER_LEAF;
		uint32_t cnt = 0;

		memset(w->buf, 0, sizeof(w->buf));
		for (uint64_t b = base; b < used &&
		    b < base + STORE_BITS_PER_LEAF; b++) {
			fl->bits[(b - base) / 8] |= (uint8_t)(1u << (b % 8));
			cnt++;
		}
		uint64_t blk = alloc_block(w);

		bps[l] = store_seal(w->buf, &w->sc, STORE_BK_FREELEAF, blk, 0,
		    cnt, base);
		put(w, blk, w->buf);
	}
	root = write_levels(w, bps, nleaves, levels, STORE_BK_FREENODE,
	    STORE_BITS_PER_LEAF);
	free(bps);
	return root;
}

int
store_write(struct objset *os, const struct store_params *sp,
    store_put_fn putfn, void *ctx, struct store_super *sb, char *err,
    size_t errlen)
{
	struct writer *w;
	const size_t counts[STORE_OT_MAX] = {
		[OT_PAGE] = os->npages, [OT_CAPPAGE] = os->ncpages,
		[OT_GPT] = os->ngpts, [OT_PROCESS] = os->nprocs,
		[OT_ENDPOINT] = os->neps,
	};
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
	w->next = STORE_FIRST_DATA;
	w->limit = need;
	w->err = err;
	w->errlen = errlen;
	memset(sb, 0, sizeof(*sb));

	write_pages(w, os->pages, os->npages);
	write_pages(w, os->cpages, os->ncpages);
	for (unsigned ot = 1; ot < OT_MAX; ot++) {
		sb->oid_limit[ot] = counts[ot];
		if (counts[ot] != 0)
			sb->map_root[ot] = write_map(w, os, ot, counts[ot]);
	}
	sb->runlist = write_chain(w, STORE_BK_LIST, (const uint8_t *)os->runlist,
	    (uint64_t)os->nrun * 8, STORE_LIST_ITEMS * 8);
	sb->manifest = write_chain(w, STORE_BK_MANIFEST, os->manifest,
	    os->manifest_len, STORE_MANIFEST_BYTES);
	sb->free_root = write_freemap(w, need);
	if (w->next != need) {
		fprintf(stderr, "mkimage: store plan mismatch (%llu != %llu)\n",
		    (unsigned long long)w->next, (unsigned long long)need);
		abort();
	}
	sb->store_blocks = sp->store_blocks;
	sb->time_ns = sp->time_ns;
	sb->used_blocks = need;
	sb->ring_size = STORE_SB_RING;
	sb->flags = sp->flags;
	sb->obj_count[OT_PAGE] = os->npages;
	sb->obj_count[OT_CAPPAGE] = os->ncpages;
	sb->obj_count[OT_GPT] = os->ngpts;
	sb->obj_count[OT_PROCESS] = os->nprocs;
	sb->obj_count[OT_ENDPOINT] = os->neps;
	store_seal(sb, &w->sc, STORE_BK_SUPER, sp->generation % STORE_SB_RING,
	    0, 0, 0);
	put(w, sp->generation % STORE_SB_RING, sb);
	rc = w->failed ? -1 : 0;
	free(w);
	return rc;
}
