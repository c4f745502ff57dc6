/*
 * space_dep.c - allocation and list handling of dependency records
 * (space_dep.h). Records come from a slab cache (slab.h), so the fault
 * path takes one with a pop from a free list: no kmem call, no zeroing,
 * no hashing. Up to DEP_CACHE_MAX free records are kept before frames go
 * back to pmm.
 *
 * Callers run in kernel context that no interrupt handler re-enters
 * (fault handling and invocations); nothing here disables interrupts.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <obj.h>
#include <panic.h>
#include <slab.h>
#include <space_dep.h>

#define DEP_CACHE_MAX	1024	/* free records kept beyond this go back */

struct slab_cache space_dep_slab = SLAB_CACHE(sizeof(struct space_dep),
    DEP_CACHE_MAX);

void
space_dep_none_reserved(void)
{
	panic("space_dep_take: nothing reserved (%lu live)",
	    space_dep_slab.live);
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
	slab_free(&space_dep_slab, d);
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
	return space_dep_slab.live;
}
