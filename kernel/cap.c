/*
 * cap.c - capability validity and restriction rules (see cap.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <proc.h>

/* cap_check() for a cap of the right form that names an object. */
static __attribute__((noinline)) int
check_object(const struct cap *c, struct obj **out)
{
	struct obj *o;
	int rc;

	if ((o = cap_lookup(c->oid)) == NULL &&
	    (rc = obj_get(c->oid, &o)) != 0)
		return rc == ERR_BAD_ARG || rc == ERR_NOT_FOUND ?
		    ERR_BAD_CAP : rc;
	if (!cap_valid_for(c, o))
		return ERR_BAD_CAP;
	*out = o;
	return 0;
}

int
cap_check(const struct cap *c, struct obj **out)
{
	*out = NULL;
	if (!cap_form_ok(c))
		return ERR_BAD_CAP;
	if (cap_type_objtype(c->type) == OT_NONE)
		return 0;		/* kernel caps: no frame, no call */
	return check_object(c, out);
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
	    c->type != CT_SLEEP && c->type != CT_SYSINFO)
		cap_set_null(c);
}
