/*
 * st_ckpt_check.c - checks every kept generation of a test device's
 * store by mkimage verify's accounting rules (mkimage/decode_gen.c,
 * cmd_verify.c), so that the writer's self-tests can demand, after every
 * commit and every failed one, what verify demands of a disk: each
 * block checked against its pointer (lib/storefmt.c), none reached
 * twice, every reached block marked, the used count right, released
 * blocks marked and unreached, object counts right, and no block of
 * the newest free map kept by nothing (leaked).
 *
 * Bitmaps are arrays of frames, kept between calls; the first problem
 * found stops the check.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <lib/crc32c.h>
#include <lib/fmt.h>
#include <lib/storefmt.h>
#include <lib/string.h>
#include <pmm.h>
#include <selftest/st_ckpt.h>
#include <x86_64/vm.h>

#define BM_FRAMES	(WDEV_MAX_BLOCKS / 8 / PAGE_SIZE)
#define BM_BITS		(PAGE_SIZE * 8)

struct bm {
	uint8_t		*f[BM_FRAMES];
};

enum { BM_REACH, BM_FREE, BM_REL, BM_KINDS };

static struct bm	bms[STORE_SB_RING][BM_KINDS];
static bool		valid[STORE_SB_RING];

/* The generation being checked. */
static struct {
	struct wdev	*w;
	const struct store_super *sb;
	unsigned	slot;
	char		*why;
	unsigned	len;
	bool		bad;
	uint64_t	used[STORE_OT_MAX];
} c;

static bool
bm_get(struct bm *m, uint64_t b)
{
	return (m->f[b / BM_BITS][b % BM_BITS / 8] >> (b % 8)) & 1;
}

static void
bm_set(struct bm *m, uint64_t b)
{
	m->f[b / BM_BITS][b % BM_BITS / 8] |= (uint8_t)(1u << (b % 8));
}

/* Zero m over `blocks` bits, taking frames as needed. */
static bool
bm_clear(struct bm *m, uint64_t blocks)
{
	for (uint64_t i = 0; i * BM_BITS < blocks; i++) {
		if (m->f[i] == NULL) {
			uint64_t pa = pmm_alloc();

			if (pa == 0)
				return false;
			m->f[i] = phys_to_virt(pa);
		}
		memset(m->f[i], 0, PAGE_SIZE);
	}
	return true;
}

static void __attribute__((format(printf, 1, 2)))
problem(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c.bad)
		return;
	c.bad = true;
	n = fmt_snprintf(c.why, c.len, "generation %lu: ",
	    c.sb->hdr.generation);
	va_start(ap, fmt);
	fmt_vsnprintf(c.why + n, c.len - (unsigned)n, fmt, ap);
	va_end(ap);
}

static bool
claim(uint64_t b, const char *what)
{
	if (b < STORE_FIRST_DATA || b >= c.w->blocks) {
		problem("%s: block %lu outside the store", what, b);
		return false;
	}
	if (bm_get(&bms[c.slot][BM_REACH], b)) {
		problem("block %lu reached twice (again as %s)", b, what);
		return false;
	}
	bm_set(&bms[c.slot][BM_REACH], b);
	return true;
}

static const uint8_t *
meta(const struct store_bptr *bp, unsigned kind, unsigned level,
    uint64_t key, const char *what)
{
	const char *why = store_bptr_problem(bp, kind, level,
	    c.sb->hdr.generation, c.w->blocks);
	const uint8_t *blk;

	if (why != NULL) {
		problem("%s: pointer to block %lu: %s", what, bp->block, why);
		return NULL;
	}
	if (!claim(bp->block, what))
		return NULL;
	blk = wdev_block(c.w, bp->block);
	if (blk == NULL) {
		problem("%s: block %lu was never written", what, bp->block);
		return NULL;
	}
	why = store_check_block(blk, bp, c.sb->hdr.store_id, key);
	if (why != NULL) {
		problem("%s: block %lu: %s", what, bp->block, why);
		return NULL;
	}
	return blk;
}

