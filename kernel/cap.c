/*
 * cap.c - capability validity and restriction rules (see cap.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <proc.h>

const uint8_t cap_objtype[CT_MAX] = {
#define CAPTYPE(name, code, ot)	[code] = OT_##ot,
#include <abi/captype.def>
#undef CAPTYPE
};

/* cap_check() for a cap whose type names an object of type ot. */
static __attribute__((noinline)) int
check_object(const struct cap *c, unsigned ot, struct obj **out)
{
	struct obj *o;
	int rc;

	if (OID_TYPE(c->oid) != ot)
		return ERR_BAD_CAP;
	if ((o = cap_lookup(c->oid)) == NULL &&
	    (rc = obj_get(c->oid, &o)) != 0)
		return rc == ERR_BAD_ARG || rc == ERR_NOT_FOUND ?
		    ERR_BAD_CAP : rc;
	if (c->type == CT_REPLY) {
		struct process *p = obj_process(o);

		if (c->alloc_count != p->d.reply_seq || !proc_awaits_reply(p))
			return ERR_BAD_CAP;
	} else if (c->alloc_count != o->alloc_count)
		return ERR_BAD_CAP;
	if (c->type == CT_ENTRY) {
		struct endpoint *ep = obj_endpoint(o);

		if ((ep->d.flags & EP_F_PAYLOAD_MATCH) &&
		    c->aux != ep->d.match_payload)
			return ERR_BAD_CAP;
	}
	*out = o;
	return 0;
}

int
cap_check(const struct cap *c, struct obj **out)
{
	unsigned ot;

	*out = NULL;
	if (c->type == CT_NULL || c->type >= CT_MAX ||
	    (c->restr & ~CAP_R_ALL) != 0)
		return ERR_BAD_CAP;
	ot = cap_objtype[c->type];
	if (ot == OT_NONE)
		return 0;
	return check_object(c, ot, out);
}

void
cap_make(struct cap *c, uint8_t type, const struct obj *o)
{
	c->type = type;
	c->restr = 0;
	c->aux = 0;
	c->alloc_count = o->alloc_count;
	c->oid = o->oid;
}

void
cap_weaken(struct cap *c)
{
	if (cap_is_memory(c->type))
		c->restr |= CAP_R_WEAK | CAP_R_RO;
	else if (c->type != CT_NULL && c->type != CT_DISCRIM &&
	    c->type != CT_SLEEP)
		cap_set_null(c);
}
