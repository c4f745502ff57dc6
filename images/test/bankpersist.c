/*
 * bankpersist.c - the bankpersist suite's program: the space bank's
 * state survives a checkpoint and a restart with no code of its own.
 *
 * It builds some bank state (a child bank with a limit, pages holding
 * values, a grandchild with a GPT, a segment), takes a checkpoint and
 * then tests that state and changes it. The harness
 * (tests/harness/bankpersist.py) kills the machine after the first run
 * and boots the disk again: the kernel resumes this process just after
 * the checkpoint call and the bank with the checkpoint's memory, so the
 * same tests run again against the restored state. A bank that lost
 * its state would hand out the same OIDs and the same segment again.
 *
 * Cap registers: 0 KERNLOG, 1 the bank prime, 2 CKPT, 3 DISCRIM.
 */
#include <stddef.h>

#include <user/bank.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#define CR_PRIME	1
#define CR_CKPT		2
#define CR_DISCRIM	3
#define CR_A		8
#define CR_B		9
#define CR_PAGE		10	/* 10, 11, 12 */
#define CR_GPT		13
#define CR_NEW		14

#define NPAGES		3
#define SEG_SIZE	(64 * 1024)

#define EXPECT(got, want, what)	TEST_EQ((got), (want), (what))

static uint64_t page_oid[NPAGES] = { 0 };
static uint64_t a_index = 0, seg = 0;

static int
build(void)
{
	uint64_t w[3];
	int err;

	if ((err = bank_child(CR_PRIME, CR_A)) != 0 ||
	    (err = bank_set_limit(CR_A, OT_PAGE, 10)) != 0 ||
	    (err = bank_child(CR_A, CR_B)) != 0 ||
	    (err = bank_alloc(CR_B, OT_GPT, CR_GPT, NULL)) != 0 ||
	    (err = bank_segment(CR_A, SEG_SIZE, &seg)) != 0 ||
	    (err = bank_info(CR_A, &a_index, &w[1], &w[2])) != 0)
		return err;
	for (unsigned i = 0; i < NPAGES; i++)
		if ((err = bank_alloc(CR_A, OT_PAGE, CR_PAGE + i,
		    &page_oid[i])) != 0 ||
		    (err = kcall(CR_PAGE + i, OC_PAGE_WRITE, 2, 0, 100 + i, 0,
		    0, 0)) != 0)
			return err;
	return 0;
}

static void
tests(void)
{
	uint64_t w[MI_WORDS_MAX] = { 0 }, total = 0, mine = 0, l = 0, b = 0;

	test_plan("bankpersist", 4);
	test_begin("usage_and_limits_kept");
	EXPECT(bank_usage(CR_A, OT_PAGE, &total, &mine), 0, "usage A");
	EXPECT(total, NPAGES, "A's pages");
	EXPECT(mine, NPAGES, "A's own pages");
	EXPECT(bank_usage(CR_A, OT_GPT, &total, &mine), 0, "usage A GPT");
	EXPECT(total, 1, "A's GPTs (B's)");
	EXPECT(mine, 0, "A's own GPTs");
	EXPECT(bank_usage(CR_PRIME, OT_PAGE, &total, &mine), 0, "prime");
	EXPECT(total, NPAGES, "prime's pages");
	EXPECT(bank_get_limit(CR_A, OT_PAGE, &l), 0, "limit");
	EXPECT(l, 10, "A's limit");
	EXPECT(bank_info(CR_A, &w[0], &w[1], &w[2]), 0, "info");
	EXPECT(w[0], a_index, "A's index");
	test_end();

	test_begin("objects_kept");
	for (unsigned i = 0; i < NPAGES; i++) {
		EXPECT(kcall(CR_PAGE + i, OC_PAGE_READ, 1, 0, 0, 0, 0, w), 0,
		    "read");
		EXPECT(w[0], 100 + i, "the page's value");
	}
	EXPECT(kcall(CR_GPT, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w), 0, "GPT");
	test_end();

	test_begin("no_reuse_after_restart");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_NEW, &b), 0, "alloc");
	for (unsigned i = 0; i < NPAGES; i++)
		TEST_TRUE(b != page_oid[i], "a held page's OID handed out");
	EXPECT(kcall(CR_NEW, OC_PAGE_READ, 1, 0, 0, 0, 0, w), 0, "read");
	EXPECT(w[0], 0, "the new page is zero");
	EXPECT(bank_segment(CR_PRIME, SEG_SIZE, &b), 0, "segment");
	TEST_TRUE(b + SEG_SIZE <= seg || seg + SEG_SIZE <= b,
	    "a segment overlapping one handed out before the checkpoint");
	test_end();

	test_begin("destroy_after_restart");
	EXPECT(bank_destroy(CR_A), 0, "destroy");
	EXPECT(bank_usage(CR_PRIME, OT_PAGE, &total, &mine), 0, "prime");
	EXPECT(total, 0, "prime's pages");
	EXPECT(kcall(CR_PAGE, OC_PAGE_READ, 1, 0, 0, 0, 0, w), ERR_BAD_CAP,
	    "a page of A");
	EXPECT(bank_info(CR_B, &w[0], &w[1], &w[2]), ERR_BAD_CAP, "B");
	test_end();
	test_done();
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };
	int err;

	(void)a0, (void)a1, (void)a2, (void)a3;
	if ((err = build()) != 0) {
		uprintf("bankpersist: building the state failed: error %d\n",
		    err);
		rt_exit();
	}
	if ((err = kcall(CR_CKPT, OC_CKPT_TAKE, 0, 0, 0, 0, 0, w)) != 0) {
		uprintf("bankpersist: checkpoint failed: error %d\n", err);
		rt_exit();
	}
	/* A restart resumes here, with the state of generation w[0]. */
	uprintf("bankpersist: after checkpoint generation %lu\n",
	    (unsigned long)w[0]);
	tests();
	rt_exit();
}
