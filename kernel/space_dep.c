/*
 * space_dep.c - allocation and list handling of dependency records
 * (space_dep.h). Records live in slabs of one pmm frame each (a header,
 * then DEP_PER_SLAB records), so the fault path takes one with a pop
 * from a free list: no kmem call, no zeroing, no hashing.
 *
 * Invariants: a slab is on the `partial` list iff it has a free record;
 * dep_cached counts the free records of all slabs; a slab whose records
 * are all free goes back to pmm once more than DEP_CACHE_MAX records are
 * free. Callers run in kernel context that no interrupt handler
 * re-enters (fault handling and invocations); nothing here disables
 * interrupts.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/types.h>
#include <obj.h>
#include <panic.h>
#include <pmm.h>
#include <space_dep.h>
#include <x86_64/vm.h>

#define DEP_CACHE_MAX	1024	/* free records kept beyond this go back */

struct dep_slab {
	struct dep_slab		*next;		/* partial list */
	struct dep_slab		*prev;
	struct space_dep	*free;		/* linked through obj_next */
	uint32_t		nfree;
	uint32_t		reserved;
};

#define DEP_PER_SLAB	((PAGE_SIZE - sizeof(struct dep_slab)) / \
			 sizeof(struct space_dep))

static struct dep_slab	*partial;
static unsigned		dep_cached;
static uint64_t		dep_live;

static struct dep_slab *
slab_of(const struct space_dep *d)
{
	return (struct dep_slab *)((uintptr_t)d & ~(uintptr_t)(PAGE_SIZE - 1));
}

static void
partial_push(struct dep_slab *s)
{
	s->prev = NULL;
	s->next = partial;
	if (partial != NULL)
		partial->prev = s;
	partial = s;
}

static void
partial_remove(struct dep_slab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		partial = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
}

int
space_dep_reserve(unsigned n)
{
	while (dep_cached < n) {
		uint64_t pa = pmm_alloc();
		struct dep_slab *s;
		struct space_dep *d;
		unsigned i;

		if (pa == 0)
			return ERR_NO_SPACE;
		s = phys_to_virt(pa);
		d = (struct space_dep *)(s + 1);
		s->free = NULL;
		for (i = DEP_PER_SLAB; i-- > 0;) {
			d[i].obj_next = s->free;
			d[i].obj_pprev = NULL;
			d[i].node_pprev = NULL;
			s->free = &d[i];
		}
		s->nfree = DEP_PER_SLAB;
		s->reserved = 0;
		partial_push(s);
		dep_cached += DEP_PER_SLAB;
	}
	return 0;
}

struct space_dep *
space_dep_take(void)
{
	struct dep_slab *s = partial;
	struct space_dep *d;

	if (s == NULL)
		panic("space_dep_take: nothing reserved (%u cached)",
		    dep_cached);
	d = s->free;
	s->free = d->obj_next;
	if (--s->nfree == 0)
		partial_remove(s);
	dep_cached--;
	dep_live++;
	return d;
}

void
space_dep_link(struct space_dep *d, struct obj *o, struct space_dep **list)
{
	d->obj = o;
	d->obj_next = o->deps;
	if (o->deps != NULL)
		o->deps->obj_pprev = &d->obj_next;
	d->obj_pprev = &o->deps;
	o->deps = d;
	d->node_next = *list;
	if (*list != NULL)
		(*list)->node_pprev = &d->node_next;
	d->node_pprev = list;
	*list = d;
}

void
space_dep_move(struct space_dep *d, struct space_dep **head)
{
	if ((*d->obj_pprev = d->obj_next) != NULL)
		d->obj_next->obj_pprev = d->obj_pprev;
	d->obj_next = *head;
	if (*head != NULL)
		(*head)->obj_pprev = &d->obj_next;
	d->obj_pprev = head;
	*head = d;
}

void
space_dep_free(struct space_dep *d)
{
	struct dep_slab *s = slab_of(d);

	assert(d->obj_pprev != NULL && d->node_pprev != NULL);
	if ((*d->obj_pprev = d->obj_next) != NULL)
		d->obj_next->obj_pprev = d->obj_pprev;
	if ((*d->node_pprev = d->node_next) != NULL)
		d->node_next->node_pprev = d->node_pprev;
	d->obj_pprev = NULL;
	d->node_pprev = NULL;
	d->obj = NULL;
	d->pmap = NULL;
	assert(dep_live > 0);
	dep_live--;
	d->obj_next = s->free;
	s->free = d;
	dep_cached++;
	if (s->nfree++ == 0)
		partial_push(s);
	else if (s->nfree == DEP_PER_SLAB && dep_cached > DEP_CACHE_MAX) {
		partial_remove(s);
		dep_cached -= DEP_PER_SLAB;
		pmm_free(virt_to_phys(s));
	}
}

void
space_dep_free_list(struct space_dep **list)
{
	while (*list != NULL)
		space_dep_free(*list);
}

uint64_t
space_dep_live(void)
{
	return dep_live;
}
