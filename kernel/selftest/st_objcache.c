/*
 * st_objcache.c - self-tests of the in-memory object cache: fresh zero
 * objects of every type, hits, bad OIDs, the pin/dirty/LRU lists,
 * rescind, flushing clean objects while pinned and dirty ones stay, and
 * many objects at once. The OIDs used lie far above anything a test
 * store holds, so they are always fresh.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <printf.h>
#include <selftest/selftest.h>

#define FRESH_BASE	(UINT64_C(1) << 40)	/* index of test OIDs */

static bool
zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* Every test leaves the cache as it found it: no pins, nothing dirty. */
static void
settle(struct obj **o, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (o[i] == NULL)
			continue;
		while (o[i]->pins > 0)
			obj_unpin(o[i]);
		if (o[i]->flags & OBJ_F_DIRTY)
			obj_mark_clean(o[i]);
	}
	objcache_flush();
}

static void
test_obj_fresh_types(void)
{
	struct obj *o[OT_MAX] = { 0 }, *again;
	struct objcache_stats a, b;
	unsigned t;

	objcache_init();	/* the store may be absent: fresh OIDs */
	objcache_stats(&a);
	for (t = 1; t < OT_MAX; t++) {
		oid_t oid = OID_MAKE(t, FRESH_BASE + t);

		ST_CHECK_EQ(obj_get(oid, &o[t]), 0);
		ST_CHECK_EQ(o[t]->oid, oid);
		ST_CHECK_EQ(o[t]->type, t);
		ST_CHECK_EQ(o[t]->alloc_count, 0);
		ST_CHECK_EQ(o[t]->pins, 0);
		ST_CHECK_EQ(o[t]->flags, OBJ_F_NEW);
		ST_CHECK(obj_lookup(oid) == o[t]);
	}
	ST_CHECK(zero(page_data(obj_page(o[OT_PAGE])), PAGE_SIZE));
	ST_CHECK(zero(cappage_data(obj_cappage(o[OT_CAPPAGE])), PAGE_SIZE));
	ST_CHECK(zero(&obj_gpt(o[OT_GPT])->d, sizeof(struct obj_gpt)));
	ST_CHECK(zero(&obj_process(o[OT_PROCESS])->d,
	    sizeof(struct obj_process)));
	ST_CHECK(zero(&obj_process(o[OT_PROCESS])->k,
	    sizeof(struct proc_kstate)));
	ST_CHECK(zero(&obj_endpoint(o[OT_ENDPOINT])->d,
	    sizeof(struct obj_endpoint)));
	ST_CHECK(obj_endpoint(o[OT_ENDPOINT])->senders == NULL);
	ST_CHECK((uint64_t)&obj_process(o[OT_PROCESS])->d.fxsave % 16 == 0);
	/* A second get is a hit on the same object. */
	for (t = 1; t < OT_MAX; t++) {
		ST_CHECK_EQ(obj_get(o[t]->oid, &again), 0);
		ST_CHECK(again == o[t]);
	}
	objcache_stats(&b);
	ST_CHECK_EQ(b.misses - a.misses, OT_MAX - 1);
	ST_CHECK_EQ(b.fresh - a.fresh, OT_MAX - 1);
	ST_CHECK_EQ(b.hits - a.hits, OT_MAX - 1);
	ST_CHECK_EQ(b.objects - a.objects, OT_MAX - 1);
	ST_CHECK_EQ(b.frames - a.frames, 2);
	settle(o, OT_MAX);
}

static void
test_obj_bad_oids(void)
{
	static const oid_t bad[] = {
		0, OID_MAKE(OT_NONE, 5), OID_MAKE(OT_MAX, 1),
		OID_MAKE(7, 1), UINT64_MAX,
	};
	struct obj *o = NULL;

	objcache_init();
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ST_CHECK_EQ(obj_get(bad[i], &o), ERR_BAD_ARG);
		ST_CHECK(obj_lookup(bad[i]) == NULL);
	}
	ST_CHECK(o == NULL);
}

static void
test_obj_pin_dirty_lists(void)
{
	struct obj *o[3];
	struct objcache_stats s0, s;
	unsigned i;

	objcache_init();
	objcache_stats(&s0);
	for (i = 0; i < 3; i++)
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_GPT, FRESH_BASE + 100 + i),
		    &o[i]), 0);
	objcache_stats(&s);
	ST_CHECK_EQ(s.lru, s0.lru + 3);
	obj_pin(o[0]);
	obj_pin(o[0]);
	obj_modify(o[1]);
	obj_modify(o[1]);			/* idempotent */
	objcache_stats(&s);
	ST_CHECK_EQ(s.lru, s0.lru + 1);
	ST_CHECK_EQ(s.dirty, s0.dirty + 1);
	ST_CHECK(objcache_dirty_first() != NULL);
	bool found = false;

	for (struct obj *d = objcache_dirty_first(); d != NULL;
	    d = d->lru_next)
		found |= d == o[1];
	ST_CHECK(found);
	/* Pinned and dirty: on the dirty list only. */
	obj_modify(o[0]);
	objcache_stats(&s);
	ST_CHECK_EQ(s.dirty, s0.dirty + 2);
	ST_CHECK_EQ(s.lru, s0.lru + 1);
	obj_unpin(o[0]);
	obj_unpin(o[0]);
	objcache_stats(&s);
	ST_CHECK_EQ(s.lru, s0.lru + 1);		/* still dirty */
	obj_mark_clean(o[0]);
	ST_CHECK_EQ(o[0]->flags, 0);		/* clean and no longer new */
	obj_mark_clean(o[1]);
	objcache_stats(&s);
	ST_CHECK_EQ(s.lru, s0.lru + 3);
	ST_CHECK_EQ(s.dirty, s0.dirty);
	settle(o, 3);
}

