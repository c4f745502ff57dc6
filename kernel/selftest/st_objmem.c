/*
 * st_objmem.c - a store built in memory (st_objmem.h describes it) and
 * the self-tests that load from it while it is whole: processes with
 * known registers through a two-level map, every other object type,
 * unused entries and OIDs past the limits as fresh objects, the run
 * list, the choice of generation in the superblock ring, and the map
 * block cache. st_objmem_build.c builds the store; st_objbad.c damages
 * it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <selftest/selftest.h>
#include <selftest/st_objmem.h>
#include <store/store.h>

/* Build, seal and mount the whole store; false (test failed) if not. */
static bool
good_store(void)
{
	int err;

	if (!mb_fill()) {
		st_fail("no memory for the test store");
		return false;
	}
	mb_seal();
	err = mb_mount();
	if (err != 0) {
		st_fail("mounting the test store: error %d", err);
		return false;
	}
	return true;
}

static void
test_objmem_processes(void)
{
	static const uint8_t state[6] = { PS_RUNNING, PS_STOPPED,
	    PS_RECEIVING, 0, 0, PS_RUNNING };
	struct objcache_stats s0, s;
	struct obj *o;

	if (!good_store())
		return;
	ST_CHECK_EQ(store_current()->hdr.generation, MB_GEN);
	objcache_stats(&s0);
	for (uint64_t i = 0; i <= 6; i++) {
		ST_CHECK_EQ(obj_get(OID_MAKE(OT_PROCESS, i), &o), 0);
		struct process *p = obj_process(o);
		const uint64_t *r = (const uint64_t *)&p->d.regs;

		/* 3 and 4 are unused entries, 6 is the OID limit. */
		if (i == 3 || i == 4 || i == 6) {
			ST_CHECK_EQ(o->flags, OBJ_F_NEW);
			ST_CHECK_EQ(o->alloc_count, 0);
			ST_CHECK_EQ(r[0], 0);
			continue;
		}
		ST_CHECK_EQ(o->flags, 0);
		ST_CHECK_EQ(o->alloc_count, 10 + i);
		ST_CHECK_EQ(o->bank, 3);
		ST_CHECK_EQ(p->d.run_state, state[i]);
		for (unsigned k = 0; k < sizeof(p->d.regs) / 8; k++)
			ST_CHECK_EQ(r[k], mb_reg(i, k));
		ST_CHECK_EQ(p->d.space.type, CT_GPT);
		ST_CHECK_EQ(p->d.space.oid, OID_MAKE(OT_GPT, 1));
		ST_CHECK_EQ(p->d.cap_reg[0].type, CT_KERNLOG);
		ST_CHECK_EQ(p->d.cap_reg[1].aux, 9);
		ST_CHECK_EQ(p->d.cap_reg[1].restr, CAP_R_NOCALL);
		ST_CHECK_EQ(p->d.cap_reg[2].type, CT_NULL);
		ST_CHECK_EQ(p->d.reply_seq, 77);
		ST_CHECK_EQ(p->d.fxsave[0], 0x7f);
		ST_CHECK(p->k.on_queue == 0 && p->k.pmap == NULL);
	}
	objcache_stats(&s);
	ST_CHECK_EQ(s.loaded - s0.loaded, 4);
	ST_CHECK_EQ(s.fresh - s0.fresh, 3);
	mb_restore_disk();
}

static void
test_objmem_other_types(void)
{
	struct obj *o;

	if (!good_store())
		return;
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_GPT, 1), &o), 0);
	ST_CHECK_EQ(o->flags, 0);
	ST_CHECK_EQ(o->alloc_count, 2);
	ST_CHECK_EQ(obj_gpt(o)->d.l2v, 16);
	ST_CHECK_EQ(obj_gpt(o)->d.flags, GPT_F_KEEPER);
	ST_CHECK_EQ(obj_gpt(o)->d.slot[0].restr, CAP_R_NX);
	ST_CHECK_EQ(obj_gpt(o)->d.slot[15].type, CT_ENTRY);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_GPT, 0), &o), 0);
	ST_CHECK_EQ(o->flags, OBJ_F_NEW);		/* unused entry */
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_ENDPOINT, 0), &o), 0);
	ST_CHECK_EQ(o->alloc_count, 4);
	ST_CHECK_EQ(obj_endpoint(o)->d.match_payload, 9);
	ST_CHECK_EQ(obj_endpoint(o)->d.recipient.oid, OID_MAKE(OT_PROCESS, 0));
	ST_CHECK(obj_endpoint(o)->senders == NULL);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, 0), &o), 0);
	ST_CHECK_EQ(o->flags, 0);
	const uint8_t *d = page_data(obj_page(o));

	for (unsigned i = 0; i < PAGE_SIZE; i++)
		ST_CHECK_EQ(d[i], (uint8_t)(i * 7));
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, 1), &o), 0);
	ST_CHECK_EQ(o->flags, 0);			/* stored, no block */
	ST_CHECK_EQ(o->alloc_count, 1);
	d = page_data(obj_page(o));
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		ST_CHECK_EQ(d[i], 0);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PAGE, 2), &o), 0);
	ST_CHECK_EQ(o->flags, OBJ_F_NEW);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_CAPPAGE, 0), &o), 0);
	ST_CHECK_EQ(o->alloc_count, 6);
	ST_CHECK_EQ(cappage_data(obj_cappage(o))->slot[0].type, CT_KERNLOG);
	ST_CHECK_EQ(cappage_data(obj_cappage(o))->slot[5].restr, CAP_R_RO);
	ST_CHECK_EQ(cappage_data(obj_cappage(o))->slot[6].type, CT_NULL);
	mb_restore_disk();
}

