/*
 * bank_life.c - the bank suite's restricted caps, destroy and segments:
 * a destroyed bank takes every object of its subtree with it (a process
 * it allocated, running in this process's space, stops), every cap to
 * its objects and to the banks is dead, usage returns to zero and the
 * OIDs come back fresh; run-time segments never overlap.
 */
#include <stddef.h>

#include <abi/process.h>
#include <user/ipc.h>
#include <user/rt.h>

#include "bank.h"

#define REG_RSP		7
#define REG_RIP		16
#define NSEG		48

/* The spinner's counter and stack: it runs in this process's space. */
static volatile uint64_t spins = 0;
static uint64_t spin_stack[512] __attribute__((aligned(16)));

static _Noreturn void
spin(void)
{
	for (;;)
		spins++;
}

static void
nap(void)
{
	kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 20000000, 0, 0, 0, 0);
}

void
test_restricted(void)
{
	uint64_t i = 0, p = 0, r = 0, prime = 0, l = 0;

	test_begin("restricted");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child");
	EXPECT(bank_restrict(CR_A, CR_R), 0, "restrict");
	EXPECT(bank_info(CR_R, &i, &p, &r), 0, "info");
	EXPECT(r, 1, "restricted");
	EXPECT(bank_info(CR_A, &prime, &p, &r), 0, "info A");
	EXPECT(i, prime, "the same bank");
	EXPECT(bank_destroy(CR_R), ERR_NO_ACCESS, "destroy");
	EXPECT(bank_set_limit(CR_R, OT_PAGE, 5), ERR_NO_ACCESS, "set_limit");
	EXPECT(bank_get_limit(CR_R, OT_PAGE, &l), 0, "get_limit");
	EXPECT(l, BANK_NO_LIMIT, "the limit unchanged");
	EXPECT(bank_alloc(CR_R, OT_PAGE, CR_O0, NULL), 0, "alloc");
	EXPECT(usage(CR_A, OT_PAGE), 1, "charged to the bank");
	EXPECT(bank_free(CR_R, CR_O0), 0, "free");
	EXPECT(bank_child(CR_R, CR_B), 0, "child of a restricted bank");
	EXPECT(bank_info(CR_B, &i, &p, &r), 0, "info child");
	EXPECT(r, 0, "the child is not restricted");
	EXPECT(p, prime, "its parent");
	EXPECT(bank_destroy(CR_B), 0, "destroy the child");
	EXPECT(bank_restrict(CR_PRIME, CR_T0), 0, "restrict a declared bank");
	EXPECT(bank_info(CR_T0, &i, &p, &r), 0, "info");
	EXPECT(r, 1, "restricted");
	EXPECT(i, 1, "prime");
	EXPECT(bank_destroy(CR_T0), ERR_NO_ACCESS, "destroy prime restricted");
	EXPECT(bank_destroy(CR_A), 0, "destroy A");
	EXPECT(bank_info(CR_R, &i, &p, &r), ERR_BAD_CAP,
	    "the restricted cap after destroy");
	expect_empty(CR_PRIME, "prime after destroy");
	test_end();
}

/* A process from bank B (A's child) spins in this space; destroy A. */
void
test_destroy_running(void)
{
	uint64_t w[MI_WORDS_MAX], oid[8] = { 0 }, got = 0, before;

	test_begin("destroy_running");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child A");
	EXPECT(bank_child(CR_A, CR_B), 0, "child B");
	EXPECT(bank_child(CR_B, CR_C), 0, "child C");
	EXPECT(bank_alloc(CR_B, OT_PROCESS, CR_O0, &oid[0]), 0, "process");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0 + 1, &oid[1]), 0, "page");
	EXPECT(bank_alloc(CR_C, OT_PAGE, CR_O0 + 2, &oid[2]), 0, "page");
	EXPECT(bank_alloc(CR_C, OT_GPT, CR_O0 + 3, &oid[3]), 0, "GPT");
	EXPECT(bank_alloc(CR_B, OT_ENDPOINT, CR_O0 + 4, &oid[4]), 0, "ep");
	EXPECT(bank_alloc(CR_A, OT_CAPPAGE, CR_O0 + 5, &oid[5]), 0, "cp");
	EXPECT(kcall(CR_O0 + 1, OC_PAGE_WRITE, 2, 0, 99, 0, 0, 0), 0,
	    "write");
	EXPECT(kcall(CR_O0 + 2, OC_PAGE_WRITE, 2, 0, 98, 0, 0, 0), 0,
	    "write");
	EXPECT(kcall_give(CR_O0, OC_PROC_SET_SPACE, 0, 0, 0, CR_SPACE), 0,
	    "set_space");
	EXPECT(kcall(CR_O0, OC_PROC_SET_REGS, 2, REG_RIP, (uint64_t)spin, 0,
	    0, 0), 0, "rip");
	EXPECT(kcall(CR_O0, OC_PROC_SET_REGS, 2, REG_RSP,
	    (uint64_t)&spin_stack[512] - 8, 0, 0, 0), 0, "rsp");
	EXPECT(kcall(CR_O0, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0, "resume");
	for (unsigned i = 0; i < 100 && spins == 0; i++)
		nap();
	TEST_TRUE(spins != 0, "the process runs");

	EXPECT(bank_destroy(CR_A), 0, "destroy A");
	before = spins;
	nap();
	nap();
	EXPECT(spins, before, "the process stopped");
	EXPECT(kcall(CR_O0, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), ERR_BAD_CAP,
	    "the process cap");
	for (unsigned k = 1; k <= 5; k++)
		EXPECT(classify(CR_O0 + k), CT_NULL, "an object cap");
	EXPECT(kcall(CR_O0 + 1, OC_PAGE_READ, 1, 0, 0, 0, 0, w), ERR_BAD_CAP,
	    "the page cap");
	EXPECT(bank_info(CR_A, w, w + 1, w + 2), ERR_BAD_CAP, "A's cap");
	EXPECT(bank_info(CR_B, w, w + 1, w + 2), ERR_BAD_CAP, "B's cap");
	EXPECT(bank_alloc(CR_C, OT_PAGE, CR_T0, NULL), ERR_BAD_CAP,
	    "C's cap");
	expect_empty(CR_PRIME, "prime after destroy");

	/* The OIDs come back (last freed first), fresh. */
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "a new child");
	EXPECT(bank_info(CR_B, w, w + 1, w + 2), ERR_BAD_CAP,
	    "B's cap after its index is reused");
	for (unsigned k = 0; k < 2; k++) {
		EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0 + 6, &got), 0, "alloc");
		TEST_TRUE(got == oid[1] || got == oid[2], "a reused page");
		EXPECT(kcall(CR_O0 + 6, OC_PAGE_READ, 1, 0, 0, 0, 0, w), 0,
		    "read");
		EXPECT(w[0], 0, "the reused page is zero");
	}
	EXPECT(bank_alloc(CR_A, OT_PROCESS, CR_O0 + 7, &got), 0, "process");
	EXPECT(got, oid[0], "the process is reused");
	EXPECT(kcall(CR_O0 + 7, OC_PROC_GET_REGS, 1, REG_RIP, 0, 0, 0, w), 0,
	    "regs");
	EXPECT(w[0], 0, "its rip is reset");
	EXPECT(kcall(CR_O0 + 7, OC_PROC_GET_SPACE, 0, 0, 0, 0, 0, 0), 0,
	    "space");
	EXPECT(bank_destroy(CR_A), 0, "destroy the new child");
	expect_empty(CR_PRIME, "prime at the end");
	test_end();
}

