/*
 * store_free.c - the store writer's free map, block allocator and
 * released lists (docs/store-format.md "Free space").
 *
 * The current generation's free map is loaded whole (a frame per leaf,
 * each verified) the first time a generation is begun after a mount,
 * and checked: every leaf present, no bit beyond the store, counts
 * right (lib/storefmt's rules, as mkimage verify's), the superblock
 * slots and the map's own blocks marked, the total equal to the
 * superblock's used_blocks. The next generation's map
 * is the current one with changed leaves copied first (next[i]).
 *
 * Invariants:
 * - cur[] is the current generation's map as committed; next[i], where
 *   set, is leaf i of the next one; the others are unchanged;
 * - a block is allocated only if cur and next both mark it free: never
 *   a block of any generation in the superblock ring, not even of the
 *   oldest, whose slot the commit will take (so a failed commit leaves
 *   all four intact); blocks the next generation clears become
 *   allocatable in the generation after it;
 * - a block is released (put on the next generation's released list)
 *   only if cur marks it, and its bit stays set until the generation
 *   three after clears it (sf_clear_released);
 * - next_used is the number of bits set in the next map;
 * - a held block (held[], sf_hold) is free in cur and belongs to no
 *   generation: it carries a dirty page that left memory before its
 *   checkpoint (pageout.c). It is never allocated, and the generation
 *   that adopts it (sf_adopt) marks it in next; its hold ends when that
 *   generation commits (sf_commit clears the held bit of every block the
 *   committed map marks) or when its owner lets it go (sf_unhold). A
 *   crash forgets every hold: the blocks are free in the committed map.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <kmem.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <store/store_write_priv.h>
#include <x86_64/vm.h>

#define FM_MAX_LEAVES	(PAGE_SIZE / sizeof(uint8_t *))

/* A block of the released list being built (oldest first). */
struct rel_blk {
	struct rel_blk	*prev, *next;
	struct store_list *l;		/* its frame; hdr.count items so far */
	uint64_t	block;		/* 0 until settled */
	uint64_t	seq;		/* position in the list */
};

static struct {
	bool		loaded;
	uint64_t	gen;		/* the generation cur[] is of */
	uint64_t	blocks;
	uint64_t	nleaves;
	unsigned	levels;
	uint8_t		**cur;		/* a frame of leaf frames, as read */
	uint8_t		**next;		/* a frame: changed copies, or NULL */
	uint64_t	used, next_used;
	uint64_t	cursor;		/* where the next search starts */
	struct rel_blk	*rel_head, *rel_tail;
	uint64_t	**held;		/* a frame: per leaf, a bitmap frame
					   of held blocks, or NULL */
	uint64_t	nheld;		/* bits set in held[] */
	uint64_t	hold_cursor;	/* where sf_hold() searches next */
} fm;

static uint64_t *
words(uint8_t *leaf)
{
	return (uint64_t *)(leaf + sizeof(struct store_blkhdr));
}

static bool
test_bit(uint8_t *leaf, uint64_t b)
{
	uint64_t o = b % STORE_BITS_PER_LEAF;

	return leaf != NULL && ((words(leaf)[o / 64] >> (o % 64)) & 1);
}

/* A leaf's hdr.count: its bits, counted when it was checked or sealed. */
static uint64_t
hdr_count(uint8_t *leaf)
{
	return ((const struct store_blkhdr *)leaf)->count;
}

static int
corrupt(void)
{
	store_st.corrupt++;
	return ERR_CORRUPT;
}

bool
sf_marked(uint64_t b)
{
	return b < fm.blocks && test_bit(fm.cur[b / STORE_BITS_PER_LEAF], b);
}

bool
sf_taken(uint64_t b)
{
	return b < fm.blocks && !sf_marked(b) &&
	    test_bit(fm.next[b / STORE_BITS_PER_LEAF], b);
}

/* True if block b is held (sf_hold). */
static bool
held(uint64_t b)
{
	uint64_t *h = fm.held[b / STORE_BITS_PER_LEAF];
	uint64_t o = b % STORE_BITS_PER_LEAF;

	return h != NULL && ((h[o / 64] >> (o % 64)) & 1);
}

