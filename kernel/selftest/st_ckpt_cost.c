/*
 * st_ckpt_cost.c - what a commit costs on the in-memory device: TSC
 * cycles (guest instructions under QEMU's -icount shift=0) from
 * store_gen_begin() to the end of store_gen_commit(), and the blocks it
 * wrote, when 1, 100 or 1000 pages written by the generation before are
 * dirty again (contiguous OIDs), and 100 pages one per map leaf. The
 * device's own cost is a 4 KiB copy per block written.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_ckpt.h>
#include <store/store.h>
#include <store/store_write.h>
#include <x86_64/cpu.h>

static struct wdev	w;
static uint64_t		page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

/* Put n pages, OID indices stride apart, stamped with gen; commit. */
static bool
generation(unsigned n, unsigned stride, uint64_t gen)
{
	uint64_t got;
	int err = store_gen_begin();

	for (unsigned i = 0; i < n && err == 0; i++) {
		page[0] = gen << 32 | i;
		err = store_gen_page(OID_MAKE(OT_PAGE, (uint64_t)i * stride),
		    page, 1, 1);
	}
	if (err == 0)
		err = store_gen_commit(0, &got);
	if (err != 0)
		st_fail("%u pages, generation %lu: error %d", n, gen, err);
	return err == 0;
}

static void
cost(unsigned n, unsigned stride)
{
	struct store_gen_stats st;
	uint64_t t;

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		page[i] = i * 0x9e3779b97f4a7c15ull;
	if (!generation(n, stride, 2))
		return;
	t = cpu_rdtsc();
	if (!generation(n, stride, 3))
		return;
	t = cpu_rdtsc() - t;
	store_gen_stats(&st);
	kprintf("st_ckpt: commit of %u dirty pages%s: %lu cycles (%lu per "
	    "page); blocks written: %lu data, %lu map, %lu free map, %lu "
	    "list, %lu super; %lu flushes\n", n, stride > 1 ?
	    " (one per leaf)" : "", t, t / n, st.data_writes, st.map_writes,
	    st.free_writes, st.list_writes, st.super_writes, st.flushes);
	ST_CHECK_EQ(st.data_writes, n);
	ST_CHECK_EQ(st.super_writes, 1);
	ST_CHECK_EQ(st.flushes, 2);
	ST_CHECK(ck_check(&w, 3));
}

static void cost_1(void) { cost(1, 1); }
static void cost_100(void) { cost(100, 1); }
static void cost_1000(void) { cost(1000, 1); }
static void cost_100_sparse(void) { cost(100, STORE_REFS_PER_LEAF); }

static void
test_ckpt_cost(void)
{
	ck_run(&w, 8192, 0, 0, cost_1);
	ck_run(&w, 8192, 0, 0, cost_100);
	ck_run(&w, 8192, 0, 0, cost_1000);
	ck_run(&w, 8192, 0, 0, cost_100_sparse);
}

ST_SUITE(st_ckpt_cost,
	ST_CASE(ckpt_cost),
);
