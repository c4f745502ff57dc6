/*
 * st_space.c - self-tests of address spaces (kernel/space.c, pmap.c):
 * faults install PTEs with the right bits, the MMU enforces them once
 * the pmap is loaded, and each change (GPT slot, rescinded page or GPT,
 * process space) drops exactly the PTEs that depended on it, in every
 * pmap, with no record or table left behind. Trees are built by hand
 * from fresh objects (st_space.h); nothing runs in ring 3.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <obj.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_space_tree.h>
#include <space.h>
#include <space_dep.h>
#include <x86_64/cpu.h>
#include <x86_64/pmap.h>
#include <x86_64/trap.h>
#include <x86_64/vm.h>

#define ERR_READ	(PF_U)
#define ERR_WRITE	(PF_U | PF_W)
#define ERR_EXEC	(PF_U | PF_I)

static void
space_map_bits_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	struct page *a, *b, *c;
	uint64_t va0 = st_tree_va(0, 0, 0), va1 = st_tree_va(0, 0, 1);
	uint64_t va2 = st_tree_va(0, 1, 0), pte;
	struct space_fault f;
	struct pmap_stats s;

	ST_CHECK(p != NULL && st_tree_init(&t));
	ST_CHECK((a = st_tree_map(&t, va0, 0, 0)) != NULL);
	ST_CHECK((b = st_tree_map(&t, va1, CAP_R_RO, 0)) != NULL);
	ST_CHECK((c = st_tree_map(&t, va2, 0, CAP_R_NX)) != NULL);
	p->d.space = st_tree_cap(&t);

	/* A read maps the page present, user, read-only (it is clean). */
	ST_CHECK_EQ(space_handle_fault(p, va0 + 0x10, ERR_READ, &f), 0);
	ST_CHECK_EQ(f.code, FC_NONE);
	ST_CHECK(p->k.pmap != NULL);
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va0, &pte), 0);
	ST_CHECK_EQ(pte & PTE_ADDR, a->pa);
	ST_CHECK_EQ(pte & (PTE_P | PTE_U | PTE_W | PTE_NX | PTE_G),
	    PTE_P | PTE_U);
	ST_CHECK(!(a->obj.flags & OBJ_F_DIRTY));
	/* A write makes it writable and dirty. */
	ST_CHECK_EQ(space_handle_fault(p, va0 + 8, ERR_WRITE | PF_P, &f), 0);
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va0, &pte), 0);
	ST_CHECK_EQ(pte & (PTE_P | PTE_U | PTE_W | PTE_NX), PTE_P | PTE_U |
	    PTE_W);
	ST_CHECK(a->obj.flags & OBJ_F_DIRTY);
	/* A read-only page: a write faults and maps nothing. */
	ST_CHECK_EQ(space_handle_fault(p, va1 + 4, ERR_WRITE, &f),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_WRITE_RO);
	ST_CHECK_EQ(f.addr, va1 + 4);
	ST_CHECK(f.keeper_gpt == NULL);
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va1, &pte), ERR_NOT_FOUND);
	ST_CHECK_EQ(space_handle_fault(p, va1, ERR_READ, &f), 0);
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va1, &pte), 0);
	ST_CHECK_EQ(pte & (PTE_P | PTE_W), PTE_P);
	ST_CHECK_EQ(space_handle_fault(p, va1, ERR_WRITE | PF_P, &f),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_WRITE_RO);
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va1, &pte), 0);
	ST_CHECK_EQ(pte & PTE_W, 0);
	ST_CHECK(!(b->obj.flags & OBJ_F_DIRTY));
	/* No-execute: a fetch faults, a read maps it NX. */
	ST_CHECK_EQ(space_handle_fault(p, va2, ERR_EXEC, &f), ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_EXEC_NX);
	ST_CHECK_EQ(space_handle_fault(p, va2, ERR_WRITE, &f), 0);
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va2, &pte), 0);
	ST_CHECK_EQ(pte & (PTE_W | PTE_NX | PTE_ADDR), PTE_W | PTE_NX | c->pa);
	/* Holes and kernel addresses map nothing. */
	ST_CHECK_EQ(space_handle_fault(p, va0 + 0x2000, ERR_READ, &f),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_NO_MAPPING);
	ST_CHECK_EQ(space_handle_fault(p, KERNEL_VMA, ERR_READ, &f),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_NO_MAPPING);
	ST_CHECK_EQ(f.addr, KERNEL_VMA);
	ST_CHECK_EQ(space_handle_fault(p, USER_VA_END, ERR_WRITE, &f),
	    ERR_NO_ACCESS);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, 3);
	ST_CHECK_EQ(s.tables, 3);	/* one PDPT, PD and PT */
	/* root slot 0, mid slot 0, leaf slots 0..1, mid slot 1, its leaf
	 * slot 0, and three pages. */
	ST_CHECK_EQ(s.deps, 9);
}
ST_SPACE_CASE(space_map_bits)

