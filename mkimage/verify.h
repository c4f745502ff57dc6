/*
 * verify.h - object-level invariants of a decoded generation: every
 * capability names an existing object with a matching allocation count,
 * every object's fields are in range, every address space tree is well
 * formed (guards fit, bounded depth, no cycles); and the boot path's
 * view of the disk (verify_boot.c).
 */
#pragma once

#include "decode.h"

/* Add a problem line for every broken invariant of dc's objects. */
void	verify_objects(struct decoded *dc, struct problems *pr);

/*
 * Add a problem line for everything the boot code would stop on: no
 * active partition, one extending past the end of the image, a bad boot
 * header, stage 2 or the kernel outside the partition.
 */
void	verify_boot(const struct img *im, struct problems *pr);

/*
 * Check the cap c found at where (for messages) against os. Returns 0
 * if valid; 1 if stale (its count is below its object's: rescinded,
 * which a running system leaves behind everywhere and the kernel treats
 * as null; counted in pr->stale_caps, not a problem); else -1 after
 * adding a problem (malformed, a missing object, or a count above the
 * object's, which no running system makes: counts only grow).
 */
int	verify_cap(struct objset *os, const struct cap *c, const char *where,
	    struct problems *pr);
