/*
 * gpt.c - the GPT walk: from a space cap to the page that maps a user
 * address, with the permissions and the GPT slots of the path.
 *
 * Address arithmetic: `a` is always the address relative to the object
 * it is arriving at. A guard (l2g, match) requires a >> l2g == match and
 * leaves a & (2^l2g - 1); a GPT of l2v uses slot a >> l2v (which must be
 * below 16: the GPT spans 2^(l2v+4)) and passes on a & (2^l2v - 1); a page
 * spans PAGE_SIZE. Each step only clears high bits of `a`, so the bits of
 * the user address below every l2g and l2v seen so far are still those of
 * `a`: this is what makes a slot's region (struct gpt_step) an aligned
 * block of the user address space.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <abi/types.h>
#include <gpt.h>
#include <obj.h>
#include <panic.h>

/* Low `bits` bits set; bits < 64. */
#define LOW_MASK(bits)	((UINT64_C(1) << (bits)) - 1)

int
gpt_cap_object(const struct cap *c, unsigned expected_ct, struct obj **out)
{
	unsigned ot = expected_ct == CT_GPT ? OT_GPT : OT_PAGE;
	struct obj *o;
	int err;

	assert(expected_ct == CT_GPT || expected_ct == CT_PAGE);
	if (c->type != expected_ct || OID_TYPE(c->oid) != ot)
		return ERR_BAD_CAP;
	if ((err = obj_get(c->oid, &o)) != 0)
		return err;
	if (o->alloc_count != c->alloc_count || o->type != ot)
		return ERR_BAD_CAP;
	*out = o;
	return 0;
}

static void
walk_pin(struct gpt_walk *w, struct obj *o)
{
	assert(w->npins < GPT_WALK_MAX + 1);
	obj_pin(o);
	w->pinned[w->npins++] = o;
}

/*
 * The object behind memory cap c on the path, pinned, or the fault the
 * cap causes (an invalid cap acts as a null cap).
 */
static uint32_t
walk_object(struct gpt_walk *w, const struct cap *c, struct obj **out)
{
	int err;

	switch (c->type) {
	case CT_NULL:
		return FC_NO_MAPPING;
	case CT_GPT:
	case CT_PAGE:
		break;
	default:
		return FC_BAD_SPACE;
	}
	err = gpt_cap_object(c, c->type, out);
	if (err == ERR_BAD_CAP)
		return FC_NO_MAPPING;
	if (err != 0) {
		w->err = err;
		return FC_NO_MAPPING;
	}
	walk_pin(w, *out);
	return FC_NONE;
}

/*
 * Apply c's guard to *a, narrowing *l2size (the region every address of
 * which takes the same path so far). Returns FC_NONE or FC_GUARD.
 */
static uint32_t
walk_guard(const struct cap *c, uint64_t *a, unsigned *l2size)
{
	unsigned l2g = CAP_GUARD_L2G(c);

	if (l2g == 0)
		return FC_NONE;
	if (l2g < PAGE_SHIFT || l2g > 63)
		return FC_GUARD;
	if (*a >> l2g != CAP_GUARD_MATCH(c))
		return FC_GUARD;
	*a &= LOW_MASK(l2g);
	if (l2g < *l2size)
		*l2size = l2g;
	return FC_NONE;
}

/* Permissions the path allows against the access; FC_NONE if allowed. */
static uint32_t
walk_access(uint8_t restr, unsigned access)
{
	if (access == GPT_ACC_WRITE && (restr & CAP_R_RO))
		return FC_WRITE_RO;
	if (access == GPT_ACC_EXEC && (restr & CAP_R_NX))
		return FC_EXEC_NX;
	return FC_NONE;
}

/* One GPT: check it, record the step, pick the next cap. */
static uint32_t
walk_gpt(struct gpt_walk *w, struct gpt *g, uint64_t va, uint64_t *a,
    unsigned *l2size, const struct cap **next)
{
	unsigned l2v = g->d.l2v, slot;
	struct gpt_step *s;

	if (l2v < PAGE_SHIFT || l2v > GPT_L2V_MAX)
		return FC_GUARD;
	if (l2v + GPT_SLOT_BITS < 64 && *a >> (l2v + GPT_SLOT_BITS) != 0)
		return FC_NO_MAPPING;		/* beyond the GPT's span */
	if (g->d.flags & GPT_F_KEEPER) {
		w->keeper = g;
		w->kept_addr = *a;
	}
	slot = (unsigned)(*a >> l2v);
	if ((slot == GPT_KEEPER_SLOT && (g->d.flags & GPT_F_KEEPER)) ||
	    (slot == GPT_BACKGROUND_SLOT && (g->d.flags & GPT_F_BACKGROUND)))
		return FC_NO_MAPPING;
	if (w->nsteps == GPT_WALK_MAX)
		return FC_BAD_SPACE;		/* a cycle, or absurdly deep */
	if (l2v < *l2size)
		*l2size = l2v;
	s = &w->step[w->nsteps++];
	s->g = g;
	s->slot = (uint8_t)slot;
	s->l2size = (uint8_t)*l2size;
	s->lo = va & ~LOW_MASK(*l2size);
	*a &= LOW_MASK(l2v);
	*next = &g->d.slot[slot];
	return FC_NONE;
}

uint32_t
gpt_walk(const struct cap *root, uint64_t va, unsigned access,
    struct gpt_walk *w)
{
	const struct cap *c = root;
	uint64_t a = va;
	unsigned l2size = 64;	/* > any l2g or l2v: nothing narrowed yet */
	struct obj *o;
	uint8_t restr = 0;

	w->err = 0;
	w->restr = 0;
	w->nsteps = 0;
	w->npins = 0;
	w->page = NULL;
	w->keeper = NULL;
	w->kept_addr = 0;
	if (va >= USER_VA_END)
		return w->fc = FC_NO_MAPPING;	/* the kernel's half */
	if (root->type != CT_GPT && root->type != CT_PAGE)
		return w->fc = FC_BAD_SPACE;
	for (;;) {
		uint32_t fc;

		if ((fc = walk_object(w, c, &o)) != FC_NONE ||
		    (fc = walk_guard(c, &a, &l2size)) != FC_NONE)
			return w->fc = fc;
		restr |= c->restr & (CAP_R_RO | CAP_R_NX);
		if (c->restr & CAP_R_WEAK)
			restr |= CAP_R_RO;
		if (c->type == CT_PAGE)
			break;
		if ((fc = walk_gpt(w, obj_gpt(o), va, &a, &l2size, &c)) !=
		    FC_NONE)
			return w->fc = fc;
	}
	if (a >= PAGE_SIZE)
		return w->fc = FC_NO_MAPPING;	/* beyond the page */
	w->restr = restr;
	w->page = obj_page(o);
	return w->fc = walk_access(restr, access);
}

void
gpt_walk_done(struct gpt_walk *w)
{
	while (w->npins > 0)
		obj_unpin(w->pinned[--w->npins]);
}
