/*
 * caps_mem.c - the caps suite's memory caps: PAGE (restricted with
 * OC_MEM_REDUCE from a fresh page), CAPPAGE and GPT (restricted by the
 * .mki), each operation under each mask. Objects are changed through
 * the cap under test and checked (and put back) through a full cap.
 * GPT resets act on a fresh GPT restricted with OC_MEM_REDUCE (the
 * .mki's GPT is a segment's tree, which a reset would take apart).
 */
#include <abi/gpt.h>
#include <user/invoke.h>
#include <user/test.h>

#include "caps.h"

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

/*
 * REDUCE and GUARD answer new caps and leave the cap itself alone;
 * GET_GUARD reads the guard under every mask: the one the full cap in
 * register full has, then the one GUARD set.
 */
static void
mem_ops(uint64_t type, unsigned mask, unsigned full)
{
	uint64_t w[MI_WORDS_MAX], g[MI_WORDS_MAX];

	EXPECT(kcall_cap(CR_X, OC_MEM_REDUCE, 1, CAP_R_RO, 0, CR_T0), 0,
	    "reduce ro");
	expect_class(CR_T0, type, mask | CAP_R_RO, "reduced");
	EXPECT(kcall_cap(CR_X, OC_MEM_REDUCE, 1, CAP_R_NOCALL, 0, CR_T0),
	    ERR_BAD_ARG, "reduce nocall");
	EXPECT(kcall_cap(CR_X, OC_MEM_REDUCE, 1, 0x20, 0, CR_T0),
	    ERR_BAD_ARG, "reduce unknown bit");
	EXPECT(kcall(full, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, g), 0,
	    "full get_guard");
	EXPECT(kcall(CR_X, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, w), 0,
	    "get_guard");
	EXPECT(w[0], g[0], "l2g");
	EXPECT(w[1], g[1], "match");
	EXPECT(kcall_cap(CR_X, OC_MEM_GUARD, 2, 16, 3, CR_T0), 0, "guard");
	expect_class(CR_T0, type, mask, "guarded");
	EXPECT(kcall(CR_T0, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, w), 0,
	    "get_guard of the guarded cap");
	EXPECT(w[0], 16, "l2g as set");
	EXPECT(w[1], 3, "match as set");
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

static uint64_t
read_word(unsigned cr, uint64_t off)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	if (kcall(cr, OC_PAGE_READ, 1, off, 0, 0, 0, w) != 0)
		test_fail("read of %u at %lu failed", cr, (unsigned long)off);
	return w[0];
}

/*
 * OC_PAGE_COPY_FROM with the page under test as destination (RO, WEAK
 * deny) and as source (OPAQUE denies), checked at the first, a middle
 * and the last word through full caps: a copy replaces every word.
 */
static void
page_copy(unsigned mask)
{
	static const uint64_t off[] = { 0, 8, 2048, 4088 };
	uint64_t before[4], src[4] = { 0x5000 + mask, 0, 0x5800, 0x5ff8 };
	int err;

	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, FRESH_COPY + mask), 0, CR_T2), 0, "source");
	for (unsigned i = 0; i < 4; i++) {
		before[i] = read_word(CR_PAGE, off[i]);
		EXPECT(kcall(CR_T2, OC_PAGE_WRITE, 2, off[i], src[i], 0, 0, 0),
		    0, "write the source");
	}
	EXPECT(kcall(CR_PAGE, OC_PAGE_WRITE, 2, 8, 0x88, 0, 0, 0), 0,
	    "a word the source has as 0");
	before[1] = 0x88;

	err = kcall_give(CR_X, OC_PAGE_COPY_FROM, 0, 0, 0, CR_T2);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "copy into");
	for (unsigned i = 0; i < 4; i++)
		EXPECT(read_word(CR_PAGE, off[i]), err == 0 ? src[i] :
		    before[i], "destination word after copy into");

	EXPECT(kcall(CR_PAGE, OC_PAGE_WRITE, 2, 0, 0x6000 + mask, 0, 0, 0), 0,
	    "mark the page under test");
	err = kcall_give(CR_T2, OC_PAGE_COPY_FROM, 0, 0, 0, CR_X);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "copy from");
	EXPECT(read_word(CR_T2, 0), err == 0 ? 0x6000 + mask : src[0],
	    "source's word 0 after copy from");

	EXPECT(kcall_give(CR_X, OC_PAGE_COPY_FROM, 0, 0, 0, CR_X),
	    DENY(mask, CAP_R_RO | CAP_R_WEAK | CAP_R_OPAQUE), "copy itself");
	EXPECT(read_word(CR_PAGE, 0), 0x6000 + mask, "itself unchanged");
	EXPECT(kcall_give(CR_X, OC_PAGE_COPY_FROM, 0, 0, 0, CR_TCP),
	    ERR_BAD_ARG, "copy from a cap page");
	EXPECT(kcall_give(CR_X, OC_PAGE_COPY_FROM, 0, 0, 0, CR_NULL),
	    ERR_BAD_ARG, "copy from null");
	EXPECT(kcall(CR_X, OC_PAGE_COPY_FROM, 0, 0, 0, 0, 0, 0),
	    ERR_BAD_REQUEST, "copy without a cap");
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

	mem_ops(CT_PAGE, mask, CR_PAGE);

	err = kcall(CR_X, OC_PAGE_ERASE, 0, 0, 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "erase");
	EXPECT(full_read(0), err == 0 ? 0 : mark, "word 0 after erase");
	page_copy(mask);
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
	if (err == 0)
		err = kcall_give(CR_TCP, OC_CAPPAGE_STORE, 1, 5, 0, CR_NULL);
	if (err != 0)
		test_fail("restoring tcp: error %d", err);
}

