/*
 * inv_range.c - the RANGE cap: the space bank's power to name any object
 * by OID. GET answers a full cap to the object (a never-stored OID is a
 * fresh zero object, abi/obj.h); RESCIND bumps its allocation count, so
 * every cap to it dies (a process is stopped first and its REPLY caps
 * die too); LIMIT answers 1 + the highest index the store holds for a
 * type. Through a WEAK range cap GET answers weakened caps and RESCIND
 * is ERR_NO_ACCESS.
 */
#include <stddef.h>
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <proc.h>
#include <store.h>

/* The full cap type for an object type. */
static const uint8_t cap_of_objtype[OT_MAX] = {
	[OT_PAGE] = CT_PAGE,
	[OT_CAPPAGE] = CT_CAPPAGE,
	[OT_GPT] = CT_GPT,
	[OT_PROCESS] = CT_PROCESS,
	[OT_ENDPOINT] = CT_ENDPOINT,
};

/* Load the object w names. */
static int
get_object(uint64_t oid, struct obj **out)
{
	int rc;

	if (OID_TYPE(oid) >= OT_MAX || cap_of_objtype[OID_TYPE(oid)] == 0)
		return ERR_BAD_ARG;
	rc = obj_get(oid, out);
	return rc == ERR_NOT_FOUND ? ERR_BAD_ARG : rc;
}

int
inv_range(struct inv *inv)
{
	const struct store_super *sb;
	struct obj *o;
	int rc;

	switch (inv->opcode) {
	case OC_RANGE_GET:
		if ((rc = inv_args(inv, 1, 0)) != 0 ||
		    (rc = get_object(inv->w[0], &o)) != 0)
			return rc;
		cap_make(&inv->rc[0], cap_of_objtype[o->type], o);
		if (inv->cap.restr & CAP_R_WEAK)
			cap_weaken(&inv->rc[0]);
		inv->rncaps = 1;
		return 0;
	case OC_RANGE_RESCIND:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->cap.restr & CAP_R_WEAK)
			return ERR_NO_ACCESS;
		if ((rc = get_object(inv->w[0], &o)) != 0)
			return rc;
		if (o->type == OT_PROCESS) {
			struct process *t = obj_process(o);

			obj_pin(o);
			proc_stop(t);
			t->d.reply_seq++;
			obj_unpin(o);
		}
		obj_rescind(o);
		return 0;
	case OC_RANGE_LIMIT:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] == OT_NONE || inv->w[0] >= OT_MAX)
			return ERR_BAD_ARG;
		sb = store_current();
		inv->rw[0] = sb != NULL ? sb->oid_limit[inv->w[0]] : 0;
		return inv_answer_words(inv, 1);
	default:
		return ERR_BAD_REQUEST;
	}
}
