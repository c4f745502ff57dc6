/*
 * st_objbad.c - self-tests of the store reader against a damaged store:
 * the in-memory store of st_objmem.h with one thing wrong at a time.
 * Damage made before sealing keeps every checksum right (a writer bug or
 * a hostile image: headers, pointers, entries, objects, caps); damage
 * after sealing breaks checksums, misdirects or fails reads. Each case
 * names an object whose load must fail with ERR_CORRUPT or ERR_IO
 * (printing a store: line naming the block), leave nothing in the
 * cache, and one that must still load.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/gpt.h>
#include <abi/process.h>
#include <gpt.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_objmem.h>
#include <store/store.h>

#define P(i)	OID_MAKE(OT_PROCESS, i)
#define G(i)	OID_MAKE(OT_GPT, i)
#define E(i)	OID_MAKE(OT_ENDPOINT, i)
#define PG(i)	OID_MAKE(OT_PAGE, i)
#define CP(i)	OID_MAKE(OT_CAPPAGE, i)

struct bad {
	const char	*name;
	void		(*damage)(void);
	oid_t		oid;		/* must fail to load */
	int		want;		/* ERR_CORRUPT or ERR_IO */
	oid_t		ok;		/* must still load */
};

static struct obj_process *
proc(unsigned leaf, unsigned slot)
{
	return mb_entry(leaf, slot, OT_PROCESS);
}

static struct obj_gpt *
gpt1(void)
{
	return mb_entry(MB_GLEAF, 1, OT_GPT);
}

static struct obj_endpoint *
ep0(void)
{
	return mb_entry(MB_ELEAF, 0, OT_ENDPOINT);
}

static struct store_ref *
ref(unsigned leaf, unsigned slot)
{
	return mb_entry(leaf, slot, OT_PAGE);
}

/* Damage made before sealing: every checksum stays right. */
static void d_oid(void) { proc(MB_PLEAF0, 1)->hdr.oid = P(7); }
static void d_state(void) { proc(MB_PLEAF0, 1)->run_state = PS_MAX; }
static void d_fault(void) { proc(MB_PLEAF0, 2)->run_state = PS_FAULTED; }
static void d_fcode(void) { proc(MB_PLEAF0, 2)->fault_code = FC_MAX; }
static void d_resv(void) { proc(MB_PLEAF0, 1)->reserved0[1] = 1; }
static void
d_mxcsr(void)
{
	proc(MB_PLEAF0, 1)->fxsave[FXSAVE_MXCSR_OFFSET + 2] = 1;  /* bit 16 */
}
static void d_wait(void) { proc(MB_PLEAF0, 1)->wait_oid = E(0); }
static void d_send(void) { proc(MB_PLEAF0, 2)->run_state = PS_SENDING; }
static void d_ctype(void) { proc(MB_PLEAF0, 0)->cap_reg[3].type = CT_MAX; }
static void d_crestr(void) { proc(MB_PLEAF0, 0)->cap_reg[1].restr = 0x20; }
static void d_cnull(void) { proc(MB_PLEAF0, 0)->cap_reg[4].oid = 5; }
static void d_coid(void) { proc(MB_PLEAF0, 0)->space.oid = PG(1); }
static void d_cfield(void) { proc(MB_PLEAF0, 0)->cap_reg[0].aux = 1; }
static void d_caux(void)
{
	proc(MB_PLEAF0, 0)->cap_reg[5] = (struct cap){ CT_PROCESS, 0, 3, 10,
	    P(0) };
}
static void d_unused(void) { proc(MB_PLEAF1, 0)->regs.rax = 1; }
static void d_lcount(void) { mb_hdr(MB_PLEAF0)->count = 2; }
static void d_lkey(void) { mb_hdr(MB_PLEAF1)->key = 4; }
static void d_limit(void) { mb_super()->oid_limit[OT_PROCESS] = 5; }
static void d_ncount(void) { mb_hdr(MB_PNODE)->count = 3; }
static void d_nnull(void) { mb_node(MB_PNODE)->child[5].birth = 1; }
static void d_birth(void) { mb_node(MB_PNODE)->child[1].birth = MB_GEN + 1; }
static void d_birth2(void) { mb_node(MB_PNODE)->child[1].birth--; }
static void d_plevel(void) { mb_node(MB_PNODE)->child[0].level = 1; }
static void d_pkind(void) { mb_node(MB_PNODE)->child[0].kind = STORE_BK_LIST; }
static void d_pblock(void) { mb_node(MB_PNODE)->child[0].block = MB_BLOCKS; }
static void d_presv(void) { mb_node(MB_PNODE)->child[0].reserved = 1; }
static void d_hid(void) { mb_hdr(MB_PLEAF0)->store_id ^= 1; }
static void d_hver(void) { mb_hdr(MB_PLEAF0)->version = STORE_VERSION + 1; }
static void d_hmagic(void) { mb_hdr(MB_PLEAF0)->magic ^= 1; }
static void d_hpsize(void) { mb_hdr(MB_PLEAF0)->page_size = 8192; }
static void d_hblock(void) { mb_hdr(MB_PLEAF1)->block = MB_PLEAF0; }
static void d_tail(void) { mb.b[MB_GLEAF][4000] = 1; }
static void d_gflags(void) { gpt1()->flags = 0x80; }
static void d_gresv(void) { gpt1()->reserved[2] = 1; }
static void d_eflags(void) { ep0()->flags = 2; }
static void d_eresv(void) { ep0()->reserved2 = 1; }
static void d_ecap(void) { ep0()->recipient.type = 99; }
static void d_rflags(void) { ref(MB_PGLEAF, 0)->flags = 3; }
static void d_rcrc(void) { ref(MB_PGLEAF, 1)->crc = 5; }
static void d_rblock(void) { ref(MB_PGLEAF, 0)->block = MB_BLOCKS; }
static void d_cpcap(void) { ((struct cap *)mb.b[MB_CPDATA])[9].type = 77; }

