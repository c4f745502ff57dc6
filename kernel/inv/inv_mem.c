/*
 * inv_mem.c - operations every memory cap (PAGE, CAPPAGE, GPT) has:
 * OC_MEM_REDUCE adds restrictions, OC_MEM_GUARD sets the guard. Both
 * answer a new cap and change no object; restrictions can only grow.
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>

int
inv_mem_common(struct inv *inv)
{
	uint64_t l2g, match;
	int rc;

	switch (inv->opcode) {
	case OC_MEM_REDUCE:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] & ~(uint64_t)(CAP_R_WEAK | CAP_R_RO | CAP_R_NX |
		    CAP_R_OPAQUE))
			return ERR_BAD_ARG;
		inv->rc[0] = inv->cap;
		inv->rc[0].restr |= (uint8_t)inv->w[0];
		inv->rncaps = 1;
		return 0;
	case OC_MEM_GUARD:
		if ((rc = inv_args(inv, 2, 0)) != 0)
			return rc;
		l2g = inv->w[0];
		match = inv->w[1];
		if (match > 0xff || (l2g == 0 && match != 0) ||
		    (l2g != 0 && (l2g < PAGE_SHIFT || l2g >= 64)))
			return ERR_BAD_ARG;
		inv->rc[0] = inv->cap;
		inv->rc[0].aux = CAP_GUARD(l2g, match);
		inv->rncaps = 1;
		return 0;
	default:
		return ERR_BAD_REQUEST;
	}
}
