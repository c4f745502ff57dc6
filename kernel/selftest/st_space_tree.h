/*
 * st_space_tree.h - a three-level GPT tree for the space self-tests:
 * root (l2v 20, 16 MiB) -> mids (l2v 16, 1 MiB each) -> leaves (l2v 12,
 * 64 KiB each) -> pages, placed at ST_TREE_BASE by the guard of the
 * space cap. GPTs are made on demand as pages are mapped.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/cap.h>
#include <obj.h>

#define ST_TREE_MATCH	0x40
#define ST_TREE_L2G	24
#define ST_TREE_BASE	((uint64_t)ST_TREE_MATCH << ST_TREE_L2G)

struct st_tree {
	struct gpt	*root;
	struct gpt	*mid[16];
	struct gpt	*leaf[16][16];
};

/* An empty tree (root only). False if the root could not be made. */
bool		st_tree_init(struct st_tree *t);

/* The space cap of the tree (guarded to ST_TREE_BASE). */
struct cap	st_tree_cap(const struct st_tree *t);

/* The address of page slot s of leaf l of mid m. */
static inline uint64_t
st_tree_va(unsigned m, unsigned l, unsigned s)
{
	return ST_TREE_BASE + ((uint64_t)m << 20) + ((uint64_t)l << 16) +
	    ((uint64_t)s << 12);
}

/*
 * Map a fresh page at va, with page_restr on its cap, making the mid
 * and leaf on the way if missing (a new leaf's cap gets leaf_restr).
 * Returns the page, or NULL (test failed).
 */
struct page	*st_tree_map(struct st_tree *t, uint64_t va,
		    unsigned page_restr, unsigned leaf_restr);

/* The page the leaf slot of va holds, or NULL. */
struct page	*st_tree_page(const struct st_tree *t, uint64_t va);
