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
 * A GPT slot's record also keeps what the walk knew on reaching that slot
 * (restrictions so far, the keeper, the depth), so that a later fault in
 * its region can continue the walk from the slot instead of the root
 * (gpt_walk_from): while the record exists, the path to the slot is
 * unchanged, since any change on it drops the record.
 *
 * Each record also points to the record of the step before it on the
 * path it was made for (NULL for the first step). That record outlives
 * it: its region holds this one's, and a region is only dropped with
 * every record inside it.
 *
 * Invariants: a record is on both lists or on none (free); obj->deps is
 * NULL once no mapping depends on obj; a record's region is aligned to
 * its size.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <obj.h>
#include <slab.h>


struct gpt;
struct obj;
struct pmap;

#define SPACE_DEP_PAGE	0xff	/* slot of a page's record */

/*
 * What the walk knew on reaching a GPT slot, the same for every address
 * of the slot's region (gpt.c): the restrictions of the caps so far (the
 * cap to the GPT included), the innermost kept GPT entered so far and
 * the bits of the address it sees (kept_addr = va & (2^kept_l2 - 1); 64:
 * all), and the step's index on the path. Unused for a page's record.
 */
struct space_dep_resume {
	struct gpt	*keeper;	/* NULL: no kept GPT so far */
	uint8_t		restr;		/* CAP_R_* accumulated */
	uint8_t		kept_l2;
	uint8_t		depth;		/* 0 for the space cap's GPT */
	uint8_t		reserved[5];
};

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
	struct space_dep_resume	rs;
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
	struct space_dep_resume	rs;		/* a GPT slot's walk state */
	struct space_dep	*parent;	/* the next outer one */
};
_Static_assert(sizeof(struct space_dep) == 88, "records per slab");



/* Where records come from (space_dep.c); for the inline functions. */
extern struct slab_cache space_dep_slab;
void	space_dep_none_reserved(void) __attribute__((noreturn));

/*
 * Make sure n records can be taken with space_dep_take() without
 * failing. Returns 0, or ERR_NO_SPACE if no frame is left (the records
 * reserved so far stay reserved).
 */
static inline int
space_dep_reserve(unsigned n)
{
	return space_dep_slab.nfree >= n ? 0 : slab_reserve(&space_dep_slab, n);
}

/* A reserved record; panics if none was reserved (a kernel bug). */
static inline struct space_dep *
space_dep_take(void)
{
	if (space_dep_slab.nfree == 0)
		space_dep_none_reserved();
	return slab_alloc(&space_dep_slab);
}

/*
 * Fill d and put it on o->deps and on the node list *list. d->pmap, lo,
 * l2size and slot are the caller's to set before or after.
 */
static inline void
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

/* Whether user address va lies in d's region. */
static inline bool
space_dep_covers(const struct space_dep *d, uint64_t va)
{
	return d->l2size >= 64 || ((va ^ d->lo) >> d->l2size) == 0;
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
