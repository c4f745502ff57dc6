/*
 * vctest.c - the vcopy suite: the virtual-copy keeper (keepers/vcopy.c)
 * with objects from the space bank. The driver (role 0, itself kept by
 * a vcopy demand-zero keeper on bank "test") builds a background space
 * B from bank objects, then two kept GPTs X1 and X2 over B, each with
 * its own keeper and bank, and stores them into slots 5 and 6 of its
 * own space root: X1 reads at 0x500000000000, X2 at 0x600000000000.
 * Role 1, the hog, writes pages until its keeper's bank runs out; its
 * keeper forwards that fault to the process keeper, which parks it.
 *
 * B (l2v 40, as X1 and X2): slot 0 holds a GPT of l2v 12 guarded to the
 * first 64 KiB with BG_PAGES patterned pages; slot 3 a single page
 * guarded to offset 0x5000 (a cover 28 bits below its slot).
 */
#include <abi/gpt.h>
#include <abi/process.h>
#include <user/bank.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#include "../../keepers/prockeep.h"
#include "../../keepers/vcopy.h"

#define CR_BANK_A	1	/* keeper A's bank */
#define CR_BANK_B	2	/* keeper B's bank */
#define CR_BANK_T	3	/* the driver's own objects */
#define CR_SPACE	4	/* the driver's space root (full) */
#define CR_KA		5	/* entry to keeper A */
#define CR_KB		6	/* entry to keeper B */
#define CR_SLEEP	7
#define CR_HOG		8	/* PROCESS, role 1 */
#define CR_BANK_H	9	/* the hog keeper's bank */
#define CR_KH		10	/* entry to the hog's keeper */
#define CR_B		11	/* background root */
#define CR_G1		12
#define CR_T0		13
#define CR_X1		14
#define CR_X2		15
#define CR_P0		16	/* background page 0 */
#define CR_PK		17	/* entry to the process keeper */

#define X1		UINT64_C(0x500000000000)
#define X2		UINT64_C(0x600000000000)
#define FAR_PAGE	((UINT64_C(3) << 40) + 0x5000)	/* B slot 3 */
#define GROW		UINT64_C(0x0abc00123000)
#define BG_PAGES	8
#define HOG_BASE	UINT64_C(0x400000000000)
#define HOG_PAGES	64
#define HOG_LIMIT	4	/* pages the hog's bank may still give */

static uint64_t
pattern(unsigned i, unsigned word)
{
	return UINT64_C(0xb6000000) + i * 0x100 + word;
}

static uint64_t
rd(uint64_t a)
{
	return *(volatile uint64_t *)(uintptr_t)a;
}

static void
wr(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)a = v;
}

static uint64_t
usage(unsigned cr, unsigned t)
{
	uint64_t total = ~(uint64_t)0, own;

	if (bank_usage(cr, t, &total, &own) != 0)
		test_fail("bank usage refused");
	return total;
}

/* A GPT of l2v from bank T into register dst. */
static int
gpt(unsigned dst, unsigned l2v, unsigned flags)
{
	uint64_t oid;
	int err = bank_alloc(CR_BANK_T, OT_GPT, dst, &oid);

	return err != 0 ? err : kcall(dst, OC_GPT_SET_L2V, 2, l2v, flags, 0,
	    0, 0);
}