static void
walk_leaf(unsigned ot, const uint8_t *blk, uint64_t key)
{
	uint32_t esz = store_entry_size(ot), n = 0;

	for (uint32_t i = 0; i < store_leaf_slots(ot); i++) {
		const uint8_t *e = blk + sizeof(struct store_blkhdr) + i * esz;
		struct store_ref r;

		if (!store_entry_used(ot, e))
			continue;
		n++;
		if (key + i >= c.sb->oid_limit[ot])
			problem("%s entry %lu beyond the OID limit",
			    store_ot_name(ot), key + i);
		if (ot != OT_PAGE && ot != OT_CAPPAGE)
			continue;
		memcpy(&r, e, sizeof(r));
		if (r.block != 0 && claim(r.block, "page data") &&
		    (wdev_block(c.w, r.block) == NULL ||
		    crc32c(wdev_block(c.w, r.block), PAGE_SIZE) != r.crc))
			problem("data of %s %lu: checksum mismatch",
			    store_ot_name(ot), key + i);
	}
	if (n != ((const struct store_blkhdr *)blk)->count)
		problem("%s leaf at %lu: count %u, holds %u", store_ot_name(ot),
		    key, ((const struct store_blkhdr *)blk)->count, n);
	c.used[ot] += n;
}

static void
walk_map(unsigned ot, const struct store_bptr *bp, unsigned level,
    uint64_t key)
{
	const uint8_t *blk = meta(bp, level ? STORE_BK_MAPNODE :
	    STORE_BK_MAPLEAF, level, key, "map");
	const struct store_node *n = (const void *)blk;
	uint64_t span = store_span(store_leaf_slots(ot), level);

	if (blk == NULL)
		return;
	if (level == 0) {
		walk_leaf(ot, blk, key);
		return;
	}
	for (unsigned i = 0; i < STORE_FANOUT && !c.bad; i++)
		if (n->child[i].block != 0)
			walk_map(ot, &n->child[i], level - 1, key + i * span);
}

static void
walk_free(const struct store_bptr *bp, unsigned level, uint64_t key)
{
	const uint8_t *blk = meta(bp, level ? STORE_BK_FREENODE :
	    STORE_BK_FREELEAF, level, key, "free map");
	const struct store_node *n = (const void *)blk;
	uint64_t span = store_span(STORE_BITS_PER_LEAF, level);

	if (blk == NULL)
		return;
	if (level > 0) {
		for (unsigned i = 0; i < STORE_FANOUT && !c.bad; i++)
			if (key + i * span < c.w->blocks)
				walk_free(&n->child[i], level - 1,
				    key + i * span);
		return;
	}
	const struct store_freeleaf *fl = (const void *)blk;

	if (store_bits_set(fl->bits, sizeof(fl->bits)) != fl->hdr.count)
		problem("free map leaf at %lu: count is wrong", key);
	for (uint64_t i = 0; i < STORE_BITS_PER_LEAF; i++)
		if ((fl->bits[i / 8] >> (i % 8)) & 1) {
			if (key + i >= c.w->blocks)
				problem("free map marks block %lu beyond the "
				    "store", key + i);
			else
				bm_set(&bms[c.slot][BM_FREE], key + i);
		}
}

/* A LIST or MANIFEST chain; list items go to the bitmap rel if set. */
static void
walk_chain(const struct store_bptr *first, unsigned kind, struct bm *rel)
{
	struct store_bptr bp = *first;
	uint64_t off = 0;

	while (bp.block != 0 && !c.bad) {
		const struct store_list *l = (const void *)meta(&bp, kind, 0,
		    off, "list");

		if (l == NULL)
			return;
		for (uint32_t i = 0; rel != NULL && i < l->hdr.count; i++) {
			if (l->item[i] >= c.w->blocks)
				problem("released block %lu outside the store",
				    l->item[i]);
			else
				bm_set(rel, l->item[i]);
		}
		off += kind == STORE_BK_LIST ? (uint64_t)l->hdr.count * 8 :
		    l->hdr.count;
		bp = l->next;
	}
}

