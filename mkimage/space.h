/*
 * space.h - walks an address space (a GPT tree) and summarizes it as
 * segments: runs of mapped pages with the same restrictions, named from
 * the manifest (program, stack or shared segment name).
 */
#pragma once

#include <stdint.h>

#include "manifest.h"
#include "objset.h"

#define SPACE_BUDGET	(1u << 24)	/* caps visited per image, at most */

struct space_seg {
	uint64_t	base, size;	/* bytes */
	uint64_t	pages, stored;	/* mapped pages; with a data block */
	uint8_t		restr;		/* CAP_R_* accumulated */
	char		name[64];
};

struct space_segs {
	struct space_seg *seg;
	size_t		n, cap;
	int		truncated;	/* the visit budget ran out */
};

/*
 * Summarize the space root (a cap translated over 48 bits) into *out.
 * proc (may be NULL) names the process, for its stack. Each cap visited
 * uses one unit of *budget (shared by every space of an image, starting
 * at SPACE_BUDGET): a hostile tree that shares subtrees cannot make the
 * walk take long.
 */
void	space_segments(struct objset *os, const struct manifest *mf,
	    const struct cap *root, const struct mf_named *proc,
	    struct space_segs *out, uint64_t *budget);

void	space_segs_free(struct space_segs *s);

/*
 * Visit every mapped page in address order: fn(ctx, va, page cap,
 * accumulated restr), within *budget visits (see space_segments).
 * Returns 1 if the budget ran out, else 0.
 */
int	space_walk(struct objset *os, const struct cap *root,
	    void (*fn)(void *ctx, uint64_t va, const struct cap *pg,
	    uint8_t restr), void *ctx, uint64_t *budget);
