/*
 * scrub.c - the idle-time scrub (store/scrub.h): read every block the
 * current generation references straight from the disk, past the block
 * cache, and check it against the pointer that led to it
 * (store_check_block(); a data block against its map entry's CRC), so
 * damage in blocks nobody touches is reported, as ZFS's scrub does.
 *
 * The walk is a depth-first stack of frames, one per tree level, each
 * holding its block (a frame of its own); a step reads at most one
 * block. Roots, in order: the OID map of each type, the free map, the
 * run list, the released lists and the manifest (the superblock was
 * checked at mount).
 *
 * Invariants: a pass reads the blocks of the generation it started on
 * (pass_gen). A block that generation references is released by a later
 * one at the earliest and reused four generations after that (docs/
 * store-format.md, "Free space"), so the pass stays valid while the
 * store is at pass_gen + 2 or below; past that it starts again.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>
#include <lib/storefmt.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <store/scrub.h>
#include <store/store_priv.h>
#include <x86_64/cpu.h>
#include <x86_64/timer.h>
#include <x86_64/vm.h>

#define SCRUB_DEPTH	12	/* map levels (<= 9) and a leaf, free map */
#define SCRUB_ROOTS	(OT_MAX - 1 + 1 + 1 + STORE_RELEASED_LISTS + 1)

struct frame {
	struct store_bptr bp;		/* the block of this level */
	uint64_t	key;		/* its place: first key, byte offset */
	unsigned	kind;		/* STORE_BK_* */
	unsigned	ot;		/* map tree: the object type */
	unsigned	next;		/* next child or entry to visit */
	bool		read;		/* blk holds it, checked */
	uint8_t		*blk;		/* a frame of its own */
};

static struct {
	bool		on;		/* pages allocated, a store mounted */
	bool		active;		/* a pass is under way */
	uint64_t	pass_gen;
	unsigned	root;		/* next root to start */
	unsigned	depth;		/* frames in use */
	struct frame	f[SCRUB_DEPTH];
	uint8_t		*data;		/* data blocks are read here */
	uint64_t	blocks, damaged;
	uint64_t	t0;		/* TSC at the pass's start */
	uint64_t	due_tick;	/* the next pass starts here */
} sc;

void
store_scrub_init(void)
{
	uint64_t pa;
	unsigned i;

	if (!store_mnt.mounted)
		return;
	for (i = 0; i <= SCRUB_DEPTH; i++) {
		if ((pa = pmm_alloc()) == 0) {
			kprintf("scrub: no memory, no scrub\n");
			return;
		}
		if (i < SCRUB_DEPTH)
			sc.f[i].blk = phys_to_virt(pa);
		else
			sc.data = phys_to_virt(pa);
	}
	sc.on = true;
	sc.due_tick = timer_ticks();
}

static void
start_pass(void)
{
	sc.active = true;
	sc.pass_gen = store_mnt.sb.hdr.generation;
	sc.root = 0;
	sc.depth = 0;
	sc.blocks = sc.damaged = 0;
	sc.t0 = cpu_rdtsc();
}

static void
damage(uint64_t block, const char *what, const char *why)
{
	kprintf("scrub: block %lu (%s): %s\n", block, what, why);
	sc.damaged++;
}

/*
 * Push a frame for bp, a pointer to a block of kind at level (a null
 * pointer pushes nothing; one that cannot be followed is reported).
 */
static void
push(const struct store_bptr *bp, unsigned kind, unsigned level,
    unsigned ot, uint64_t key)
{
	const char *why;
	struct frame *f;

	if (bp->block == 0)
		return;
	why = store_bptr_problem(bp, kind, level, sc.pass_gen,
	    store_mnt.dev.blocks);
	if (why != NULL || sc.depth == SCRUB_DEPTH) {
		damage(bp->block, store_kind_name(kind), why != NULL ? why :
		    "deeper than any tree");
		return;
	}
	f = &sc.f[sc.depth++];
	f->bp = *bp;
	f->kind = kind;
	f->ot = ot;
	f->key = key;
	f->next = 0;
	f->read = false;
}

/* Start root number r of the generation being scrubbed. */
static void
push_root(unsigned r)
{
	const struct store_super *sb = &store_mnt.sb;
	const struct store_bptr *bp;
	unsigned t = r + 1;

	/* The superblock's pointers passed store_check_super(). */
	if (t < OT_MAX) {
		bp = &sb->map_root[t];
		push(bp, bp->level ? STORE_BK_MAPNODE : STORE_BK_MAPLEAF,
		    bp->level, t, 0);
		return;
	}
	r -= OT_MAX - 1;
	if (r == 0) {
		bp = &sb->free_root;
		push(bp, bp->level ? STORE_BK_FREENODE : STORE_BK_FREELEAF,
		    bp->level, OT_NONE, 0);
	} else if (r == 1)
		push(&sb->runlist, STORE_BK_LIST, 0, OT_NONE, 0);
	else if (r < 2 + STORE_RELEASED_LISTS)
		push(&sb->released[r - 2], STORE_BK_LIST, 0, OT_NONE, 0);
	else
		push(&sb->manifest, STORE_BK_MANIFEST, 0, OT_NONE, 0);
}