/* Type and restrictions of slot i of the cap page in cp, through CR_T0. */
static void
slot_is(unsigned cp, unsigned i, uint64_t type, uint64_t restr,
    const char *what)
{
	EXPECT(fetch(cp, i, CR_T0), 0, "fetch");
	expect_class(CR_T0, type, restr, what);
}

/*
 * OC_CAPPAGE_COPY_FROM from the cap page under test (OPAQUE denies; a
 * WEAK source weakens every cap copied, as a fetch would) into a fresh
 * page, and from a fresh page into it (RO, WEAK deny).
 */
static void
cappage_copy(unsigned mask)
{
	uint64_t wr = (mask & CAP_R_WEAK) ? CAP_R_WEAK | CAP_R_RO : 0;
	int weak = (mask & CAP_R_WEAK) != 0, err;

	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_CAPPAGE, FRESH_COPY + mask), 0, CR_T2), 0,
	    "fresh cap page");
	EXPECT(kcall_give(CR_T2, OC_CAPPAGE_STORE, 1, 7, 0, CR_DISCRIM), 0,
	    "its slot 7");
	err = kcall_give(CR_T2, OC_CAPPAGE_COPY_FROM, 0, 0, 0, CR_X);
	EXPECT(err, DENY(mask, CAP_R_OPAQUE), "copy from");
	if (err == 0) {
		slot_is(CR_T2, 0, weak ? CT_NULL : CT_KERNLOG, 0,
		    "kernlog copied");
		slot_is(CR_T2, 1, CT_GPT, wr, "gpt copied");
		slot_is(CR_T2, 2, CT_SLEEP, 0, "sleep copied");
		slot_is(CR_T2, 7, CT_NULL, 0, "slot 7 overwritten");
	} else {
		slot_is(CR_T2, 0, CT_NULL, 0, "slot 0 untouched");
		slot_is(CR_T2, 7, CT_DISCRIM, 0, "slot 7 untouched");
	}

	EXPECT(kcall(CR_T2, OC_CAPPAGE_ERASE, 0, 0, 0, 0, 0, 0), 0, "erase");
	EXPECT(kcall_give(CR_T2, OC_CAPPAGE_STORE, 1, 5, 0, CR_DISCRIM), 0,
	    "its slot 5");
	err = kcall_give(CR_X, OC_CAPPAGE_COPY_FROM, 0, 0, 0, CR_T2);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "copy into");
	slot_is(CR_TCP, 5, err == 0 ? CT_DISCRIM : CT_NULL, 0,
	    "slot 5 after copy into");
	slot_is(CR_TCP, 0, err == 0 ? CT_NULL : CT_KERNLOG, 0,
	    "slot 0 after copy into");
	tcp_restore();

	EXPECT(kcall_give(CR_X, OC_CAPPAGE_COPY_FROM, 0, 0, 0, CR_PAGE),
	    ERR_BAD_ARG, "copy from a page");
	EXPECT(kcall(CR_X, OC_CAPPAGE_COPY_FROM, 0, 0, 0, 0, 0, 0),
	    ERR_BAD_REQUEST, "copy without a cap");
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

	mem_ops(CT_CAPPAGE, mask, CR_TCP);
	cappage_copy(mask);

	err = kcall(CR_X, OC_CAPPAGE_ERASE, 0, 0, 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "erase");
	EXPECT(fetch(CR_TCP, 0, CR_T0), 0, "full fetch 0");
	expect_class(CR_T0, err == 0 ? CT_NULL : CT_KERNLOG, 0,
	    "slot 0 after erase");
	tcp_restore();
}

/*
 * OC_GPT_RESET through a fresh GPT restricted to mask (RO, WEAK deny;
 * NOCALL, which REDUCE cannot add, changes nothing for a GPT): after
 * it, the full cap reads l2v 0, flags 0 and every slot null.
 */
static void
gpt_reset(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], t = 0;
	int err;

	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_GPT, FRESH_PAGE + mask), 0, CR_T2), 0, "fresh gpt");
	EXPECT(kcall(CR_T2, OC_GPT_SET_L2V, 2, 20, GPT_F_KEEPER, 0, 0, 0), 0,
	    "l2v 20, keeper");
	EXPECT(kcall_give(CR_T2, OC_GPT_STORE, 1, 3, 0, CR_PAGE), 0,
	    "slot 3");
	EXPECT(kcall_give(CR_T2, OC_GPT_STORE, 1, 15, 0, CR_TENTRY), 0,
	    "slot 15");
	EXPECT(kcall_cap(CR_T2, OC_MEM_REDUCE, 1, mask & ~CAP_R_NOCALL, 0,
	    CR_T1), 0, "reduce");
	err = kcall(CR_T1, OC_GPT_RESET, 0, 0, 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_RO | CAP_R_WEAK), "reset");
	EXPECT(kcall(CR_T2, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w), 0,
	    "full get_l2v");
	EXPECT(w[0], err == 0 ? 0 : 20, "l2v after reset");
	EXPECT(w[1], err == 0 ? 0 : GPT_F_KEEPER, "flags after reset");
	for (unsigned i = 0; i < GPT_SLOTS; i++) {
		EXPECT(kcall_cap(CR_T2, OC_GPT_FETCH, 1, i, 0, CR_T0), 0,
		    "full fetch");
		EXPECT(cap_classify(CR_DISCRIM, CR_T0, &t, 0), 0, "classify");
		EXPECT(t, err != 0 && i == 3 ? CT_PAGE : err != 0 && i == 15 ?
		    CT_ENTRY : CT_NULL, "slot after reset");
	}
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

	mem_ops(CT_GPT, mask, CR_TSEG);
	gpt_reset(mask);
}
