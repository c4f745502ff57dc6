/*
 * caps_kern.c - the caps suite's caps that name no object (RANGE,
 * KERNLOG, CKPT, DISCRIM, SLEEP), each operation under each mask (CKPT:
 * each mask takes a checkpoint and sees its generation).
 * RANGE's bank ids: objects mkimage made read as its banks (a process,
 * an endpoint with its own header, a cap page through its OID map
 * entry); SET_BANK changes a fresh page's.
 */
#include <abi/process.h>
#include <user/invoke.h>
#include <user/test.h>

#include "caps.h"

#define RANGE_PAGE	UINT64_C(0x300000)	/* GET through mask m */
#define RESCIND_PAGE	UINT64_C(0x310000)	/* RESCIND through mask m */
#define BANK_PAGE	UINT64_C(0x320000)	/* SET_BANK through mask m */

static uint64_t
bank_of(unsigned cr, uint64_t oid)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	EXPECT(kcall(cr, OC_RANGE_GET_BANK, 1, oid, 0, 0, 0, w), 0,
	    "get_bank");
	return w[0];
}

/* GET_BANK under every mask, SET_BANK unless WEAK. */
static void
range_bank(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], page = OID_MAKE(OT_PAGE, BANK_PAGE + mask);
	int weak = (mask & CAP_R_WEAK) != 0, err;

	/* The OIDs the banks are read by are the objects main holds. */
	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_TEP, 0, CR_T0), 0,
	    "get tep");
	EXPECT(cap_same(CR_DISCRIM, CR_T0, CR_TEP, w), 0, "same");
	EXPECT(w[0], 1, "OID_TEP is tep");
	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_TCP, 0, CR_T0), 0,
	    "get tcp");
	EXPECT(cap_same(CR_DISCRIM, CR_T0, CR_TCP, w), 0, "same");
	EXPECT(w[0], 1, "OID_TCP is tcp");
	EXPECT(bank_of(CR_X, OID_PEER), BANK_FIRST, "peer's bank");
	EXPECT(bank_of(CR_X, OID_TEP), BANK_SECOND, "tep's bank");
	EXPECT(bank_of(CR_X, OID_TCP), BANK_SECOND, "tcp's bank");
	EXPECT(bank_of(CR_X, page), 0, "a fresh page's bank");

	err = kcall(CR_X, OC_RANGE_SET_BANK, 2, page, 0x100 + mask, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_WEAK), "set_bank");
	EXPECT(bank_of(CR_RANGE, page), err == 0 ? 0x100 + mask : 0,
	    "bank after set_bank");
	EXPECT(kcall(CR_X, OC_RANGE_SET_BANK, 2, page, UINT64_C(1) << 32, 0,
	    0, 0), ERR_BAD_ARG, "set_bank to a bank id of 33 bits");
	EXPECT(kcall(CR_X, OC_RANGE_SET_BANK, 2, OID_MAKE(0x77, 1), 1, 0, 0,
	    0), weak ? ERR_NO_ACCESS : ERR_BAD_ARG, "set_bank, unknown type");
	EXPECT(kcall(CR_X, OC_RANGE_SET_BANK, 1, page, 0, 0, 0, 0),
	    ERR_BAD_REQUEST, "set_bank without bank");
	EXPECT(kcall(CR_X, OC_RANGE_GET_BANK, 1, 0, 0, 0, 0, w), ERR_BAD_ARG,
	    "get_bank of OID 0");
	EXPECT(kcall(CR_X, OC_RANGE_GET_BANK, 0, 0, 0, 0, 0, w),
	    ERR_BAD_REQUEST, "get_bank without OID");
}

/* IDENTIFY of cap register cr through CR_X; *oid, *ct, *restr. */
static int
identify(unsigned cr, uint64_t *oid, uint64_t *ct, uint64_t *restr)
{
	struct umsg m;
	int err;

	umsg_init(&m, OC_RANGE_IDENTIFY, 0, 0, 0, 0, 0);
	m.info = MI_MAKE(OC_RANGE_IDENTIFY, 0, 1);
	m.caps = CR_LIST(cr, 0, 0, 0);
	err = inv_call(CR_X, &m);
	*oid = m.w[0];
	*ct = m.w[1];
	*restr = m.w[2];
	return err;
}

