/*
 * inv_gpt.c - GPT caps: read and set l2v and flags, fetch and store
 * slots, reset the whole GPT to its fresh state for reuse, and the
 * memory cap operations. RO or WEAK forbids changes, OPAQUE forbids
 * reading; a fetch through a WEAK cap is weakened. Every change drops
 * the hardware mappings that depended on what changed.
 */
#include <stdbool.h>
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <space.h>

int
inv_gpt(struct inv *inv)
{
	struct gpt *g = obj_gpt(inv->obj);
	unsigned i;
	bool null;
	int rc;

	switch (inv->opcode) {
	case OC_GPT_GET_L2V:
		if (inv->cap.restr & CAP_R_OPAQUE)
			return ERR_NO_ACCESS;
		inv->rw[0] = g->d.l2v;
		inv->rw[1] = g->d.flags;
		return inv_answer_words(inv, 2);
	case OC_GPT_SET_L2V:
		if ((rc = inv_args(inv, 2, 0)) != 0)
			return rc;
		if (inv->w[0] < PAGE_SHIFT || inv->w[0] > GPT_L2V_MAX ||
		    (inv->w[1] & ~(uint64_t)GPT_F_ALL) != 0)
			return ERR_BAD_ARG;
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		obj_modify(&g->obj);
		g->d.l2v = (uint8_t)inv->w[0];
		g->d.flags = (uint8_t)inv->w[1];
		space_gpt_changed(g);
		return 0;
	case OC_GPT_FETCH:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] >= GPT_SLOTS)
			return ERR_BAD_SLOT;
		if (inv->cap.restr & CAP_R_OPAQUE)
			return ERR_NO_ACCESS;
		cap_fetch(&inv->rc[0], &g->d.slot[inv->w[0]], &inv->cap);
		inv->rncaps = 1;
		return 0;
	case OC_GPT_STORE:
		if ((rc = inv_args(inv, 1, 1)) != 0)
			return rc;
		if (inv->w[0] >= GPT_SLOTS)
			return ERR_BAD_SLOT;
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		/*
		 * A null slot has no mappings to drop: a record for a slot
		 * is made only by a walk through a cap there, and dropped
		 * when the slot changes (space.h).
		 */
		null = g->d.slot[inv->w[0]].type == CT_NULL;
		obj_modify(&g->obj);
		g->d.slot[inv->w[0]] = inv->c[0];
		if (!null)
			space_slot_changed(g, (unsigned)inv->w[0]);
		return 0;
	case OC_GPT_RESET:
		if (!cap_may_write(&inv->cap))
			return ERR_NO_ACCESS;
		obj_modify(&g->obj);
		g->d.l2v = 0;		/* unset, as a fresh GPT's */
		g->d.flags = 0;
		for (i = 0; i < GPT_SLOTS; i++)
			cap_set_null(&g->d.slot[i]);
		space_gpt_changed(g);	/* every slot's mappings */
		return 0;
	default:
		return inv_mem_common(inv);
	}
}