/* AND of the U/W/P bits on every level of va's hardware walk. */
static uint64_t
hw_walk(uint64_t root, uint64_t va, uint64_t *leaf)
{
	uint64_t bits = PTE_P | PTE_U | PTE_W, e = 0;
	const uint64_t *t = phys_to_virt(root);
	int level;

	for (level = 3; level >= 0; level--) {
		e = t[(va >> (12 + 9 * level)) & 511];
		bits &= e;
		if (!(e & PTE_P))
			break;
		if (level > 0)
			t = phys_to_virt(e & PTE_ADDR);
	}
	*leaf = e;
	return bits;
}

static void
space_hw_access_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	uint64_t va0 = st_tree_va(0, 0, 0), va1 = st_tree_va(0, 0, 1);
	uint64_t va2 = st_tree_va(0, 0, 2), va3 = st_tree_va(0, 0, 3);
	uint64_t hole = st_tree_va(0, 0, 4), leaf;
	struct page *a, *b, *c, *d;
	struct space_fault f;
	volatile uint64_t *ua = (volatile uint64_t *)va0;
	uint64_t *ka;

	ST_CHECK(p != NULL && st_tree_init(&t));
	ST_CHECK((a = st_tree_map(&t, va0, 0, 0)) != NULL);
	ST_CHECK((b = st_tree_map(&t, va1, CAP_R_RO, 0)) != NULL);
	ST_CHECK((c = st_tree_map(&t, va2, CAP_R_NX, 0)) != NULL);
	ST_CHECK((d = st_tree_map(&t, va3, CAP_R_RO, 0)) != NULL);
	p->d.space = st_tree_cap(&t);
	ka = page_data(a);
	ka[0] = 0x1122334455667788ul;
	*(uint8_t *)page_data(c) = 0xc3;	/* ret */
	*(uint8_t *)page_data(d) = 0xc3;
	ST_CHECK_EQ(space_handle_fault(p, va0, ERR_WRITE, &f), 0);
	ST_CHECK_EQ(space_handle_fault(p, va1, ERR_READ, &f), 0);
	ST_CHECK_EQ(space_handle_fault(p, va2, ERR_READ, &f), 0);
	ST_CHECK_EQ(space_handle_fault(p, va3, ERR_EXEC, &f), 0);

	ST_CHECK_EQ(space_activate(p), 0);
	ST_CHECK_EQ(cpu_read_cr3(), pmap_root(p->k.pmap));
	ST_CHECK(pmap_current() == p->k.pmap);
	/* User-accessible on every level; writable only where allowed. */
	ST_CHECK_EQ(hw_walk(cpu_read_cr3(), va0, &leaf), PTE_P | PTE_U |
	    PTE_W);
	ST_CHECK_EQ(hw_walk(cpu_read_cr3(), va1, &leaf), PTE_P | PTE_U);
	ST_CHECK_EQ(leaf & PTE_ADDR, b->pa);
	ST_CHECK_EQ(hw_walk(cpu_read_cr3(), va2, &leaf) & PTE_U, PTE_U);
	ST_CHECK(leaf & PTE_NX);
	/* The kernel half is the kernel's: this code still runs. */
	ST_CHECK_EQ(ua[0], 0x1122334455667788ul);
	ua[1] = 0xfeedfacecafebeeful;
	ST_CHECK_EQ(ka[1], 0xfeedfacecafebeeful);
	/* The MMU enforces what the caps said (CR0.WP holds the kernel). */
	if (!st_expect_fault(probe_write, va1, T_PF, PF_P | PF_W,
	    (uint64_t)probe_write_insn, va1))
		return;
	if (!st_expect_fault(probe_exec, va2, T_PF, PF_P | PF_I, va2, va2))
		return;
	if (!st_expect_fault(probe_read, hole, T_PF, 0,
	    (uint64_t)probe_read_insn, hole))
		return;
	if (!(cpu_read_cr4() & (1ul << 20))) {	/* no SMEP: may run it */
		struct trap_catch tc;

		ST_CHECK(!st_expect_trap(probe_exec, va3, &tc));
	}
	ST_CHECK_EQ(space_activate(NULL), 0);
	ST_CHECK_EQ(cpu_read_cr3(), vm_kernel_root());
	ST_CHECK(pmap_current() == NULL);
}
ST_SPACE_CASE(space_hw_access)

