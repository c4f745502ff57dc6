/*
 * st_objstore.c - self-tests of loading objects from the disk's store
 * (images/test/selftest.mki): the mount, known page bytes (from
 * images/test/objcache.txt), zero pages, a two-level page map, an
 * endpoint and a cap page with known fields, fresh objects past the OID
 * limits, the block cache, and the cost of obj_get hits and misses.
 * Objects are found by content, so the tests do not depend on the OIDs
 * mkimage assigns.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>

#define TEXT_LINES	400		/* "objcache NNNN\n", 14 bytes each */
#define TEXT_BYTES	(TEXT_LINES * 14)

static char	text[2 * PAGE_SIZE];	/* the file, then zeros */

bool
st_disk_store(void)
{
	int err = blk_init();

	if (err == 0) {
		objcache_init();
		objcache_flush();
		err = store_mount_disk();
	}
	if (err != 0 || store_current() == NULL) {
		st_fail("disk store not mounted: error %d", err);
		return false;
	}
	return true;
}

static void
make_text(void)
{
	memset(text, 0, sizeof(text));
	for (unsigned i = 0; i < TEXT_LINES; i++)
		fmt_snprintf(text + i * 14, 15, "objcache %04u\n", i);
	text[TEXT_BYTES] = 0;
}

static void
test_objstore_mount(void)
{
	const struct store_super *sb;

	if (!st_disk_store())
		return;
	sb = store_current();
	ST_CHECK(sb->hdr.generation >= 1);
	ST_CHECK_EQ(sb->hdr.generation % STORE_SB_RING, sb->hdr.block);
	/* Both segments' pages, the cap page, the endpoint. */
	ST_CHECK(sb->oid_limit[OT_PAGE] >= 3 + 256);
	ST_CHECK(sb->map_root[OT_PAGE].level >= 1);	/* a two-level map */
	ST_CHECK(sb->obj_count[OT_CAPPAGE] >= 1);
	ST_CHECK(sb->obj_count[OT_ENDPOINT] >= 1);
	ST_CHECK(sb->obj_count[OT_GPT] >= 1);
	/* Mounting again reads the same generation. */
	uint64_t gen = sb->hdr.generation;

	ST_CHECK_EQ(store_mount_disk(), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, gen);
}

/*
 * Every page of the store: exactly one holds the file's first 4 KiB,
 * one the rest (then zeros), and every other one is all zero; all were
 * loaded (not fresh) with the allocation count and bank mkimage gave.
 */
static void
test_objstore_pages(void)
{
	struct objcache_stats s0, s;
	unsigned first = 0, second = 0, zero = 0, other = 0;
	uint64_t limit, i;
	struct obj *o;
	int err;

	if (!st_disk_store())
		return;
	make_text();
	limit = store_current()->oid_limit[OT_PAGE];
	objcache_stats(&s0);
	for (i = 0; i < limit; i++) {
		err = obj_get(OID_MAKE(OT_PAGE, i), &o);
		if (err != 0) {
			st_fail("page %lu: error %d", i, err);
			return;
		}
		const uint8_t *d = page_data(obj_page(o));
		static const uint8_t zeros[PAGE_SIZE];

		if (memcmp(d, text, PAGE_SIZE) == 0)
			first++;
		else if (memcmp(d, text + PAGE_SIZE, PAGE_SIZE) == 0)
			second++;
		else if (memcmp(d, zeros, PAGE_SIZE) == 0)
			zero++;
		else
			other++;
		ST_CHECK_EQ(o->alloc_count, 1);
		ST_CHECK_EQ(o->bank, 1);
		ST_CHECK_EQ(o->flags, 0);
	}
	objcache_stats(&s);
	ST_CHECK_EQ(first, 1);
	ST_CHECK_EQ(second, 1);
	ST_CHECK_EQ(other, 0);
	ST_CHECK(zero >= 1 + 256);
	ST_CHECK_EQ(s.loaded - s0.loaded, limit);
	ST_CHECK_EQ(s.fresh - s0.fresh, 0);
	objcache_flush();
}

/* Objects at or past a type's OID limit are fresh zero objects. */
static void
test_objstore_past_limit(void)
{
	const struct store_super *sb;
	struct objcache_stats s0, s;
	struct obj *o;

	if (!st_disk_store())
		return;
	sb = store_current();
	objcache_stats(&s0);
	for (unsigned t = 1; t < OT_MAX; t++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(t, sb->oid_limit[t]), &o), 0);
		ST_CHECK_EQ(o->flags, OBJ_F_NEW);
		ST_CHECK_EQ(o->alloc_count, 0);
		ST_CHECK_EQ(obj_get(OID_MAKE(t, OID_INDEX_MASK), &o), 0);
		ST_CHECK_EQ(o->flags, OBJ_F_NEW);
	}
	objcache_stats(&s);
	ST_CHECK_EQ(s.fresh - s0.fresh, 2 * (OT_MAX - 1));
	objcache_flush();
}