static void
check_gen(void)
{
	const struct store_super *sb = c.sb;
	struct bm *m = bms[c.slot];
	uint64_t marked = 0;

	memset(c.used, 0, sizeof(c.used));
	for (uint64_t b = 0; b < STORE_FIRST_DATA; b++)
		bm_set(&m[BM_REACH], b);
	for (unsigned ot = 1; ot < OT_MAX && !c.bad; ot++) {
		if (sb->map_root[ot].block != 0)
			walk_map(ot, &sb->map_root[ot], sb->map_root[ot].level,
			    0);
		if (!c.bad && c.used[ot] != sb->obj_count[ot])
			problem("counts %lu %s objects, holds %lu",
			    sb->obj_count[ot], store_ot_name(ot), c.used[ot]);
	}
	walk_chain(&sb->runlist, STORE_BK_LIST, NULL);
	walk_chain(&sb->manifest, STORE_BK_MANIFEST, NULL);
	for (unsigned i = 0; i < STORE_RELEASED_LISTS; i++)
		walk_chain(&sb->released[i], STORE_BK_LIST, &m[BM_REL]);
	if (!c.bad)
		walk_free(&sb->free_root, sb->free_root.level, 0);
	for (uint64_t b = 0; b < c.w->blocks && !c.bad; b++) {
		bool f = bm_get(&m[BM_FREE], b);

		marked += f;
		if (bm_get(&m[BM_REACH], b) && !f)
			problem("block %lu is in use, marked free", b);
		else if (bm_get(&m[BM_REL], b) && (!f ||
		    bm_get(&m[BM_REACH], b)))
			problem("released block %lu is %s", b, f ? "in use" :
			    "marked free");
	}
	if (!c.bad && marked != sb->used_blocks)
		problem("counts %lu used blocks, marks %lu", sb->used_blocks,
		    marked);
}

int
ck_store(struct wdev *w, char *why, unsigned len)
{
	int newest = -1, n = 0;

	c.w = w;
	c.why = why;
	c.len = len;
	c.bad = false;
	why[0] = 0;
	for (unsigned s = 0; s < STORE_SB_RING; s++) {
		const uint8_t *blk = wdev_block(w, s);

		valid[s] = blk != NULL && store_check_super(blk, s,
		    w->blocks) == NULL;
		if (valid[s] && (newest < 0 || ((const struct store_super *)
		    blk)->hdr.generation > ((const struct store_super *)
		    wdev_block(w, (unsigned)newest))->hdr.generation))
			newest = (int)s;
		for (unsigned k = 0; k < BM_KINDS; k++)
			if (!bm_clear(&bms[s][k], w->blocks)) {
				fmt_snprintf(why, len, "no memory to check");
				return -1;
			}
	}
	for (unsigned s = 0; s < STORE_SB_RING && !c.bad; s++) {
		if (!valid[s])
			continue;
		c.sb = (const void *)wdev_block(w, s);
		c.slot = s;
		check_gen();
		n++;
	}
	if (c.bad)
		return -1;
	if (newest < 0) {
		fmt_snprintf(why, len, "no valid generation");
		return -1;
	}
	c.sb = (const void *)wdev_block(w, (unsigned)newest);
	for (uint64_t b = STORE_FIRST_DATA; b < w->blocks && !c.bad; b++) {
		bool kept = bm_get(&bms[newest][BM_REL], b);

		for (unsigned s = 0; s < STORE_SB_RING && !kept; s++)
			kept = valid[s] && bm_get(&bms[s][BM_REACH], b);
		if (bm_get(&bms[newest][BM_FREE], b) && !kept)
			problem("block %lu is marked but kept by no "
			    "generation (leaked)", b);
	}
	return c.bad ? -1 : n;
}

bool
ck_reached(unsigned slot, uint64_t b)
{
	return valid[slot] && bm_get(&bms[slot][BM_REACH], b);
}

bool
ck_released(unsigned slot, uint64_t b)
{
	return valid[slot] && bm_get(&bms[slot][BM_REL], b);
}

bool
ck_marked(unsigned slot, uint64_t b)
{
	return valid[slot] && bm_get(&bms[slot][BM_FREE], b);
}
