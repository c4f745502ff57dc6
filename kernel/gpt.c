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
 * `a`: this is what makes a slot's region (gpt.h) an aligned
 * block of the user address space.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <abi/types.h>
#include <cap.h>
#include <gpt.h>
#include <obj.h>
#include <store/objcache.h>
#include <panic.h>

/* Low `bits` bits set; bits < 64. */
#define LOW_MASK(bits)	((UINT64_C(1) << (bits)) - 1)

/* Internal result: an object on the path is not in memory. */
#define WALK_MISS	GPT_WALK_MISS

static void
walk_pin(struct gpt_walk *w, struct obj *o)
{
	assert(w->npins < GPT_WALK_MAX + 1);
	obj_pin(o);
	w->pinned[w->npins++] = o;
}

/*
 * The object behind valid memory cap c (of type ct: GPT or PAGE), or
 * the fault the cap causes: an invalid cap (cap.h's rule) acts as a null cap. The fast
 * pass only looks in memory and pins nothing (WALK_MISS if the object
 * is not there; it does not touch the LRU list either); the full pass
 * loads and pins.
 */
static inline __attribute__((always_inline)) uint32_t
walk_object(struct gpt_walk *w, const struct cap *c, const unsigned ct,
    struct obj **out, const bool fast)
{
	struct obj *o;
	int err;

	if (fast) {
		if (!cap_form_ok_as(c, ct))
			return FC_NO_MAPPING;
		if ((o = obj_lookup(c->oid)) == NULL)
			return WALK_MISS;
		if (!cap_valid_for_as(c, ct, o))
			return FC_NO_MAPPING;
		*out = o;
		return FC_NONE;
	}
	err = cap_check(c, out);
	if (err != 0) {
		if (err != ERR_BAD_CAP) {
			w->err = err;
			w->err_oid = c->oid;
		}
		return err == ERR_CORRUPT || err == ERR_IO ? FC_STORE :
		    FC_NO_MAPPING;
	}
	walk_pin(w, *out);
	return FC_NONE;
}

/* The low `bits` bits of va (all of them for 64 or more). */
static inline uint64_t
low_bits(uint64_t va, unsigned bits)
{
	return bits >= 64 ? va : va & LOW_MASK(bits);
}

/*
 * One pass of the walk (fast or full, a constant in each of the two
 * copies below), from the space cap c, or from the slot record `from`
 * describes: the walk's state on leaving that slot is exactly what the
 * record keeps (space_dep.h), with a = va & (2^l2size - 1) as the
 * comment at the top explains, so going on from there gives what a walk
 * from the root would. The loop keeps its state in locals and writes *w
 * once at the end: this is the fault path's inner loop.
 */