/* The endpoint "ep42" (bank other, match 42) and the cap page "caps". */
static void
test_objstore_endpoint_cappage(void)
{
	const struct store_super *sb;
	struct endpoint *ep = NULL;
	struct obj *o;
	uint64_t i;

	if (!st_disk_store())
		return;
	sb = store_current();
	for (i = 0; i < sb->oid_limit[OT_ENDPOINT]; i++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_ENDPOINT, i), &o), 0);
		if (obj_endpoint(o)->d.match_payload == 42)
			ep = obj_endpoint(o);
	}
	ST_CHECK(ep != NULL);
	obj_pin(&ep->obj);
	ST_CHECK_EQ(ep->d.flags, EP_F_PAYLOAD_MATCH);
	ST_CHECK_EQ(ep->obj.bank, 2);
	ST_CHECK_EQ(ep->obj.alloc_count, ep->d.hdr.alloc_count);
	ST_CHECK_EQ(ep->d.recipient.type, CT_NULL);
	unsigned found = 0;

	for (i = 0; i < sb->oid_limit[OT_CAPPAGE]; i++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_CAPPAGE, i), &o), 0);
		const struct cap *c = cappage_data(obj_cappage(o))->slot;

		if (c[0].type != CT_KERNLOG)
			continue;
		found++;
		ST_CHECK_EQ(c[1].type, CT_ENTRY);
		ST_CHECK_EQ(c[1].aux, 7);
		ST_CHECK_EQ(c[1].oid, ep->obj.oid);
		ST_CHECK_EQ(c[1].alloc_count, ep->obj.alloc_count);
		ST_CHECK_EQ(c[2].type, CT_GPT);
		ST_CHECK_EQ(c[2].restr, CAP_R_RO);
		ST_CHECK_EQ(c[3].type, CT_ENDPOINT);
		ST_CHECK_EQ(c[3].restr, CAP_R_NOCALL);
		ST_CHECK_EQ(c[3].oid, ep->obj.oid);
		ST_CHECK_EQ(c[4].type, CT_NULL);
		ST_CHECK_EQ(c[255].type, CT_NULL);
		/* The GPT the segment cap names loads too. */
		struct obj *g;

		ST_CHECK_EQ(obj_get(c[2].oid, &g), 0);
		ST_CHECK_EQ(g->type, OT_GPT);
		ST_CHECK_EQ(g->flags, 0);
		ST_CHECK(obj_gpt(g)->d.l2v >= PAGE_SHIFT);
	}
	obj_unpin(&ep->obj);
	ST_CHECK_EQ(found, 1);
	objcache_flush();
}

/*
 * A hit reads nothing; a miss after a flush reads at most one map block
 * per level plus the data (map blocks mostly come from the cache).
 * Prints the cost of each in TSC cycles (guest instructions under
 * -icount), for the report; no assertion on time.
 */
static void
test_objstore_cost(void)
{
	enum { N = 200 };
	struct store_stats a, b;
	uint64_t t0, hit, miss;
	oid_t oid;
	struct obj *o;
	unsigned i;

	if (!st_disk_store())
		return;
	/* Cold: the mount emptied the block cache. */
	oid = OID_MAKE(OT_PAGE, 0);
	store_stats(&a);
	t0 = __builtin_ia32_rdtsc();
	ST_CHECK_EQ(obj_get(oid, &o), 0);
	miss = __builtin_ia32_rdtsc() - t0;
	store_stats(&b);
	kprintf("selftest: obj_get cold miss (%lu map blocks, %lu data "
	    "blocks read): %lu cycles\n", b.meta_reads - a.meta_reads,
	    b.data_reads - a.data_reads, miss);
	store_stats(&a);
	t0 = __builtin_ia32_rdtsc();
	for (i = 0; i < N; i++)
		ST_CHECK_EQ(obj_get(oid, &o), 0);
	hit = (__builtin_ia32_rdtsc() - t0) / N;
	store_stats(&b);
	ST_CHECK_EQ(b.meta_reads + b.data_reads, a.meta_reads + a.data_reads);
	/* Zero pages of the wide segment: misses that read no data block. */
	uint64_t limit = store_current()->oid_limit[OT_PAGE];

	objcache_flush();
	store_stats(&a);
	t0 = __builtin_ia32_rdtsc();
	for (i = 0; i < N; i++)
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, limit - 1 - i), &o), 0);
	miss = (__builtin_ia32_rdtsc() - t0) / N;
	store_stats(&b);
	ST_CHECK(b.meta_reads - a.meta_reads <= 4);	/* node, 2-3 leaves */
	ST_CHECK(b.meta_hits - a.meta_hits >= N - 4);
	kprintf("selftest: obj_get hit %lu cycles, miss (cached map, zero "
	    "page) %lu cycles, map blocks read %lu\n", hit, miss,
	    b.meta_reads - a.meta_reads);
	objcache_flush();
	/* A miss that reads its data block: the file's first page. */
	uint64_t data = 0;

	for (i = 0; i < limit && data == 0; i++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, i), &o), 0);
		if (((const char *)page_data(obj_page(o)))[0] == 'o')
			data = i + 1;
	}
	ST_CHECK(data != 0);
	objcache_flush();
	store_stats(&a);
	t0 = __builtin_ia32_rdtsc();
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, data - 1), &o), 0);
	miss = __builtin_ia32_rdtsc() - t0;
	store_stats(&b);
	ST_CHECK_EQ(b.data_reads - a.data_reads, 1);
	kprintf("selftest: obj_get miss reading a data block: %lu cycles\n",
	    miss);
	objcache_flush();
}

ST_SUITE(st_objstore,
	ST_CASE(objstore_mount),
	ST_CASE(objstore_pages),
	ST_CASE(objstore_past_limit),
	ST_CASE(objstore_endpoint_cappage),
	ST_CASE(objstore_cost),
);