/* Read and check the top frame's block. False if it cannot be used. */
static bool
read_top(struct frame *f)
{
	const char *why;
	int err;

	sc.blocks++;
	err = store_mnt.dev.read(store_mnt.dev.ctx, f->bp.block, f->blk);
	if (err != 0) {
		damage(f->bp.block, store_kind_name(f->kind), "read failed");
		return false;
	}
	why = store_check_block(f->blk, &f->bp, store_mnt.sb.hdr.store_id,
	    f->key);
	if (why == NULL && f->kind == STORE_BK_FREELEAF)
		why = store_check_freeleaf(f->blk, store_mnt.dev.blocks);
	if (why != NULL) {
		damage(f->bp.block, store_kind_name(f->kind), why);
		return false;
	}
	f->read = true;
	return true;
}

/* Check the next data block of a page or cap page leaf; false: none. */
static bool
next_data(struct frame *f)
{
	const struct store_ref *refs = (const void *)(f->blk +
	    sizeof(struct store_blkhdr));
	const struct store_ref *r;

	for (; f->next < STORE_REFS_PER_LEAF; f->next++) {
		r = &refs[f->next];
		if (!(r->flags & STORE_REF_USED) || r->block == 0)
			continue;
		f->next++;
		sc.blocks++;
		/* store_read_data() names a bad block itself. */
		if (store_read_data(OID_MAKE(f->ot, f->key + f->next - 1), r,
		    sc.data) != 0)
			sc.damaged++;
		return true;
	}
	return false;
}

/* Go one step down from the top frame, already read; false: done. */
static bool
descend(struct frame *f)
{
	const struct store_node *n = (const void *)f->blk;
	const struct store_list *l = (const void *)f->blk;
	uint64_t span;
	unsigned level = f->bp.level;

	switch (f->kind) {
	case STORE_BK_MAPNODE:
	case STORE_BK_FREENODE:
		span = store_span(f->kind == STORE_BK_MAPNODE ?
		    store_leaf_slots(f->ot) : STORE_BITS_PER_LEAF, level);
		for (; f->next < STORE_FANOUT; f->next++)
			if (n->child[f->next].block != 0)
				break;
		if (f->next == STORE_FANOUT)
			return false;
		f->next++;
		push(&n->child[f->next - 1], level > 1 ? f->kind :
		    (f->kind == STORE_BK_MAPNODE ? STORE_BK_MAPLEAF :
		    STORE_BK_FREELEAF), level - 1, f->ot,
		    f->key + (f->next - 1) * span);
		return true;
	case STORE_BK_MAPLEAF:
		return (f->ot == OT_PAGE || f->ot == OT_CAPPAGE) &&
		    next_data(f);
	case STORE_BK_LIST:
	case STORE_BK_MANIFEST:
		/* A chain: the next block takes this frame's place. */
		if (l->next.block == 0)
			return false;
		sc.depth--;
		push(&l->next, f->kind, 0, OT_NONE, f->key +
		    (f->kind == STORE_BK_LIST ? (uint64_t)l->hdr.count * 8 :
		    l->hdr.count));
		return true;
	default:
		return false;
	}
}

bool
store_scrub_step(void)
{
	struct frame *f;

	if (!sc.on || !store_mnt.mounted)
		return false;
	if (!sc.active) {
		if (timer_ticks() < sc.due_tick)
			return false;
		start_pass();
	}
	if (store_mnt.sb.hdr.generation > sc.pass_gen + 2)
		start_pass();		/* its blocks may be reused soon */
	for (;;) {
		if (sc.depth == 0) {
			if (sc.root == SCRUB_ROOTS)
				break;
			push_root(sc.root++);
			continue;
		}
		f = &sc.f[sc.depth - 1];
		if (!f->read) {
			if (!read_top(f))
				sc.depth--;
			return true;		/* one read per step */
		}
		if (descend(f)) {
			if (f->kind == STORE_BK_MAPLEAF)
				return true;	/* it read a data block */
			continue;
		}
		sc.depth--;
	}
	kprintf("scrub: generation %lu: %lu blocks read, %lu damaged, in "
	    "%lu ms\n", sc.pass_gen, sc.blocks, sc.damaged,
	    (cpu_rdtsc() - sc.t0) / (timer_tsc_hz() / 1000));
	sc.active = false;
	sc.due_tick = timer_ticks() + (uint64_t)SCRUB_PERIOD_S * TIMER_HZ;
	return true;
}
