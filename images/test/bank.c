/*
 * bank.c - the bank suite: the space bank (spacebank/) through its
 * protocol (abi/bank.h) from an ordinary client. This file: allocation
 * of every type, limits at every level, free, and requests the bank
 * must refuse without changing anything; bank_life.c: restricted caps,
 * destroy, segments.
 */
#include <stddef.h>

#include <abi/process.h>
#include <user/ipc.h>
#include <user/rt.h>

#include "bank.h"

#define NTESTS	11
#define PROCESS_RECORDS	2048	/* spacebank/alloc.c's table */

/* The full cap type of each object type (objtype.def). */
static const uint8_t full_type[OT_MAX] = {
#define OBJTYPE(name, code, full)	[OT_##name] = CT_##full,
#include <abi/objtype.def>
#undef OBJTYPE
};

uint64_t
usage(unsigned cr, unsigned t)
{
	uint64_t total = 0;

	return bank_usage(cr, t, &total, NULL) == 0 ? total : UINT64_MAX;
}

uint64_t
own(unsigned cr, unsigned t)
{
	uint64_t total = 0, mine = 0;

	return bank_usage(cr, t, &total, &mine) == 0 ? mine : UINT64_MAX;
}

void
expect_empty(unsigned cr, const char *what)
{
	for (unsigned t = OT_NONE + 1; t < OT_MAX; t++)
		if (usage(cr, t) != 0)
			test_fail("%s: type %u holds %lu", what, t,
			    (unsigned long)usage(cr, t));
}

uint64_t
classify(unsigned cr)
{
	uint64_t t = CT_NULL;

	if (cap_classify(CR_DISCRIM, cr, &t, NULL) != 0)
		return UINT64_MAX;
	return t;
}

static void
test_info(void)
{
	uint64_t i = 0, p = 0, r = 0, prime = 0;

	test_begin("info");
	EXPECT(bank_info(CR_PRIME, &i, &p, &r), 0, "info prime");
	EXPECT(i, 1, "prime is the first declared bank");
	EXPECT(p, 1, "a root is its own parent");
	EXPECT(r, 0, "prime's cap is unrestricted");
	prime = i;
	EXPECT(bank_info(CR_SUB, &i, &p, &r), 0, "info sub");
	EXPECT(i, 2, "sub's index");
	EXPECT(p, prime, "sub's parent");
	EXPECT(bank_info(CR_OTHER, &i, &p, &r), 0, "info other");
	EXPECT(p, i, "other is a root");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child");
	EXPECT(bank_info(CR_A, &i, &p, &r), 0, "info child");
	EXPECT(p, prime, "the child's parent");
	TEST_TRUE(i > 3, "a run-time bank's index is above the declared");
	EXPECT(bank_destroy(CR_A), 0, "destroy child");
	test_end();
}

