/*
 * st_space_big.c - address spaces at scale, and what they cost: 1000
 * pages mapped through a three-level tree, then single slot changes that
 * must drop exactly their pages; and the TSC cost of the steps of a
 * keeper-resolved demand-zero fault (the fault that finds a hole, the
 * keeper's slot store, the fault that maps the page). Under QEMU
 * -icount shift=0 the TSC counts instructions. The costs are printed
 * ("space: ..."), never asserted.
 */
#include <stdint.h>

#include <abi/err.h>
#include <abi/process.h>
#include <obj.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_space_tree.h>
#include <space.h>
#include <x86_64/cpu.h>
#include <x86_64/pmap.h>
#include <x86_64/trap.h>
#include <x86_64/vm.h>

#define NPAGES		1000
#define NCOST		(16 * 14)	/* slots 1..14 of 16 leaves */

static uint64_t	ptes[NPAGES];	/* too big for the stack */

static uint64_t
va_of(unsigned i)
{
	return ST_TREE_BASE + ((uint64_t)i << 12);
}

static uint64_t
pte_of(struct process *p, uint64_t va)
{
	uint64_t pte;

	return pmap_lookup(p->k.pmap, va, &pte) == 0 ? pte : 0;
}

/* Pages whose PTE differs from ptes[]; the first one in *first. */
static unsigned
differ(struct process *p, unsigned *first)
{
	unsigned i, n = 0;

	for (i = 0; i < NPAGES; i++)
		if (pte_of(p, va_of(i)) != ptes[i] && n++ == 0)
			*first = i;
	return n;
}

static void
space_1000_pages_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	struct space_fault f;
	struct pmap_stats s;
	uint64_t t0, dt, min = UINT64_MAX, sum = 0;
	unsigned i, first = 0;

	ST_CHECK(p != NULL && st_tree_init(&t));
	p->d.space = st_tree_cap(&t);
	for (i = 0; i < NPAGES; i++)
		ST_CHECK(st_tree_map(&t, va_of(i), 0, 0) != NULL);
	for (i = 0; i < NPAGES; i++) {
		int err;

		t0 = cpu_rdtsc();
		err = space_handle_fault(p, va_of(i), PF_U | PF_W, &f);
		dt = cpu_rdtsc() - t0;
		ST_CHECK_EQ(err, 0);
		sum += dt;
		if (dt < min)
			min = dt;
		ptes[i] = pte_of(p, va_of(i));
		ST_CHECK(ptes[i] & PTE_W);
	}
	kprintf("space: %u write faults, 3-level tree: %lu TSC each on "
	    "average, %lu at least\n", NPAGES, sum / NPAGES, min);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, NPAGES);
	ST_CHECK_EQ(s.tables, 4);		/* PDPT, PD, two PTs */
	/* Pages and leaf slots, 63 mid slots, 4 root slots. */
	ST_CHECK_EQ(s.deps, 2 * NPAGES + 63 + 4);

	/* One leaf slot: page 500 and no other. */
	t0 = cpu_rdtsc();
	space_slot_changed(t.leaf[1][15], 4);		/* page 500 */
	dt = cpu_rdtsc() - t0;
	ST_CHECK_EQ(differ(p, &first), 1);
	ST_CHECK_EQ(first, 500);
	kprintf("space: slot change dropping 1 of %u pages: %lu TSC\n",
	    NPAGES, dt);
	/* One mid slot: pages 512..527. */
	t0 = cpu_rdtsc();
	space_slot_changed(t.mid[2], 0);
	dt = cpu_rdtsc() - t0;
	ST_CHECK_EQ(differ(p, &first), 17);
	ST_CHECK_EQ(first, 500);
	ST_CHECK_EQ(pte_of(p, va_of(511)), ptes[511]);
	ST_CHECK_EQ(pte_of(p, va_of(528)), ptes[528]);
	kprintf("space: slot change dropping 16 of %u pages: %lu TSC\n",
	    NPAGES, dt);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, NPAGES - 17);
	ST_CHECK_EQ(s.deps, 2 * (NPAGES - 17) + 62 + 4);
	/* Everything. */
	t0 = cpu_rdtsc();
	space_process_changed(p);
	dt = cpu_rdtsc() - t0;
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages + s.tables + s.deps, 0);
	kprintf("space: dropping all %u pages: %lu TSC\n", NPAGES - 17, dt);
}
ST_SPACE_CASE(space_1000_pages)

/*
 * The kernel's share of a demand-zero fault in a three-level tree whose
 * tables exist: the fault walks into an empty leaf slot (FC_NO_MAPPING,
 * kept by the leaf's keeper), the keeper stores a page cap in the slot
 * (space_slot_changed on a slot nothing depends on yet), the retried
 * fault maps the page.
 */
static void
space_fault_cost_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	struct space_fault f;
	uint64_t hole = 0, store = 0, map = 0, best = UINT64_MAX, t0, t1, t2, t3;
	unsigned i, l;

	ST_CHECK(p != NULL && st_tree_init(&t));
	p->d.space = st_tree_cap(&t);
	/* Leaves 0..15 of mid 0, kept, with their tables built. */
	for (l = 0; l < 16; l++) {
		ST_CHECK(st_tree_map(&t, st_tree_va(0, l, 0), 0, 0) != NULL);
		t.leaf[0][l]->d.flags = GPT_F_KEEPER;
		ST_CHECK_EQ(space_handle_fault(p, st_tree_va(0, l, 0),
		    PF_U | PF_W, &f), 0);
	}
	for (i = 0; i < NCOST; i++) {
		unsigned slot = 1 + i % 14;	/* not the keeper's 15 */
		uint64_t va = st_tree_va(0, i / 14, slot);
		struct gpt *leaf = t.leaf[0][i / 14];
		struct page *pg = st_page();
		int e1, e2;

		ST_CHECK(pg != NULL);
		t0 = cpu_rdtsc();
		e1 = space_handle_fault(p, va, PF_U | PF_W, &f);
		t1 = cpu_rdtsc();
		ST_CHECK_EQ(e1, ERR_NO_ACCESS);
		ST_CHECK_EQ(f.code, FC_NO_MAPPING);
		ST_CHECK(f.keeper_gpt == leaf);
		ST_CHECK_EQ(f.kept_addr, (uint64_t)slot << 12);
		t2 = cpu_rdtsc();
		leaf->d.slot[slot] = st_cap(&pg->obj, 0, 0, 0);
		space_slot_changed(leaf, slot);
		t3 = cpu_rdtsc();
		store += t3 - t2;
		hole += t1 - t0;
		t0 = cpu_rdtsc();
		e2 = space_handle_fault(p, va, PF_U | PF_W, &f);
		t1 = cpu_rdtsc();
		ST_CHECK_EQ(e2, 0);
		map += t1 - t0;
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	kprintf("space: demand-zero fault, 3-level tree, TSC per step (mean "
	    "of %u): hole %lu, slot store %lu, mapping fault %lu (best %lu)\n",
	    NCOST, hole / NCOST, store / NCOST, map / NCOST, best);
}
ST_SPACE_CASE(space_fault_cost)

ST_SUITE(st_space_big,
	ST_CASE(space_1000_pages),
	ST_CASE(space_fault_cost),
);
