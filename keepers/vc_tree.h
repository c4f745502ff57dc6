/*
 * vc_tree.h - the virtual-copy keeper's model of the space it keeps: a
 * shadow of every GPT it put below the kept GPT and of what each slot
 * holds, so that a fault needs no reading back from the kernel.
 *
 * What a slot of ours may hold:
 *   VC_GPT   a GPT we bought (guarded when l2g != 0);
 *   VC_PAGE  a page we bought: writable, the process's own;
 *   VC_BG    a read-only cap into the background (a page, or a subtree
 *            when the background has one covering the slot), re-guarded
 *            if the object is smaller than the slot;
 *   VC_ZERO  the keeper's shared read-only zero tree of the slot's span.
 * VC_BG and VC_ZERO are replaced on the first write under them: by a
 * page of ours (a copy, or fresh and zero) at a leaf, by a GPT of ours
 * above. So reading costs the bank nothing (but the GPTs down to a hole
 * inside a subtree the background maps), writing one page per page.
 *
 * Invariant: a slot marked VC_GPT, VC_PAGE, VC_BG or VC_ZERO holds
 * exactly the cap the shadow describes (the keeper is the only writer
 * of the slots it owns); slots of the kept GPT that were not null when
 * first looked at are VC_FOREIGN and never touched. One keeper process
 * serves one kept GPT.
 */
#pragma once

#include <stdint.h>

#include <abi/gpt.h>
#include <abi/types.h>

#ifndef VC_MAX_NODES
/* 8,192 nodes (1.1 MiB of BSS, zero until used) cover a dense 480 MiB:
   a node per 64 KiB, and one above every 16. A program may build
   vc_tree.c with fewer. */
#define VC_MAX_NODES	8192
#endif
#define VC_PATH_MAX	16	/* nodes a walk remembers */
#define VC_ZERO_LEVELS	9	/* zero tree spans 2^12 .. 2^44 */
#define VC_SPAN_MAX	44	/* largest kept GPT slot span served */

/* Slot kinds. */
#define VC_UNKNOWN	0	/* kept GPT's slot not looked at yet */
#define VC_EMPTY	1
#define VC_PAGE		2
#define VC_GPT		3
#define VC_BG		4
#define VC_ZERO		5
#define VC_FOREIGN	6	/* not ours: built by mkimage or reserved */

struct vc_slot {
	uint8_t		kind;
	uint8_t		l2g;		/* guard of the cap in the slot */
	uint8_t		match;
	uint8_t		reserved;
	uint32_t	child;		/* VC_GPT: node index */
};

struct vc_node {
	uint32_t	parent;		/* node holding our cap (node 0: none) */
	uint8_t		pslot;		/* its slot there */
	uint8_t		l2v;
	uint8_t		reserved[2];
	struct vc_slot	slot[GPT_SLOTS];
};

/*
 * Where fresh pages and GPTs come from: a space bank (OC_BANK_ALLOC
 * through an entry cap), or, for keepers that must not depend on the
 * bank (the bank's own, the benchmark's), OID windows of a RANGE cap.
 */
struct vc_pool {
	uint64_t	next, end;	/* [next, end) still free */
};

struct vc_space {
	unsigned	src_cr;		/* bank entry cap or RANGE cap */
	int		bank;		/* 1: src_cr is a bank */
	struct vc_pool	pages, gpts;	/* RANGE windows (bank == 0) */
	unsigned	root_cr;	/* the kept GPT (from the fault) */
	unsigned	bg_cr;		/* background space, if has_bg */
	int		has_bg;		/* 0: all-zero background */
	unsigned	zero_cr0;	/* zero tree of span 2^(12+4k) in
					   register zero_cr0 + k */
	unsigned	scratch_cr[3];	/* three free cap registers */
	unsigned	cache_cr0;	/* first of cache_n registers for node caps */
	unsigned	cache_n;
	uint32_t	nnodes;		/* 0 until vc_init() read the root */
	uint64_t	pages_used, gpts_used, splits, copies, bg_maps,
			zero_maps;
	uint32_t	cache_tag[32];	/* node index + 1 held by each cache reg */
	uint32_t	last_leaf;	/* the leaf (l2v 12) used last, 0 if none */
	uint64_t	last_base;	/* the address its slot 0 maps */
	/* The nodes the last walk went through from the root and the
	   address each one's slot 0 maps: a node's place never changes
	   (a split puts a GPT above it), so the next walk may start at the
	   deepest one that spans its address. */
	uint32_t	path_len;
	uint32_t	path_node[VC_PATH_MAX];
	uint64_t	path_base[VC_PATH_MAX];
	struct vc_node	node[VC_MAX_NODES];
};

/* Results of vc_map besides 0 (mapped) and ERR_*. */
#define VC_PRESENT	0x100	/* the slot already holds what we would put */

/*
 * Build the shared zero tree (one page and a GPT per span up to
 * VC_SPAN_MAX, all read-only) into the zero registers. Called once at
 * start, so that no later read of zero space allocates anything.
 * Returns 0 or the ERR_* of an allocation.
 */
int	vc_zero_init(struct vc_space *s);

/*
 * Read the kept GPT's l2v and flags through root_cr; take the background
 * from its slot 14 when flagged and none was given. Keeper and background
 * slots become VC_FOREIGN. Returns 0 or ERR_*.
 */
int	vc_init(struct vc_space *s);

/* vc_map() by a walk of the shadow tree (it builds what is missing). */
int	vc_map_walk(struct vc_space *s, uint64_t a, int write);

/* Put a fresh page of ours into empty or zero leaf slot j of node n. */
int	vc_fill_page(struct vc_space *s, uint32_t n, unsigned j);

/*
 * Resolve a fault at address a (relative to the kept GPT): a write puts
 * a page of ours there (copied from the background, else zero), a read
 * the background's page or the zero tree, read-only. Buys GPTs as
 * needed. Returns 0, VC_PRESENT, ERR_LIMIT or ERR_NO_SPACE (the bank or
 * pool refused, or the node table is full), ERR_NO_ACCESS (a foreign
 * part of the space, or a write our own page already allows), or the
 * ERR_* of a failed invocation. Never leaves a slot half-built: a new
 * subtree is complete before it is stored. Inline for its usual case:
 * dense writes into zero space land in a slot of the leaf used last.
 */
static inline int
vc_map(struct vc_space *s, uint64_t a, int write)
{
	uint32_t n = s->last_leaf;

	if (n != 0 && write && !s->has_bg &&
	    a - s->last_base < ((uint64_t)GPT_SLOTS << PAGE_SHIFT)) {
		unsigned j = (unsigned)((a - s->last_base) >> PAGE_SHIFT);
		unsigned k = s->node[n].slot[j].kind;

		if (k == VC_EMPTY || k == VC_ZERO)
			return vc_fill_page(s, n, j);
	}
	return vc_map_walk(s, a, write);
}
