/*
 * spacewalk.c - covers and reads of another space's GPT tree (see
 * spacewalk.h). Stateless: every call walks from the root it is given,
 * so a tree that changed between calls is read as it is now.
 */
#include <stddef.h>

#include <abi/cap.h>
#include <abi/gpt.h>
#include <abi/invoke.h>
#include <abi/types.h>
#include <user/invoke.h>

#include "spacewalk.h"

#define SW_DEPTH_MAX	20	/* the kernel stops at 16 GPTs */

static uint64_t
low_bits(unsigned n)
{
	return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

int
sw_cover(unsigned root_cr, unsigned span, uint64_t a, unsigned c,
    unsigned dst)
{
	uint64_t r = a & low_bits(span), w[MI_WORDS_MAX];
	unsigned x = root_cr, sp = span;

	for (unsigned depth = 0; depth < SW_DEPTH_MAX; depth++) {
		uint64_t rlo, wlo = 0, type;
		unsigned os, ew, l2g, l2v = 0, flags = 0, j;

		if (sp < c || (sp == c && x == root_cr))
			return SW_DEEPER;
		if (cap_type(x, &type, NULL) != 0 || type == CT_NULL)
			return SW_EMPTY;	/* invalid caps map nothing */
		if (sp == c)
			return SW_FOUND;
		if (type == CT_PAGE)
			os = PAGE_SHIFT;
		else if (type == CT_GPT) {
			if (kcall(x, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w) != 0)
				return SW_EMPTY;
			l2v = (unsigned)w[0];
			flags = (unsigned)w[1];
			if (l2v < PAGE_SHIFT || l2v > GPT_L2V_MAX)
				return SW_EMPTY;
			os = l2v + GPT_SLOT_BITS;
		} else
			return SW_EMPTY;	/* the kernel faults: no data */
		if (kcall(x, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, w) != 0)
			return SW_EMPTY;
		l2g = (unsigned)w[0];
		ew = os;
		if (l2g != 0) {
			if (l2g >= 64)
				return SW_EMPTY;
			wlo = w[1] << l2g;
			if (l2g < ew)
				ew = l2g;
		}
		if (ew > sp)
			ew = sp;
		rlo = r & ~low_bits(c);
		if (ew <= c) {
			/* The object lies inside the region, or misses it. */
			if (wlo < rlo || wlo - rlo >= ((uint64_t)1 << c))
				return SW_EMPTY;
			if (c - ew > 8)
				return SW_DEEPER;
			if (ew == c)
				return kcall_cap(x, OC_MEM_GUARD, 2, 0, 0, dst);
			return kcall_cap(x, OC_MEM_GUARD, 2, ew,
			    (wlo - rlo) >> ew, dst);
		}
		if (r < wlo || r - wlo >= ((uint64_t)1 << ew))
			return SW_EMPTY;
		if (type != CT_GPT)
			return SW_EMPTY;
		r -= wlo;
		j = (unsigned)(r >> l2v);
		if (j >= GPT_SLOTS ||
		    ((flags & GPT_F_KEEPER) && j == GPT_KEEPER_SLOT) ||
		    ((flags & GPT_F_BACKGROUND) && j == GPT_BACKGROUND_SLOT))
			return SW_EMPTY;
		if (kcall_cap(x, OC_GPT_FETCH, 1, j, 0, dst) != 0)
			return SW_EMPTY;
		x = dst;
		r &= low_bits(l2v);
		sp = l2v;
	}
	return ERR_BAD_ARG;
}

int
sw_read64(unsigned root_cr, unsigned span, uint64_t a, unsigned tmp,
    uint64_t *out)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if (a % 8 != 0)
		return ERR_BAD_ARG;
	err = sw_cover(root_cr, span, a, PAGE_SHIFT, tmp);
	if (err == SW_DEEPER)
		return SW_EMPTY;
	if (err != SW_FOUND)
		return err;
	err = kcall(tmp, OC_PAGE_READ, 1, a & (PAGE_SIZE - 1), 0, 0, 0, w);
	if (err == ERR_BAD_ARG)	/* a GPT of span 4 KiB: not a page */
		return SW_EMPTY;
	if (err == 0)
		*out = w[0];
	return err;
}
