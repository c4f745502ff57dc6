/*
 * st_space_resume.c - self-tests of walks that start at a dependency
 * record (gpt_walk_from, pmap_resume_point) and of space_premap: on
 * random GPT trees with guards, restrictions, keepers, backgrounds,
 * aliases and later cycles, while faults build mappings and random slot
 * stores, l2v and flag changes and rescinds drop them, every walk from a
 * record must report exactly what a walk from the root reports.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <gpt.h>
#include <obj.h>
#include <store/objcache.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <space.h>
#include <space_dep.h>
#include <x86_64/pmap.h>
#include <x86_64/trap.h>
#include <x86_64/vm.h>

#define NGPTS		40
#define NPAGES		160
#define ROOT_L2V	24
#define SPACE_L2G	(ROOT_L2V + GPT_SLOT_BITS)
#define SPACE_MATCH	3
#define BASE		((uint64_t)SPACE_MATCH << SPACE_L2G)
#define ROUNDS		6000

struct world {
	struct gpt	*gpt[NGPTS];
	struct page	*page[NPAGES];
	struct process	*p;
	uint64_t	seed;
	unsigned	resumed, premapped, mapped, faults;
};

static uint64_t
rnd(struct world *w)
{
	w->seed ^= w->seed << 13;
	w->seed ^= w->seed >> 7;
	w->seed ^= w->seed << 17;
	return w->seed;
}

static unsigned
below(struct world *w, unsigned n)
{
	return (unsigned)(rnd(w) % n);
}

static unsigned
restr_of(struct world *w)
{
	unsigned r = below(w, 20);

	return r == 0 ? CAP_R_RO : r == 1 ? CAP_R_NX : r == 2 ? CAP_R_WEAK :
	    r == 3 ? CAP_R_OPAQUE : 0;
}

/*
 * A cap for a slot whose addresses are below 2^span: null, a page or a
 * GPT (acyclic: of smaller l2v, unless any is true), guarded so that it
 * usually fits, sometimes with a guard that cannot match.
 */
static struct cap
random_cap(struct world *w, unsigned span, bool any)
{
	unsigned k = below(w, 10), l2g = 0, match = 0, child;
	struct cap c = { 0 };
	struct gpt *g;

	if (k < 3)
		return c;
	if (k < 6) {
		c = st_cap(&w->page[below(w, NPAGES)]->obj, restr_of(w), 0, 0);
		if (span > PAGE_SHIFT) {
			l2g = PAGE_SHIFT;
			match = below(w, 256) & (unsigned)((1u <<
			    (span - PAGE_SHIFT < 8 ? span - PAGE_SHIFT : 8)) - 1);
		}
	} else {
		g = w->gpt[below(w, NGPTS)];
		child = g->d.l2v + GPT_SLOT_BITS;
		if (!any && child > span)
			return c;
		c = st_cap(&g->obj, restr_of(w), 0, 0);
		if (child < span) {
			l2g = child;
			match = below(w, 256) & (unsigned)((1u <<
			    (span - child < 8 ? span - child : 8)) - 1);
		}
	}
	if (below(w, 16) == 0)
		match ^= 1;		/* a guard that misses */
	c.aux = CAP_GUARD(l2g, match);
	return c;
}

static bool
build(struct world *w)
{
	static const unsigned l2vs[] = { 12, 16, 20 };
	unsigned i, j, flags;

	for (i = 0; i < NPAGES; i++)
		if ((w->page[i] = st_page()) == NULL)
			return false;
	for (i = 0; i < NGPTS; i++) {
		flags = below(w, 6) == 0 ? GPT_F_KEEPER : 0;
		if (below(w, 8) == 0)
			flags |= GPT_F_BACKGROUND;
		w->gpt[i] = st_gpt(i == 0 ? ROOT_L2V : l2vs[below(w, 3)],
		    i == 0 ? GPT_F_KEEPER : flags);
		if (w->gpt[i] == NULL)
			return false;
	}
	for (i = 0; i < NGPTS; i++)
		for (j = 0; j < GPT_SLOTS; j++)
			w->gpt[i]->d.slot[j] = random_cap(w,
			    w->gpt[i]->d.l2v, false);
	if ((w->p = st_process()) == NULL)
		return false;
	w->p->d.space = st_cap(&w->gpt[0]->obj, 0, SPACE_L2G, SPACE_MATCH);
	return true;
}

/*
 * An address that follows the tree from the root as far as it goes: a
 * random slot at each GPT, the bits each guard wants, random low bits.
 */
