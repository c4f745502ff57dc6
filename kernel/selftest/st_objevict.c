/*
 * st_objevict.c - self-tests of eviction: when memory runs out during
 * obj_get, clean unpinned objects go in LRU order (a hit makes an
 * object young again), pinned and dirty objects stay with their bytes,
 * an evicted stored object comes back from the store, and with nothing
 * evictable obj_get says ERR_NO_SPACE; a dirty page leaves memory for
 * a held block and comes back (the single-level store), and one only
 * read since leaves again without a write, and a failed page-out write
 * leaves its pages in memory. Memory is made to run out by
 * taking every free frame, or by filling it with objects.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <kmem.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <store/pageout.h>
#include <pmm.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>
#include <x86_64/vm.h>

#define FRESH		(UINT64_C(1) << 44)	/* index of fresh test OIDs */
#define X(i)		OID_MAKE(OT_PAGE, FRESH + (i))
#define PUSH_SPARE	16	/* frames push_out() leaves free */

static uint64_t	hoard;		/* frames taken, chained by first word */

/* Take every free frame, so the next allocation must evict. */
static uint64_t
take_all_frames(void)
{
	uint64_t pa, n = 0;

	while ((pa = pmm_alloc()) != 0) {
		*(uint64_t *)phys_to_virt(pa) = hoard;
		hoard = pa;
		n++;
	}
	return n;
}

/* Give back up to n of the frames taken (all of them: UINT64_MAX). */
static void
give_back(uint64_t n)
{
	while (hoard != 0 && n-- > 0) {
		uint64_t next = *(uint64_t *)phys_to_virt(hoard);

		pmm_free(hoard);
		hoard = next;
	}
}

static void
give_back_frames(void)
{
	give_back(UINT64_MAX);
}

static bool
page_is(struct obj *o, uint8_t v)
{
	const uint8_t *d = page_data(obj_page(o));

	for (unsigned i = 0; i < PAGE_SIZE; i++)
		if (d[i] != v)
			return false;
	return true;
}

