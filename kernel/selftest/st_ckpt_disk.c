/*
 * st_ckpt_disk.c - the store writer on the disk (virtio-blk, blk_write
 * and blk_flush), reporting as the protocol suite "ckptdisk": on
 * build/selftest.img's store (mkimage's generation 1) commit generations
 * that add a process on the run list, an endpoint naming it, a GPT and a
 * page beyond the page map's OID limit (its tree grows a level), change
 * the cap page, then change them again until the ring has wrapped; mount
 * again and read everything back, through the store and through the
 * object cache's loader. Objects are valid by mkimage verify's rules:
 * the harness (tests/harness/ckptdisk.py) boots a writable copy of the
 * image and runs `mkimage verify` and `mkimage inspect --generation N`
 * on it afterwards, for each generation printed as
 * "ckptdisk: committed generation N". Also prints what a disk commit of
 * 1 and 100 pages costs.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <lib/string.h>
#include <obj.h>
#include <store/objcache.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>
#include <store/store_write.h>
#include <x86_64/cpu.h>

#define BANK		1		/* "prime" in selftest.mki */
#define NEW_PAGE	30000		/* beyond 168 * 168 refs: 2 levels */
#define CAP_SLOT	5		/* of the cap page, unused by the .mki */

/* The objects this suite adds, at the OID limits of generation 1. */
static struct {
	oid_t		proc, ep, gpt, page, cappage;
	uint32_t	cap_count, cap_bank;
} d;

