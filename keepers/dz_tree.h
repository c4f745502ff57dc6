/*
 * dz_tree.h - the demand-zero keeper's model of the address space it
 * keeps: a shadow of every GPT it built below the kept GPT, so that it
 * can place a page at any address without reading guards back from the
 * kernel (no operation returns a cap's guard).
 *
 * Invariant: a slot marked DZ_PAGE or DZ_GPT holds exactly the cap the
 * shadow describes (the keeper is the only writer of the slots it owns);
 * slots of the kept GPT that were not null when first looked at are
 * DZ_FOREIGN and never touched. One keeper serves one kept GPT.
 */
#pragma once

#include <stdint.h>

#include <abi/gpt.h>
#include <abi/types.h>

#define DZ_MAX_NODES	2048
#define DZ_PATH_MAX	16	/* nodes a walk remembers */

/* Slot kinds. */
#define DZ_UNKNOWN	0	/* kept GPT's slot not looked at yet */
#define DZ_EMPTY	1
#define DZ_PAGE		2	/* a page cap, guarded when l2g != 0 */
#define DZ_GPT		3	/* a GPT cap (node child), guarded if l2g */
#define DZ_FOREIGN	4	/* not ours: built by mkimage or reserved */

struct dz_slot {
	uint8_t		kind;
	uint8_t		l2g;		/* guard of the cap in the slot */
	uint8_t		match;
	uint8_t		reserved;
	uint32_t	child;		/* DZ_GPT: node index */
	uint64_t	oid;		/* DZ_PAGE: the page's OID */
};

struct dz_node {
	uint64_t	oid;		/* 0 for the kept GPT (node 0) */
	uint8_t		l2v;
	uint8_t		reserved[7];
	struct dz_slot	slot[16];
};

/* Where fresh objects come from: OID indices handed out by the RANGE cap. */
struct dz_pool {
	uint64_t	next, end;	/* [next, end) still free */
};

struct dz_space {
	unsigned	range_cr;	/* RANGE cap register */
	unsigned	root_cr;	/* register holding the kept GPT cap */
	unsigned	scratch_cr[3];	/* three free cap registers */
	unsigned	cache_cr0;	/* first of cache_n registers for node caps */
	unsigned	cache_n;
	struct dz_pool	pages, gpts;
	uint32_t	nnodes;		/* 0 until dz_init() read the root */
	uint64_t	pages_used, gpts_used, splits;
	uint32_t	cache_tag[32];	/* node index + 1 held by each cache reg */
	uint32_t	last_leaf;	/* the leaf (l2v 12) used last, 0 if none */
	uint64_t	last_base;	/* the address its slot 0 maps */
	/* The nodes the last walk went through from the root and the
	   address each one's slot 0 maps: a node's place never changes
	   (a split puts a GPT above it), so the next walk may start at the
	   deepest one that spans its address. */
	uint32_t	path_len;
	uint32_t	path_node[DZ_PATH_MAX];
	uint64_t	path_base[DZ_PATH_MAX];
	struct dz_node	node[DZ_MAX_NODES];
};

/* Results of dz_map besides 0 (mapped) and ERR_*. */
#define DZ_PRESENT	0x100	/* a page of ours was already there */

/*
 * Read the kept GPT's l2v and flags through root_cr. Returns 0 or ERR_*.
 * Keeper and background slots become DZ_FOREIGN.
 */
int	dz_init(struct dz_space *s);

/* dz_map() by a walk of the shadow tree (it builds what is missing). */
int	dz_map_walk(struct dz_space *s, uint64_t a);

/*
 * Put a fresh page into empty slot j of leaf node n (l2v 12). Returns 0,
 * ERR_NO_SPACE (the page pool is exhausted) or an invocation's ERR_*.
 */
int	dz_fill_page(struct dz_space *s, uint32_t n, unsigned j);

/*
 * Put a fresh zero page at address a (relative to the kept GPT), building
 * GPTs as needed. Returns 0, DZ_PRESENT, ERR_NO_SPACE (a pool or the node
 * table is exhausted), ERR_NO_ACCESS (a foreign part of the space), or
 * the ERR_* of a failed invocation. Never leaves a slot half-built: a
 * new subtree is complete before it is stored. Inline for its usual case:
 * dense faults land in an empty slot of the leaf used last.
 */
static inline int
dz_map(struct dz_space *s, uint64_t a)
{
	uint32_t n = s->last_leaf;

	if (n != 0 && a - s->last_base < ((uint64_t)GPT_SLOTS << PAGE_SHIFT)) {
		unsigned j = (unsigned)((a - s->last_base) >> PAGE_SHIFT);

		if (s->node[n].slot[j].kind == DZ_EMPTY)
			return dz_fill_page(s, n, j);
	}
	return dz_map_walk(s, a);
}
