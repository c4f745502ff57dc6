/*
 * spacewalk.h - reading another space's tree from user level: find the
 * cap that covers an aligned region of a space (for the virtual-copy
 * keeper's background) or the page at an address (for the process
 * keeper's stack and symbol reads), with GET_GUARD, TYPE, GPT_GET_L2V
 * and GPT_FETCH, the way the kernel's walk translates (docs/kernel.md,
 * "The walk").
 *
 * The space is addressed as the kernel would address it from a slot of
 * span 2^span: the root cap's guard applies first. Keeper and background
 * slots of flagged GPTs translate nothing and so read as empty.
 */
#pragma once

#include <stdint.h>

/* Results of sw_cover besides ERR_*. */
#define SW_FOUND	0	/* the cap is in dst */
#define SW_EMPTY	1	/* nothing in the region: it reads zero */
#define SW_DEEPER	2	/* no single cap covers it: split the region */

/*
 * The cap that, stored in a slot of span 2^c whose region holds address
 * a, translates that region exactly as space root_cr (seen from a slot
 * of span 2^span) translates it: into register dst, re-guarded if the
 * object is smaller than the region. root_cr is only read. Costs four
 * system calls per level. Returns SW_FOUND, SW_EMPTY, SW_DEEPER (the
 * object sits more than 8 guard bits below the region, or a page-sized
 * cap cannot be placed there), or ERR_BAD_ARG for a tree deeper than
 * any the kernel walks.
 */
int	sw_cover(unsigned root_cr, unsigned span, uint64_t a, unsigned c,
	    unsigned dst);

/*
 * Read the aligned word at address a of space root_cr (span as above),
 * using register tmp. Returns 0, SW_EMPTY (no page there), or ERR_*.
 */
int	sw_read64(unsigned root_cr, unsigned span, uint64_t a, unsigned tmp,
	    uint64_t *out);