static uint64_t
aimed_va(struct world *w)
{
	const struct gpt *g = w->gpt[0];
	uint64_t off;
	unsigned depth, s;

	off = 0;
	for (depth = 0; depth < 8; depth++) {
		const struct cap *c;
		unsigned l2g;
		struct obj *o;

		s = below(w, GPT_SLOTS);
		off += (uint64_t)s << g->d.l2v;
		c = &g->d.slot[s];
		if ((l2g = CAP_GUARD_L2G(c)) != 0 && l2g < g->d.l2v)
			off += (uint64_t)CAP_GUARD_MATCH(c) << l2g;
		if (c->type != CT_GPT || (o = obj_lookup(c->oid)) == NULL) {
			off += rnd(w) & (PAGE_SIZE - 1);
			break;
		}
		g = (const struct gpt *)o;
	}
	return BASE + (off & ((UINT64_C(1) << SPACE_L2G) - 1));
}

/* Both walks of va agree; counts the walks that started at a record. */
static void
compare(struct world *w, uint64_t va, unsigned acc)
{
	const struct space_dep *from = NULL;
	struct gpt_walk a, b;
	uint32_t fa, fb;

	if (w->p->k.pmap != NULL)
		from = pmap_resume_point(w->p->k.pmap, va);
	fa = gpt_walk(&w->p->d.space, va, acc, &a);
	gpt_walk_done(&a);
	fb = gpt_walk_from(&w->p->d.space, va, acc, from, false, &b);
	gpt_walk_done(&b);
	if (from != NULL)
		w->resumed++;
	if (fa != fb || a.page != b.page || a.restr != b.restr ||
	    a.keeper != b.keeper || a.kept_addr != b.kept_addr)
		st_fail("va %#lx acc %u from %p (slot %u l2size %u depth %u): "
		    "fc %u/%u page %p/%p restr %u/%u keeper %p/%p kept %#lx/"
		    "%#lx (seed %#lx)", va, acc, (const void *)from,
		    from ? from->slot : 0, from ? from->l2size : 0,
		    from ? from->rs.depth : 0, fa, fb, (void *)a.page,
		    (void *)b.page, a.restr, b.restr, (void *)a.keeper,
		    (void *)b.keeper, a.kept_addr, b.kept_addr, w->seed);
	/* A fast walk from the root must agree as well: nothing is on disk. */
	if (fa == FC_NONE && b.nsteps > 0 && from != NULL &&
	    (b.step[0].obj != from->obj || b.step[0].slot != from->slot))
		st_fail("va %#lx: the walk's first step is not its record",
		    va);
}

static void
mutate(struct world *w)
{
	unsigned k = below(w, 20), s = below(w, GPT_SLOTS);
	struct gpt *g = w->gpt[below(w, NGPTS)];

	if (k < 14) {
		g->d.slot[s] = random_cap(w, g->d.l2v, below(w, 8) == 0);
		space_slot_changed(g, s);
	} else if (k < 16) {
		g->d.flags = (uint8_t)below(w, 4);
		if (g == w->gpt[0])
			g->d.flags |= GPT_F_KEEPER;
		space_gpt_changed(g);
	} else if (k < 17 && g != w->gpt[0]) {
		g->d.l2v = (uint8_t)(12 + 4 * below(w, 3));
		space_gpt_changed(g);
	} else if (k < 19) {
		struct page *pg = w->page[below(w, NPAGES)];

		obj_rescind(&pg->obj);	/* its caps die: stale alloc count */
	} else {
		/* A cap made again to a rescinded page is valid again. */
		struct cap *c = &g->d.slot[s];

		if (c->type == CT_PAGE || c->type == CT_GPT) {
			struct obj *o = obj_lookup(c->oid);

			if (o != NULL && c->alloc_count != o->alloc_count) {
				c->alloc_count = o->alloc_count;
				space_slot_changed(g, s);
			}
		}
	}
}