static const struct bad consistent[] = {
	{ "entry holds another OID", d_oid, P(0), ERR_CORRUPT, P(5) },
	{ "unknown run state", d_state, P(1), ERR_CORRUPT, P(0) },
	{ "faulted without a code", d_fault, P(2), ERR_CORRUPT, P(0) },
	{ "unknown fault code", d_fcode, P(2), ERR_CORRUPT, P(1) },
	{ "reserved process field", d_resv, P(1), ERR_CORRUPT, P(2) },
	{ "MXCSR reserved bit", d_mxcsr, P(1), ERR_CORRUPT, P(2) },
	{ "stopped, waiting", d_wait, P(1), ERR_CORRUPT, P(2) },
	{ "sending to no endpoint", d_send, P(2), ERR_CORRUPT, P(1) },
	{ "unknown cap type", d_ctype, P(0), ERR_CORRUPT, P(1) },
	{ "unknown restriction", d_crestr, P(0), ERR_CORRUPT, P(1) },
	{ "null cap not zero", d_cnull, P(0), ERR_CORRUPT, P(1) },
	{ "cap OID of wrong type", d_coid, P(0), ERR_CORRUPT, P(1) },
	{ "objectless cap with aux", d_cfield, P(0), ERR_CORRUPT, P(1) },
	{ "process cap with aux", d_caux, P(0), ERR_CORRUPT, P(1) },
	{ "unused entry not zero", d_unused, P(5), ERR_CORRUPT, P(0) },
	{ "leaf entry count", d_lcount, P(0), ERR_CORRUPT, P(5) },
	{ "leaf key", d_lkey, P(5), ERR_CORRUPT, P(0) },
	{ "entry beyond OID limit", d_limit, P(3), ERR_CORRUPT, P(0) },
	{ "node child count", d_ncount, P(0), ERR_CORRUPT, G(1) },
	{ "null child not zero", d_nnull, P(5), ERR_CORRUPT, G(1) },
	{ "birth after generation", d_birth, P(5), ERR_CORRUPT, P(0) },
	{ "birth differs from header", d_birth2, P(5), ERR_CORRUPT, P(0) },
	{ "pointer level", d_plevel, P(0), ERR_CORRUPT, P(5) },
	{ "pointer kind", d_pkind, P(0), ERR_CORRUPT, P(5) },
	{ "pointer outside store", d_pblock, P(0), ERR_CORRUPT, P(5) },
	{ "pointer reserved", d_presv, P(0), ERR_CORRUPT, P(5) },
	{ "another store's block", d_hid, P(0), ERR_CORRUPT, P(5) },
	{ "block version", d_hver, P(0), ERR_CORRUPT, P(5) },
	{ "block magic", d_hmagic, P(0), ERR_CORRUPT, P(5) },
	{ "block page size", d_hpsize, P(0), ERR_CORRUPT, P(5) },
	{ "header names another block", d_hblock, P(5), ERR_CORRUPT, P(0) },
	{ "bytes after last entry", d_tail, G(1), ERR_CORRUPT, P(0) },
	{ "unknown GPT flags", d_gflags, G(1), ERR_CORRUPT, E(0) },
	{ "reserved GPT bytes", d_gresv, G(1), ERR_CORRUPT, E(0) },
	{ "unknown endpoint flags", d_eflags, E(0), ERR_CORRUPT, G(1) },
	{ "reserved endpoint field", d_eresv, E(0), ERR_CORRUPT, G(1) },
	{ "bad recipient cap", d_ecap, E(0), ERR_CORRUPT, G(1) },
	{ "unknown page flags", d_rflags, PG(0), ERR_CORRUPT, E(0) },
	{ "checksum without block", d_rcrc, PG(1), ERR_CORRUPT, CP(0) },
	{ "data block outside", d_rblock, PG(0), ERR_CORRUPT, CP(0) },
	{ "bad cap in cap page", d_cpcap, CP(0), ERR_CORRUPT, PG(0) },
};

