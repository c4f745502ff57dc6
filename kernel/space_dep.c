/*
 * space_dep.c - allocation and list handling of dependency records
 * (space_dep.h). Records come from the kernel heap; freed ones are kept
 * on a small cache of our own so that the fault path takes one without
 * calling kmem (a pop, no zeroing, no hashing).
 *
 * Callers run in kernel context that no interrupt handler re-enters
 * (fault handling and invocations); nothing here disables interrupts.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <kmem.h>
#include <obj.h>
#include <panic.h>
#include <space_dep.h>

#define DEP_CACHE_MAX	1024	/* free records kept beyond this go back */

static struct space_dep	*dep_cache;	/* linked through obj_next */
static unsigned		dep_cached;
static uint64_t		dep_live;

int
space_dep_reserve(unsigned n)
{
	while (dep_cached < n) {
		struct space_dep *d = kmem_alloc(sizeof(*d));

		if (d == NULL)
			return ERR_NO_SPACE;
		d->obj_next = dep_cache;
		dep_cache = d;
		dep_cached++;
	}
	return 0;
}

struct space_dep *
space_dep_take(void)
{
	struct space_dep *d = dep_cache;

	if (d == NULL)
		panic("space_dep_take: nothing reserved (%u cached)",
		    dep_cached);
	dep_cache = d->obj_next;
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
	if (dep_cached >= DEP_CACHE_MAX) {
		kmem_free(d);
		return;
	}
	d->obj_next = dep_cache;
	dep_cache = d;
	dep_cached++;
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
