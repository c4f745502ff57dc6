/*
 * inv_cappage.c - CAPPAGE caps: erase, fetch and store slots, and the
 * memory cap operations. RO or WEAK forbids erase and store, OPAQUE
 * forbids fetch; a fetch through a WEAK cap is weakened (cap_weaken).
 */
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <lib/string.h>

int
inv_cappage(struct inv *inv)
{
	struct cappage_obj *cp = obj_cappage(inv->obj);
	struct cappage *d;
	unsigned i;
	int rc;

	switch (inv->opcode) {
	case OC_CAPPAGE_ERASE:
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		d = cappage_data(cp);
		for (i = 0; i < CAPPAGE_SLOTS; i++)
			cap_set_null(&d->slot[i]);
		obj_mark_dirty(&cp->obj);
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
		d = cappage_data(cp);
		d->slot[inv->w[0]] = inv->c[0];
		obj_mark_dirty(&cp->obj);
		return 0;
	default:
		return inv_mem_common(inv);
	}
}
