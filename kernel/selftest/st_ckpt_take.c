/*
 * st_ckpt_take.c - self-tests of ckpt_take() (ckpt.c) on an in-memory
 * store: a checkpoint that fails at a write leaves every object dirty
 * and the store at its generation; the next one commits the dirty page,
 * GPT and endpoint (contents, allocation count, bank), an empty run list
 * (no process is held), and leaves nothing dirty; read back after a
 * remount, the objects equal what was written.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <store/ckpt.h>
#include <lib/string.h>
#include <store/objcache.h>
#include <proc.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>

static struct wdev	w;

#define PAGE_OID	OID_MAKE(OT_PAGE, 5)
#define GPT_OID		OID_MAKE(OT_GPT, 3)
#define EP_OID		OID_MAKE(OT_ENDPOINT, 9)

static uint64_t
dirty_count(void)
{
	struct objcache_stats st;

	objcache_stats(&st);
	return st.dirty;
}

/* Page 5 all 0xa5 in bank 7, GPT 3 with l2v 21, endpoint 9 with match
   77 rescinded once: each dirty, pinned into o[]. */
static bool
make_dirty(struct obj *o[3])
{
	if (obj_get(PAGE_OID, &o[0]) != 0)
		return false;
	obj_pin(o[0]);
	if (obj_get(GPT_OID, &o[1]) != 0)
		return false;
	obj_pin(o[1]);
	if (obj_get(EP_OID, &o[2]) != 0)
		return false;
	obj_pin(o[2]);
	memset(page_data(obj_page(o[0])), 0xa5, PAGE_SIZE);
	o[0]->bank = 7;
	obj_modify(o[0]);
	obj_gpt(o[1])->d.l2v = 21;
	obj_modify(o[1]);
	obj_endpoint(o[2])->d.match_payload = 77;
	obj_rescind(o[2]);
	return true;
}

static bool	committed;		/* commit() reached its end */

/* A failing checkpoint, then one that commits, over o[] (dirty). */
static void
commit(struct obj *o[3])
{
	uint64_t gen = 0;
	unsigned i;

	ST_CHECK_EQ(dirty_count(), 3);
	w.fail_write = 2;		/* the data block passes, a map block not */
	ST_CHECK_EQ(ckpt_take(&gen), ERR_IO);
	w.fail_write = 0;
	ST_CHECK_EQ(ckpt_generation(), 1);
	ST_CHECK_EQ(dirty_count(), 3);
	for (i = 0; i < 3; i++)
		ST_CHECK(o[i]->flags & OBJ_F_DIRTY);

	ST_CHECK_EQ(ckpt_take(&gen), 0);
	ST_CHECK_EQ(gen, 2);
	ST_CHECK_EQ(ckpt_generation(), 2);
	ST_CHECK_EQ(dirty_count(), 0);
	for (i = 0; i < 3; i++)
		ST_CHECK(!(o[i]->flags & (OBJ_F_DIRTY | OBJ_F_NEW)));
	ST_CHECK(ck_check(&w, 2));
	committed = true;
}

/* After a remount: generation 2 holds what commit() wrote. */
static void
read_back(void)
{
	struct obj *o;
	uint64_t oids[1];
	const uint8_t *b;
	unsigned i, n = 1;

	ST_CHECK_EQ(wdev_mount(&w), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, 2);
	ST_CHECK_EQ(store_runlist(oids, 1, &n), 0);
	ST_CHECK_EQ(n, 0);
	ST_CHECK_EQ(obj_get(PAGE_OID, &o), 0);
	ST_CHECK(!(o->flags & OBJ_F_NEW));
	ST_CHECK_EQ(o->bank, 7);
	b = page_data(obj_page(o));
	for (i = 0; i < PAGE_SIZE && b[i] == 0xa5; i++)
		;
	ST_CHECK_EQ(i, PAGE_SIZE);
	ST_CHECK_EQ(obj_get(GPT_OID, &o), 0);
	ST_CHECK_EQ(obj_gpt(o)->d.l2v, 21);
	ST_CHECK_EQ(obj_get(EP_OID, &o), 0);
	ST_CHECK_EQ(obj_endpoint(o)->d.match_payload, 77);
	ST_CHECK_EQ(o->alloc_count, 1);
}

static void
take(void)
{
	struct obj *o[3] = { NULL, NULL, NULL };
	unsigned i;

	if (dirty_count() != 0 || proc_held_first() != NULL) {
		st_fail("%lu objects dirty, a process held: not a clean start",
		    dirty_count());
		return;
	}
	committed = false;
	if (make_dirty(o))
		commit(o);
	else
		st_fail("obj_get failed");
	for (i = 0; i < 3; i++)
		if (o[i] != NULL)
			obj_unpin(o[i]);
	if (committed)
		read_back();
}

static void
test_ckpt_take(void)
{
	ck_run(&w, 4096, 0, 0, take);
}

ST_SUITE(st_ckpt_take,
	ST_CASE(ckpt_take),
);