/* Use the fresh object of type t in cr: it must be as new. */
static void
use(unsigned t, unsigned cr)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	switch (t) {
	case OT_PAGE:
		EXPECT(kcall(cr, OC_PAGE_READ, 1, 8, 0, 0, 0, w), 0, "read");
		EXPECT(w[0], 0, "a fresh page reads zero");
		EXPECT(kcall(cr, OC_PAGE_WRITE, 2, 8, 42, 0, 0, 0), 0,
		    "write");
		EXPECT(kcall(cr, OC_PAGE_READ, 1, 8, 0, 0, 0, w), 0, "read");
		EXPECT(w[0], 42, "what was written");
		break;
	case OT_CAPPAGE:
		EXPECT(kcall_cap(cr, OC_CAPPAGE_FETCH, 1, 3, 0, CR_T0), 0,
		    "fetch");
		EXPECT(classify(CR_T0), CT_NULL, "a fresh cap page is null");
		EXPECT(kcall_give(cr, OC_CAPPAGE_STORE, 1, 3, 0, CR_LOG), 0,
		    "store");
		EXPECT(kcall_cap(cr, OC_CAPPAGE_FETCH, 1, 3, 0, CR_T0), 0,
		    "fetch");
		EXPECT(classify(CR_T0), CT_KERNLOG, "what was stored");
		break;
	case OT_GPT:
		EXPECT(kcall(cr, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w), 0, "l2v");
		EXPECT(w[0], 0, "a fresh GPT's l2v is unset");
		EXPECT(kcall(cr, OC_GPT_SET_L2V, 2, 12, 0, 0, 0, 0), 0,
		    "set_l2v");
		EXPECT(kcall_give(cr, OC_GPT_STORE, 1, 0, 0, CR_LOG), 0,
		    "store a slot");
		break;
	case OT_PROCESS:
		EXPECT(kcall(cr, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
		    "state");
		EXPECT(w[0], PS_STOPPED, "a fresh process is stopped");
		EXPECT(kcall(cr, OC_PROC_GET_REGS, 1, 16, 0, 0, 0, w), 0,
		    "regs");
		EXPECT(w[0], 0, "rip 0");
		EXPECT(w[1], RFLAGS_USER_DEFAULT, "rflags the user default");
		EXPECT(kcall(cr, OC_PROC_SET_REGS, 2, 0, 7, 0, 0, 0), 0,
		    "set rax");
		break;
	default:
		EXPECT(kcall_cap(cr, OC_EP_MAKE_ENTRY, 1, 5, 0, CR_T0), 0,
		    "make_entry");
		EXPECT(classify(CR_T0), CT_ENTRY, "an entry cap");
		EXPECT(kcall(cr, OC_EP_SET_MATCH, 2, 5, 1, 0, 0, 0), 0,
		    "set_match");
		break;
	}
}

/* Every type from a child bank, twice: once new, once reused. */
static void
test_alloc_each_type(void)
{
	uint64_t oid[OT_MAX], again = 0, ct = 0, restr = 0;

	test_begin("alloc_each_type");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child");
	for (unsigned t = OT_NONE + 1; t < OT_MAX; t++) {
		unsigned cr = CR_O0 + t;

		EXPECT(bank_alloc(CR_A, t, cr, &oid[t]), 0, "alloc");
		EXPECT(OID_TYPE(oid[t]), t, "the OID's type");
		EXPECT(cap_type(cr, &ct, &restr), 0, "type");
		EXPECT(ct, full_type[t], "a full cap of the type");
		EXPECT(restr, 0, "no restrictions");
		EXPECT(usage(CR_A, t), 1, "usage");
		EXPECT(own(CR_A, t), 1, "own usage");
		EXPECT(usage(CR_PRIME, t), 1, "charged to the parent");
		EXPECT(own(CR_PRIME, t), 0, "not the parent's own");
		use(t, cr);
	}
	/* Freed and handed out again: the same OID, fresh again. */
	for (unsigned t = OT_NONE + 1; t < OT_MAX; t++) {
		unsigned cr = CR_O0 + t;

		EXPECT(bank_free(CR_A, cr), 0, "free");
		EXPECT(usage(CR_A, t), 0, "usage after free");
		EXPECT(bank_alloc(CR_A, t, cr, &again), 0, "alloc again");
		EXPECT(again, oid[t], "the freed OID is reused");
		use(t, cr);
	}
	EXPECT(bank_destroy(CR_A), 0, "destroy");
	expect_empty(CR_PRIME, "prime after destroy");
	test_end();
}