/* Unpin, clean and drop the test's objects, return the frames. */
static void
release(struct obj **o, unsigned n)
{
	give_back_frames();
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

/*
 * With no free frame, each new page evicts exactly the least recently
 * used clean page; a hit on the oldest makes it the youngest.
 */
static void
test_objevict_lru_order(void)
{
	struct obj *x[5], *y;
	struct objcache_stats a, b;

	objcache_init();
	objcache_flush();
	/* The page structs' slab keeps room: only frames run out. */
	for (unsigned i = 0; i < 5; i++)
		ST_CHECK_EQ(obj_get(X(i), &x[i]), 0);
	ST_CHECK(take_all_frames() > 0);
	ST_CHECK_EQ(obj_get(X(0), &y), 0);	/* a hit: X0 is young now */
	objcache_stats(&a);
	ST_CHECK_EQ(obj_get(X(5), &y), 0);
	objcache_stats(&b);
	ST_CHECK_EQ(b.evicted - a.evicted, 1);
	ST_CHECK(obj_lookup(X(1)) == NULL);
	ST_CHECK(obj_lookup(X(0)) != NULL && obj_lookup(X(2)) != NULL);
	ST_CHECK_EQ(obj_get(X(6), &y), 0);
	ST_CHECK(obj_lookup(X(2)) == NULL);
	ST_CHECK(obj_lookup(X(3)) != NULL);
	ST_CHECK(obj_lookup(X(0)) != NULL);
	release(NULL, 0);
}

/* Nothing evictable: ERR_NO_SPACE, and the pinned and dirty survive. */
static void
test_objevict_nothing_to_evict(void)
{
	struct obj *o[2] = { NULL, NULL }, *y;
	struct objcache_stats a, b;

	objcache_init();
	objcache_flush();
	ST_CHECK_EQ(obj_get(X(20), &o[0]), 0);
	ST_CHECK_EQ(obj_get(X(21), &o[1]), 0);
	memset(page_data(obj_page(o[0])), 0x11, PAGE_SIZE);
	memset(page_data(obj_page(o[1])), 0x22, PAGE_SIZE);
	obj_pin(o[0]);
	obj_modify(o[1]);
	objcache_stats(&a);
	take_all_frames();
	int err = obj_get(X(22), &y);

	objcache_stats(&b);
	if (err != ERR_NO_SPACE || b.failed - a.failed != 1 ||
	    b.objects != a.objects || obj_lookup(X(22)) != NULL) {
		release(o, 2);
		st_fail("obj_get with nothing to evict gave %d", err);
		return;
	}
	ST_CHECK(obj_lookup(X(20)) == o[0] && page_is(o[0], 0x11));
	ST_CHECK(obj_lookup(X(21)) == o[1] && page_is(o[1], 0x22));
	/* Unpinning makes room again. */
	obj_unpin(o[0]);
	ST_CHECK_EQ(obj_get(X(22), &y), 0);
	ST_CHECK(obj_lookup(X(20)) == NULL);
	ST_CHECK(page_is(o[1], 0x22));
	o[0] = NULL;
	release(o, 2);
}

/*
 * Fill memory over and over with fresh pages of every kind of object:
 * pinned and dirty pages keep their bytes, a clean page loaded from the
 * store is evicted and reads back from the store, and every frame
 * comes back once the test lets go.
 */
static void
test_objevict_fill_memory(void)
{
	struct obj *keep[3] = { NULL, NULL, NULL }, *o;
	struct objcache_stats a, b;
	uint64_t free0, n, i, stored = 0;
	struct kmem_stats k0, k1;
	uint8_t first = 0;

	objcache_init();
	if (blk_init() == 0)
		store_mount_disk();
	objcache_flush();
	free0 = pmm_free_frames();
	kmem_stats(&k0);
	ST_CHECK_EQ(obj_get(X(30), &keep[0]), 0);
	ST_CHECK_EQ(obj_get(X(31), &keep[1]), 0);
	memset(page_data(obj_page(keep[0])), 0x33, PAGE_SIZE);
	memset(page_data(obj_page(keep[1])), 0x44, PAGE_SIZE);
	obj_pin(keep[0]);
	obj_modify(keep[1]);
	/* A stored page with data (the selftest image's text), if any. */
	for (i = 0; store_current() != NULL &&
	    i < store_current()->oid_limit[OT_PAGE] && stored == 0; i++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, i), &o), 0);
		first = *(uint8_t *)page_data(obj_page(o));
		if (first != 0)
			stored = OID_MAKE(OT_PAGE, i);
	}
	objcache_stats(&a);
	n = 3 * free0;
	for (i = 0; i < n; i++) {
		oid_t oid = OID_MAKE(1 + i % (OT_MAX - 1), FRESH + 100 + i);

		if (obj_get(oid, &o) != 0) {
			release(keep, 3);
			st_fail("obj_get %lu of %lu failed", i, n);
			return;
		}
	}
	objcache_stats(&b);
	kprintf("selftest: %lu objects made, %lu evicted, %lu in memory\n",
	    n, b.evicted - a.evicted, b.objects);
	ST_CHECK(b.evicted - a.evicted > n / 10);
	ST_CHECK(obj_lookup(X(30)) == keep[0] && page_is(keep[0], 0x33));
	ST_CHECK(obj_lookup(X(31)) == keep[1] && page_is(keep[1], 0x44));
	/* The oldest fresh objects went first; the newest are here. */
	ST_CHECK(obj_lookup(OID_MAKE(1, FRESH + 100)) == NULL);
	ST_CHECK(obj_lookup(OID_MAKE(1 + (n - 1) % (OT_MAX - 1),
	    FRESH + 100 + n - 1)) != NULL);
	if (stored != 0) {
		ST_CHECK(obj_lookup(stored) == NULL);
		ST_CHECK_EQ(obj_get(stored, &o), 0);
		ST_CHECK_EQ(o->flags, 0);
		ST_CHECK_EQ(*(uint8_t *)page_data(obj_page(o)), first);
	}
	release(keep, 3);
	kmem_stats(&k1);
	/* kmem keeps the descriptor frames it grew; all else comes back. */
	ST_CHECK_EQ(pmm_free_frames() + k1.desc_frames - k0.desc_frames, free0);
}