/* Damage made after sealing: checksums, misdirection, read errors. */
static void r_leaf(void) { mb.b[MB_PLEAF0][2000] ^= 1; }
static void r_node(void) { mb.b[MB_PNODE][3000] ^= 1; }
static void r_hdr(void) { mb.b[MB_PLEAF1][40] ^= 1; }	/* level */
static void r_data(void) { mb.b[MB_PGDATA][10] ^= 1; }
static void r_cpdata(void) { mb.b[MB_CPDATA][4095] ^= 0x80; }
static void r_reseal(void)
{
	proc(MB_PLEAF1, 2)->regs.rax ^= 1;
	mb_seal_one(MB_PLEAF1);		/* self-consistent, parent stale */
}
static void r_swap(void) { mb.swap_a = MB_PLEAF1; mb.swap_b = MB_PLEAF0; }
static void r_io(void) { mb.fail_block = MB_PLEAF1; }
static void r_iodata(void) { mb.fail_block = MB_PGDATA; }

static const struct bad raw[] = {
	{ "leaf checksum", r_leaf, P(0), ERR_CORRUPT, P(5) },
	{ "node checksum", r_node, P(5), ERR_CORRUPT, G(1) },
	{ "header checksum", r_hdr, P(5), ERR_CORRUPT, P(0) },
	{ "page data checksum", r_data, PG(0), ERR_CORRUPT, PG(1) },
	{ "cap page data checksum", r_cpdata, CP(0), ERR_CORRUPT, PG(0) },
	{ "resealed leaf, stale pointer", r_reseal, P(5), ERR_CORRUPT, P(0) },
	{ "misdirected read", r_swap, P(5), ERR_CORRUPT, P(0) },
	{ "leaf read error", r_io, P(5), ERR_IO, P(0) },
	{ "data read error", r_iodata, PG(0), ERR_IO, PG(1) },
};