/* The PTE of va in p, 0 if none. */
static uint64_t
pte_of(struct process *p, uint64_t va)
{
	uint64_t pte;

	return pmap_lookup(p->k.pmap, va, &pte) == 0 ? pte : 0;
}

static const unsigned three[3][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 } };

/* Map pages at leaf slots 0..15 of leaves (0,0), (0,1) and (1,0). */
static bool
map_three_leaves(struct st_tree *t)
{
	unsigned i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 16; j++)
			if (st_tree_map(t, st_tree_va(three[i][0], three[i][1],
			    j), 0, 0) == NULL)
				return false;
	return true;
}

/* Fault those 48 pages into p (reading); their PTEs go to pte[3][16]. */
static bool
fault_three_leaves(struct process *p, uint64_t pte[3][16])
{
	struct space_fault f;
	unsigned i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 16; j++) {
			uint64_t va = st_tree_va(three[i][0], three[i][1], j);

			if (space_handle_fault(p, va, ERR_READ, &f) != 0)
				return false;
			pte[i][j] = pte_of(p, va);
		}
	return true;
}

/* How many of the 48 PTEs differ from the snapshot, and the first. */
static unsigned
changed(struct process *p, uint64_t pte[3][16], unsigned *first)
{
	unsigned i, j, n = 0;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 16; j++) {
			uint64_t va = st_tree_va(three[i][0], three[i][1], j);

			if (pte_of(p, va) != pte[i][j] && n++ == 0)
				*first = i * 16 + j;
		}
	return n;
}