/* A's limit binds A's child B; B's own limit binds B. */
static void
test_limits(void)
{
	uint64_t l = 0;

	test_begin("limits");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child A");
	EXPECT(bank_child(CR_A, CR_B), 0, "child B of A");
	EXPECT(bank_get_limit(CR_A, OT_PAGE, &l), 0, "get_limit");
	EXPECT(l, BANK_NO_LIMIT, "no limit at first");
	EXPECT(bank_set_limit(CR_A, OT_PAGE, 3), 0, "A: 3 pages");
	EXPECT(bank_get_limit(CR_A, OT_PAGE, &l), 0, "get_limit");
	EXPECT(l, 3, "the limit set");
	EXPECT(bank_alloc(CR_B, OT_PAGE, CR_O0, NULL), 0, "B page 1");
	EXPECT(bank_alloc(CR_B, OT_PAGE, CR_O0 + 1, NULL), 0, "B page 2");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0 + 2, NULL), 0, "A page 3");
	EXPECT(bank_alloc(CR_B, OT_PAGE, CR_O0 + 3, NULL), ERR_LIMIT,
	    "B over A's limit");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0 + 3, NULL), ERR_LIMIT,
	    "A over its limit");
	EXPECT(bank_alloc(CR_B, OT_GPT, CR_O0 + 3, NULL), 0,
	    "another type is not limited");
	EXPECT(usage(CR_A, OT_PAGE), 3, "A's total");
	EXPECT(own(CR_A, OT_PAGE), 1, "A's own");
	EXPECT(usage(CR_B, OT_PAGE), 2, "B's total");
	EXPECT(usage(CR_PRIME, OT_PAGE), 3, "prime's total");
	EXPECT(bank_set_limit(CR_B, OT_PAGE, 1), ERR_LIMIT,
	    "a limit below the usage");
	EXPECT(bank_get_limit(CR_B, OT_PAGE, &l), 0, "get_limit B");
	EXPECT(l, BANK_NO_LIMIT, "B's limit unchanged");
	EXPECT(bank_free(CR_A, CR_O0 + 1), 0, "A frees B's page");
	EXPECT(bank_set_limit(CR_B, OT_PAGE, 1), 0, "B: 1 page");
	EXPECT(bank_alloc(CR_B, OT_PAGE, CR_O0 + 1, NULL), ERR_LIMIT,
	    "B over its own limit");
	EXPECT(bank_set_limit(CR_A, OT_PAGE, BANK_NO_LIMIT), 0,
	    "A: no limit");
	EXPECT(bank_alloc(CR_B, OT_PAGE, CR_O0 + 1, NULL), ERR_LIMIT,
	    "B still at its limit");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0 + 1, NULL), 0,
	    "A without limit");
	EXPECT(bank_set_limit(CR_PRIME, OT_GPT, usage(CR_PRIME, OT_GPT)), 0,
	    "prime: no more GPTs");
	EXPECT(bank_alloc(CR_B, OT_GPT, CR_T0, NULL), ERR_LIMIT,
	    "B over the root's limit");
	EXPECT(bank_set_limit(CR_PRIME, OT_GPT, BANK_NO_LIMIT), 0,
	    "prime: no limit");
	EXPECT(usage(CR_PRIME, OT_PAGE), 3, "prime's pages");
	EXPECT(usage(CR_PRIME, OT_GPT), 1, "prime's GPTs");
	EXPECT(bank_destroy(CR_A), 0, "destroy A");
	expect_empty(CR_PRIME, "prime after destroy");
	test_end();
}

/* FREE rescinds: the old cap is dead, and freeing twice is refused. */
static void
test_free(void)
{
	uint64_t w[MI_WORDS_MAX];

	test_begin("free_then_stale");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0, NULL), 0, "alloc");
	EXPECT(kcall(CR_O0, OC_PAGE_WRITE, 2, 0, 7, 0, 0, 0), 0, "write");
	EXPECT(kcall_cap(CR_O0, OC_MEM_REDUCE, 1, CAP_R_RO, 0, CR_O0 + 1), 0,
	    "a read-only copy");
	EXPECT(bank_free(CR_A, CR_O0 + 1), ERR_NO_ACCESS,
	    "free through a read-only cap");
	EXPECT(bank_free(CR_A, CR_O0), 0, "free");
	EXPECT(kcall(CR_O0, OC_PAGE_READ, 1, 0, 0, 0, 0, w), ERR_BAD_CAP,
	    "the freed cap");
	EXPECT(kcall(CR_O0 + 1, OC_PAGE_READ, 1, 0, 0, 0, 0, w), ERR_BAD_CAP,
	    "the read-only copy");
	EXPECT(bank_free(CR_A, CR_O0), ERR_BAD_CAP, "free twice");
	EXPECT(usage(CR_A, OT_PAGE), 0, "usage");
	EXPECT(bank_destroy(CR_A), 0, "destroy");
	expect_empty(CR_PRIME, "prime after destroy");
	test_end();
}

