/*
 * st_gpt.c - self-tests of the GPT walk (kernel/gpt.c) on hand-built
 * trees: a single page, two and three levels, guards that match and do
 * not, RO/NX/WEAK on different levels, keeper and background slots, span
 * overflow, cycles, caps of the wrong type or stale, malformed GPTs and
 * guards, and the slot regions the walk reports.
 */
#include <stdint.h>

#include <abi/gpt.h>
#include <abi/process.h>
#include <gpt.h>
#include <obj.h>
#include <store/objcache.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>

/* gpt_walk, releasing its pins at once (the test holds its own). */
static uint32_t
walk(const struct cap *root, uint64_t va, unsigned access,
    struct gpt_walk *w)
{
	uint32_t fc = gpt_walk(root, va, access, w);

	gpt_walk_done(w);
	return fc;
}

static void
gpt_one_page_body(void)
{
	struct page *pg = st_page();
	struct gpt_walk w;
	struct cap c;

	ST_CHECK(pg != NULL);
	c = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 0x123, GPT_ACC_WRITE, &w), FC_NONE);
	ST_CHECK(w.page == pg);
	ST_CHECK_EQ(w.nsteps, 0);
	ST_CHECK_EQ(w.restr, 0);
	ST_CHECK(w.keeper == NULL);
	ST_CHECK_EQ(walk(&c, 0xfff, GPT_ACC_EXEC, &w), FC_NONE);
	ST_CHECK_EQ(walk(&c, 0x1000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK(w.page == NULL);
	c = st_cap(&pg->obj, CAP_R_RO, 0, 0);
	ST_CHECK_EQ(walk(&c, 0x10, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(w.restr, CAP_R_RO);
	ST_CHECK_EQ(walk(&c, 0x10, GPT_ACC_WRITE, &w), FC_WRITE_RO);
	/* A guarded page: the page sits at match << l2g. */
	c = st_cap(&pg->obj, 0, 20, 3);
	ST_CHECK_EQ(walk(&c, (3u << 20) + 8, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(walk(&c, (2u << 20) + 8, GPT_ACC_READ, &w), FC_GUARD);
	ST_CHECK_EQ(walk(&c, (3u << 20) + 0x1000, GPT_ACC_READ, &w),
	    FC_NO_MAPPING);
}
ST_SPACE_CASE(gpt_one_page)

static void
gpt_two_level_body(void)
{
	struct gpt *root = st_gpt(21, 0), *leaf = st_gpt(12, 0);
	struct page *pg = st_page();
	uint64_t va = (3ul << 21) | (5ul << 12) | 0x10;
	struct gpt_walk w;
	struct cap c;

	ST_CHECK(root != NULL && leaf != NULL && pg != NULL);
	root->d.slot[3] = st_cap(&leaf->obj, 0, 0, 0);
	leaf->d.slot[5] = st_cap(&pg->obj, 0, 0, 0);
	c = st_cap(&root->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, va, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK(w.page == pg);
	ST_CHECK_EQ(w.nsteps, 2);
	ST_CHECK(w.step[0].obj == &root->obj);
	ST_CHECK_EQ(w.step[0].slot, 3);
	ST_CHECK_EQ(w.step[0].lo, 3ul << 21);
	ST_CHECK_EQ(w.step[0].l2size, 21);
	ST_CHECK(w.step[1].obj == &leaf->obj);
	ST_CHECK(w.step[2].obj == &pg->obj);
	ST_CHECK_EQ(w.step[2].slot, SPACE_DEP_PAGE);
	ST_CHECK_EQ(w.step[2].l2size, PAGE_SHIFT);
	ST_CHECK_EQ(w.step[2].lo, va & ~0xffful);
	ST_CHECK_EQ(w.step[1].slot, 5);
	ST_CHECK_EQ(w.step[1].lo, va & ~0xffful);
	ST_CHECK_EQ(w.step[1].l2size, 12);
	/* An empty slot at each level, and the end of the root's span. */
	ST_CHECK_EQ(walk(&c, va + 0x1000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&c, 4ul << 21, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&c, 1ul << 25, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&c, (1ul << 25) | va, GPT_ACC_READ, &w),
	    FC_NO_MAPPING);
	/* The same leaf in a second root slot: both addresses work. */
	root->d.slot[9] = root->d.slot[3];
	ST_CHECK_EQ(walk(&c, (9ul << 21) | (5ul << 12), GPT_ACC_READ, &w),
	    FC_NONE);
	ST_CHECK(w.page == pg);
}
ST_SPACE_CASE(gpt_two_level)

static void
gpt_guards_body(void)
{
	struct gpt *root = st_gpt(24, 0), *mid = st_gpt(12, 0);
	struct page *pg = st_page();
	struct gpt_walk w;
	struct cap c, bad;
	uint64_t va;

	ST_CHECK(root != NULL && mid != NULL && pg != NULL);
	/* Root cap guarded at 2^30: the space lives at [2 GiB, 3 GiB). */
	c = st_cap(&root->obj, 0, 30, 2);
	/* Slot 1 holds mid guarded: mid sits at 0xAB << 16 in the slot. */
	root->d.slot[1] = st_cap(&mid->obj, 0, 16, 0xAB);
	mid->d.slot[4] = st_cap(&pg->obj, 0, 0, 0);
	va = (2ul << 30) | (1ul << 24) | (0xABul << 16) | (4ul << 12) | 0x77;
	ST_CHECK_EQ(walk(&c, va, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK(w.page == pg);
	/* The guard narrows the region of mid's slots and of root's slot. */
	ST_CHECK_EQ(w.step[0].l2size, 24);
	ST_CHECK_EQ(w.step[0].lo, (2ul << 30) | (1ul << 24));
	ST_CHECK_EQ(w.step[1].l2size, 12);
	/* The root guard fails, then the mid guard. */
	ST_CHECK_EQ(walk(&c, va - (1ul << 30), GPT_ACC_READ, &w), FC_GUARD);
	ST_CHECK_EQ(walk(&c, va ^ (1ul << 16), GPT_ACC_READ, &w), FC_GUARD);
	/* mid with l2v 13: address bit 13 now picks the slot. */
	mid->d.l2v = 13;
	mid->d.slot[2] = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, va, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(w.step[1].slot, 2);
	ST_CHECK_EQ(w.step[1].l2size, 13);
	mid->d.l2v = 12;
	/* A guard below the page size or beyond 63 is malformed. */
	bad = st_cap(&root->obj, 0, 11, 0);
	ST_CHECK_EQ(walk(&bad, 0, GPT_ACC_READ, &w), FC_GUARD);
	bad = st_cap(&root->obj, 0, 64, 0);
	ST_CHECK_EQ(walk(&bad, 0, GPT_ACC_READ, &w), FC_GUARD);
	/*
	 * A guard of 2^14 on a GPT of l2v 16: only the low 16 KiB of its
	 * slot 0 is reachable, and that is the slot's whole region.
	 */
	root->d.slot[1] = st_cap(&mid->obj, 0, 14, 0xAB);
	mid->d.l2v = 16;
	mid->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
	va = (2ul << 30) | (1ul << 24) | (0xABul << 14);
	ST_CHECK_EQ(walk(&c, va, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(w.step[1].slot, 0);
	ST_CHECK_EQ(w.step[1].l2size, 14);
	ST_CHECK_EQ(w.step[1].lo, va);
	ST_CHECK_EQ(walk(&c, va | (1ul << 12), GPT_ACC_READ, &w),
	    FC_NO_MAPPING);		/* beyond the page in slot 0 */
}
ST_SPACE_CASE(gpt_guards)

static void
gpt_restrictions_body(void)
{
	struct gpt *root = st_gpt(16, 0), *leaf = st_gpt(12, 0);
	struct page *pg = st_page();
	struct gpt_walk w;
	struct cap c;

	ST_CHECK(root != NULL && leaf != NULL && pg != NULL);
	/* RO at the root cap, NX at the page cap. */
	c = st_cap(&root->obj, CAP_R_RO, 0, 0);
	root->d.slot[0] = st_cap(&leaf->obj, 0, 0, 0);
	leaf->d.slot[0] = st_cap(&pg->obj, CAP_R_NX, 0, 0);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(w.restr, CAP_R_RO | CAP_R_NX);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_WRITE, &w), FC_WRITE_RO);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_EXEC, &w), FC_EXEC_NX);
	/* NX at the middle only: writes pass, fetches fail. */
	c = st_cap(&root->obj, 0, 0, 0);
	root->d.slot[0] = st_cap(&leaf->obj, CAP_R_NX, 0, 0);
	leaf->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_WRITE, &w), FC_NONE);
	ST_CHECK_EQ(w.restr, CAP_R_NX);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_EXEC, &w), FC_EXEC_NX);
	/* RO at the page only. */
	root->d.slot[0] = st_cap(&leaf->obj, 0, 0, 0);
	leaf->d.slot[0] = st_cap(&pg->obj, CAP_R_RO, 0, 0);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_WRITE, &w), FC_WRITE_RO);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_EXEC, &w), FC_NONE);
	/* WEAK anywhere acts as RO. */
	root->d.slot[0] = st_cap(&leaf->obj, CAP_R_WEAK, 0, 0);
	leaf->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(w.restr, CAP_R_RO);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_WRITE, &w), FC_WRITE_RO);
	/* OPAQUE and NOCALL do not restrict mapping. */
	root->d.slot[0] = st_cap(&leaf->obj, CAP_R_OPAQUE | CAP_R_NOCALL, 0,
	    0);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_WRITE, &w), FC_NONE);
	ST_CHECK_EQ(w.restr, 0);
}
ST_SPACE_CASE(gpt_restrictions)

