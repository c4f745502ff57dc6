/*
 * inv_range.c - the RANGE cap: the space bank's power to name any object
 * by OID. GET answers a full cap to the object (a never-stored OID is a
 * fresh zero object, abi/obj.h); RESCIND bumps its allocation count, so
 * every cap to it dies (a process is stopped first and its REPLY caps
 * die too); LIMIT answers 1 + the highest index the store holds for a
 * type. SET_BANK records which bank allocated an object (struct obj's
 * bank, written out with the object: obj_hdr.bank, or store_ref.bank
 * for pages and cap pages) and GET_BANK reads it. IDENTIFY answers the
 * OID a valid cap names (the space bank's way to know which object a
 * client hands back; the holder of RANGE can name every object anyway,
 * so it learns no authority). Through a WEAK range cap GET answers
 * weakened caps, and RESCIND and SET_BANK are ERR_NO_ACCESS. The rescind that brings an allocation count to
 * ALLOC_COUNT_RETIRED retires the OID (abi/obj.h): every operation on a
 * retired OID is ERR_LIMIT.
 */
#include <stddef.h>
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>
#include <proc.h>
#include <store/store.h>

/* Load the object w names; a retired one is ERR_LIMIT. */
static int
get_object(uint64_t oid, struct obj **out)
{
	int rc;

	if (cap_type_full(OID_TYPE(oid)) == CT_NULL)
		return ERR_BAD_ARG;
	if ((rc = obj_get(oid, out)) != 0)
		return rc == ERR_NOT_FOUND ? ERR_BAD_ARG : rc;
	return (*out)->alloc_count == ALLOC_COUNT_RETIRED ? ERR_LIMIT : 0;
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
		/* A cap to a never-stored object: the next checkpoint stores
		   it, so no stored cap names an object the store lacks. */
		if (o->flags & OBJ_F_NEW)
			obj_modify(o);
		cap_make(&inv->rc[0], (uint8_t)cap_type_full(o->type), o);
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
			proc_modify(t);
			t->d.reply_seq++;
			obj_unpin(o);
		}
		obj_rescind(o);
		return 0;
	case OC_RANGE_SET_BANK:
		if ((rc = inv_args(inv, 2, 0)) != 0)
			return rc;
		if (inv->w[1] > UINT32_MAX)
			return ERR_BAD_ARG;
		if (inv->cap.restr & CAP_R_WEAK)
			return ERR_NO_ACCESS;
		if ((rc = get_object(inv->w[0], &o)) != 0)
			return rc;
		obj_modify(o);
		o->bank = (uint32_t)inv->w[1];
		return 0;
	case OC_RANGE_GET_BANK:
		if ((rc = inv_args(inv, 1, 0)) != 0 ||
		    (rc = get_object(inv->w[0], &o)) != 0)
			return rc;
		inv->rw[0] = o->bank;
		return inv_answer_words(inv, 1);
	case OC_RANGE_IDENTIFY:
		if ((rc = inv_args(inv, 0, 1)) != 0 ||
		    (rc = cap_check(&inv->c[0], &o)) != 0)
			return rc;
		if (o == NULL)
			return ERR_BAD_ARG;
		inv->rw[0] = o->oid;
		inv->rw[1] = inv->c[0].type;
		inv->rw[2] = inv->c[0].restr;
		return inv_answer_words(inv, 3);
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
