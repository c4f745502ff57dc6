/*
 * alloc.c - the space bank's OIDs: which object of each type to hand
 * out next, and the record of every object handed out.
 *
 * The objects mkimage made hold the indices below the store's OID limit
 * at the bank's first start (OC_RANGE_LIMIT: 1 + the highest index the
 * committed store holds). The bank is the only holder of the RANGE cap
 * and reads the limits before it fabricates anything, so every index
 * from there up is unused: type t's records cover indices base[t] ..
 * base[t] + cap[t] - 1, record r of type t at rec_first[t] + r.
 *
 * Invariants: a record below pool.used is owned by a bank (on that
 * bank's list), by the bank itself (SB_OWNER_SELF), free (on the free
 * list) or retired; records at or above pool.used were never handed
 * out, so their OIDs are still fresh zero objects. A freed object was
 * rescinded before its record went on the free list, and is reset
 * (erased, OC_GPT_RESET, OC_PROC_RESET, recipient and match cleared)
 * before it is handed out again, so no cap and no content survives
 * from one owner to the next.
 */
#include <stddef.h>

#include <user/invoke.h>

#include "sb.h"

/* Records per type: what one bank can hold at once. */
static const uint32_t type_cap[OT_MAX] = {
	[OT_PAGE] = 1u << 17,		/* 512 MiB of pages */
	[OT_CAPPAGE] = 1u << 12,
	[OT_GPT] = 1u << 14,
	[OT_PROCESS] = 1u << 11,
	[OT_ENDPOINT] = 1u << 13,	/* run-time banks use one each */
};
#define SB_RECORDS	((1u << 17) + (1u << 12) + (1u << 14) + (1u << 11) + \
			 (1u << 13))

struct pool {
	uint64_t	base;		/* first OID index the bank may use */
	uint32_t	first;		/* its first record */
	uint32_t	used;		/* records ever handed out */
	uint32_t	free;		/* head of the free list, or SB_NIL */
};

static struct sb_obj objs[SB_RECORDS];
static struct pool pools[OT_MAX];

struct sb_obj *
sb_obj(uint32_t rec)
{
	return &objs[rec];
}

oid_t
sb_obj_oid(uint32_t rec)
{
	const struct pool *p = &pools[objs[rec].type];

	return OID_MAKE(objs[rec].type, p->base + (rec - p->first));
}

int
sb_alloc_init(void)
{
	uint64_t w[MI_WORDS_MAX];
	uint32_t first = 0;
	int err;

	for (unsigned t = OT_NONE + 1; t < OT_MAX; t++) {
		if ((err = kcall(SB_CR_RANGE, OC_RANGE_LIMIT, 1, t, 0, 0, 0,
		    w)) != 0)
			return err;
		pools[t].base = w[0];
		pools[t].first = first;
		pools[t].used = 0;
		pools[t].free = SB_NIL;
		first += type_cap[t];
	}
	return 0;
}

uint32_t
sb_obj_find(oid_t oid)
{
	unsigned t = OID_TYPE(oid);
	uint64_t i = OID_INDEX(oid);
	const struct pool *p;
	uint32_t rec;

	if (t == OT_NONE || t >= OT_MAX)
		return SB_NIL;
	p = &pools[t];
	if (i < p->base || i - p->base >= p->used)
		return SB_NIL;
	rec = p->first + (uint32_t)(i - p->base);
	return objs[rec].owner == SB_OWNER_FREE ||
	    objs[rec].owner == SB_OWNER_RETIRED ? SB_NIL : rec;
}

/* Make the object in SB_CR_OUT as fresh (abi/bank.h). 0 or ERR_*. */
static int
reset(unsigned t)
{
	int err;

	switch (t) {
	case OT_PAGE:
		return kcall(SB_CR_OUT, OC_PAGE_ERASE, 0, 0, 0, 0, 0, 0);
	case OT_CAPPAGE:
		return kcall(SB_CR_OUT, OC_CAPPAGE_ERASE, 0, 0, 0, 0, 0, 0);
	case OT_GPT:
		return kcall(SB_CR_OUT, OC_GPT_RESET, 0, 0, 0, 0, 0, 0);
	case OT_PROCESS:
		return kcall(SB_CR_OUT, OC_PROC_RESET, 0, 0, 0, 0, 0, 0);
	default:
		if ((err = kcall_give(SB_CR_OUT, OC_EP_SET_RECIPIENT, 0, 0, 0,
		    SB_CR_NULL)) != 0)
			return err;
		return kcall(SB_CR_OUT, OC_EP_SET_MATCH, 2, 0, 0, 0, 0, 0);
	}
}

/* Take a record of type t off the free list or the unused ones. */
static uint32_t
take(struct pool *p, unsigned t, int *reused)
{
	uint32_t rec;

	if (p->free != SB_NIL) {
		rec = p->free;
		p->free = objs[rec].next;
		*reused = 1;
		return rec;
	}
	if (p->used == type_cap[t])
		return SB_NIL;
	rec = p->first + p->used++;
	objs[rec].type = (uint8_t)t;
	*reused = 0;
	return rec;
}

/* Give back a record take() answered, as it was. */
static void
untake(struct pool *p, uint32_t rec, int reused)
{
	if (reused) {
		objs[rec].next = p->free;
		p->free = rec;
	} else
		p->used--;
}

int
sb_obj_new(unsigned t, uint16_t owner, uint32_t *out)
{
	struct pool *p = &pools[t];
	uint32_t rec;
	oid_t oid;
	int err, reused;

	for (;;) {
		if ((rec = take(p, t, &reused)) == SB_NIL)
			return ERR_NO_SPACE;
		oid = sb_obj_oid(rec);
		err = kcall_cap(SB_CR_RANGE, OC_RANGE_GET, 1, oid, 0,
		    SB_CR_OUT);
		if (err != ERR_LIMIT)
			break;
		objs[rec].owner = SB_OWNER_RETIRED;	/* worn out: skip */
	}
	/* Processes and GPTs are reset even when new: a zero process's
	   rflags are not the user default. */
	if (err == 0 && (reused || t == OT_PROCESS || t == OT_GPT))
		err = reset(t);
	if (err == 0)
		err = kcall(SB_CR_RANGE, OC_RANGE_SET_BANK, 2, oid,
		    owner == SB_OWNER_SELF ? 0 : owner, 0, 0, 0);
	if (err != 0) {
		untake(p, rec, reused);
		return err;
	}
	objs[rec].owner = owner;
	objs[rec].next = objs[rec].prev = SB_NIL;
	*out = rec;
	return 0;
}

int
sb_obj_rescind(uint32_t rec)
{
	struct pool *p = &pools[objs[rec].type];
	int err;

	err = kcall(SB_CR_RANGE, OC_RANGE_RESCIND, 1, sb_obj_oid(rec), 0, 0,
	    0, 0);
	if (err == ERR_LIMIT) {
		/* Retired already: no cap to it can be valid again. */
		objs[rec].owner = SB_OWNER_RETIRED;
		return 0;
	}
	if (err != 0)
		return err;
	objs[rec].owner = SB_OWNER_FREE;
	objs[rec].next = p->free;
	p->free = rec;
	return 0;
}