/* A declared bank dies for good: its index is never reused. */
void
test_destroy_declared(void)
{
	uint64_t w[MI_WORDS_MAX];

	test_begin("destroy_declared");
	EXPECT(bank_alloc(CR_SUB, OT_PAGE, CR_O0, NULL), 0, "sub's page");
	EXPECT(bank_child(CR_SUB, CR_A), 0, "sub's child");
	EXPECT(bank_alloc(CR_A, OT_CAPPAGE, CR_O0 + 1, NULL), 0,
	    "its cap page");
	EXPECT(usage(CR_PRIME, OT_PAGE), 1, "prime holds sub's page");
	EXPECT(bank_destroy(CR_SUB), 0, "destroy sub");
	EXPECT(bank_info(CR_SUB, w, w + 1, w + 2), ERR_BAD_CAP, "sub's cap");
	EXPECT(bank_alloc(CR_SUB, OT_PAGE, CR_T0, NULL), ERR_BAD_CAP,
	    "alloc from sub");
	EXPECT(bank_info(CR_A, w, w + 1, w + 2), ERR_BAD_CAP, "its child");
	EXPECT(classify(CR_O0), CT_NULL, "sub's page");
	EXPECT(classify(CR_O0 + 1), CT_NULL, "the child's cap page");
	expect_empty(CR_PRIME, "prime after destroy");
	test_end();
}

void
test_segments(void)
{
	uint64_t base[NSEG], size[NSEG], b = 0;

	test_begin("segments");
	for (unsigned i = 0; i < NSEG; i++) {
		size[i] = UINT64_C(1) << (12 + (i * 7) % 29);
		if (i % 5 == 0)
			size[i] += 1;	/* rounded up */
		EXPECT(bank_segment(i % 2 ? CR_PRIME : CR_OTHER, size[i],
		    &base[i]), 0, "segment");
		if (size[i] & (size[i] - 1))
			size[i] = (size[i] - 1) << 1;
		TEST_TRUE(base[i] % size[i] == 0, "aligned to its size");
		TEST_TRUE(base[i] >= BANK_SEGMENT_BASE &&
		    base[i] + size[i] <= BANK_SEGMENT_END, "in the region");
		for (unsigned j = 0; j < i; j++)
			if (base[i] < base[j] + size[j] &&
			    base[j] < base[i] + size[i])
				test_fail("segments %u and %u overlap", i, j);
	}
	EXPECT(bank_segment(CR_PRIME, 1, &b), 0, "1 byte");
	TEST_TRUE(b % PAGE_SIZE == 0, "a page");
	/* 16 TiB blocks: 0x5000.. and 0x6000.. are free, 0x7000.. holds
	   the region's last page, which is never mapped. */
	EXPECT(bank_segment(CR_PRIME, UINT64_C(1) << 44, &b), 0, "16 TiB");
	EXPECT(bank_segment(CR_PRIME, UINT64_C(1) << 44, &base[0]), 0,
	    "16 TiB again");
	TEST_TRUE(b != base[0] && (b == UINT64_C(0x500000000000) ||
	    b == UINT64_C(0x600000000000)) && (base[0] ==
	    UINT64_C(0x500000000000) || base[0] == UINT64_C(0x600000000000)),
	    "the two free 16 TiB blocks");
	EXPECT(bank_segment(CR_PRIME, UINT64_C(1) << 44, &b), ERR_NO_SPACE,
	    "no third 16 TiB");
	expect_empty(CR_PRIME, "segments hold no objects");
	test_end();
}
