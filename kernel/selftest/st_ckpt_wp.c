/*
 * st_ckpt_wp.c - self-tests of the write protection a checkpoint's
 * snapshot puts on address spaces (pmap_protect_all, pmap.c) and of the
 * write hook on the fault path (space.c): after a snapshot, no page is
 * writable in hardware until a write fault has called obj_modify() for
 * it, which copies it for the writer while it is in the snapshot; the
 * fault pushes the protection down to the page's neighbours, which stay
 * protected until they are written too. Nothing runs in ring 3; the
 * snapshot is abandoned at the end (objcache_abort).
 */
#include <stdbool.h>
#include <stdint.h>

#include <obj.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_space_tree.h>
#include <space.h>
#include <store/ckpt.h>
#include <store/objcache.h>
#include <x86_64/pmap.h>
#include <x86_64/trap.h>
#include <x86_64/vm.h>

#define ERR_WRITE_NEW	(PF_U | PF_W)		/* nothing mapped */
#define ERR_WRITE	(PF_U | PF_W | PF_P)	/* mapped, not writable */

/* True if the MMU would let ring 3 write at va in pm (W at all levels). */
static bool
hw_writable(struct pmap *pm, uint64_t va)
{
	const uint64_t *t = phys_to_virt(pmap_root(pm));
	unsigned l;

	for (l = 3;; l--) {
		uint64_t e = t[(va >> (12 + 9 * l)) & 511];

		if (!(e & PTE_P) || !(e & PTE_W))
			return false;
		if (l == 0)
			return true;
		t = phys_to_virt(e & PTE_ADDR);
	}
}

static void
ckpt_wp_body(void)
{
	struct st_tree t;
	struct process *p = st_process();
	struct page *a, *b;
	uint64_t va0 = st_tree_va(0, 0, 0), va1 = st_tree_va(0, 0, 1), pte;
	struct space_fault f;

	ST_CHECK(p != NULL && st_tree_init(&t));
	ST_CHECK((a = st_tree_map(&t, va0, 0, 0)) != NULL);
	ST_CHECK((b = st_tree_map(&t, va1, 0, 0)) != NULL);
	p->d.space = st_tree_cap(&t);
	ST_CHECK_EQ(space_handle_fault(p, va0, ERR_WRITE_NEW, &f), 0);
	ST_CHECK_EQ(space_handle_fault(p, va1, ERR_WRITE_NEW, &f), 0);
	ST_CHECK(hw_writable(p->k.pmap, va0) && hw_writable(p->k.pmap, va1));

	(void)objcache_snapshot();
	pmap_protect_all();
	/* Protected at the top: the leaf PTEs still say W. */
	ST_CHECK(!hw_writable(p->k.pmap, va0));
	ST_CHECK(!hw_writable(p->k.pmap, va1));
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va1, &pte), 0);
	ST_CHECK(pte & PTE_W);
	ST_CHECK(!obj_modified(&a->obj) && !obj_modified(&b->obj));

	/* A write to a: the hook copies it, a alone becomes writable. */
	ST_CHECK_EQ(space_handle_fault(p, va0 + 8, ERR_WRITE, &f), 0);
	ST_CHECK(obj_modified(&a->obj));
	ST_CHECK(hw_writable(p->k.pmap, va0));
	ST_CHECK(!hw_writable(p->k.pmap, va1));
	ST_CHECK(!obj_modified(&b->obj));
	ST_CHECK_EQ(pmap_lookup(p->k.pmap, va1, &pte), 0);
	ST_CHECK(!(pte & PTE_W));	/* pushed down to the leaf */
	/* Then b: copied too. */
	ST_CHECK_EQ(space_handle_fault(p, va1, ERR_WRITE, &f), 0);
	ST_CHECK(obj_modified(&b->obj) && hw_writable(p->k.pmap, va1));
	ST_CHECK(hw_writable(p->k.pmap, va0));
	ST_CHECK_EQ(ckpt_snap_end(), 2);
	objcache_abort();
}

ST_SPACE_CASE(ckpt_wp)

ST_SUITE(st_ckpt_wp,
	ST_CASE(ckpt_wp),
);