static void
test_objmem_runlist(void)
{
	uint64_t oids[4] = { 0 };
	unsigned n = 99;

	if (!good_store())
		return;
	ST_CHECK_EQ(store_runlist(oids, 4, &n), 0);
	ST_CHECK_EQ(n, 2);
	ST_CHECK_EQ(oids[0], OID_MAKE(OT_PROCESS, 0));
	ST_CHECK_EQ(oids[1], OID_MAKE(OT_PROCESS, 5));
	oids[0] = 0;
	ST_CHECK_EQ(store_runlist(oids, 1, &n), ERR_TOO_BIG);
	ST_CHECK_EQ(n, 1);
	ST_CHECK_EQ(oids[0], OID_MAKE(OT_PROCESS, 0));
	store_unmount();
	ST_CHECK_EQ(store_runlist(oids, 4, &n), 0);
	ST_CHECK_EQ(n, 0);
	mb_restore_disk();
}

/* Copy the current superblock into ring slot gen % 4 as generation gen. */
static void
extra_super(uint64_t gen, uint64_t store_id)
{
	unsigned slot = gen % STORE_SB_RING;
	struct store_super *sb = (struct store_super *)mb.b[slot];

	memcpy(sb, mb_super(), STORE_BLOCK_SIZE);
	sb->hdr.block = slot;
	sb->hdr.generation = gen;
	sb->hdr.store_id = store_id;
	mb_seal_one(slot);
}

/*
 * The newest valid generation wins; damaged, misplaced or foreign
 * slots are passed over; with none valid the mount fails, saying why.
 */
static void
test_objmem_ring(void)
{
	struct obj *o;

	if (!mb_fill())
		return;
	mb_seal();
	extra_super(5, MB_STORE_ID);		/* slot 1: older, valid */
	extra_super(6, MB_STORE_ID);		/* slot 2: damaged below */
	mb.b[2][100] ^= 1;
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, MB_GEN);
	/* The newest damaged: generation 5 takes over and still reads. */
	mb.b[MB_GEN % STORE_SB_RING][3000] ^= 0x40;
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, 5);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PROCESS, 5), &o), 0);
	ST_CHECK_EQ(o->alloc_count, 15);
	/* Older but of another store: passed over, 7 is current again. */
	mb.b[MB_GEN % STORE_SB_RING][3000] ^= 0x40;
	extra_super(5, MB_STORE_ID + 1);
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, MB_GEN);
	/* Newer, CRC good, but a map root that does not fit its limit. */
	extra_super(10, MB_STORE_ID);
	struct store_super *s10 = (struct store_super *)mb.b[2];

	s10->oid_limit[OT_PROCESS] = 3;		/* a leaf would do: level 0 */
	mb_seal_one(2);
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, MB_GEN);
	/* A generation in the wrong slot. */
	extra_super(10, MB_STORE_ID);
	mb_hdr(2)->generation = 9;
	mb_seal_one(2);
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_current()->hdr.generation, MB_GEN);
	/* Nothing valid: corrupt, empty, unreadable. */
	for (unsigned i = 0; i < STORE_SB_RING; i++)
		mb.b[i][8] ^= 0xff;		/* version */
	ST_CHECK_EQ(mb_mount(), ERR_CORRUPT);
	ST_CHECK(store_current() == NULL);
	for (unsigned i = 0; i < STORE_SB_RING; i++)
		memset(mb.b[i], 0, STORE_BLOCK_SIZE);
	ST_CHECK_EQ(mb_mount(), ERR_NOT_FOUND);
	mb_fill();
	mb_seal();
	mb.fail_block = MB_GEN % STORE_SB_RING;
	ST_CHECK_EQ(mb_mount(), ERR_IO);
	mb.fail_block = 0;
	ST_CHECK_EQ(mb_mount(), 0);
	mb_restore_disk();
}

/* A second miss in the same leaf reads no block: the map cache has it. */
static void
test_objmem_block_cache(void)
{
	struct store_stats a, b;
	struct obj *o;

	if (!good_store())
		return;
	store_stats(&a);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PROCESS, 0), &o), 0);
	store_stats(&b);
	ST_CHECK_EQ(b.meta_reads - a.meta_reads, 2);	/* node and leaf */
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PROCESS, 1), &o), 0);
	objcache_flush();
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PROCESS, 2), &o), 0);
	ST_CHECK_EQ(obj_get(OID_MAKE(OT_PROCESS, 0), &o), 0);
	store_stats(&a);
	ST_CHECK_EQ(a.meta_reads, b.meta_reads);
	ST_CHECK_EQ(a.meta_hits - b.meta_hits, 6);
	mb_restore_disk();
}

ST_SUITE(st_objmem,
	ST_CASE(objmem_processes),
	ST_CASE(objmem_other_types),
	ST_CASE(objmem_runlist),
	ST_CASE(objmem_ring),
	ST_CASE(objmem_block_cache),
);
