/*
 * objset.c - the in-memory object set: appending objects, finding them by
 * OID. The decoder fills the same arrays from an untrusted image, so
 * lookups check the type and range of every OID they are given.
 */
#include <stdlib.h>
#include <string.h>

#include "objset.h"
#include "util.h"

static oid_t
new_page(struct os_page **arr, size_t *n, size_t *cap, unsigned ot,
    uint32_t bank, uint8_t *data)
{
	struct os_page *p;

	mki_grow(arr, cap, *n + 1, sizeof(**arr));
	p = &(*arr)[*n];
	p->oid = OID_MAKE(ot, *n);
	p->data = data;
	p->alloc_count = 1;
	p->bank = bank;
	p->flags = STORE_REF_USED;
	return OID_MAKE(ot, (*n)++);
}

oid_t
os_new_page(struct objset *os, uint32_t bank, uint8_t *data)
{
	return new_page(&os->pages, &os->npages, &os->cappages_, OT_PAGE, bank,
	    data);
}

oid_t
os_new_cpage(struct objset *os, uint32_t bank, uint8_t *data)
{
	return new_page(&os->cpages, &os->ncpages, &os->capcpages_,
	    OT_CAPPAGE, bank, data);
}

static void
init_hdr(struct obj_hdr *h, unsigned ot, size_t index, uint32_t bank)
{
	h->oid = OID_MAKE(ot, index);
	h->alloc_count = 1;
	h->bank = bank;
}

oid_t
os_new_gpt(struct objset *os, uint32_t bank, uint8_t l2v)
{
	struct obj_gpt *g;

	mki_grow(&os->gpts, &os->capgpts_, os->ngpts + 1, sizeof(*g));
	g = &os->gpts[os->ngpts];
	init_hdr(&g->hdr, OT_GPT, os->ngpts, bank);
	g->l2v = l2v;
	os->ngpts++;
	return g->hdr.oid;
}

oid_t
os_new_proc(struct objset *os, uint32_t bank)
{
	struct obj_process *p;

	mki_grow(&os->procs, &os->capprocs_, os->nprocs + 1, sizeof(*p));
	p = &os->procs[os->nprocs];
	init_hdr(&p->hdr, OT_PROCESS, os->nprocs, bank);
	p->run_state = PS_STOPPED;
	p->regs.rflags = RFLAGS_USER_DEFAULT;
	p->fxsave[FXSAVE_FCW_OFFSET] = FCW_DEFAULT & 0xff;
	p->fxsave[FXSAVE_FCW_OFFSET + 1] = FCW_DEFAULT >> 8;
	p->fxsave[FXSAVE_MXCSR_OFFSET] = MXCSR_DEFAULT & 0xff;
	p->fxsave[FXSAVE_MXCSR_OFFSET + 1] = MXCSR_DEFAULT >> 8;
	os->nprocs++;
	return p->hdr.oid;
}

oid_t
os_new_ep(struct objset *os, uint32_t bank)
{
	struct obj_endpoint *e;

	mki_grow(&os->eps, &os->capeps_, os->neps + 1, sizeof(*e));
	e = &os->eps[os->neps];
	init_hdr(&e->hdr, OT_ENDPOINT, os->neps, bank);
	os->neps++;
	return e->hdr.oid;
}

/*
 * Find oid in arr[0..n) (sorted by the OID at field): the dense case
 * first (index == OID index), then a binary search.
 */
#define LOOKUP(ot, arr, n, field)					\
	do {								\
		size_t lo_ = 0, hi_ = (n);				\
		if (OID_TYPE(oid) != (ot))				\
			return NULL;					\
		if (OID_INDEX(oid) < (n) &&				\
		    (arr)[OID_INDEX(oid)].field == oid)			\
			return &(arr)[OID_INDEX(oid)];			\
		while (lo_ < hi_) {					\
			size_t mid_ = lo_ + (hi_ - lo_) / 2;		\
			if ((arr)[mid_].field == oid)			\
				return &(arr)[mid_];			\
			if ((arr)[mid_].field < oid)			\
				lo_ = mid_ + 1;				\
			else						\
				hi_ = mid_;				\
		}							\
		return NULL;						\
	} while (0)