/*
 * With all but a few frames taken (the held-block bitmap and the free
 * map may need some, as the watermarks leave them in a running
 * system), reclaim one more: o, the only dirty page, goes.
 */
static bool
push_out(struct obj *o)
{
	take_all_frames();
	give_back(PUSH_SPARE);
	(void)objcache_reclaim(pmm_free_frames() + 1);
	give_back_frames();
	return (o->flags & OBJ_F_OUT) && obj_lookup(o->oid) == NULL;
}

/*
 * A dirty page leaves memory for a held block and comes back with its
 * bytes; read back, it keeps the block (OBJ_EPOCH_COPY, not modified for
 * the write hook), so it leaves again without a write; its first write
 * lets the block go, and the next page-out writes a new one.
 */
static void
test_objevict_page_out_and_back(void)
{
	struct pageout_stats s0, s1;
	struct obj *o = NULL;

	objcache_init();
	if (blk_init() != 0 || store_mount_disk() != 0) {
		st_fail("no store to hold pages in");
		return;
	}
	objcache_flush();
	ST_CHECK_EQ(obj_get(X(40), &o), 0);
	obj_modify(o);
	memset(page_data(obj_page(o)), 0x55, PAGE_SIZE);
	pageout_stats(&s0);
	if (!push_out(o)) {
		release(&o, 1);
		st_fail("a dirty page did not leave memory");
		return;
	}
	pageout_stats(&s1);
	ST_CHECK(s1.writes == s0.writes + 1 && s1.held == s0.held + 1);

	ST_CHECK_EQ(obj_get(X(40), &o), 0);		/* back */
	ST_CHECK(page_is(o, 0x55) && (o->epoch & OBJ_EPOCH_COPY));
	ST_CHECK(!obj_modified(o));
	pageout_stats(&s0);
	ST_CHECK(s0.reads == s1.reads + 1 && s0.held == s1.held);

	ST_CHECK(push_out(o));				/* no write */
	pageout_stats(&s1);
	ST_CHECK(s1.writes == s0.writes && s1.held == s0.held);

	ST_CHECK_EQ(obj_get(X(40), &o), 0);
	obj_modify(o);				/* the copy goes stale */
	ST_CHECK(obj_modified(o) && !(o->epoch & OBJ_EPOCH_COPY));
	pageout_stats(&s0);
	ST_CHECK_EQ(s0.held + 1, s1.held);
	memset(page_data(obj_page(o)), 0x66, PAGE_SIZE);
	ST_CHECK(push_out(o));
	pageout_stats(&s1);
	ST_CHECK_EQ(s1.writes, s0.writes + 1);
	ST_CHECK_EQ(obj_get(X(40), &o), 0);
	ST_CHECK(page_is(o, 0x66));
	obj_modify(o);				/* no block left held */
	release(&o, 1);
	pageout_stats(&s0);
	ST_CHECK_EQ(s0.held + 1, s1.held);
}

/*
 * Pages of consecutive OIDs go out together to consecutive blocks; a
 * page-in of the first reads the others with it (one request), each
 * back as a copy of its block; a neighbour whose block is damaged stays
 * out, and its own page-in says ERR_CORRUPT.
 */
#define NAHEAD	4