/* IDENTIFY under every mask: the OID, type and restrictions of a cap. */
static void
range_identify(void)
{
	uint64_t oid = 0, ct = 0, restr = 0;
	struct umsg m;

	EXPECT(identify(CR_PEER, &oid, &ct, &restr), 0, "identify peer");
	EXPECT(oid, OID_PEER, "peer's OID");
	EXPECT(ct, CT_PROCESS, "peer's type");
	EXPECT(restr, 0, "peer's restrictions");
	EXPECT(identify(CR_TEP, &oid, &ct, &restr), 0, "identify tep");
	EXPECT(oid, OID_TEP, "tep's OID");
	EXPECT(identify(CR_NULL, &oid, &ct, &restr), ERR_BAD_CAP,
	    "identify null");
	EXPECT(identify(CR_LOG, &oid, &ct, &restr), ERR_BAD_ARG,
	    "identify kernlog");
	umsg_init(&m, OC_RANGE_IDENTIFY, 0, 0, 0, 0, 0);
	EXPECT(inv_call(CR_X, &m), ERR_BAD_REQUEST, "identify without a cap");
}

void
test_range(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX], limit[MI_WORDS_MAX], t = 0;
	int weak = (mask & CAP_R_WEAK) != 0, err;

	EXPECT(fetch(CR_MA, NMASKS * MA_RANGE + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_RANGE, mask, "range under test");
	type_is(CT_RANGE, mask);

	EXPECT(kcall(CR_RANGE, OC_RANGE_LIMIT, 1, OT_PROCESS, 0, 0, 0, limit),
	    0, "full limit");
	EXPECT(kcall(CR_X, OC_RANGE_LIMIT, 1, OT_PROCESS, 0, 0, 0, w), 0,
	    "limit");
	EXPECT(w[0], limit[0], "process limit");
	TEST_TRUE(limit[0] == 4, "the store holds 4 processes");
	EXPECT(kcall(CR_X, OC_RANGE_LIMIT, 1, OT_NONE, 0, 0, 0, w),
	    ERR_BAD_ARG, "limit of type 0");
	EXPECT(kcall(CR_X, OC_RANGE_LIMIT, 1, OT_MAX, 0, 0, 0, w),
	    ERR_BAD_ARG, "limit of an unknown type");

	EXPECT(kcall_cap(CR_X, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, RANGE_PAGE + mask), 0, CR_T0), 0, "get page");
	expect_class(CR_T0, CT_PAGE, weak ? CAP_R_WEAK | CAP_R_RO : 0,
	    "page got");
	EXPECT(kcall_cap(CR_X, OC_RANGE_GET, 1, OID_PEER, 0, CR_T0), 0,
	    "get peer");
	expect_class(CR_T0, weak ? CT_NULL : CT_PROCESS, 0, "peer got");
	if (!weak) {
		EXPECT(cap_same(CR_DISCRIM, CR_T0, CR_PEER, w), 0, "same");
		EXPECT(w[0], 1, "it is peer");
	}
	EXPECT(kcall_cap(CR_X, OC_RANGE_GET, 1, 0, 0, CR_T0), ERR_BAD_ARG,
	    "get OID 0");
	EXPECT(kcall_cap(CR_X, OC_RANGE_GET, 1, OID_MAKE(0x77, 1), 0, CR_T0),
	    ERR_BAD_ARG, "get an unknown type");
	EXPECT(kcall_cap(CR_X, OC_RANGE_GET, 0, 0, 0, CR_T0), ERR_BAD_REQUEST,
	    "get without OID");

	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, RESCIND_PAGE + mask), 0, CR_T1), 0, "full get");
	err = kcall(CR_X, OC_RANGE_RESCIND, 1,
	    OID_MAKE(OT_PAGE, RESCIND_PAGE + mask), 0, 0, 0, 0);
	EXPECT(err, DENY(mask, CAP_R_WEAK), "rescind");
	EXPECT(cap_classify(CR_DISCRIM, CR_T1, &t, 0), 0, "classify");
	EXPECT(t, err == 0 ? CT_NULL : CT_PAGE, "old cap after rescind");
	if (err == 0)
		EXPECT(kcall(CR_T1, OC_PAGE_READ, 1, 0, 0, 0, 0, w),
		    ERR_BAD_CAP, "old cap used after rescind");
	EXPECT(kcall(CR_X, OC_RANGE_RESCIND, 1, OID_MAKE(0x77, 1), 0, 0, 0,
	    0), weak ? ERR_NO_ACCESS : ERR_BAD_ARG, "rescind an unknown type");
	range_identify();
	range_bank(mask);
}