/* The next generation's copy of leaf i, made on first use; NULL: no memory. */
static uint8_t *
draft_leaf(uint64_t i)
{
	uint64_t pa;

	if (fm.next[i] == NULL && (pa = pmm_alloc()) != 0) {
		fm.next[i] = phys_to_virt(pa);
		memcpy(fm.next[i], fm.cur[i], STORE_BLOCK_SIZE);
	}
	return fm.next[i];
}

/* Flip bit b (known to be value) of the next map; ERR_NO_SPACE: memory. */
static int
set_next(uint64_t b, bool value)
{
	uint8_t *leaf = draft_leaf(b / STORE_BITS_PER_LEAF);
	uint64_t o = b % STORE_BITS_PER_LEAF;

	if (leaf == NULL)
		return ERR_NO_SPACE;
	words(leaf)[o / 64] ^= 1ull << (o % 64);
	if (value)
		fm.next_used++;
	else
		fm.next_used--;
	return 0;
}

/* Check and keep leaf i of the current map, read through bp. */
static int
load_leaf(uint64_t i, const struct store_bptr *bp)
{
	const struct store_freeleaf *fl;
	const char *why;
	uint64_t pa;
	int err;

	err = store_meta(bp, STORE_BK_FREELEAF, 0, i * STORE_BITS_PER_LEAF,
	    OT_NONE, "free map", (const void **)&fl);
	if (err != 0)
		return err;
	if ((why = store_check_freeleaf(fl, fm.blocks)) != NULL) {
		kprintf("store: block %lu (free map leaf): %s\n", bp->block,
		    why);
		return corrupt();
	}
	if ((pa = pmm_alloc()) == 0)
		return ERR_NO_SPACE;
	fm.cur[i] = phys_to_virt(pa);
	memcpy(fm.cur[i], fl, STORE_BLOCK_SIZE);
	fm.used += fl->hdr.count;
	return 0;
}

/* Check the node at (level, key), and that its children are marked. */
static int
check_node(unsigned level, uint64_t key)
{
	const struct store_node *n;
	struct store_bptr bp;
	const char *why;
	int err;

	if ((err = cow_locate(COW_FREE, level, key, &bp)) != 0)
		return err;
	err = store_meta(&bp, STORE_BK_FREENODE, level, key, OT_NONE,
	    "free map", (const void **)&n);
	if (err != 0)
		return err;
	why = store_check_freenode(n, fm.blocks);
	for (unsigned c = 0; why == NULL && c < STORE_FANOUT; c++)
		if (n->child[c].block != 0 && !sf_marked(n->child[c].block))
			why = "a child the free map marks free";
	if (why == NULL)
		return 0;
	kprintf("store: block %lu (free map node, level %u): %s\n", bp.block,
	    level, why);
	return corrupt();
}

/* Read and check the whole current map. */
static int
load(void)
{
	const struct store_super *sb = &store_mnt.sb;
	int err;

	for (uint64_t i = 0; i < fm.nleaves; i++) {
		struct store_bptr bp;

		err = cow_locate(COW_FREE, 0, i * STORE_BITS_PER_LEAF, &bp);
		if (err != 0)
			return err;
		if (bp.block == 0) {
			kprintf("store: the free map has no leaf for blocks "
			    "from %lu\n", i * STORE_BITS_PER_LEAF);
			return corrupt();
		}
		if ((err = load_leaf(i, &bp)) != 0)
			return err;
	}
	for (unsigned l = 1; l <= fm.levels; l++)
		for (uint64_t k = 0; k < fm.blocks; k += cow_cover(COW_FREE, l))
			if ((err = check_node(l, k)) != 0)
				return err;
	for (uint64_t b = 0; b < STORE_FIRST_DATA; b++)
		if (!sf_marked(b)) {
			kprintf("store: the free map marks superblock slot %lu "
			    "free\n", b);
			return corrupt();
		}
	if (!sf_marked(sb->free_root.block) || fm.used != sb->used_blocks) {
		kprintf("store: the free map marks %lu blocks (its root %s), "
		    "the superblock counts %lu\n", fm.used,
		    sf_marked(sb->free_root.block) ? "marked" : "not marked",
		    sb->used_blocks);
		return corrupt();
	}
	return 0;
}

