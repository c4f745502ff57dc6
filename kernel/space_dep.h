/*
 * space_dep.h - dependency records: which hardware mappings depend on
 * which object (kernel/space.c and kernel/x86_64/pmap.c share them).
 *
 * A record says "every mapping of pmap in the user region
 * [lo, lo + 2^l2size) was built through obj" -- through slot `slot` of a
 * GPT, or through a page (SPACE_DEP_PAGE; its region is that one 4 KiB
 * page). It sits on two lists: the object's (obj->deps, so a change of
 * the object finds its records) and one list of the pmap node that holds
 * the region (so dropping a range of mappings finds the records that
 * only covered that range, and frees them with the mappings).
 *
 * Invariants: a record is on both lists or on none (free); obj->deps is
 * NULL once no mapping depends on obj; a record's region is aligned to
 * its size.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct obj;
struct pmap;

#define SPACE_DEP_PAGE	0xff	/* slot of a page's record */

/*
 * One dependency of a mapping: "every user address in [lo, lo +
 * 2^l2size) translates through slot `slot` of obj" (or through page obj,
 * slot SPACE_DEP_PAGE). The GPT walk produces these, outermost first;
 * pmap_enter() turns them into records.
 */
struct space_dep_req {
	struct obj	*obj;
	uint64_t	lo;		/* aligned to 2^l2size */
	uint8_t		l2size;		/* PAGE_SHIFT..64 */
	uint8_t		slot;		/* GPT slot or SPACE_DEP_PAGE */
	uint8_t		reserved[6];
};

struct space_dep {
	struct space_dep	*obj_next;	/* obj->deps */
	struct space_dep	**obj_pprev;
	struct space_dep	*node_next;	/* the pmap node's list */
	struct space_dep	**node_pprev;
	struct obj		*obj;
	struct pmap		*pmap;
	uint64_t		lo;		/* region start, user VA */
	uint8_t			l2size;		/* log2 of the region size */
	uint8_t			slot;		/* GPT slot or SPACE_DEP_PAGE */
	uint8_t			reserved[6];
};
_Static_assert(sizeof(struct space_dep) == 64, "one cache line");

/*
 * Make sure n records can be taken with space_dep_take() without
 * failing. Returns 0, or ERR_NO_SPACE if the kernel heap is exhausted
 * (the records reserved so far stay reserved).
 */
int	space_dep_reserve(unsigned n);

/* A reserved record; panics if none was reserved (a kernel bug). */
struct space_dep *space_dep_take(void);

/*
 * Fill d and put it on o->deps and on the node list *list. d->pmap, lo,
 * l2size and slot are the caller's to set before or after.
 */
void	space_dep_link(struct space_dep *d, struct obj *o,
	    struct space_dep **list);

/*
 * Move d from its object's list to the list *head (still an object list:
 * space_dep_free() takes it off there), e.g. to work through a subset.
 */
void	space_dep_move(struct space_dep *d, struct space_dep **head);

/* Take d off both lists and free it. */
void	space_dep_free(struct space_dep *d);

/* Free every record on the node list *list. */
void	space_dep_free_list(struct space_dep **list);

/* Move d to the front of the node list *list it is on. */
static inline void
space_dep_to_front(struct space_dep *d, struct space_dep **list)
{
	if (*list == d)
		return;
	if ((*d->node_pprev = d->node_next) != NULL)
		d->node_next->node_pprev = d->node_pprev;
	d->node_next = *list;
	(*list)->node_pprev = &d->node_next;
	d->node_pprev = list;
	*list = d;
}

/* Whether d's region lies inside [lo, lo + 2^l2size) (aligned). */
static inline bool
space_dep_within(const struct space_dep *d, uint64_t lo, unsigned l2size)
{
	if (d->l2size > l2size)
		return false;
	return l2size >= 64 || (d->lo >> l2size) == (lo >> l2size);
}

/* Live records (for tests and leak checks). */
uint64_t	space_dep_live(void);