static void
space_resume_random_body(void)
{
	static struct world w;
	unsigned i, acc;
	uint64_t va = BASE;
	struct space_fault f;
	struct pmap_stats st;

	w.seed = 0x9e3779b97f4a7c15ull;
	w.resumed = w.premapped = w.mapped = w.faults = 0;
	ST_CHECK(build(&w));
	for (i = 0; i < ROUNDS; i++) {
		unsigned how = below(&w, 16);
		uint64_t err;

		if (how < 10)
			va = aimed_va(&w);
		else if (how < 14)
			va += (uint64_t)below(&w, 8) << PAGE_SHIFT;	/* near */
		else if (how < 15)
			va = BASE + (rnd(&w) & ((UINT64_C(1) << SPACE_L2G) -
			    1));
		else
			va = rnd(&w) & (USER_VA_END - 1);	/* off the base */
		acc = below(&w, 3);
		err = PF_U | (acc == GPT_ACC_WRITE ? PF_W : 0) |
		    (acc == GPT_ACC_EXEC ? PF_I : 0);
		compare(&w, va, acc);
		switch (below(&w, 4)) {
		case 0:
		case 1:
			if (space_handle_fault(w.p, va, err, &f) == 0)
				w.mapped++;
			else
				w.faults++;
			break;
		case 2:
			if (space_premap(w.p, va, err)) {
				uint64_t pte;
				struct gpt_walk a;

				w.premapped++;
				ST_CHECK_EQ(gpt_walk(&w.p->d.space, va, acc, &a),
				    FC_NONE);
				ST_CHECK_EQ(pmap_lookup(w.p->k.pmap, va, &pte), 0);
				ST_CHECK_EQ(pte & PTE_ADDR, a.page->pa);
				gpt_walk_done(&a);
			}
			break;
		default:
			mutate(&w);
			break;
		}
		if (i % 500 == 0 && w.p->k.pmap != NULL)
			pmap_stats(w.p->k.pmap, &st);
	}
	kprintf("space_resume_random: %u walks from a record, %u mapped, %u "
	    "premapped, %u faults\n", w.resumed, w.mapped, w.premapped,
	    w.faults);
	ST_CHECK(w.resumed > ROUNDS / 10);
	ST_CHECK(w.mapped > ROUNDS / 20 && w.premapped > ROUNDS / 100);
	ST_CHECK(w.faults > ROUNDS / 20);
}
ST_SPACE_CASE(space_resume_random)

/*
 * A chain of GPTs, each passing its slot 0 to the next (14 of l2v 16,
 * then l2v 12 ones): 15 of them map a page, with records at depths 0..14
 * (a second page through slot 1 of the first keeps the page table and
 * the 64 KiB records alive when the first page goes). Two more below
 * make the path longer than GPT_WALK_MAX, which a walk from the deepest
 * record left must find as the walk from the root does.
 */
static void
space_resume_depth_body(void)
{
	struct process *p = st_process();
	struct gpt *g[GPT_WALK_MAX + 1];
	const struct space_dep *from;
	uint64_t va = (UINT64_C(5) << 20) + 0x123;
	struct space_fault f;
	struct gpt_walk w;
	struct page *pg = st_page();
	unsigned i;

	ST_CHECK(p != NULL && pg != NULL);
	for (i = 0; i < GPT_WALK_MAX + 1; i++) {
		ST_CHECK((g[i] = st_gpt(i < 14 ? 16 : PAGE_SHIFT, 0)) != NULL);
		if (i > 0)
			g[i - 1]->d.slot[0] = st_cap(&g[i]->obj, 0, 0, 0);
	}
	g[14]->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
	g[0]->d.slot[1] = st_cap(&pg->obj, 0, PAGE_SHIFT, 0);
	p->d.space = st_cap(&g[0]->obj, 0, 20, 5);
	ST_CHECK_EQ(space_handle_fault(p, va, PF_U, &f), 0);
	ST_CHECK_EQ(space_handle_fault(p, va + (1 << 16), PF_U, &f), 0);
	ST_CHECK((from = pmap_resume_point(p->k.pmap, va)) != NULL);
	ST_CHECK(from->obj == &g[14]->obj);
	ST_CHECK_EQ(from->rs.depth, 14);

	/* 17 GPTs: too deep, from the root and from the record alike. */
	g[14]->d.slot[0] = st_cap(&g[15]->obj, 0, 0, 0);
	space_slot_changed(g[14], 0);
	ST_CHECK((from = pmap_resume_point(p->k.pmap, va)) != NULL);
	ST_CHECK(from->obj == &g[13]->obj);
	ST_CHECK_EQ(from->rs.depth, 13);
	ST_CHECK_EQ(gpt_walk_from(&p->d.space, va, GPT_ACC_READ, from, false,
	    &w), FC_BAD_SPACE);
	gpt_walk_done(&w);
	ST_CHECK_EQ(space_handle_fault(p, va, PF_U, &f), ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_BAD_SPACE);
	ST_CHECK(!space_premap(p, va, PF_U));

	/* 16 GPTs are allowed. */
	g[15]->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
	space_slot_changed(g[15], 0);
	ST_CHECK(space_premap(p, va, PF_U));
}
ST_SPACE_CASE(space_resume_depth)

ST_SUITE(st_space_resume,
	ST_CASE(space_resume_random),
	ST_CASE(space_resume_depth),
);