struct os_page *
os_page(struct objset *os, oid_t oid)
{
	LOOKUP(OT_PAGE, os->pages, os->npages, oid);
}

struct os_page *
os_cpage(struct objset *os, oid_t oid)
{
	LOOKUP(OT_CAPPAGE, os->cpages, os->ncpages, oid);
}

struct obj_gpt *
os_gpt(struct objset *os, oid_t oid)
{
	LOOKUP(OT_GPT, os->gpts, os->ngpts, hdr.oid);
}

struct obj_process *
os_proc(struct objset *os, oid_t oid)
{
	LOOKUP(OT_PROCESS, os->procs, os->nprocs, hdr.oid);
}

struct obj_endpoint *
os_ep(struct objset *os, oid_t oid)
{
	LOOKUP(OT_ENDPOINT, os->eps, os->neps, hdr.oid);
}

int64_t
os_alloc_count(struct objset *os, oid_t oid)
{
	struct os_page *pg;
	struct obj_hdr *h = NULL;

	switch (OID_TYPE(oid)) {
	case OT_PAGE:
	case OT_CAPPAGE:
		pg = OID_TYPE(oid) == OT_PAGE ? os_page(os, oid) :
		    os_cpage(os, oid);
		if (pg == NULL || !(pg->flags & STORE_REF_USED))
			return os_freed_count(os, oid);
		return pg->alloc_count;
	case OT_GPT:
		if (os_gpt(os, oid) != NULL)
			h = &os_gpt(os, oid)->hdr;
		break;
	case OT_PROCESS:
		if (os_proc(os, oid) != NULL)
			h = &os_proc(os, oid)->hdr;
		break;
	case OT_ENDPOINT:
		if (os_ep(os, oid) != NULL)
			h = &os_ep(os, oid)->hdr;
		break;
	}
	if (h == NULL || h->oid != oid)
		return os_freed_count(os, oid);
	return h->alloc_count;
}

int64_t
os_freed_count(struct objset *os, oid_t oid)
{
	size_t lo = 0, hi = os->nfreed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (os->freed[mid].oid == oid)
			return os->freed[mid].alloc_count;
		if (os->freed[mid].oid < oid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
os_cap_count(struct objset *os, const struct cap *c, uint64_t *count)
{
	int64_t ac = os_alloc_count(os, c->oid);

	if (ac < 0)
		return -1;
	*count = (uint64_t)ac;
	if (c->type == CT_REPLY && os_proc(os, c->oid) != NULL)
		*count = os_proc(os, c->oid)->reply_seq;
	return 0;
}

struct cap
os_cap(struct objset *os, unsigned ct, oid_t oid, uint8_t restr,
    uint16_t aux)
{
	struct cap c = { 0 };
	int64_t ac = os_alloc_count(os, oid);

	c.type = (uint8_t)ct;
	c.restr = restr;
	c.aux = aux;
	c.alloc_count = ac < 0 ? 0 : (uint32_t)ac;
	c.oid = oid;
	return c;
}

void
os_free(struct objset *os)
{
	for (size_t i = 0; i < os->npages; i++)
		free(os->pages[i].data);
	for (size_t i = 0; i < os->ncpages; i++)
		free(os->cpages[i].data);
	free(os->pages);
	free(os->cpages);
	free(os->gpts);
	free(os->procs);
	free(os->eps);
	free(os->freed);
	free(os->runlist);
	free(os->manifest);
	memset(os, 0, sizeof(*os));
}

int
os_is_zero(const uint8_t *buf)
{
	static const uint8_t zero[256];

	for (size_t off = 0; off < STORE_BLOCK_SIZE; off += sizeof(zero))
		if (memcmp(buf + off, zero, sizeof(zero)) != 0)
			return 0;
	return 1;
}
