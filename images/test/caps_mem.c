/*
 * caps_mem.c - the caps suite's memory caps: PAGE (restricted with
 * OC_MEM_REDUCE from a fresh page), CAPPAGE and GPT (restricted by the
 * .mki), each operation under each mask. Objects are changed through
 * the cap under test and checked (and put back) through a full cap.
 */
#include <abi/gpt.h>
#include <user/invoke.h>
#include <user/test.h>

#include "caps.h"

#define CR_NULL		31	/* never written: stays null */
#define BAD_OPCODE	0x7777

/* OC_TYPE must answer (type, mask); bad opcodes are refused. */
static void
common(uint64_t type, unsigned mask, uint32_t foreign_op)
{
	uint64_t t = 0, r = 0;

	EXPECT(cap_type(CR_X, &t, &r), 0, "OC_TYPE");
	EXPECT(t, type, "OC_TYPE type");
	EXPECT(r, mask, "OC_TYPE restrictions");
	EXPECT(kcall(CR_X, BAD_OPCODE, 0, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "unknown opcode");
	EXPECT(kcall(CR_X, foreign_op, 1, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "another type's opcode");
}

/* REDUCE and GUARD answer new caps and leave the cap itself alone. */
static void
mem_ops(uint64_t type, unsigned mask)
{
	EXPECT(kcall_cap(CR_X, OC_MEM_REDUCE, 1, CAP_R_RO, 0, CR_T0), 0,
	    "reduce ro");
	expect_class(CR_T0, type, mask | CAP_R_RO, "reduced");
	EXPECT(kcall_cap(CR_X, OC_MEM_REDUCE, 1, CAP_R_NOCALL, 0, CR_T0),
	    ERR_BAD_ARG, "reduce nocall");
	EXPECT(kcall_cap(CR_X, OC_MEM_REDUCE, 1, 0x20, 0, CR_T0),
	    ERR_BAD_ARG, "reduce unknown bit");
	EXPECT(kcall_cap(CR_X, OC_MEM_GUARD, 2, 16, 3, CR_T0), 0, "guard");
	expect_class(CR_T0, type, mask, "guarded");
	EXPECT(kcall_cap(CR_X, OC_MEM_GUARD, 2, 5, 0, CR_T0), ERR_BAD_ARG,
	    "guard l2g 5");
	EXPECT(kcall_cap(CR_X, OC_MEM_GUARD, 2, 16, 256, CR_T0), ERR_BAD_ARG,
	    "guard match 256");
	expect_class(CR_X, type, mask, "itself after reduce and guard");
}

static uint64_t
full_read(uint64_t off)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	if (kcall(CR_PAGE, OC_PAGE_READ, 1, off, 0, 0, 0, w) != 0)
		test_fail("full read at %lu failed", (unsigned long)off);
	return w[0];
}

void
test_page(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], mark = 0xa000 + mask, val = 0xb000 + mask;
	int err;

	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, FRESH_PAGE + mask), 0, CR_PAGE), 0, "fresh page");
	EXPECT(kcall(CR_PAGE, OC_PAGE_WRITE, 2, 0, mark, 0, 0, 0), 0, "mark");
	err = kcall_cap(CR_PAGE, OC_MEM_REDUCE, 1, mask, 0, CR_X);
	if (mask & CAP_R_NOCALL) {
		/* No operation puts NOCALL on a memory cap. */
		EXPECT(err, ERR_BAD_ARG, "reduce to a mask with nocall");
		return;
	}
	EXPECT(err, 0, "reduce");
	expect_class(CR_X, CT_PAGE, mask, "page under test");
	common(CT_PAGE, mask, OC_GPT_FETCH);

	err = kcall(CR_X, OC_PAGE_READ, 1, 0, 0, 0, 0, w);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "read");
	if (err == 0)
		EXPECT(w[0], mark, "read value");
	EXPECT(kcall(CR_X, OC_PAGE_READ, 1, 4, 0, 0, 0, w), ERR_BAD_ARG,
	    "read misaligned");
	EXPECT(kcall(CR_X, OC_PAGE_READ, 1, PAGE_SIZE, 0, 0, 0, w),
	    ERR_BAD_ARG, "read beyond the page");
	EXPECT(kcall(CR_X, OC_PAGE_READ, 0, 0, 0, 0, 0, w), ERR_BAD_REQUEST,
	    "read without offset");

	err = kcall(CR_X, OC_PAGE_WRITE, 2, 8, val, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "write");
	EXPECT(full_read(8), err == 0 ? val : 0, "word 1 after write");
	EXPECT(kcall(CR_X, OC_PAGE_WRITE, 2, 12, val, 0, 0, 0), ERR_BAD_ARG,
	    "write misaligned");
	EXPECT(kcall(CR_X, OC_PAGE_WRITE, 1, 8, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "write without value");

	mem_ops(CT_PAGE, mask);

	err = kcall(CR_X, OC_PAGE_ERASE, 0, 0, 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "erase");
	EXPECT(full_read(0), err == 0 ? 0 : mark, "word 0 after erase");
}

/* What tcp holds (caps_mki.py): kernlog, the tseg space, sleep. */
static void
tcp_restore(void)
{
	int err = kcall_give(CR_TCP, OC_CAPPAGE_STORE, 1, 0, 0, CR_LOG);

	if (err == 0)
		err = kcall_give(CR_TCP, OC_CAPPAGE_STORE, 1, 1, 0, CR_TSEG);
	if (err == 0)
		err = kcall_give(CR_TCP, OC_CAPPAGE_STORE, 1, 2, 0, CR_SLEEP);
	if (err == 0)
		err = kcall_give(CR_TCP, OC_CAPPAGE_STORE, 1, 3, 0, CR_NULL);
	if (err != 0)
		test_fail("restoring tcp: error %d", err);
}