/* Run one case; false after recording a failure. */
static bool
run_case(const struct bad *c, bool before_seal)
{
	struct objcache_stats s0, s;
	struct obj *o = NULL;
	int err;

	if (!mb_fill()) {
		st_fail("no memory for the test store");
		return false;
	}
	if (before_seal)
		c->damage();
	mb_seal();
	if (!before_seal)
		c->damage();
	kprintf("selftest: damage: %s\n", c->name);
	err = mb_mount();
	if (err != 0) {
		st_fail("%s: mount failed with %d", c->name, err);
		return false;
	}
	objcache_stats(&s0);
	for (int round = 0; round < 2; round++) {	/* nothing cached */
		err = obj_get(c->oid, &o);
		if (err != c->want || obj_lookup(c->oid) != NULL) {
			st_fail("%s: obj_get(%#lx) gave %d, want %d", c->name,
			    c->oid, err, c->want);
			return false;
		}
	}
	objcache_stats(&s);
	if (s.objects != s0.objects || s.frames != s0.frames ||
	    s.failed - s0.failed != 2) {
		st_fail("%s: a failed load left objects or frames behind",
		    c->name);
		return false;
	}
	err = obj_get(c->ok, &o);
	if (err != 0 || o->flags != 0) {
		st_fail("%s: undamaged %#lx gave %d (flags %#x)", c->name,
		    c->ok, err, err == 0 ? o->flags : 0);
		return false;
	}
	return true;
}

static void
test_objbad_consistent(void)
{
	for (unsigned i = 0; i < sizeof(consistent) / sizeof(consistent[0]);
	    i++)
		if (!run_case(&consistent[i], true))
			break;
	mb_restore_disk();
}

static void
test_objbad_raw(void)
{
	for (unsigned i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		if (!run_case(&raw[i], false))
			break;
	mb_restore_disk();
}

/* The run list: an item that is not a process, and a bad count. */
static void
test_objbad_runlist(void)
{
	struct store_list *l = (struct store_list *)mb.b[MB_RUN];
	uint64_t oids[8];
	unsigned n;

	ST_CHECK(mb_fill());
	l->item[1] = G(1);
	mb_seal();
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_runlist(oids, 8, &n), ERR_CORRUPT);
	ST_CHECK(mb_fill());
	l->hdr.count = STORE_LIST_ITEMS + 1;
	mb_seal();
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_runlist(oids, 8, &n), ERR_CORRUPT);
	ST_CHECK(mb_fill());
	l->item[300] = P(2);			/* beyond count 2 */
	mb_seal();
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_runlist(oids, 8, &n), ERR_CORRUPT);
	ST_CHECK(mb_fill());
	mb_seal();
	mb.b[MB_RUN][100] ^= 1;
	ST_CHECK_EQ(mb_mount(), 0);
	ST_CHECK_EQ(store_runlist(oids, 8, &n), ERR_CORRUPT);
	mb.fail_block = MB_RUN;
	ST_CHECK_EQ(store_runlist(oids, 8, &n), ERR_IO);
	mb_restore_disk();
}

/*
 * A walk that needs a damaged page ends in FC_STORE, naming the object,
 * with the store's damaged block for the fault path's line.
 */
static void
test_objbad_walk(void)
{
	struct cap c = { .type = CT_PAGE, .oid = PG(0) };
	struct gpt_walk w;
	uint32_t fc;

	ST_CHECK(mb_fill());
	mb_seal();
	r_data();
	ST_CHECK_EQ(mb_mount(), 0);
	(void)store_take_bad_block();
	fc = gpt_walk(&c, 0x10, GPT_ACC_READ, &w);
	gpt_walk_done(&w);
	ST_CHECK_EQ(fc, FC_STORE);
	ST_CHECK_EQ(w.err, ERR_CORRUPT);
	ST_CHECK_EQ(w.err_oid, PG(0));
	ST_CHECK_EQ(store_take_bad_block(), MB_PGDATA);
	mb.fail_block = MB_PGDATA;
	fc = gpt_walk(&c, 0x10, GPT_ACC_READ, &w);
	gpt_walk_done(&w);
	ST_CHECK_EQ(fc, FC_STORE);
	ST_CHECK_EQ(w.err, ERR_IO);
	ST_CHECK_EQ(store_take_bad_block(), MB_PGDATA);
	mb_restore_disk();
}

ST_SUITE(st_objbad,
	ST_CASE(objbad_consistent),
	ST_CASE(objbad_raw),
	ST_CASE(objbad_runlist),
	ST_CASE(objbad_walk),
);