int
sf_load(void)
{
	uint64_t pa1, pa2, pa3;
	int levels, err;

	if (fm.loaded && fm.gen == store_mnt.sb.hdr.generation)
		return 0;
	sf_forget();
	fm.blocks = store_mnt.dev.blocks;
	fm.nleaves = (fm.blocks + STORE_BITS_PER_LEAF - 1) / STORE_BITS_PER_LEAF;
	levels = store_free_levels(fm.blocks);
	if (levels < 0 || fm.nleaves > FM_MAX_LEAVES) {
		kprintf("store: a free map of %lu leaves is beyond the "
		    "writer's %lu\n", fm.nleaves, FM_MAX_LEAVES);
		return ERR_TOO_BIG;
	}
	fm.levels = (unsigned)levels;
	if (store_mnt.sb.free_root.level != fm.levels) {
		kprintf("store: free map root at level %u, the store needs "
		    "%u\n", store_mnt.sb.free_root.level, fm.levels);
		return corrupt();
	}
	pa1 = pmm_alloc();
	pa2 = pmm_alloc();
	pa3 = pmm_alloc();
	if (pa1 == 0 || pa2 == 0 || pa3 == 0) {
		if (pa1 != 0)
			pmm_free(pa1);
		if (pa2 != 0)
			pmm_free(pa2);
		if (pa3 != 0)
			pmm_free(pa3);
		return ERR_NO_SPACE;
	}
	fm.cur = phys_to_virt(pa1);
	fm.next = phys_to_virt(pa2);
	fm.held = phys_to_virt(pa3);
	memset(fm.cur, 0, PAGE_SIZE);
	memset(fm.next, 0, PAGE_SIZE);
	memset(fm.held, 0, PAGE_SIZE);
	fm.used = 0;
	if ((err = load()) != 0) {
		sf_forget();
		return err;
	}
	fm.loaded = true;
	fm.gen = store_mnt.sb.hdr.generation;
	fm.next_used = fm.used;
	fm.cursor = fm.hold_cursor = STORE_FIRST_DATA;
	return 0;
}

void
sf_forget(void)
{
	if (fm.cur == NULL)
		return;
	sf_abort();
	if (fm.nheld != 0)
		panic("store: forgetting the free map with %lu blocks held",
		    fm.nheld);
	for (uint64_t i = 0; i < fm.nleaves; i++) {
		if (fm.cur[i] != NULL)
			pmm_free(virt_to_phys(fm.cur[i]));
		if (fm.held[i] != NULL)
			pmm_free(virt_to_phys(fm.held[i]));
	}
	pmm_free(virt_to_phys(fm.cur));
	pmm_free(virt_to_phys(fm.next));
	pmm_free(virt_to_phys(fm.held));
	fm.cur = fm.next = NULL;
	fm.held = NULL;
	fm.loaded = false;
}

/* First block in [from, to) free in both maps and not held, or
   UINT64_MAX. */
static uint64_t
scan(uint64_t from, uint64_t to)
{
	for (uint64_t b = from; b < to;) {
		uint64_t i = b / STORE_BITS_PER_LEAF, o = b % STORE_BITS_PER_LEAF;
		uint64_t w = words(fm.cur[i])[o / 64];

		if (fm.next[i] != NULL)
			w |= words(fm.next[i])[o / 64];
		if (fm.held[i] != NULL)
			w |= fm.held[i][o / 64];
		w = ~w & (~0ull << (o % 64));
		if (w != 0) {
			uint64_t c = b - o % 64 + (uint64_t)__builtin_ctzll(w);

			return c < to ? c : UINT64_MAX;
		}
		b += 64 - o % 64;
	}
	return UINT64_MAX;
}

int
sf_alloc(uint64_t *out)
{
	uint64_t b = scan(fm.cursor, fm.blocks);
	int err;

	if (b == UINT64_MAX)
		b = scan(STORE_FIRST_DATA, fm.cursor);
	if (b == UINT64_MAX) {
		kprintf("store: full: no free block for generation %lu (%lu "
		    "blocks, %lu in use, %lu held by pages out of memory)\n",
		    store_gen_ctx.generation, fm.blocks, fm.next_used,
		    fm.nheld);
		return ERR_NO_SPACE;
	}
	if ((err = set_next(b, true)) != 0)
		return err;
	fm.cursor = b + 1;
	*out = b;
	return 0;
}

void
sf_unalloc(uint64_t b)
{
	assert(sf_taken(b));
	/* The leaf was copied when b was taken: this cannot fail. */
	(void)set_next(b, false);
}

