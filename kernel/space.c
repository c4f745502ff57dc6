/*
 * space.c - address spaces (space.h): the page fault path from a
 * process's GPT tree to its hardware page tables, and the invalidations
 * that keep those tables a cache of the tree.
 *
 * Invariant: a user PTE exists only while every object its translation
 * went through is unchanged -- each GPT slot on the path, the page, and
 * the process's space cap -- because each installed PTE has a dependency
 * record (space_dep.h) on every one of them, and each change below drops
 * the PTEs those records cover. The PTE allows no more than the caps on
 * the path: W only if none is RO or WEAK, NX if any is NX.
 *
 * Dirty pages: a page is mapped writable only on a write fault, or when
 * it was already modified in the current epoch; mapping it writable calls
 * the write hook obj_modify() first. A checkpoint's snapshot
 * write-protects every address space at its top (pmap_protect_all), so
 * the first user write to a page after it faults and comes here: user
 * writes through a mapping are the hook's case that runs no kernel code
 * per write (docs/persistence.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/process.h>
#include <gpt.h>
#include <panic.h>
#include <printf.h>
#include <space.h>
#include <space_dep.h>
#include <x86_64/pmap.h>
#include <x86_64/trap.h>
#include <x86_64/vm.h>

static struct process	*space_active;	/* whose tables are in CR3 */

int
space_init(void)
{
	static bool done;
	/* A few records up front, so the first faults take the fast path. */
	int err = space_dep_reserve(64);

	if (err != 0 || done)
		return err;
	done = true;
	kprintf("space: GPT walk up to %u levels; 4 KiB user mappings below "
	    "%#lx\n", GPT_WALK_MAX, USER_MAP_END);
	return 0;
}

/* The access a #PF error code describes. */
static unsigned
fault_access(uint64_t err)
{
	if (err & PF_I)
		return GPT_ACC_EXEC;
	if (err & PF_W)
		return GPT_ACC_WRITE;
	return GPT_ACC_READ;
}

/* The PTE flags w's page may have for this access; obj_modify() if W. */
static inline __attribute__((always_inline)) uint64_t
fault_flags(const struct gpt_walk *w, unsigned access)
{
	uint64_t flags = 0;
	struct obj *o = &w->page->obj;

	if (w->restr & CAP_R_NX)
		flags |= PTE_NX;
	if (!(w->restr & CAP_R_RO) &&
	    (access == GPT_ACC_WRITE || obj_modified(o))) {
		flags |= PTE_W;
		obj_modify(o);
	}
	return flags;
}

/*
 * Install w's page at va in p's tables with its dependencies. A walk
 * that started at a record (w->step[0]) relies on that record's outer
 * ones: if the tables had to be dropped to make room, p's space is
 * walked again from the root first.
 */
static int
fault_install(struct process *p, struct gpt_walk *w, uint64_t va,
    unsigned access, const struct space_dep *from)
{
	uint64_t flags = fault_flags(w, access);
	int err;

	if (p->k.pmap == NULL) {
		if ((p->k.pmap = pmap_create()) == NULL)
			return ERR_NO_SPACE;
		if (p == space_active)
			pmap_activate(p->k.pmap);
	}
	err = pmap_enter(p->k.pmap, va, w->page->pa, flags, w->step,
	    w->nsteps + 1u, from);
	if (err != ERR_NO_SPACE)
		return err;
	/* The tables are a cache: give p's back and try once more. */
	pmap_drop_all(p->k.pmap);
	if (from != NULL) {
		gpt_walk_done(w);
		if (gpt_walk(&p->d.space, va, access, w) != FC_NONE)
			return w->err != 0 ? w->err : ERR_NO_SPACE;
		flags = fault_flags(w, access);
	}
	return pmap_enter(p->k.pmap, va, w->page->pa, flags, w->step,
	    w->nsteps + 1u, NULL);
}

int
space_handle_fault(struct process *p, uint64_t va, uint64_t err,
    struct space_fault *f)
{
	unsigned access = fault_access(err);
	const struct space_dep *from = NULL;
	struct gpt_walk w;
	uint32_t fc;
	int ret;

	if (p->k.pmap != NULL)
		from = pmap_resume_point(p->k.pmap, va);
	fc = gpt_walk_from(&p->d.space, va, access, from, true, &w);
	f->code = fc;
	f->addr = va;
	f->keeper_gpt = w.keeper;
	f->kept_addr = w.kept_addr;
	f->bad_oid = 0;
	if (fc == FC_NONE) {
		ret = fault_install(p, &w, va & ~(uint64_t)(PAGE_SIZE - 1),
		    access, w.fast ? from : NULL);
		if (ret != 0)
			f->code = w.fc == FC_STORE ? FC_STORE : FC_NO_MAPPING;
	} else
		ret = w.err != 0 ? w.err : ERR_NO_ACCESS;
	if (f->code == FC_STORE)
		f->bad_oid = w.err_oid;
	gpt_walk_done(&w);
	return ret;
}

bool
space_premap(struct process *p, uint64_t va, uint64_t err)
{
	unsigned access = fault_access(err);
	const struct space_dep *from;
	struct gpt_walk w;
	bool mapped = false;

	if (p->k.pmap == NULL || va >= USER_MAP_END)
		return false;
	from = pmap_resume_point(p->k.pmap, va);
	if (gpt_walk_from(&p->d.space, va, access, from, false, &w) ==
	    FC_NONE)
		mapped = pmap_enter(p->k.pmap, va & ~(uint64_t)(PAGE_SIZE - 1),
		    w.page->pa, fault_flags(&w, access), w.step,
		    w.nsteps + 1u, from) == 0;
	gpt_walk_done(&w);
	return mapped;
}

int
space_activate(struct process *p)
{
	space_active = p;
	if (p == NULL) {
		pmap_activate(NULL);
		return 0;
	}
	if (p->k.pmap == NULL && (p->k.pmap = pmap_create()) == NULL) {
		pmap_activate(NULL);	/* p faults; the fault path retries */
		return ERR_NO_SPACE;
	}
	pmap_activate(p->k.pmap);
	return 0;
}

/*
 * Drop every region whose record is on *list. Each drop frees at least
 * the record it started from (it lies inside its own region, on the node
 * that holds that region), and maybe others of the list.
 */
static void
drop_all_on(struct space_dep **list)
{
	while (*list != NULL) {
		struct space_dep *d = *list;

		pmap_drop(d->pmap, d->lo, d->l2size);
		if (*list == d)
			panic("space: record %p (lo %#lx l2size %u) survived "
			    "its own drop", d, d->lo, d->l2size);
	}
}

void
space_slot_changed(struct gpt *g, unsigned slot)
{
	struct space_dep *d, *next, *mine = NULL;

	assert(slot < GPT_SLOTS);
	/* Move the slot's records to a list of our own, then drop them. */
	for (d = g->obj.deps; d != NULL; d = next) {
		next = d->obj_next;
		if (d->slot == slot)
			space_dep_move(d, &mine);
	}
	drop_all_on(&mine);
}

void
space_object_gone(struct obj *o)
{
	if (o->type == OT_PROCESS) {
		struct process *p = obj_process(o);

		if (p == space_active)
			space_active = NULL;
		if (p->k.pmap != NULL) {
			pmap_destroy(p->k.pmap);
			p->k.pmap = NULL;
		}
	}
	drop_all_on(&o->deps);
}

void
space_gpt_changed(struct gpt *g)
{
	drop_all_on(&g->obj.deps);
}

void
space_process_changed(struct process *p)
{
	if (p->k.pmap != NULL)
		pmap_drop_all(p->k.pmap);
}