static struct obj_process proc;
static struct obj_endpoint ep;
static struct obj_gpt	gpt;
static struct cappage	cp;
static uint64_t		data[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));
static uint64_t		back[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

static struct cap
cap(unsigned type, oid_t oid)
{
	return (struct cap){ (uint8_t)type, 0, 0, 1, oid };
}

/* The objects of generation gen (2, 3, ...), stamped with it. */
static void
make_objects(uint64_t gen)
{
	memset(&proc, 0, sizeof(proc));
	proc.hdr = (struct obj_hdr){ d.proc, 1, BANK };
	proc.run_state = PS_STOPPED;
	proc.regs.rflags = RFLAGS_USER_DEFAULT;
	proc.regs.rax = gen;
	proc.cap_reg[0] = cap(CT_ENDPOINT, d.ep);
	memset(&ep, 0, sizeof(ep));
	ep.hdr = (struct obj_hdr){ d.ep, 1, BANK };
	ep.flags = EP_F_PAYLOAD_MATCH;
	ep.match_payload = (uint16_t)gen;
	ep.recipient = cap(CT_PROCESS, d.proc);
	memset(&gpt, 0, sizeof(gpt));
	gpt.hdr = (struct obj_hdr){ d.gpt, 1, BANK };
	gpt.l2v = 12;
	gpt.slot[gen % 4] = cap(CT_PAGE, d.page);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		data[i] = gen << 32 | i;
}

/* Put the objects of gen, the cap page naming the endpoint, commit. */
static bool
commit(uint64_t gen)
{
	static const oid_t none[1];
	uint64_t got;
	int err;

	make_objects(gen);
	cp.slot[CAP_SLOT] = cap(CT_ENDPOINT, d.ep);
	err = store_gen_begin();
	if (err == 0)
		err = store_gen_object(&proc);
	if (err == 0)
		err = store_gen_object(&ep);
	if (err == 0)
		err = store_gen_object(&gpt);
	if (err == 0)
		err = store_gen_page(d.page, data, 1, BANK);
	if (err == 0 && gen == 2)
		err = store_gen_page(d.cappage, &cp, d.cap_count, d.cap_bank);
	if (err == 0 && gen % 2 == 0)
		err = store_gen_runlist(gen == 4 ? none : &d.proc,
		    gen == 4 ? 0 : 1);
	if (err == 0)
		err = store_gen_commit(gen * 1000000000ull, &got);
	if (err != 0 || got != gen) {
		st_fail("generation %lu: error %d", gen, err);
		return false;
	}
	kprintf("ckptdisk: committed generation %lu\n", gen);
	return true;
}

/* What generation gen holds: read through the store and the cache. */
static void
check_objects(uint64_t gen)
{
	union {
		struct obj_process p;
		struct obj_endpoint e;
		struct obj_gpt g;
	} u;
	struct store_ref ref;
	uint64_t run[2];
	unsigned n;
	struct obj *o;

	make_objects(gen);
	ST_CHECK_EQ(store_get_entry(d.proc, &u.p), 0);
	ST_CHECK(memcmp(&u.p, &proc, sizeof(proc)) == 0);
	ST_CHECK_EQ(store_get_entry(d.ep, &u.e), 0);
	ST_CHECK(memcmp(&u.e, &ep, sizeof(ep)) == 0);
	ST_CHECK_EQ(store_get_entry(d.gpt, &u.g), 0);
	ST_CHECK(memcmp(&u.g, &gpt, sizeof(gpt)) == 0);
	ST_CHECK_EQ(store_get_entry(d.page, &ref), 0);
	ST_CHECK_EQ(store_read_data(d.page, &ref, back), 0);
	ST_CHECK(memcmp(back, data, PAGE_SIZE) == 0);
	ST_CHECK_EQ(store_get_entry(d.cappage, &ref), 0);
	ST_CHECK_EQ(store_read_data(d.cappage, &ref, back), 0);
	ST_CHECK(memcmp(back, &cp, PAGE_SIZE) == 0);
	ST_CHECK_EQ(store_runlist(run, 2, &n), 0);
	ST_CHECK_EQ(n, 1);
	ST_CHECK_EQ(run[0], d.proc);
	/* The kernel's own loader accepts what its writer wrote. */
	objcache_flush();
	ST_CHECK_EQ(obj_get(d.proc, &o), 0);
	ST_CHECK_EQ(obj_process(o)->d.regs.rax, gen);
	ST_CHECK_EQ(obj_get(d.ep, &o), 0);
	ST_CHECK_EQ(obj_endpoint(o)->d.recipient.oid, d.proc);
	ST_CHECK_EQ(obj_get(d.cappage, &o), 0);
	ST_CHECK_EQ(cappage_data(obj_cappage(o))->slot[CAP_SLOT].oid, d.ep);
	ST_CHECK_EQ(obj_get(d.page, &o), 0);
	ST_CHECK_EQ(((uint64_t *)page_data(obj_page(o)))[1], gen << 32 | 1);
	objcache_flush();
}

static void
test_ckptdisk_generations(void)
{
	const struct store_super *sb;
	struct store_ref ref;
	uint64_t g0;

	if (!st_disk_store())
		return;
	sb = store_current();
	g0 = sb->hdr.generation;
	ST_CHECK(sb->oid_limit[OT_CAPPAGE] >= 1);
	ST_CHECK(sb->oid_limit[OT_PAGE] < NEW_PAGE);
	ST_CHECK_EQ(sb->map_root[OT_PAGE].level, 1);
	d.proc = OID_MAKE(OT_PROCESS, sb->oid_limit[OT_PROCESS]);
	d.ep = OID_MAKE(OT_ENDPOINT, sb->oid_limit[OT_ENDPOINT]);
	d.gpt = OID_MAKE(OT_GPT, sb->oid_limit[OT_GPT]);
	d.page = OID_MAKE(OT_PAGE, NEW_PAGE);
	d.cappage = OID_MAKE(OT_CAPPAGE, 0);
	ST_CHECK_EQ(store_get_entry(d.cappage, &ref), 0);
	ST_CHECK_EQ(store_read_data(d.cappage, &ref, &cp), 0);
	ST_CHECK_EQ(cp.slot[CAP_SLOT].type, CT_NULL);
	d.cap_count = ref.alloc_count;
	d.cap_bank = ref.bank;
	ST_CHECK_EQ(g0, 1);
	for (uint64_t g = 2; g <= 6; g++)
		if (!commit(g))
			return;
	ST_CHECK_EQ(store_current()->map_root[OT_PAGE].level, 2);
	ST_CHECK_EQ(st_disk_store(), true);
	ST_CHECK_EQ(store_current()->hdr.generation, 6);
	check_objects(6);
}

/* Cycles of a disk commit of n contiguous pages (two rounds). */
static void
disk_cost(unsigned n)
{
	struct store_gen_stats st;
	uint64_t t = 0, gen;
	int err = 0;

	for (int round = 0; round < 2 && err == 0; round++) {
		t = cpu_rdtsc();
		err = store_gen_begin();
		for (unsigned i = 0; i < n && err == 0; i++) {
			data[0] = (uint64_t)round << 32 | i;
			err = store_gen_page(OID_MAKE(OT_PAGE, 1000 + i), data,
			    1, BANK);
		}
		if (err == 0)
			err = store_gen_commit(0, &gen);
		t = cpu_rdtsc() - t;
		if (err == 0)
			kprintf("ckptdisk: committed generation %lu\n", gen);
	}
	ST_CHECK_EQ(err, 0);
	store_gen_stats(&st);
	kprintf("ckptdisk: disk commit of %u dirty pages: %lu cycles, %lu "
	    "blocks written\n", n, t, st.data_writes + st.map_writes +
	    st.free_writes + st.list_writes + st.super_writes);
}

static void
test_ckptdisk_cost(void)
{
	if (!st_disk_store())
		return;
	disk_cost(1);
	disk_cost(100);
	objcache_flush();
}

ST_SUITE_AS("ckptdisk", st_ckpt_disk,
	ST_CASE(ckptdisk_generations),
	ST_CASE(ckptdisk_cost),
);
