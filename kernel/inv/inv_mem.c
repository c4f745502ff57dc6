/*
 * inv_mem.c - operations every memory cap (PAGE, CAPPAGE, GPT) has:
 * OC_MEM_REDUCE adds restrictions, OC_MEM_GUARD sets the guard (both
 * answer a new cap and change no object; restrictions can only grow),
 * OC_MEM_GET_GUARD reads the guard. Reading the guard is allowed under
 * every restriction, OPAQUE included: the guard is part of the cap the
 * holder already has (how addresses reach the object), not the object's
 * content, and a keeper must read it to walk a guarded tree it maps.
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>

int
inv_mem_copy_source(struct inv *inv, unsigned ct, struct obj **src)
{
	const struct cap *c = &inv->c[0];
	int rc;

	if ((rc = inv_args(inv, 0, 1)) != 0)
		return rc;
	if (c->type != ct)
		return ERR_BAD_ARG;
	if (!cap_may_write(&inv->cap) || (c->restr & CAP_R_OPAQUE))
		return ERR_NO_ACCESS;
	obj_pin(inv->obj);		/* loading the source may evict */
	rc = cap_check(c, src);
	obj_unpin(inv->obj);
	return rc;
}

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
	case OC_MEM_GET_GUARD:
		inv->rw[0] = CAP_GUARD_L2G(&inv->cap);
		inv->rw[1] = CAP_GUARD_MATCH(&inv->cap);
		return inv_answer_words(inv, 2);
	default:
		return ERR_BAD_REQUEST;
	}
}
