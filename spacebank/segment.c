/*
 * segment.c - the run-time segment region of the single address space
 * (BANK_SEGMENT_BASE .. BANK_SEGMENT_END, the README's map): ranges
 * handed out once, each a power of two in size and aligned to it.
 *
 * Invariants: every address below `next` is either handed out or in
 * exactly one gap list; nothing at or above `next` was handed out; a
 * gap block of order k is aligned to 2^k and lies below `next`. So no
 * two ranges ever overlap and none is handed out twice. Aligning `next`
 * up for a large range leaves a gap, split into aligned blocks kept per
 * order for smaller requests; a block that finds its list full is
 * dropped (unused address space is lost, never handed out twice).
 */
#include <stddef.h>

#include <abi/err.h>

#include "sb.h"

#define ORDER_MIN	PAGE_SHIFT
#define ORDER_MAX	45	/* 2^46 would reach past BANK_SEGMENT_END */
#define GAPS		32	/* blocks kept per order */

static uint64_t next = BANK_SEGMENT_BASE;
static uint64_t gap[ORDER_MAX + 1][GAPS];
static unsigned ngap[ORDER_MAX + 1];

static void
gap_put(uint64_t base, unsigned k)
{
	if (ngap[k] < GAPS)
		gap[k][ngap[k]++] = base;
}

/* Split [from, to) into the largest aligned blocks, into the gaps. */
static void
gap_fill(uint64_t from, uint64_t to)
{
	while (from < to) {
		unsigned k = ORDER_MIN;
		uint64_t twice = UINT64_C(2) << k;

		while (k < ORDER_MAX && (from & (twice - 1)) == 0 &&
		    from + twice <= to) {
			k++;
			twice <<= 1;
		}
		gap_put(from, k);
		from += UINT64_C(1) << k;
	}
}

int
sb_segment(uint64_t size, uint64_t *base)
{
	unsigned k = ORDER_MIN, j;
	uint64_t a;

	if (size == 0 || size > UINT64_C(1) << ORDER_MAX)
		return ERR_BAD_ARG;
	while ((UINT64_C(1) << k) < size)
		k++;
	for (j = k; j <= ORDER_MAX && ngap[j] == 0; j++)
		;
	if (j <= ORDER_MAX) {
		a = gap[j][--ngap[j]];
		while (j > k) {		/* keep the upper halves */
			j--;
			gap_put(a + (UINT64_C(1) << j), j);
		}
		*base = a;
		return 0;
	}
	a = (next + (UINT64_C(1) << k) - 1) & ~((UINT64_C(1) << k) - 1);
	if (a > BANK_SEGMENT_END || BANK_SEGMENT_END - a < UINT64_C(1) << k)
		return ERR_NO_SPACE;
	gap_fill(next, a);
	next = a + (UINT64_C(1) << k);
	*base = a;
	return 0;
}