/* The background B and the two kept GPTs, stored into our root. */
static int
build(void)
{
	uint64_t oid;
	int err;

	if ((err = gpt(CR_B, 40, 0)) != 0 || (err = gpt(CR_G1, 12, 0)) != 0)
		return err;
	for (unsigned i = 0; i < BG_PAGES; i++) {
		unsigned cr = i == 0 ? CR_P0 : CR_T0;

		if ((err = bank_alloc(CR_BANK_T, OT_PAGE, cr, &oid)) != 0 ||
		    (err = kcall(cr, OC_PAGE_WRITE, 2, 0, pattern(i, 0), 0, 0,
		    0)) != 0 || (err = kcall(cr, OC_PAGE_WRITE, 2, 4088,
		    pattern(i, 511), 0, 0, 0)) != 0 ||
		    (err = kcall_give(CR_G1, OC_GPT_STORE, 1, i, 0, cr)) != 0)
			return err;
	}
	if ((err = kcall_cap(CR_G1, OC_MEM_GUARD, 2, 16, 0, CR_T0)) != 0 ||
	    (err = kcall_give(CR_B, OC_GPT_STORE, 1, 0, 0, CR_T0)) != 0)
		return err;
	if ((err = bank_alloc(CR_BANK_T, OT_PAGE, CR_T0, &oid)) != 0 ||
	    (err = kcall(CR_T0, OC_PAGE_WRITE, 2, 8, 0xfa7, 0, 0, 0)) != 0 ||
	    (err = kcall_cap(CR_T0, OC_MEM_GUARD, 2, 12, 5, CR_T0)) != 0 ||
	    (err = kcall_give(CR_B, OC_GPT_STORE, 1, 3, 0, CR_T0)) != 0)
		return err;
	if ((err = gpt(CR_X1, 40, GPT_F_KEEPER | GPT_F_BACKGROUND)) != 0 ||
	    (err = kcall_give(CR_X1, OC_GPT_STORE, 1, GPT_KEEPER_SLOT, 0,
	    CR_KA)) != 0 || (err = kcall_give(CR_X1, OC_GPT_STORE, 1,
	    GPT_BACKGROUND_SLOT, 0, CR_B)) != 0)
		return err;
	if ((err = gpt(CR_X2, 40, GPT_F_KEEPER | GPT_F_BACKGROUND)) != 0 ||
	    (err = kcall_give(CR_X2, OC_GPT_STORE, 1, GPT_KEEPER_SLOT, 0,
	    CR_KB)) != 0 || (err = kcall_give(CR_X2, OC_GPT_STORE, 1,
	    GPT_BACKGROUND_SLOT, 0, CR_B)) != 0)
		return err;
	if ((err = kcall_give(CR_SPACE, OC_GPT_STORE, 1, 5, 0, CR_X1)) != 0)
		return err;
	return kcall_give(CR_SPACE, OC_GPT_STORE, 1, 6, 0, CR_X2);
}

static void
reads(void)
{
	uint64_t pages, gpts, w[MI_WORDS_MAX], bad = 0;

	test_begin("background_reads_buy_nothing");
	pages = usage(CR_BANK_A, OT_PAGE);
	gpts = usage(CR_BANK_A, OT_GPT);
	for (unsigned i = 0; i < BG_PAGES; i++)
		bad += rd(X1 + i * 4096ull) != pattern(i, 0) ||
		    rd(X1 + i * 4096ull + 4088) != pattern(i, 511);
	TEST_EQ(bad, 0, "background words read through X1");
	TEST_EQ(rd(X1 + FAR_PAGE + 8), 0xfa7, "the guarded far page");
	TEST_EQ(rd(X1 + (UINT64_C(7) << 40)), 0, "empty slot of B: zero");
	TEST_EQ(usage(CR_BANK_A, OT_PAGE), pages, "pages bought by reads");
	TEST_EQ(usage(CR_BANK_A, OT_GPT), gpts, "GPTs bought by reads");
	TEST_EQ(ipc_ask(CR_KA, VC_OC_MAPS, w), 0, "maps call");
	TEST_TRUE(w[1] > 0 && w[2] > 0, "background and zero covers");
	TEST_EQ(w[0], 0, "copies");
	/* Holes inside what B maps: GPTs down to them, no page. */
	TEST_EQ(rd(X1 + 0x8000), 0, "no page in B: zero");
	TEST_EQ(rd(X1 + FAR_PAGE + 0x1000), 0, "beside the far page: zero");
	TEST_EQ(rd(X1 + FAR_PAGE + 8), 0xfa7, "the far page again");
	TEST_EQ(rd(X1 + 4096), pattern(1, 0), "beside the hole");
	TEST_EQ(usage(CR_BANK_A, OT_PAGE), pages, "pages bought by a hole");
	TEST_TRUE(usage(CR_BANK_A, OT_GPT) > gpts, "GPTs bought by a hole");
	test_end();
}