static inline __attribute__((always_inline)) uint32_t
walk_pass(const struct cap *c, uint64_t va, unsigned access,
    const struct space_dep *from, struct gpt_walk *w, const bool fast)
{
	uint64_t a = va;
	unsigned l2size = 64;	/* > any l2g or l2v: nothing narrowed yet */
	unsigned n = 0, depth0 = 0, restr = 0, kept_l2 = 64;
	struct gpt *keeper = NULL;
	struct space_dep_req *s;
	struct obj *o;
	uint32_t fc;

	w->err = 0;
	w->err_oid = 0;
	if (from != NULL) {
		struct gpt *g = (struct gpt *)from->obj;

		s = &w->step[n++];
		s->obj = from->obj;
		s->lo = from->lo;
		s->l2size = from->l2size;
		s->slot = from->slot;
		s->rs = from->rs;
		depth0 = from->rs.depth;
		l2size = from->l2size;
		a = low_bits(va, l2size);
		restr = from->rs.restr;
		keeper = from->rs.keeper;
		kept_l2 = from->rs.kept_l2;
		c = &g->d.slot[from->slot];
	}
	for (;;) {
		unsigned l2g, l2v, slot, flags;
		struct gpt *g;

		if (c->type == CT_GPT)
			fc = walk_object(w, c, CT_GPT, &o, fast);
		else if (c->type == CT_PAGE)
			fc = walk_object(w, c, CT_PAGE, &o, fast);
		else
			fc = c->type == CT_NULL ? FC_NO_MAPPING : FC_BAD_SPACE;
		if (fc != FC_NONE)
			goto out;
		if ((l2g = CAP_GUARD_L2G(c)) != 0) {
			if (l2g < PAGE_SHIFT || l2g > 63 ||
			    a >> l2g != CAP_GUARD_MATCH(c)) {
				fc = FC_GUARD;
				goto out;
			}
			a &= LOW_MASK(l2g);
			if (l2g < l2size)
				l2size = l2g;
		}
		restr |= c->restr;
		if (c->type == CT_PAGE)
			break;

		g = (struct gpt *)o;	/* walk_object checked the type */
		l2v = g->d.l2v;
		flags = g->d.flags;
		if (l2v < PAGE_SHIFT || l2v > GPT_L2V_MAX) {
			fc = FC_GUARD;
			goto out;
		}
		if (l2v < GPT_L2V_MAX && a >> (l2v + GPT_SLOT_BITS) != 0) {
			fc = FC_NO_MAPPING;	/* beyond the GPT's span */
			goto out;
		}
		slot = (unsigned)(a >> l2v);
		if (flags != 0) {
			if (flags & GPT_F_KEEPER) {
				keeper = g;
				kept_l2 = l2size;	/* a == va's low bits */
			}
			if ((slot == GPT_KEEPER_SLOT &&
			    (flags & GPT_F_KEEPER)) ||
			    (slot == GPT_BACKGROUND_SLOT &&
			    (flags & GPT_F_BACKGROUND))) {
				fc = FC_NO_MAPPING;
				goto out;
			}
		}
		if (depth0 + n == GPT_WALK_MAX) {
			fc = FC_BAD_SPACE;	/* a cycle, or absurdly deep */
			goto out;
		}
		if (l2v < l2size)
			l2size = l2v;
		s = &w->step[n];
		s->obj = o;
		s->lo = va & ~LOW_MASK(l2size);
		s->l2size = (uint8_t)l2size;
		s->slot = (uint8_t)slot;
		s->rs.keeper = keeper;
		s->rs.restr = (uint8_t)restr;
		s->rs.kept_l2 = (uint8_t)kept_l2;
		s->rs.depth = (uint8_t)(depth0 + n);
		n++;
		a &= LOW_MASK(l2v);
		c = &g->d.slot[slot];
	}
	if (a >= PAGE_SIZE) {
		fc = FC_NO_MAPPING;		/* beyond the page */
		goto out;
	}
	s = &w->step[n];
	s->obj = o;
	s->lo = va & ~(uint64_t)(PAGE_SIZE - 1);
	s->l2size = PAGE_SHIFT;
	s->slot = SPACE_DEP_PAGE;
	w->page = (struct page *)o;
	if (restr & CAP_R_WEAK)
		restr |= CAP_R_RO;
	restr &= CAP_R_RO | CAP_R_NX;
	w->restr = (uint8_t)restr;
	if (access == GPT_ACC_WRITE && (restr & CAP_R_RO))
		fc = FC_WRITE_RO;
	else if (access == GPT_ACC_EXEC && (restr & CAP_R_NX))
		fc = FC_EXEC_NX;
out:
	if (fc != FC_NONE && fc != FC_WRITE_RO && fc != FC_EXEC_NX) {
		w->page = NULL;
		w->restr = 0;
	}
	w->nsteps = (uint8_t)n;
	w->keeper = keeper;
	w->kept_addr = keeper != NULL ? low_bits(va, kept_l2) : 0;
	return w->fc = fc;
}

/* The in-memory pass (pins nothing; WALK_MISS) and the loading one. */
static inline __attribute__((always_inline)) uint32_t
walk_fast(const struct cap *c, uint64_t va, unsigned access,
    const struct space_dep *from, struct gpt_walk *w)
{
	return walk_pass(c, va, access, from, w, true);
}

static uint32_t
walk_full(const struct cap *c, uint64_t va, unsigned access,
    struct gpt_walk *w)
{
	return walk_pass(c, va, access, NULL, w, false);
}

static uint32_t
walk_refuse(struct gpt_walk *w, uint32_t fc)
{
	w->err = 0;
	w->err_oid = 0;
	w->restr = 0;
	w->nsteps = 0;
	w->page = NULL;
	w->keeper = NULL;
	w->kept_addr = 0;
	return w->fc = fc;
}

uint32_t
gpt_walk_from(const struct cap *root, uint64_t va, unsigned access,
    const struct space_dep *from, bool load, struct gpt_walk *w)
{
	w->npins = 0;
	w->fast = true;
	if (va >= USER_MAP_END)		/* kernel half, reserved page */
		return walk_refuse(w, FC_NO_MAPPING);
	if (root->type != CT_GPT && root->type != CT_PAGE)
		return walk_refuse(w, FC_BAD_SPACE);
	if (walk_fast(root, va, access, from, w) != WALK_MISS)
		return w->fc;
	if (!load)
		return w->fc = GPT_WALK_MISS;
	w->fast = false;
	return walk_full(root, va, access, w);
}

uint32_t
gpt_walk(const struct cap *root, uint64_t va, unsigned access,
    struct gpt_walk *w)
{
	return gpt_walk_from(root, va, access, NULL, true, w);
}

void
gpt_walk_done(struct gpt_walk *w)
{
	while (w->npins > 0)
		obj_unpin(w->pinned[--w->npins]);
}