static void
space_slot_change_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	uint64_t pte[3][16];
	unsigned first = 99;
	struct gpt *leaf;
	struct pmap_stats s0, s;
	struct space_fault f;
	uint64_t va = st_tree_va(0, 0, 5);

	ST_CHECK(p != NULL && st_tree_init(&t));
	p->d.space = st_tree_cap(&t);
	ST_CHECK(map_three_leaves(&t));
	ST_CHECK(fault_three_leaves(p, pte));
	pmap_stats(p->k.pmap, &s0);
	ST_CHECK_EQ(s0.pages, 48);
	/* An empty slot changing drops nothing. */
	space_slot_changed(t.mid[0], 9);
	space_slot_changed(t.root, 7);
	ST_CHECK_EQ(changed(p, pte, &first), 0);

	/* Through the MMU too: a cached translation must go as well. */
	ST_CHECK_EQ(space_activate(p), 0);
	ST_CHECK_EQ(*(volatile uint64_t *)va, 0);
	leaf = t.leaf[0][0];
	leaf->d.slot[5] = (struct cap){ 0 };
	space_slot_changed(leaf, 5);
	ST_CHECK_EQ(changed(p, pte, &first), 1);
	ST_CHECK_EQ(first, 5);
	if (!st_expect_fault(probe_read, va, T_PF, 0,
	    (uint64_t)probe_read_insn, va))
		return;
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, 47);
	ST_CHECK_EQ(s.deps, s0.deps - 2);	/* the slot's and the page's */
	/* A mid slot: leaf (0,1)'s 16 pages go, no others. */
	space_slot_changed(t.mid[0], 1);
	ST_CHECK_EQ(changed(p, pte, &first), 17);
	ST_CHECK_EQ(first, 5);
	ST_CHECK_EQ(pte_of(p, st_tree_va(0, 0, 4)), pte[0][4]);
	ST_CHECK_EQ(pte_of(p, st_tree_va(1, 0, 0)), pte[2][0]);
	/* The dropped slot refaults to the same page and bits. */
	ST_CHECK_EQ(space_handle_fault(p, st_tree_va(0, 1, 3), ERR_READ, &f),
	    0);
	ST_CHECK_EQ(pte_of(p, st_tree_va(0, 1, 3)), pte[1][3]);
	/* A root slot: mid 1's megabyte goes. */
	space_slot_changed(t.root, 1);
	ST_CHECK_EQ(changed(p, pte, &first), 32);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, 16);
	/* The slot of the root's own cap: everything. */
	space_slot_changed(t.root, 0);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, 0);
	ST_CHECK_EQ(s.tables, 0);
	ST_CHECK_EQ(s.deps, 0);
	if (!st_expect_fault(probe_read, st_tree_va(0, 0, 4), T_PF, 0,
	    (uint64_t)probe_read_insn, st_tree_va(0, 0, 4)))
		return;
	space_activate(NULL);
}
ST_SPACE_CASE(space_slot_change)

static void
space_rescind_body(void)
{
	struct st_tree t;
	struct process *p = st_process(), *q = st_process();
	uint64_t pte[3][16], qpte[3][16];
	unsigned first = 99;
	struct page *pg;
	struct space_fault f;
	struct pmap_stats s;
	uint64_t alias = st_tree_va(1, 0, 15);

	ST_CHECK(p != NULL && q != NULL && st_tree_init(&t));
	p->d.space = q->d.space = st_tree_cap(&t);
	ST_CHECK(map_three_leaves(&t));
	ST_CHECK(fault_three_leaves(p, pte));
	ST_CHECK(fault_three_leaves(q, qpte));
	/* Page (0,0,3) also at the last slot of leaf (1,0), in both. */
	ST_CHECK((pg = st_tree_page(&t, st_tree_va(0, 0, 3))) != NULL);
	t.leaf[1][0]->d.slot[15] = st_cap(&pg->obj, 0, 0, 0);
	space_slot_changed(t.leaf[1][0], 15);
	ST_CHECK_EQ(space_handle_fault(p, alias, ERR_READ, &f), 0);
	ST_CHECK_EQ(space_handle_fault(q, alias, ERR_READ, &f), 0);
	ST_CHECK_EQ(pte_of(p, alias) & PTE_ADDR, pg->pa);
	/* Rescinding the page drops its four PTEs and nothing else. */
	obj_rescind(&pg->obj);
	ST_CHECK_EQ(pte_of(p, alias), 0);
	ST_CHECK_EQ(pte_of(q, alias), 0);
	ST_CHECK_EQ(changed(p, pte, &first), 2);	/* (0,0,3) and alias */
	ST_CHECK_EQ(first, 3);
	ST_CHECK_EQ(changed(q, qpte, &first), 2);
	ST_CHECK(pg->obj.deps == NULL);
	/* Its caps are stale now: the fault is a hole. */
	ST_CHECK_EQ(space_handle_fault(p, st_tree_va(0, 0, 3), ERR_READ, &f),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_NO_MAPPING);
	/* Rescinding mid 0 drops leaves (0,0) and (0,1) in both. */
	obj_rescind(&t.mid[0]->obj);
	ST_CHECK_EQ(changed(p, pte, &first), 33);	/* and the alias */
	ST_CHECK_EQ(changed(q, qpte, &first), 33);
	ST_CHECK(t.mid[0]->obj.deps == NULL);
	ST_CHECK(t.leaf[0][0]->obj.deps == NULL);
	ST_CHECK(t.leaf[0][1]->obj.deps == NULL);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages, 15);		/* leaf (1,0) minus alias */
	/* Rescinding the root drops the rest. */
	obj_rescind(&t.root->obj);
	pmap_stats(q->k.pmap, &s);
	ST_CHECK_EQ(s.pages, 0);
	ST_CHECK_EQ(s.tables, 0);
	ST_CHECK_EQ(s.deps, 0);
}
ST_SPACE_CASE(space_rescind)

