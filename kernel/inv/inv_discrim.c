/*
 * inv_discrim.c - DISCRIM caps: classify a cap (type and restrictions;
 * an invalid cap reads as null) and tell whether two caps name the same
 * object. Reveals nothing a holder of the caps could not learn by using
 * them, so it needs no authority over them.
 */
#include <stddef.h>
#include <stdint.h>

#include <cap.h>
#include <inv/inv.h>

/* The type of c if valid, else CT_NULL; *oid its object (0 if none). */
static int
classify(const struct cap *c, unsigned *type, oid_t *oid)
{
	struct obj *o;
	int rc = cap_check(c, &o);

	*type = CT_NULL;
	*oid = 0;
	if (rc == ERR_BAD_CAP)
		return 0;
	if (rc != 0)
		return rc;		/* could not load: say so */
	*type = c->type;
	*oid = o != NULL ? o->oid : 0;
	return 0;
}

int
inv_discrim(struct inv *inv)
{
	unsigned t0, t1;
	oid_t o0, o1;
	int rc;

	switch (inv->opcode) {
	case OC_DISCRIM_CLASSIFY:
		if ((rc = inv_args(inv, 0, 1)) != 0 ||
		    (rc = classify(&inv->c[0], &t0, &o0)) != 0)
			return rc;
		inv->rw[0] = t0;
		inv->rw[1] = t0 == CT_NULL ? 0 : inv->c[0].restr;
		return inv_answer_words(inv, 2);
	case OC_DISCRIM_SAME:
		if ((rc = inv_args(inv, 0, 2)) != 0 ||
		    (rc = classify(&inv->c[0], &t0, &o0)) != 0 ||
		    (rc = classify(&inv->c[1], &t1, &o1)) != 0)
			return rc;
		inv->rw[0] = t0 != CT_NULL && t1 != CT_NULL &&
		    (o0 != 0 ? o0 == o1 : t0 == t1 && o1 == 0);
		return inv_answer_words(inv, 1);
	default:
		return ERR_BAD_REQUEST;
	}
}