static void
test_objevict_page_in_reads_ahead(void)
{
	struct objcache_stats a, b;
	struct obj *o[NAHEAD] = { NULL };
	uint32_t crc;
	unsigned i;

	objcache_init();
	if (blk_init() != 0 || store_mount_disk() != 0) {
		st_fail("no store to hold pages in");
		return;
	}
	objcache_flush();
	for (i = 0; i < NAHEAD; i++) {
		ST_CHECK_EQ(obj_get(X(60 + i), &o[i]), 0);
		obj_modify(o[i]);
		memset(page_data(obj_page(o[i])), 0x80 + i, PAGE_SIZE);
	}
	take_all_frames();
	give_back(PUSH_SPARE);
	(void)objcache_reclaim(pmm_free_frames() + NAHEAD);
	give_back_frames();
	for (i = 0; i < NAHEAD; i++)
		if (!(o[i]->flags & OBJ_F_OUT) || obj_page(o[i])->out_block !=
		    obj_page(o[0])->out_block + i) {
			release(o, NAHEAD);
			st_fail("page %u did not go out to the next block", i);
			return;
		}
	crc = obj_page(o[2])->out_crc;
	obj_page(o[2])->out_crc = ~crc;		/* its block "damaged" */
	objcache_stats(&a);
	ST_CHECK_EQ(obj_get(X(60), &o[0]), 0);
	objcache_stats(&b);
	ST_CHECK_EQ(b.readahead - a.readahead, 1);
	ST_CHECK(obj_lookup(X(61)) == o[1] && page_is(o[1], 0x81));
	ST_CHECK(o[1]->epoch & OBJ_EPOCH_COPY);
	ST_CHECK(obj_lookup(X(62)) == NULL && obj_lookup(X(63)) == NULL);
	ST_CHECK_EQ(obj_get(X(62), &o[2]), ERR_CORRUPT);
	obj_page(o[2])->out_crc = crc;
	ST_CHECK_EQ(obj_get(X(62), &o[2]), 0);
	ST_CHECK(obj_lookup(X(63)) == o[3]);	/* read with X62 */
	for (i = 0; i < NAHEAD; i++) {
		ST_CHECK(page_is(o[i], (uint8_t)(0x80 + i)));
		obj_modify(o[i]);		/* no block left held */
	}
	release(o, NAHEAD);
}

/*
 * Pages going out together whose write fails half-way (the test
 * device fails the second block of their run): all of them stay in
 * memory with their bytes and hold no block; the next reclaim writes
 * them, and they come back intact.
 */
#define NFAIL	3

static struct wdev	fail_dev;

static void
page_out_write_fails(void)
{
	struct obj *o[NFAIL] = { NULL };
	struct pageout_stats s0, s1;
	unsigned i;

	for (i = 0; i < NFAIL; i++) {
		ST_CHECK_EQ(obj_get(X(50 + i), &o[i]), 0);
		obj_modify(o[i]);
		memset(page_data(obj_page(o[i])), 0x70 + i, PAGE_SIZE);
	}
	pageout_stats(&s0);
	fail_dev.fail_write = 2;
	take_all_frames();
	give_back(PUSH_SPARE);
	(void)objcache_reclaim(pmm_free_frames() + NFAIL);
	give_back_frames();
	pageout_stats(&s1);
	ST_CHECK(s1.held == s0.held && s1.writes == s0.writes);
	for (i = 0; i < NFAIL; i++)
		ST_CHECK(obj_lookup(X(50 + i)) == o[i] &&
		    page_is(o[i], (uint8_t)(0x70 + i)));
	for (i = 0; i < NFAIL; i++)
		ST_CHECK(push_out(o[i]));
	for (i = 0; i < NFAIL; i++) {
		ST_CHECK_EQ(obj_get(X(50 + i), &o[i]), 0);
		ST_CHECK(page_is(o[i], (uint8_t)(0x70 + i)));
		obj_modify(o[i]);		/* no block left held */
	}
	release(o, NFAIL);
}

static void
test_objevict_page_out_write_fails(void)
{
	ck_run(&fail_dev, 256, 0, 0, page_out_write_fails);
}

ST_SUITE(st_objevict,
	ST_CASE(objevict_lru_order),
	ST_CASE(objevict_nothing_to_evict),
	ST_CASE(objevict_fill_memory),
	ST_CASE(objevict_page_out_and_back),
	ST_CASE(objevict_page_out_write_fails),
	ST_CASE(objevict_page_in_reads_ahead),
);