static void
test_obj_rescind(void)
{
	struct obj *o;

	objcache_init();
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_ENDPOINT, FRESH_BASE + 7), &o), 0);
	ST_CHECK_EQ(o->alloc_count, 0);
	obj_rescind(o);
	ST_CHECK_EQ(o->alloc_count, 1);
	ST_CHECK(o->flags & OBJ_F_DIRTY);
	obj_rescind(o);
	ST_CHECK_EQ(o->alloc_count, 2);
	/* A dirty object survives a flush with its new count. */
	objcache_flush();
	ST_CHECK(obj_lookup(o->oid) == o);
	ST_CHECK_EQ(o->alloc_count, 2);
	settle(&o, 1);
}

/*
 * Flush drops exactly the clean unpinned objects: a page written without
 * obj_modify() reads as zero again (its change was never recorded),
 * while pinned and dirty pages keep their bytes and identity.
 */
static void
test_obj_flush(void)
{
	struct obj *o[3], *again;
	struct objcache_stats s0, s;
	unsigned i;

	objcache_init();
	objcache_flush();
	objcache_stats(&s0);
	for (i = 0; i < 3; i++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, FRESH_BASE + 200 + i),
		    &o[i]), 0);
		memset(page_data(obj_page(o[i])), 0xa0 + i, PAGE_SIZE);
	}
	obj_pin(o[0]);
	obj_modify(o[1]);
	oid_t gone = o[2]->oid;

	ST_CHECK_EQ(objcache_flush(), 1);
	ST_CHECK(obj_lookup(gone) == NULL);
	ST_CHECK(obj_lookup(o[0]->oid) == o[0]);
	ST_CHECK(obj_lookup(o[1]->oid) == o[1]);
	ST_CHECK(((uint8_t *)page_data(obj_page(o[0])))[100] == 0xa0);
	ST_CHECK(((uint8_t *)page_data(obj_page(o[1])))[4095] == 0xa1);
	objcache_stats(&s);
	ST_CHECK_EQ(s.objects, s0.objects + 2);
	ST_CHECK_EQ(s.evicted, s0.evicted + 1);
	ST_CHECK_EQ(obj_get(gone, &again), 0);
	ST_CHECK(zero(page_data(obj_page(again)), PAGE_SIZE));
	o[2] = again;
	settle(o, 3);
	objcache_stats(&s);
	ST_CHECK_EQ(s.objects, s0.objects);
	ST_CHECK_EQ(s.frames, s0.frames);
}

/* Many objects: every one is found under its own OID, then all go. */
static void
test_obj_many(void)
{
	enum { N = 6000 };
	struct objcache_stats s0, s;
	struct obj *o;
	unsigned i;

	objcache_init();
	objcache_flush();
	objcache_stats(&s0);
	for (i = 0; i < N; i++) {
		oid_t oid = OID_MAKE(OT_PROCESS + i % 2, FRESH_BASE + i * 37);

		ST_CHECK_EQ(obj_get(oid, &o), 0);
		if (o->type == OT_ENDPOINT)
			obj_endpoint(o)->d.reserved2 = oid;
		else
			obj_process(o)->d.wait_oid = oid;
	}
	for (i = 0; i < N; i++) {
		oid_t oid = OID_MAKE(OT_PROCESS + i % 2, FRESH_BASE + i * 37);

		o = obj_lookup(oid);
		ST_CHECK(o != NULL);
		ST_CHECK_EQ(o->oid, oid);
		ST_CHECK_EQ(o->type == OT_ENDPOINT ?
		    obj_endpoint(o)->d.reserved2 : obj_process(o)->d.wait_oid,
		    oid);
	}
	objcache_stats(&s);
	ST_CHECK_EQ(s.objects, s0.objects + N);
	ST_CHECK_EQ(objcache_flush(), s.lru);
	objcache_stats(&s);
	ST_CHECK_EQ(s.objects, s0.objects - s0.lru);
}

ST_SUITE(st_objcache,
	ST_CASE(obj_fresh_types),
	ST_CASE(obj_bad_oids),
	ST_CASE(obj_pin_dirty_lists),
	ST_CASE(obj_rescind),
	ST_CASE(obj_flush),
	ST_CASE(obj_many),
);