/* Caps the bank must not free, and who may free what. */
static void
test_free_refused(void)
{
	test_begin("free_refused");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child A");
	EXPECT(bank_child(CR_A, CR_B), 0, "child B");
	EXPECT(bank_child(CR_OTHER, CR_C), 0, "other's child C");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0, NULL), 0, "A's page");
	EXPECT(bank_alloc(CR_B, OT_PAGE, CR_O0 + 1, NULL), 0, "B's page");
	EXPECT(bank_alloc(CR_C, OT_ENDPOINT, CR_O0 + 2, NULL), 0,
	    "C's endpoint");
	EXPECT(bank_free(CR_B, CR_O0), ERR_NO_ACCESS, "a parent's object");
	EXPECT(bank_free(CR_A, CR_O0 + 2), ERR_NO_ACCESS,
	    "another tree's object");
	EXPECT(bank_free(CR_A, CR_SPACE), ERR_NO_ACCESS,
	    "an object mkimage made");
	EXPECT(bank_free(CR_A, CR_LOG), ERR_BAD_ARG, "a KERNLOG cap");
	EXPECT(bank_free(CR_A, CR_B), ERR_BAD_ARG, "an ENTRY cap (a bank)");
	EXPECT(kcall_cap(CR_O0 + 2, OC_EP_MAKE_ENTRY, 1, 1, 0, CR_T0), 0,
	    "entry");
	EXPECT(bank_free(CR_C, CR_T0), ERR_BAD_ARG, "an entry to C's own");
	EXPECT(bank_free(CR_A, CR_NULL), ERR_BAD_CAP, "a null cap");
	EXPECT(bank_call(CR_A, OC_BANK_FREE, 0, 0, 0, CR_DISCARD, CR_DISCARD,
	    NULL), ERR_BAD_REQUEST, "no cap");
	EXPECT(usage(CR_A, OT_PAGE), 2, "A's pages unchanged");
	EXPECT(usage(CR_C, OT_ENDPOINT), 1, "C's endpoint unchanged");
	EXPECT(kcall(CR_O0, OC_PAGE_READ, 1, 0, 0, 0, 0, 0), 0,
	    "A's page alive");
	EXPECT(bank_free(CR_A, CR_O0 + 1), 0, "a descendant's object");
	EXPECT(usage(CR_B, OT_PAGE), 0, "B's usage");
	EXPECT(bank_destroy(CR_A), 0, "destroy A");
	EXPECT(bank_destroy(CR_C), 0, "destroy C");
	expect_empty(CR_PRIME, "prime after destroy");
	expect_empty(CR_OTHER, "other after destroy");
	test_end();
}