static void
gpt_keeper_body(void)
{
	struct gpt *root = st_gpt(20, GPT_F_KEEPER | GPT_F_BACKGROUND);
	struct gpt *kept = st_gpt(12, GPT_F_KEEPER), *plain = st_gpt(12, 0);
	struct page *pg = st_page();
	struct gpt_walk w;
	struct cap c, ep = { .type = CT_ENTRY };
	uint64_t va;

	ST_CHECK(root != NULL && kept != NULL && plain != NULL && pg != NULL);
	c = st_cap(&root->obj, 0, 0, 0);
	root->d.slot[GPT_KEEPER_SLOT] = ep;
	root->d.slot[2] = st_cap(&kept->obj, 0, 0, 0);
	kept->d.slot[GPT_KEEPER_SLOT] = ep;
	kept->d.slot[3] = st_cap(&plain->obj, 0, 16, 0);
	/* A hole two GPTs below the kept one: the innermost keeper wins. */
	va = (2ul << 20) | (3ul << 12) | 0x45;
	ST_CHECK_EQ(walk(&c, va, GPT_ACC_WRITE, &w), FC_NO_MAPPING);
	ST_CHECK(w.keeper == kept);
	ST_CHECK_EQ(w.kept_addr, (3ul << 12) | 0x45);
	/* A hole in the root: the root keeps it, at the full address. */
	ST_CHECK_EQ(walk(&c, (4ul << 20) | 0x99, GPT_ACC_READ, &w),
	    FC_NO_MAPPING);
	ST_CHECK(w.keeper == root);
	ST_CHECK_EQ(w.kept_addr, (4ul << 20) | 0x99);
	/* A guard failure inside kept's slot is reported to kept too. */
	kept->d.slot[3] = st_cap(&plain->obj, 0, 16, 1);
	ST_CHECK_EQ(walk(&c, va, GPT_ACC_READ, &w), FC_GUARD);
	ST_CHECK(w.keeper == kept);
	/* Keeper and background slots never translate, even holding pages. */
	root->d.slot[GPT_KEEPER_SLOT] = st_cap(&pg->obj, 0, 0, 0);
	root->d.slot[GPT_BACKGROUND_SLOT] = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 15ul << 20, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK(w.keeper == root);
	ST_CHECK_EQ(walk(&c, 14ul << 20, GPT_ACC_READ, &w), FC_NO_MAPPING);
	/* Without the flags those slots are ordinary; a hole has no keeper. */
	root->d.flags = 0;
	root->d.slot[GPT_KEEPER_SLOT] = st_cap(&pg->obj, 0, 8 + 12, 0);
	ST_CHECK_EQ(walk(&c, 15ul << 20, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK(w.page == pg && w.keeper == NULL);
	ST_CHECK_EQ(walk(&c, 14ul << 20, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(walk(&c, 4ul << 20, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK(w.keeper == NULL);
	/* A successful walk still names the keeper (for write faults). */
	kept->d.slot[3] = st_cap(&pg->obj, CAP_R_RO, 0, 0);
	ST_CHECK_EQ(walk(&c, (2ul << 20) | (3ul << 12), GPT_ACC_WRITE, &w),
	    FC_WRITE_RO);
	ST_CHECK(w.keeper == kept);
	ST_CHECK_EQ(w.kept_addr, 3ul << 12);
}
ST_SPACE_CASE(gpt_keeper)

static void
gpt_span_body(void)
{
	struct gpt *root = st_gpt(12, 0);
	struct page *pg = st_page();
	struct gpt_walk w;
	struct cap c, none = { 0 };

	ST_CHECK(root != NULL && pg != NULL);
	c = st_cap(&root->obj, 0, 0, 0);
	root->d.slot[15] = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 0xf000, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(walk(&c, 0x10000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&c, 0x1f000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&c, 1ul << 46, GPT_ACC_READ, &w), FC_NO_MAPPING);
	/* Kernel addresses fault before the space is looked at. */
	ST_CHECK_EQ(walk(&c, USER_VA_END, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&none, 0xffffffff80000000ul, GPT_ACC_READ, &w),
	    FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&none, 0, GPT_ACC_READ, &w), FC_BAD_SPACE);
	/* The widest GPT (l2v 60) has no span limit. */
	root->d.l2v = GPT_L2V_MAX;
	root->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 0x5000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK_EQ(walk(&c, 0x0, GPT_ACC_READ, &w), FC_NONE);
	ST_CHECK_EQ(w.step[0].l2size, GPT_L2V_MAX);
	ST_CHECK_EQ(w.step[0].lo, 0);
}
ST_SPACE_CASE(gpt_span)

static void
gpt_cycle_body(void)
{
	struct gpt *a = st_gpt(12, 0), *b = st_gpt(12, 0);
	struct gpt_walk w;
	struct cap c;

	ST_CHECK(a != NULL && b != NULL);
	/* a -> a: a self-loop. */
	a->d.slot[0] = st_cap(&a->obj, 0, 0, 0);
	c = st_cap(&a->obj, 0, 0, 0);
	ST_CHECK_EQ(walk(&c, 0, GPT_ACC_READ, &w), FC_BAD_SPACE);
	ST_CHECK_EQ(w.nsteps, GPT_WALK_MAX);
	ST_CHECK_EQ(a->obj.pins, 1);		/* ours only */
	/* a -> b -> a through guarded caps, so the walk cannot tell. */
	a->d.slot[0] = st_cap(&b->obj, 0, 0, 0);
	b->d.slot[0] = st_cap(&a->obj, CAP_R_RO, 0, 0);
	ST_CHECK_EQ(walk(&c, 0x10, GPT_ACC_READ, &w), FC_BAD_SPACE);
	ST_CHECK_EQ(b->obj.pins, 1);
	/* A deep but finite chain of GPT_WALK_MAX GPTs still translates. */
	{
		struct gpt *g[GPT_WALK_MAX];
		struct page *pg = st_page();
		unsigned i;

		ST_CHECK(pg != NULL);
		for (i = 0; i < GPT_WALK_MAX; i++)
			ST_CHECK((g[i] = st_gpt(12, 0)) != NULL);
		for (i = 0; i + 1 < GPT_WALK_MAX; i++)
			g[i]->d.slot[0] = st_cap(&g[i + 1]->obj, 0, 0, 0);
		g[GPT_WALK_MAX - 1]->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
		c = st_cap(&g[0]->obj, 0, 0, 0);
		ST_CHECK_EQ(walk(&c, 0, GPT_ACC_READ, &w), FC_NONE);
		ST_CHECK(w.page == pg);
		/* One more level is too deep. */
		g[GPT_WALK_MAX - 1]->d.slot[0] = st_cap(&a->obj, 0, 0, 0);
		a->d.slot[0] = st_cap(&pg->obj, 0, 0, 0);
		ST_CHECK_EQ(walk(&c, 0, GPT_ACC_READ, &w), FC_BAD_SPACE);
	}
}
ST_SPACE_CASE(gpt_cycle)

static void
gpt_bad_caps_body(void)
{
	struct gpt *root = st_gpt(12, 0), *bad = st_gpt(12, 0);
	struct page *pg = st_page();
	struct gpt_walk w;
	struct cap c, x;

	ST_CHECK(root != NULL && bad != NULL && pg != NULL);
	c = st_cap(&root->obj, 0, 0, 0);
	/* Roots that are not GPT or PAGE caps. */
	x = st_cap(&root->obj, 0, 0, 0);
	x.type = CT_CAPPAGE;
	ST_CHECK_EQ(walk(&x, 0, GPT_ACC_READ, &w), FC_BAD_SPACE);
	x.type = CT_ENTRY;
	ST_CHECK_EQ(walk(&x, 0, GPT_ACC_READ, &w), FC_BAD_SPACE);
	/* Slots holding caps that cannot translate data. */
	root->d.slot[1] = x;
	ST_CHECK_EQ(walk(&c, 0x1000, GPT_ACC_READ, &w), FC_BAD_SPACE);
	root->d.slot[1] = st_cap(&pg->obj, 0, 0, 0);
	root->d.slot[1].type = CT_CAPPAGE;
	ST_CHECK_EQ(walk(&c, 0x1000, GPT_ACC_READ, &w), FC_BAD_SPACE);
	/* A PAGE cap naming a GPT's OID is invalid: a hole. */
	root->d.slot[1] = st_cap(&bad->obj, 0, 0, 0);
	root->d.slot[1].type = CT_PAGE;
	ST_CHECK_EQ(walk(&c, 0x1000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	/* A stale cap is a hole, whatever its guard says. */
	root->d.slot[1] = st_cap(&pg->obj, 0, 20, 7);
	ST_CHECK_EQ(walk(&c, 0x1000, GPT_ACC_READ, &w), FC_GUARD);
	obj_rescind(&pg->obj);
	ST_CHECK_EQ(walk(&c, 0x1000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	ST_CHECK(w.err == 0);
	/* A stale root GPT cap. */
	x = c;
	x.alloc_count++;
	ST_CHECK_EQ(walk(&x, 0x1000, GPT_ACC_READ, &w), FC_NO_MAPPING);
	/* GPTs whose l2v is out of range. */
	root->d.slot[2] = st_cap(&bad->obj, 0, 0, 0);
	bad->d.l2v = PAGE_SHIFT - 1;
	ST_CHECK_EQ(walk(&c, 0x2000, GPT_ACC_READ, &w), FC_GUARD);
	bad->d.l2v = GPT_L2V_MAX + 1;
	ST_CHECK_EQ(walk(&c, 0x2000, GPT_ACC_READ, &w), FC_GUARD);
	bad->d.l2v = 255;
	ST_CHECK_EQ(walk(&c, 0x2000, GPT_ACC_READ, &w), FC_GUARD);
	/* A slot's wrong-type OID: a GPT cap naming a page. */
	root->d.slot[3] = st_cap(&pg->obj, 0, 0, 0);
	root->d.slot[3].type = CT_GPT;
	root->d.slot[3].alloc_count = pg->obj.alloc_count;
	ST_CHECK_EQ(walk(&c, 0x3000, GPT_ACC_READ, &w), FC_NO_MAPPING);
}
ST_SPACE_CASE(gpt_bad_caps)

/* Objects not in memory yet: the walk loads them and pins what it holds. */
static void
gpt_load_body(void)
{
	struct gpt *root = st_gpt(16, 0);
	struct gpt_walk w;
	struct cap c, pc = { .type = CT_PAGE };
	struct obj *o;

	ST_CHECK(root != NULL);
	c = st_cap(&root->obj, 0, 0, 0);
	pc.oid = st_fresh_oid(OT_PAGE);
	root->d.slot[3] = pc;
	ST_CHECK(obj_lookup(pc.oid) == NULL);
	ST_CHECK_EQ(gpt_walk(&c, 0x30000, GPT_ACC_WRITE, &w), FC_NONE);
	o = obj_lookup(pc.oid);
	ST_CHECK(o != NULL && w.page == obj_page(o));
	ST_CHECK_EQ(w.npins, 2);			/* root and page */
	ST_CHECK_EQ(o->pins, 1);
	ST_CHECK_EQ(root->obj.pins, 2);
	gpt_walk_done(&w);
	ST_CHECK_EQ(o->pins, 0);
	ST_CHECK_EQ(root->obj.pins, 1);
	/* Now in memory: the walk pins nothing. */
	ST_CHECK_EQ(gpt_walk(&c, 0x30000, GPT_ACC_WRITE, &w), FC_NONE);
	ST_CHECK_EQ(w.npins, 0);
	gpt_walk_done(&w);
	/* A fresh GPT reads as l2v 0: malformed. */
	root->d.slot[4] = (struct cap){ .type = CT_GPT,
	    .oid = st_fresh_oid(OT_GPT) };
	ST_CHECK_EQ(walk(&c, 0x40000, GPT_ACC_READ, &w), FC_GUARD);
}
ST_SPACE_CASE(gpt_load)

ST_SUITE(st_gpt,
	ST_CASE(gpt_one_page),
	ST_CASE(gpt_two_level),
	ST_CASE(gpt_guards),
	ST_CASE(gpt_restrictions),
	ST_CASE(gpt_keeper),
	ST_CASE(gpt_span),
	ST_CASE(gpt_cycle),
	ST_CASE(gpt_bad_caps),
	ST_CASE(gpt_load),
);
