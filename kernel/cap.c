/*
 * cap.c - capability validity and restriction rules (see cap.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <proc.h>

int
cap_check(const struct cap *c, struct obj **out)
{
	struct obj *o;
	int rc;

	if ((rc = cap_check_cached(c, out)) != CAP_ABSENT)
		return rc;
	if ((rc = obj_get(c->oid, &o)) != 0)
		return rc == ERR_BAD_ARG || rc == ERR_NOT_FOUND ?
		    ERR_BAD_CAP : rc;
	if (!cap_valid_for(c, o))
		return ERR_BAD_CAP;
	*out = o;
	return 0;
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