void
test_kernlog(unsigned mask)
{
	EXPECT(fetch(CR_MA, NMASKS * MA_KERNLOG + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_KERNLOG, mask, "kernlog under test");
	type_is(CT_KERNLOG, mask);
	EXPECT(kcall(CR_X, OC_LOG_WRITE, 1, 0, 0, 0, 0, 0), 0,
	    "write 0 bytes");
	EXPECT(kcall(CR_X, OC_LOG_WRITE, 1, 8, 0, 0, 0, 0), ERR_BAD_ARG,
	    "write 8 bytes in one word");
	EXPECT(kcall(CR_X, OC_LOG_WRITE, 4, 32, 0, 0, 0, 0), ERR_BAD_ARG,
	    "write 32 bytes");
	EXPECT(kcall(CR_X, OC_LOG_WRITE, 0, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "write without words");
}

void
test_ckpt(unsigned mask)
{
	uint64_t w[MI_WORDS_MAX] = { 0 }, gen;

	EXPECT(fetch(CR_MA, NMASKS * MA_CKPT + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_CKPT, mask, "ckpt under test");
	type_is(CT_CKPT, mask);
	EXPECT(kcall(CR_X, OC_CKPT_GENERATION, 0, 0, 0, 0, 0, w), 0,
	    "generation");
	gen = w[0];
	EXPECT(gen >= 1, 1, "a generation is committed");
	EXPECT(kcall(CR_X, OC_CKPT_TAKE, 0, 0, 0, 0, 0, w), 0,
	    "take a checkpoint");
	EXPECT(w[0], gen + 1, "the checkpoint's generation");
	EXPECT(kcall(CR_X, OC_CKPT_GENERATION, 0, 0, 0, 0, 0, w), 0,
	    "generation after");
	EXPECT(w[0], gen + 1, "the generation after the checkpoint");
	EXPECT(kcall(CR_X, 0xA02, 0, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "an unknown checkpoint operation");
}

void
test_discrim(unsigned mask)
{
	uint64_t t = 0, r = 0, same = 0;

	EXPECT(fetch(CR_MA, NMASKS * MA_DISCRIM + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_DISCRIM, mask, "discrim under test");
	type_is(CT_DISCRIM, mask);
	EXPECT(cap_classify(CR_X, CR_LOG, &t, &r), 0, "classify kernlog");
	EXPECT(t, CT_KERNLOG, "kernlog type");
	EXPECT(cap_classify(CR_X, CR_MA, &t, &r), 0, "classify MA");
	EXPECT(t, CT_CAPPAGE, "MA type");
	EXPECT(cap_classify(CR_X, CR_NULL, &t, &r), 0, "classify null");
	EXPECT(t, CT_NULL, "null type");
	EXPECT(cap_same(CR_X, CR_PEER, CR_PEER, &same), 0, "same peer");
	EXPECT(same, 1, "peer is peer");
	EXPECT(cap_same(CR_X, CR_PEER, CR_ECHO, &same), 0, "same peer echo");
	EXPECT(same, 0, "peer is not echo");
	EXPECT(kcall(CR_X, OC_DISCRIM_SAME, 0, 0, 0, 0, 0, 0),
	    ERR_BAD_REQUEST, "same without caps");
}

void
test_sleep(unsigned mask)
{
	uint64_t a[MI_WORDS_MAX] = { 0 }, b[MI_WORDS_MAX] = { 0 };

	EXPECT(fetch(CR_MB, NMASKS * MB_SLEEP + mask, CR_X), 0, "fetch");
	expect_class(CR_X, CT_SLEEP, mask, "sleep under test");
	type_is(CT_SLEEP, mask);
	EXPECT(kcall(CR_X, OC_SLEEP_NOW, 0, 0, 0, 0, 0, a), 0, "now");
	EXPECT(kcall(CR_X, OC_SLEEP_FOR, 1, 1000, 0, 0, 0, 0), 0,
	    "sleep 1 us");
	EXPECT(kcall(CR_X, OC_SLEEP_NOW, 0, 0, 0, 0, 0, b), 0, "now again");
	TEST_TRUE(b[0] >= a[0] + 1000, "the clock moved by the sleep");
	EXPECT(kcall(CR_X, OC_SLEEP_FOR, 0, 0, 0, 0, 0, 0), ERR_BAD_REQUEST,
	    "sleep without duration");
}
