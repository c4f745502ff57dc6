/*
 * verify.h - object-level invariants of a decoded generation: every
 * capability names an existing object with a matching allocation count,
 * every object's fields are in range, every address space tree is well
 * formed (guards fit, bounded depth, no cycles).
 */
#pragma once

#include "decode.h"

/* Add a problem line for every broken invariant of dc's objects. */
void	verify_objects(struct decoded *dc, struct problems *pr);

/*
 * Check the cap c found at where (for messages) against os. Returns 0
 * if valid, else -1 after adding a problem.
 */
int	verify_cap(struct objset *os, const struct cap *c, const char *where,
	    struct problems *pr);
