/*
 * inv_cappage.c - CAPPAGE caps: erase, fetch and store slots, copy every
 * slot from another CAPPAGE cap, and the memory cap operations. RO or
 * WEAK forbids erase, store and being copied into, OPAQUE forbids fetch
 * and being copied from; a fetch through a WEAK cap, or a copy from a
 * WEAK one, is weakened (cap_weaken), so a copy conveys no more than
 * 256 fetches would.
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <lib/string.h>

int
inv_cappage(struct inv *inv)
{
	struct cappage_obj *cp = obj_cappage(inv->obj);
	struct cappage *d, *s;
	struct obj *src;
	unsigned i;
	int rc;

	switch (inv->opcode) {
	case OC_CAPPAGE_ERASE:
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		obj_modify(&cp->obj);
		d = cappage_data(cp);
		for (i = 0; i < CAPPAGE_SLOTS; i++)
			cap_set_null(&d->slot[i]);
		return 0;
	case OC_CAPPAGE_FETCH:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] >= CAPPAGE_SLOTS)
			return ERR_BAD_SLOT;
		if (inv->cap.restr & CAP_R_OPAQUE)
			return ERR_NO_ACCESS;
		d = cappage_data(cp);
		cap_fetch(&inv->rc[0], &d->slot[inv->w[0]], &inv->cap);
		inv->rncaps = 1;
		return 0;
	case OC_CAPPAGE_STORE:
		if ((rc = inv_args(inv, 1, 1)) != 0)
			return rc;
		if (inv->w[0] >= CAPPAGE_SLOTS)
			return ERR_BAD_SLOT;
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		obj_modify(&cp->obj);
		d = cappage_data(cp);
		d->slot[inv->w[0]] = inv->c[0];
		return 0;
	case OC_CAPPAGE_COPY_FROM:
		if ((rc = inv_mem_copy_source(inv, CT_CAPPAGE, &src)) != 0)
			return rc;
		/* Slot by slot: a weak copy onto its own page weakens it. */
		obj_modify(&cp->obj);
		d = cappage_data(cp);
		s = cappage_data(obj_cappage(src));
		for (i = 0; i < CAPPAGE_SLOTS; i++)
			cap_fetch(&d->slot[i], &s->slot[i], &inv->c[0]);
		return 0;
	default:
		return inv_mem_common(inv);
	}
}