void
test_cappage(unsigned mask)
{
	int weak = (mask & CAP_R_WEAK) != 0, err;

	EXPECT(fetch(CR_MB, NMASKS * MB_CAPPAGE + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_CAPPAGE, mask, "cap page under test");
	common(CT_CAPPAGE, mask, OC_PAGE_READ);

	err = fetch(CR_X, 0, CR_T0);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "fetch 0");
	if (err == 0)
		expect_class(CR_T0, weak ? CT_NULL : CT_KERNLOG, 0,
		    "kernlog fetched");
	err = fetch(CR_X, 1, CR_T0);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "fetch 1");
	if (err == 0)
		expect_class(CR_T0, CT_GPT, weak ? CAP_R_WEAK | CAP_R_RO : 0,
		    "gpt fetched");
	err = fetch(CR_X, 2, CR_T0);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "fetch 2");
	if (err == 0)
		expect_class(CR_T0, CT_SLEEP, 0, "sleep fetched");
	EXPECT(fetch(CR_X, CAPPAGE_SLOTS, CR_T0), ERR_BAD_SLOT,
	    "fetch slot 256");
	EXPECT(kcall_cap(CR_X, OC_CAPPAGE_FETCH, 0, 0, 0, CR_T0),
	    ERR_BAD_REQUEST, "fetch without slot");

	err = kcall_give(CR_X, OC_CAPPAGE_STORE, 1, 3, 0, CR_DISCRIM);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "store 3");
	EXPECT(fetch(CR_TCP, 3, CR_T0), 0, "full fetch 3");
	expect_class(CR_T0, err == 0 ? CT_DISCRIM : CT_NULL, 0,
	    "slot 3 after store");
	EXPECT(kcall_give(CR_X, OC_CAPPAGE_STORE, 1, CAPPAGE_SLOTS, 0,
	    CR_DISCRIM), ERR_BAD_SLOT, "store slot 256");
	EXPECT(kcall(CR_X, OC_CAPPAGE_STORE, 1, 3, 0, 0, 0, 0),
	    ERR_BAD_REQUEST, "store without cap");

	mem_ops(CT_CAPPAGE, mask);

	err = kcall(CR_X, OC_CAPPAGE_ERASE, 0, 0, 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "erase");
	EXPECT(fetch(CR_TCP, 0, CR_T0), 0, "full fetch 0");
	expect_class(CR_T0, err == 0 ? CT_NULL : CT_KERNLOG, 0,
	    "slot 0 after erase");
	tcp_restore();
}

void
test_gpt(unsigned mask)
{
	uint64_t l2v[MI_WORDS_MAX], w[MI_WORDS_MAX], t0 = 0, r0 = 0;
	int weak = (mask & CAP_R_WEAK) != 0, err;

	EXPECT(fetch(CR_MB, NMASKS * MB_GPT + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_GPT, mask, "gpt under test");
	common(CT_GPT, mask, OC_CAPPAGE_ERASE);

	/* tseg's root GPT: slot 0 holds the rest of the tree. */
	EXPECT(kcall(CR_TSEG, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, l2v), 0,
	    "full get_l2v");
	EXPECT(kcall_cap(CR_TSEG, OC_GPT_FETCH, 1, 0, 0, CR_T1), 0,
	    "full fetch 0");
	EXPECT(cap_classify(CR_DISCRIM, CR_T1, &t0, &r0), 0, "classify 0");
	TEST_TRUE(t0 == CT_GPT || t0 == CT_PAGE, "tseg slot 0 is memory");

	err = kcall(CR_X, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "get_l2v");
	if (err == 0) {
		EXPECT(w[0], l2v[0], "l2v");
		EXPECT(w[1], l2v[1], "flags");
	}
	EXPECT(kcall(CR_X, OC_GPT_SET_L2V, 2, l2v[0], l2v[1], 0, 0, 0),
	    DENY(mask, CAP_R_RO | CAP_R_WEAK), "set_l2v (same values)");
	EXPECT(kcall(CR_X, OC_GPT_SET_L2V, 2, PAGE_SHIFT - 1, 0, 0, 0, 0),
	    ERR_BAD_ARG, "set_l2v 11");
	EXPECT(kcall(CR_X, OC_GPT_SET_L2V, 2, l2v[0], 4, 0, 0, 0),
	    ERR_BAD_ARG, "set_l2v unknown flag");

	err = kcall_cap(CR_X, OC_GPT_FETCH, 1, 0, 0, CR_T0);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "fetch 0");
	if (err == 0)
		expect_class(CR_T0, t0, weak ? r0 | CAP_R_WEAK | CAP_R_RO : r0,
		    "slot 0 fetched");
	EXPECT(kcall_cap(CR_X, OC_GPT_FETCH, 1, GPT_SLOTS, 0, CR_T0),
	    ERR_BAD_SLOT, "fetch slot 16");
	EXPECT(kcall_give(CR_X, OC_GPT_STORE, 1, 0, 0, CR_T1),
	    DENY(mask, CAP_R_RO | CAP_R_WEAK), "store 0 (same cap)");
	EXPECT(kcall_give(CR_X, OC_GPT_STORE, 1, GPT_SLOTS, 0, CR_T1),
	    ERR_BAD_SLOT, "store slot 16");
	EXPECT(kcall_cap(CR_TSEG, OC_GPT_FETCH, 1, 0, 0, CR_T0), 0,
	    "full fetch 0 again");
	EXPECT(cap_same(CR_DISCRIM, CR_T0, CR_T1, w), 0, "same");
	EXPECT(w[0], 1, "slot 0 unchanged");

	mem_ops(CT_GPT, mask);
}