int
sf_release(uint64_t b, const char *what)
{
	struct rel_blk *r = fm.rel_tail;

	if (b < STORE_FIRST_DATA || !sf_marked(b)) {
		kprintf("store: block %lu (%s) is in use but the free map "
		    "marks it free\n", b, what);
		return corrupt();
	}
	if (r == NULL || r->l->hdr.count == STORE_LIST_ITEMS) {
		uint64_t pa = pmm_alloc();

		if (pa == 0 || (r = kmem_alloc(sizeof(*r))) == NULL) {
			if (pa != 0)
				pmm_free(pa);
			return ERR_NO_SPACE;
		}
		r->l = phys_to_virt(pa);
		memset(r->l, 0, STORE_BLOCK_SIZE);
		r->prev = fm.rel_tail;
		r->seq = fm.rel_tail != NULL ? fm.rel_tail->seq + 1 : 0;
		if (fm.rel_tail != NULL)
			fm.rel_tail->next = r;
		else
			fm.rel_head = r;
		fm.rel_tail = r;
	}
	r->l->item[r->l->hdr.count++] = b;
	store_gen_st.released++;
	return 0;
}

int
sf_clear_released(void)
{
	struct store_bptr bp = store_mnt.sb.released[2];
	uint64_t off = 0, hops = 0;
	int err;

	while (bp.block != 0) {
		const struct store_list *l;

		if (++hops > fm.blocks) {
			kprintf("store: a released list is longer than the "
			    "store\n");
			return corrupt();
		}
		err = store_meta(&bp, STORE_BK_LIST, 0, off, OT_NONE,
		    "released list", (const void **)&l);
		if (err != 0)
			return err;
		for (uint32_t i = 0; i < l->hdr.count; i++) {
			uint64_t b = l->item[i];

			if (b < STORE_FIRST_DATA || !sf_marked(b) ||
			    !test_bit(fm.next[b / STORE_BITS_PER_LEAF] ?
			    fm.next[b / STORE_BITS_PER_LEAF] :
			    fm.cur[b / STORE_BITS_PER_LEAF], b)) {
				kprintf("store: block %lu (released list): "
				    "item %u, block %lu, is not a used block "
				    "(or listed twice)\n", bp.block, i, b);
				return corrupt();
			}
			if ((err = set_next(b, false)) != 0)
				return err;
			store_gen_st.cleared++;
		}
		if ((err = sf_release(bp.block, "released list")) != 0)
			return err;
		off += (uint64_t)l->hdr.count * 8;
		bp = l->next;
	}
	return 0;
}

int
sf_settle(void)
{
	bool changed;
	int err;

	do {
		changed = false;
		for (uint64_t i = 0; i < fm.nleaves; i++) {
			uint64_t key = i * STORE_BITS_PER_LEAF;
			struct cow_blk *d;

			if (fm.next[i] == NULL || cow_find(COW_FREE, 0, key))
				continue;
			if ((err = cow_adopt(key, fm.next[i], &d)) != 0)
				return err;
			changed = true;
		}
		if ((err = cow_parents(COW_FREE, fm.levels)) != 0)
			return err;
		for (unsigned l = 0; l <= fm.levels; l++)
			for (struct cow_blk *d = cow_first(COW_FREE, l); d;
			    d = d->lnext) {
				if (d->block != 0)
					continue;
				if ((err = sf_alloc(&d->block)) != 0)
					return err;
				changed = true;
			}
		for (struct rel_blk *r = fm.rel_head; r; r = r->next) {
			if (r->block != 0)
				continue;
			if ((err = sf_alloc(&r->block)) != 0)
				return err;
			changed = true;
		}
	} while (changed);
	return 0;
}

int
sf_write(struct store_super *sb)
{
	struct store_bptr next = { 0 };
	uint64_t used;
	int err;

	for (struct rel_blk *r = fm.rel_tail; r; r = r->prev) {
		r->l->next = next;
		next = store_seal(r->l, &store_gen_ctx, STORE_BK_LIST, r->block,
		    0, r->l->hdr.count, r->seq * STORE_LIST_ITEMS * 8);
		err = store_gen_write(r->block, r->l,
		    &store_gen_st.list_writes);
		if (err != 0)
			return err;
	}
	sb->released[0] = next;
	if (cow_first(COW_FREE, fm.levels) != NULL && (err =
	    cow_write_tree(COW_FREE, fm.levels, &sb->free_root)) != 0)
		return err;
	/* Sealing counted each changed leaf's bits: next_used must agree. */
	used = fm.used;
	for (uint64_t i = 0; i < fm.nleaves; i++)
		if (fm.next[i] != NULL)
			used += hdr_count(fm.next[i]) - hdr_count(fm.cur[i]);
	if (used != fm.next_used)
		panic("store: the next free map marks %lu blocks, counted %lu",
		    used, fm.next_used);
	sb->used_blocks = used;
	return 0;
}

