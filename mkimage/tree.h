/*
 * tree.h - builds GPT trees (address spaces) from a list of page
 * mappings, using guards to skip levels where the memory is sparse.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/cap.h>

#include "objset.h"

/* One page mapping: the page cap (restrictions set) at address va. */
struct tree_map {
	uint64_t	va;		/* page aligned, < 2^TREE_SPACE_BITS */
	struct cap	cap;		/* PAGE cap */
};

#define TREE_SPACE_BITS	48	/* a space cap translates 48-bit addresses */

/*
 * Build a space mapping maps[0..n) (sorted by va, no duplicates; the
 * caller checks) and return the cap to its root, translated as if it sat
 * in a slot spanning 2^TREE_SPACE_BITS. New GPTs are charged to bank.
 * With keeper non-NULL, the root is an unguarded GPT of l2v 44 with
 * GPT_F_KEEPER and *keeper in slot 15 (user addresses never reach slots
 * 8..15). n == 0 and no keeper gives a null cap.
 */
struct cap tree_build(struct objset *os, uint32_t bank,
	    const struct tree_map *maps, size_t n, const struct cap *keeper);

/*
 * The fewest GPTs tree_build() makes for n mappings (with a keeper root
 * or not): each GPT holds at most GPT_SLOTS pages. For checking that a
 * space fits before building it.
 */
uint64_t tree_gpts_at_least(uint64_t n, int keeper);

/*
 * Translate va through the space cap root, the way the kernel does.
 * Returns the PAGE cap reached (restrictions accumulated in *restr), or
 * a null cap if nothing is mapped there or the tree is malformed. Used by
 * tests, inspect and verify; never trusts the tree (depth bounded).
 */
struct cap tree_lookup(struct objset *os, const struct cap *root,
	    uint64_t va, uint8_t *restr);