/* Requests the bank refuses; none may change any usage or limit. */
static void
test_bad_requests(void)
{
	uint64_t w[MI_WORDS_MAX], l = 0;

	test_begin("bad_requests");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0, NULL), 0, "a page");
	for (uint32_t op = 0; op < 0x1100; op += 0x7f)
		if (op < OC_BANK_ALLOC || op > OC_BANK_INFO)
			EXPECT(bank_call(CR_A, op, 2, 1, 1, CR_O0, CR_T0, w),
			    ERR_BAD_REQUEST, "unknown opcode");
	EXPECT(bank_call(CR_A, 0x100A, 0, 0, 0, CR_DISCARD, CR_T0, w),
	    ERR_BAD_REQUEST, "the opcode after INFO");
	EXPECT(bank_alloc(CR_A, OT_NONE, CR_T0, NULL), ERR_BAD_ARG, "type 0");
	EXPECT(bank_alloc(CR_A, OT_MAX, CR_T0, NULL), ERR_BAD_ARG,
	    "type OT_MAX");
	EXPECT(bank_alloc(CR_A, 0x10001, CR_T0, NULL), ERR_BAD_ARG,
	    "a huge type");
	EXPECT(bank_call(CR_A, OC_BANK_ALLOC, 0, 0, 0, CR_DISCARD, CR_T0, w),
	    ERR_BAD_REQUEST, "alloc without a type");
	EXPECT(bank_usage(CR_A, OT_MAX, &l, NULL), ERR_BAD_ARG, "usage type");
	EXPECT(bank_get_limit(CR_A, 0, &l), ERR_BAD_ARG, "get_limit type");
	EXPECT(bank_set_limit(CR_A, 9, 1), ERR_BAD_ARG, "set_limit type");
	EXPECT(bank_call(CR_A, OC_BANK_SET_LIMIT, 1, OT_PAGE, 0, CR_DISCARD,
	    CR_DISCARD, w), ERR_BAD_REQUEST, "set_limit without a limit");
	EXPECT(bank_segment(CR_A, 0, &l), ERR_BAD_ARG, "a segment of 0");
	EXPECT(bank_segment(CR_A, UINT64_C(1) << 46, &l), ERR_BAD_ARG,
	    "a segment of 64 TiB");
	EXPECT(bank_call(CR_A, OC_BANK_SEGMENT, 0, 0, 0, CR_DISCARD,
	    CR_DISCARD, w), ERR_BAD_REQUEST, "segment without a size");
	/* Exhausted: a limit of what it holds. */
	EXPECT(bank_set_limit(CR_A, OT_PAGE, 1), 0, "limit 1");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_T0, NULL), ERR_LIMIT,
	    "an exhausted bank");
	EXPECT(bank_get_limit(CR_A, OT_PAGE, &l), 0, "get_limit");
	EXPECT(l, 1, "the limit is as set");
	for (unsigned t = OT_NONE + 1; t < OT_MAX; t++) {
		EXPECT(usage(CR_A, t), t == OT_PAGE, "usage unchanged");
		EXPECT(usage(CR_PRIME, t), t == OT_PAGE, "prime unchanged");
	}
	EXPECT(kcall(CR_O0, OC_PAGE_READ, 1, 0, 0, 0, 0, 0), 0,
	    "the page is alive");
	EXPECT(bank_destroy(CR_A), 0, "destroy");
	expect_empty(CR_PRIME, "prime after destroy");
	test_end();
}

/* The bank's table of processes fills: ERR_NO_SPACE, nothing changed. */
static void
test_table_full(void)
{
	unsigned n = 0;
	int err;

	test_begin("table_full");
	EXPECT(bank_child(CR_PRIME, CR_A), 0, "child");
	while ((err = bank_alloc(CR_A, OT_PROCESS, CR_O0, NULL)) == 0 &&
	    n <= PROCESS_RECORDS)
		n++;
	EXPECT(err, ERR_NO_SPACE, "the table full");
	EXPECT(n, PROCESS_RECORDS, "processes handed out");
	EXPECT(usage(CR_A, OT_PROCESS), PROCESS_RECORDS, "usage");
	EXPECT(bank_alloc(CR_A, OT_PROCESS, CR_O0, NULL), ERR_NO_SPACE,
	    "again");
	EXPECT(usage(CR_PRIME, OT_PROCESS), PROCESS_RECORDS, "prime's usage");
	EXPECT(bank_alloc(CR_A, OT_PAGE, CR_O0 + 1, NULL), 0,
	    "another type still");
	EXPECT(bank_destroy(CR_A), 0, "destroy");
	expect_empty(CR_PRIME, "prime after destroy");
	EXPECT(bank_alloc(CR_PRIME, OT_PROCESS, CR_O0, NULL), 0,
	    "a process again");
	EXPECT(bank_free(CR_PRIME, CR_O0), 0, "free it");
	test_end();
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	/* The bank prints its ready line before its first answer. */
	(void)bank_info(CR_PRIME, &a0, &a1, &a2);
	test_plan("bank", NTESTS);
	test_info();
	test_alloc_each_type();
	test_limits();
	test_free();
	test_free_refused();
	test_bad_requests();
	test_table_full();
	test_restricted();
	test_destroy_running();
	test_destroy_declared();
	test_segments();
	test_done();
	rt_exit();
}