static void
writes(void)
{
	uint64_t pages, w[MI_WORDS_MAX];

	test_begin("writes_are_private_copies");
	pages = usage(CR_BANK_A, OT_PAGE);
	(void)rd(X2 + 4096);	/* X2 reads before anyone writes */
	wr(X1, 0x1111);
	wr(X2, 0x2222);
	TEST_EQ(rd(X1), 0x1111, "X1's write");
	TEST_EQ(rd(X2), 0x2222, "X2's write");
	TEST_EQ(rd(X1 + 4088), pattern(0, 511), "X1 copied the rest");
	TEST_EQ(rd(X2 + 4088), pattern(0, 511), "X2 copied the rest");
	TEST_EQ(kcall(CR_P0, OC_PAGE_READ, 1, 0, 0, 0, 0, w), 0, "read B");
	TEST_EQ(w[0], pattern(0, 0), "the background unchanged");
	TEST_EQ(rd(X1 + 4096), pattern(1, 0), "X1's unwritten page");
	TEST_EQ(rd(X2 + 4096), pattern(1, 0), "X2's unwritten page");
	TEST_EQ(usage(CR_BANK_A, OT_PAGE), pages + 1, "X1 bought one page");
	TEST_EQ(ipc_ask(CR_KA, VC_OC_MAPS, w), 0, "maps call");
	TEST_EQ(w[0], 1, "X1's keeper copied one page");
	wr(X1 + FAR_PAGE + 16, 0x3333);
	TEST_EQ(rd(X1 + FAR_PAGE + 8), 0xfa7, "far page copied");
	TEST_EQ(rd(X2 + FAR_PAGE + 16), 0, "X2 does not see it");
	test_end();

	test_begin("write_to_zero_space_buys_a_zero_page");
	pages = usage(CR_BANK_A, OT_PAGE);
	TEST_EQ(rd(X1 + 0x9000), 0, "reads zero first");
	wr(X1 + 0x9008, 0x4444);
	TEST_EQ(rd(X1 + 0x9000), 0, "rest still zero");
	TEST_EQ(rd(X1 + 0x9008), 0x4444, "the write");
	TEST_EQ(usage(CR_BANK_A, OT_PAGE), pages + 1, "one page");
	TEST_EQ(ipc_ask(CR_KA, VC_OC_MAPS, w), 0, "maps call");
	TEST_EQ(w[0], 2, "no copy for it");
	test_end();

	test_begin("tree_grows_by_bank_gpts");
	pages = usage(CR_BANK_A, OT_GPT);
	wr(X1 + GROW, 0x5555);
	TEST_EQ(rd(X1 + GROW), 0x5555, "the far write");
	TEST_TRUE(usage(CR_BANK_A, OT_GPT) > pages, "GPTs bought");
	TEST_EQ(rd(X1), 0x1111, "X1's first page kept");
	test_end();
}

static void
exhaustion(void)
{
	uint64_t w[MI_WORDS_MAX], w2[MI_WORDS_MAX], pages;
	struct umsg m;
	int err;

	test_begin("bank_exhaustion_leaves_it_faulted");
	TEST_EQ(ipc_ask(CR_KH, VC_OC_STATS, w), 0, "the hog's keeper is up");
	pages = usage(CR_BANK_H, OT_PAGE);
	TEST_EQ(bank_set_limit(CR_BANK_H, OT_PAGE, pages + HOG_LIMIT), 0,
	    "limit");
	TEST_EQ(kcall(CR_HOG, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0, "start");
	TEST_EQ(test_poll_state(CR_HOG, CR_SLEEP, PS_FAULTED, w), 0, "faulted");
	TEST_EQ(w[1], FC_NO_MAPPING, "fault code");
	TEST_EQ(usage(CR_BANK_H, OT_PAGE), pages + HOG_LIMIT, "bank full");
	TEST_EQ(ipc_ask(CR_KH, VC_OC_STATS, w), 0, "stats");
	kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 50000000, 0, 0, 0, 0);
	TEST_EQ(ipc_ask(CR_KH, VC_OC_STATS, w2), 0, "stats");
	TEST_EQ(w2[3], w[3], "no more faults: it does not loop");
	TEST_EQ(ipc_ask(CR_KH, VC_OC_MAPS, w), 0, "maps");
	TEST_EQ(w[3], 1, "one fault not resolved");
	/* Answered once the keeper has printed the forwarded report. */
	umsg_init(&m, PK_OC_STATE, 1, 0, 0, 0, 0);
	err = ipc_call(CR_PK, &m);
	test_end();

	test_begin("exhaustion_forwarded_to_the_process_keeper");
	TEST_EQ(err, 0, "state call");
	TEST_EQ(m.w[0], 1, "reports for the hog");
	TEST_EQ(m.w[1], FC_NO_MAPPING, "the fault it reported");
	TEST_EQ(test_poll_state(CR_HOG, CR_SLEEP, PS_FAULTED, w), 0, "parked");
	test_end();
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct umsg m;
	int err;

	(void)a1;
	(void)a2;
	(void)a3;
	if (role == 1) {
		for (unsigned i = 0; i < HOG_PAGES; i++)
			wr(HOG_BASE + i * 4096ull, i);
		rt_exit();
	}
	/*
	 * The bank and the process keeper print a line when they start:
	 * wait for both to answer before printing (user/log.h).
	 */
	(void)usage(CR_BANK_T, OT_PAGE);
	umsg_init(&m, PK_OC_STATE, 1, 0, 0, 0, 0);
	(void)ipc_call(CR_PK, &m);
	test_plan("vcopy", 6);
	err = build();
	if (err != 0)
		uprintf("vctest: building the spaces failed: error %d\n", err);
	reads();
	writes();
	exhaustion();
	test_done();
	rt_exit();
}