static void
space_process_changed_body(void)
{
	struct st_tree t;
	struct process *p = st_process(), *q = st_process();
	uint64_t pte[3][16], qpte[3][16];
	unsigned first;
	struct pmap_stats s;
	struct space_fault f;

	ST_CHECK(p != NULL && q != NULL && st_tree_init(&t));
	p->d.space = q->d.space = st_tree_cap(&t);
	ST_CHECK(map_three_leaves(&t));
	ST_CHECK(fault_three_leaves(p, pte));
	ST_CHECK(fault_three_leaves(q, qpte));
	ST_CHECK_EQ(space_activate(p), 0);
	space_process_changed(p);
	pmap_stats(p->k.pmap, &s);
	ST_CHECK_EQ(s.pages + s.tables + s.deps, 0);
	ST_CHECK_EQ(changed(q, qpte, &first), 0);
	if (!st_expect_fault(probe_read, st_tree_va(0, 0, 0), T_PF, 0,
	    (uint64_t)probe_read_insn, st_tree_va(0, 0, 0)))
		return;
	/* A new space cap takes effect on the next fault. */
	p->d.space = (struct cap){ 0 };
	ST_CHECK_EQ(space_handle_fault(p, st_tree_va(0, 0, 0), ERR_READ, &f),
	    ERR_NO_ACCESS);
	ST_CHECK_EQ(f.code, FC_BAD_SPACE);
	/* The process going away frees its tables, even while loaded. */
	space_object_gone(&p->obj);
	ST_CHECK(p->k.pmap == NULL);
	ST_CHECK_EQ(cpu_read_cr3(), vm_kernel_root());
	ST_CHECK_EQ(changed(q, qpte, &first), 0);
}
ST_SPACE_CASE(space_process_changed)

static void
space_alias_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	struct space_fault f;
	uint64_t va = st_tree_va(0, 0, 2), other = st_tree_va(2, 0, 2);

	ST_CHECK(p != NULL && st_tree_init(&t));
	p->d.space = st_tree_cap(&t);
	ST_CHECK(st_tree_map(&t, va, 0, 0) != NULL);
	/* Mid 0 also sits in root slot 2: two addresses, one GPT slot. */
	t.root->d.slot[2] = t.root->d.slot[0];
	ST_CHECK_EQ(space_handle_fault(p, va, ERR_READ, &f), 0);
	ST_CHECK_EQ(space_handle_fault(p, other, ERR_READ, &f), 0);
	ST_CHECK_EQ(pte_of(p, va) & PTE_ADDR, pte_of(p, other) & PTE_ADDR);
	t.leaf[0][0]->d.slot[2] = (struct cap){ 0 };
	space_slot_changed(t.leaf[0][0], 2);
	ST_CHECK_EQ(pte_of(p, va), 0);
	ST_CHECK_EQ(pte_of(p, other), 0);
}
ST_SPACE_CASE(space_alias)

ST_SUITE(st_space,
	ST_CASE(space_map_bits),
	ST_CASE(space_hw_access),
	ST_CASE(space_slot_change),
	ST_CASE(space_rescind),
	ST_CASE(space_process_changed),
	ST_CASE(space_alias),
);
