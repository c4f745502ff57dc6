/*
 * space.h - walks an address space (a GPT tree) and summarizes it as
 * segments: runs of mapped pages with the same restrictions, named from
 * the manifest (program, stack or shared segment name).
 */
#pragma once

#include <stdint.h>

#include "manifest.h"
#include "objset.h"

#define SPACE_MAX_VISITS	(1u << 22)	/* bound on a hostile tree */

struct space_seg {
	uint64_t	base, size;	/* bytes */
	uint64_t	pages, stored;	/* mapped pages; with a data block */
	uint8_t		restr;		/* CAP_R_* accumulated */
	char		name[64];
};

struct space_segs {
	struct space_seg *seg;
	size_t		n, cap;
	int		truncated;	/* hit SPACE_MAX_VISITS */
};

/*
 * Summarize the space root (a cap translated over 48 bits) into *out.
 * proc (may be NULL) names the process, for its stack.
 */
void	space_segments(struct objset *os, const struct manifest *mf,
	    const struct cap *root, const struct mf_named *proc,
	    struct space_segs *out);

void	space_segs_free(struct space_segs *s);

/* Visit every mapped page: fn(ctx, va, page cap, accumulated restr). */
void	space_walk(struct objset *os, const struct cap *root,
	    void (*fn)(void *ctx, uint64_t va, const struct cap *pg,
	    uint8_t restr), void *ctx, int *truncated);