/*
 * Leaf i's held blocks that the next map marks were adopted: unhold them
 * (the map commits them, or drops them on an abort: their owners hold
 * again what they still need, sf_rehold).
 */
static void
release_adopted(uint64_t i)
{
	uint64_t *h = fm.held[i], *w = words(fm.next[i]);

	for (unsigned j = 0; j < STORE_BITS_PER_LEAF / 64; j++)
		for (uint64_t m = h[j] & w[j]; m != 0; m &= m - 1) {
			h[j] &= ~(m & -m);
			fm.nheld--;
		}
}

static void
drop_released(void)
{
	while (fm.rel_head != NULL) {
		struct rel_blk *r = fm.rel_head;

		fm.rel_head = r->next;
		pmm_free(virt_to_phys(r->l));
		kmem_free(r);
	}
	fm.rel_tail = NULL;
}

void
sf_commit(void)
{
	for (uint64_t i = 0; i < fm.nleaves; i++)
		if (fm.next[i] != NULL) {
			if (fm.held[i] != NULL)
				release_adopted(i);
			pmm_free(virt_to_phys(fm.cur[i]));
			fm.cur[i] = fm.next[i];
			fm.next[i] = NULL;
		}
	fm.used = fm.next_used;
	fm.gen = store_gen_ctx.generation;
	drop_released();
}

void
sf_abort(void)
{
	for (uint64_t i = 0; fm.next != NULL && i < fm.nleaves; i++)
		if (fm.next[i] != NULL) {
			if (fm.held[i] != NULL)
				release_adopted(i);
			pmm_free(virt_to_phys(fm.next[i]));
			fm.next[i] = NULL;
		}
	fm.next_used = fm.used;
	drop_released();
}

int
sf_hold(uint64_t *out)
{
	uint64_t b, i, pa;
	int err;

	if ((err = sf_load()) != 0)
		return err;
	b = scan(fm.hold_cursor, fm.blocks);
	if (b == UINT64_MAX)
		b = scan(STORE_FIRST_DATA, fm.hold_cursor);
	if (b == UINT64_MAX)
		return ERR_NO_SPACE;
	i = b / STORE_BITS_PER_LEAF;
	if (fm.held[i] == NULL) {
		if ((pa = pmm_alloc()) == 0)
			return ERR_NO_SPACE;
		fm.held[i] = phys_to_virt(pa);
		memset(fm.held[i], 0, PAGE_SIZE);
	}
	fm.held[i][b % STORE_BITS_PER_LEAF / 64] |=
	    1ull << (b % STORE_BITS_PER_LEAF % 64);
	fm.nheld++;
	fm.hold_cursor = b + 1;
	*out = b;
	return 0;
}

void
sf_unhold(uint64_t b)
{
	assert(fm.loaded && b < fm.blocks && held(b));
	fm.held[b / STORE_BITS_PER_LEAF][b % STORE_BITS_PER_LEAF / 64] &=
	    ~(1ull << (b % STORE_BITS_PER_LEAF % 64));
	fm.nheld--;
}

void
sf_rehold(uint64_t b)
{
	assert(fm.loaded && b < fm.blocks && !held(b) && !sf_marked(b) &&
	    fm.held[b / STORE_BITS_PER_LEAF] != NULL);
	fm.held[b / STORE_BITS_PER_LEAF][b % STORE_BITS_PER_LEAF / 64] |=
	    1ull << (b % STORE_BITS_PER_LEAF % 64);
	fm.nheld++;
}

int
sf_adopt(uint64_t b)
{
	if (b >= fm.blocks || !held(b) || sf_marked(b) ||
	    test_bit(fm.next[b / STORE_BITS_PER_LEAF], b))
		panic("store: adopting block %lu, which is not a held free "
		    "block", b);
	return set_next(b, true);
}

uint64_t
sf_held_blocks(void)
{
	return fm.nheld;
}
