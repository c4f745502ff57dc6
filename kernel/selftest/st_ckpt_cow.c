/*
 * st_ckpt_cow.c - self-tests of checkpoint version 2 (ckpt.c,
 * ckpt_snap.c) on an in-memory store: objects changed while a
 * checkpoint is written out -- here by the device's on_write hook, at
 * the write-out's first disk write, as processes running meanwhile
 * would -- reach the committed generation as the snapshot left them
 * (the one already taken and the ones copied on write alike), stay
 * dirty with their new contents, and reach the next generation. An
 * object first made dirty during the write-out is not in that
 * generation. And the snapshot is flat: it moves the dirty list whole.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>
#include <lib/string.h>
#include <pmm.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/ckpt.h>
#include <store/objcache.h>
#include <store/store.h>
#include <x86_64/vm.h>

#define A_OID	OID_MAKE(OT_PAGE, 5)
#define B_OID	OID_MAKE(OT_PAGE, 6)
#define G_OID	OID_MAKE(OT_GPT, 3)
#define E_OID	OID_MAKE(OT_ENDPOINT, 4)
#define N_OID	OID_MAKE(OT_PAGE, 7)	/* dirty only during the write-out */
#define NOBJ	5

static struct wdev	w;
static struct obj	*o[NOBJ];

static void
fill(struct obj *x, uint8_t v)
{
	obj_modify(x);
	memset(page_data(obj_page(x)), v, PAGE_SIZE);
}

/* What the processes do while the write-out runs. */
static void
meanwhile(void)
{
	fill(o[0], 0x33);
	fill(o[1], 0x44);
	obj_modify(o[2]);
	obj_gpt(o[2])->d.l2v = 30;
	obj_modify(o[3]);
	o[3]->bank = 9;
	fill(o[4], 0x55);
}

/* The stored page oid is all v (0: not stored, or all zero). */
static bool
stored_page_is(oid_t oid, uint8_t v)
{
	struct store_ref ref;
	uint64_t pa = pmm_alloc();
	const uint8_t *b;
	unsigned i = 0;
	int err;

	if (pa == 0)
		return false;
	b = phys_to_virt(pa);
	err = store_get_entry(oid, &ref);
	if (err == ERR_NOT_FOUND && v == 0)
		i = PAGE_SIZE;
	else if (err == 0 && store_read_data(oid, &ref, (void *)b) == 0)
		for (; i < PAGE_SIZE && b[i] == v; i++)
			;
	pmm_free(pa);
	return i == PAGE_SIZE;
}

static unsigned
stored_l2v(void)
{
	struct obj_gpt g;

	return store_get_entry(G_OID, &g) == 0 ? g.l2v : 0;
}

static unsigned
stored_bank(void)
{
	struct obj_endpoint e;

	return store_get_entry(E_OID, &e) == 0 ? e.hdr.bank : 0;
}

static void
cow_body(void)
{
	static const oid_t oids[NOBJ] = { A_OID, B_OID, G_OID, E_OID, N_OID };
	struct ckpt_stats st;
	struct objcache_stats cs;
	uint64_t gen = 0;
	unsigned i;

	for (i = 0; i < NOBJ; i++) {
		if (obj_get(oids[i], &o[i]) != 0) {
			st_fail("obj_get(%#lx) failed", oids[i]);
			while (i > 0)
				obj_unpin(o[--i]);
			return;
		}
		obj_pin(o[i]);
	}
	fill(o[0], 0x11);
	fill(o[1], 0x22);
	obj_modify(o[2]);
	obj_gpt(o[2])->d.l2v = 21;
	obj_modify(o[3]);
	o[3]->bank = 7;
	objcache_stats(&cs);
	ST_CHECK_EQ(cs.dirty, 4);

	w.on_write = meanwhile;
	ST_CHECK_EQ(ckpt_take(&gen), 0);
	ST_CHECK_EQ(gen, 2);
	ckpt_last(&st);
	ST_CHECK_EQ(st.objects, 4);
	ST_CHECK_EQ(st.copies, 3);	/* B, G, E: A was taken first */
	/* Generation 2 is the snapshot. */
	ST_CHECK(stored_page_is(A_OID, 0x11));
	ST_CHECK(stored_page_is(B_OID, 0x22));
	ST_CHECK_EQ(stored_l2v(), 21);
	ST_CHECK_EQ(stored_bank(), 7);
	ST_CHECK(stored_page_is(N_OID, 0));
	/* Memory holds the new contents, each dirty for the next one. */
	objcache_stats(&cs);
	ST_CHECK_EQ(cs.dirty, NOBJ);
	for (i = 0; i < NOBJ; i++)
		ST_CHECK(obj_modified(o[i]));
	ST_CHECK_EQ(obj_gpt(o[2])->d.l2v, 30);

	ST_CHECK_EQ(ckpt_take(&gen), 0);
	ST_CHECK_EQ(gen, 3);
	ST_CHECK(stored_page_is(A_OID, 0x33));
	ST_CHECK(stored_page_is(B_OID, 0x44));
	ST_CHECK_EQ(stored_l2v(), 30);
	ST_CHECK_EQ(stored_bank(), 9);
	ST_CHECK(stored_page_is(N_OID, 0x55));
	objcache_stats(&cs);
	ST_CHECK_EQ(cs.dirty, 0);
	ckpt_last(&st);
	ST_CHECK_EQ(st.copies, 0);
	ST_CHECK(ck_check(&w, 3));
	for (i = 0; i < NOBJ; i++)
		obj_unpin(o[i]);
}

static void
test_ckpt_cow(void)
{
	ck_run(&w, 4096, 0, 0, cow_body);
}

ST_SUITE(st_ckpt_cow,
	ST_CASE(ckpt_cow),
);
