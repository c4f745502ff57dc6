/*
 * caperr.c - the caperr suite: every way an invocation can be wrong gets
 * its own error, and nothing else happens: null caps, control words and
 * message infos with unknown bits, cap registers out of range, rescinded
 * objects (every copy of their caps dies, the OID lives on), missing
 * arguments for every operation that takes some, values out of range,
 * entry caps that lead nowhere, RESTART register operations on a
 * process that is not faulted. A second process, target, only waits;
 * a third, waker, turns a receive that wrongly blocks into a failure; a
 * fourth, faulty, faults at once and stays parked.
 */
#include <abi/gpt.h>
#include <abi/process.h>
#include <user/ipc.h>
#include <user/rt.h>
#include <user/test.h>

#define CR_LOG		0
#define CR_RANGE	1
#define CR_DISCRIM	2
#define CR_CP		3
#define CR_SLEEP	4
#define CR_TARGET	5
#define CR_TEP		6
#define CR_TENTRY	7
#define CR_NOONE	8
#define CR_NOONE_ENTRY	9
#define CR_SELF_ENTRY	10
#define CR_FRESTART	11	/* RESTART faulty */
#define CR_FAULTY	12	/* PROCESS faulty */
#define CR_TRESTART	13	/* RESTART target */
#define CR_T0		16
#define CR_T1		17
#define CR_T2		18
#define CR_PAGE		19
#define CR_GPT		20
#define CR_EP		21
#define CR_NULL		31	/* never written */

#define OID_TARGET	OID_MAKE(OT_PROCESS, 1)
#define OID_FAULTY	OID_MAKE(OT_PROCESS, 3)
#define FRESH		UINT64_C(0x400000)

#define EXPECT(got, want, what)	TEST_EQ((got), (want), (what))

/* A raw invocation: every register as given. */
static int
raw(uint64_t ctl, uint64_t info, uint64_t caps, uint64_t rcv)
{
	struct umsg m;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.info = info;
	m.caps = caps;
	m.rcv = rcv;
	return invoke(ctl, &m);
}

static uint64_t
classify(unsigned cr)
{
	uint64_t t = 0xdead;

	if (cap_classify(CR_DISCRIM, cr, &t, 0) != 0)
		test_fail("classify %u failed", cr);
	return t;
}

static void
null_caps(void)
{
	static const uint32_t ops[] = { 0, OC_TYPE, OC_MEM_REDUCE,
	    OC_PAGE_READ, OC_CAPPAGE_FETCH, OC_GPT_GET_L2V,
	    OC_PROC_GET_STATE, OC_EP_MAKE_ENTRY, OC_RESTART_RESUME,
	    OC_RANGE_GET, OC_LOG_WRITE, OC_DISCRIM_CLASSIFY, OC_SLEEP_NOW,
	    OC_FAULT, OC_MEM_GET_GUARD, OC_PAGE_COPY_FROM,
	    OC_CAPPAGE_COPY_FROM, OC_GPT_RESET, OC_PROC_RESET,
	    OC_RESTART_GET_REGS, OC_RESTART_SET_REGS, OC_RANGE_SET_BANK,
	    OC_RANGE_GET_BANK, 0xffffffff };
	uint64_t same = 7;

	test_begin("null_cap_every_opcode");
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		EXPECT(kcall(CR_NULL, ops[i], 2, 0, 0, 0, 0, 0), ERR_BAD_CAP,
		    "call on null");
		EXPECT(raw(IC_MAKE(CR_NULL, IC_SEND), MI_MAKE(ops[i], 0, 0), 0,
		    0), ERR_BAD_CAP, "send on null");
	}
	test_end();

	test_begin("null_cap_as_argument");
	EXPECT(classify(CR_NULL), CT_NULL, "classify null");
	EXPECT(cap_same(CR_DISCRIM, CR_NULL, CR_NULL, &same), 0, "same");
	EXPECT(same, 0, "null is not the same as null");
	EXPECT(kcall_give(CR_CP, OC_CAPPAGE_STORE, 1, 9, 0, CR_NULL), 0,
	    "store null");
	EXPECT(kcall_cap(CR_CP, OC_CAPPAGE_FETCH, 1, 9, 0, CR_T0), 0,
	    "fetch it");
	EXPECT(classify(CR_T0), CT_NULL, "fetched null");
	test_end();
}

static void
bad_syscalls(void)
{
	const uint64_t any = UMSG_RCV_NONE;

	test_begin("control_word_unknown_bits");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL) | 0x20, MI_MAKE(OC_TYPE, 0, 0), 0,
	    any), ERR_BAD_REQUEST, "cap register bit 5");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL) | 0x800, MI_MAKE(OC_TYPE, 0, 0),
	    0, any), ERR_BAD_REQUEST, "bit 11");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL) | UINT64_C(1) << 40,
	    MI_MAKE(OC_TYPE, 0, 0), 0, any), ERR_BAD_REQUEST, "bit 40");
	EXPECT(raw(IC_MAKE(CR_LOG, 0), MI_MAKE(OC_TYPE, 0, 0), 0, any),
	    ERR_BAD_REQUEST, "neither send nor receive");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_NONBLOCK), MI_MAKE(OC_TYPE, 0, 0), 0,
	    any), ERR_BAD_REQUEST, "nonblock alone");
	test_end();

	test_begin("message_info_out_of_range");
	for (unsigned n = 5; n <= 7; n++) {
		EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL), MI_MAKE(OC_TYPE, n, 0), 0,
		    any), ERR_BAD_REQUEST, "words > 4");
		EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL), MI_MAKE(OC_TYPE, 0, n), 0,
		    any), ERR_BAD_REQUEST, "caps > 4");
	}
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL), MI_MAKE(OC_TYPE, 0, 0) |
	    UINT64_C(1) << 35, 0, any), ERR_BAD_REQUEST, "bit 35");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL), MI_MAKE(OC_TYPE, 0, 0) |
	    UINT64_C(1) << 40, 0, any), ERR_BAD_REQUEST, "bit 40");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL), MI_MAKE(OC_TYPE, 0, 0) |
	    UINT64_C(1) << 63, 0, any), ERR_BAD_REQUEST, "bit 63");
	test_end();

	test_begin("sent_cap_register_out_of_range");
	EXPECT(raw(IC_MAKE(CR_DISCRIM, IC_CALL), MI_MAKE(OC_DISCRIM_CLASSIFY,
	    0, 1), CR_LIST(32, 0, 0, 0), any), ERR_BAD_SLOT, "register 32");
	EXPECT(raw(IC_MAKE(CR_DISCRIM, IC_CALL), MI_MAKE(OC_DISCRIM_CLASSIFY,
	    0, 1), CR_LIST(0xff, 0, 0, 0), any), ERR_BAD_SLOT, "register 255");
	EXPECT(raw(IC_MAKE(CR_DISCRIM, IC_CALL), MI_MAKE(OC_DISCRIM_SAME, 0,
	    3), CR_LIST(0, 0, 200, 0), any), ERR_BAD_SLOT, "third of three");
	EXPECT(raw(IC_MAKE(CR_DISCRIM, IC_CALL), MI_MAKE(OC_DISCRIM_SAME, 0,
	    2), CR_LIST(0, 0, 200, 0), any), 0, "unsent byte ignored");
	test_end();

	test_begin("received_cap_register_out_of_range");
	EXPECT(kcall_cap(CR_CP, OC_MEM_REDUCE, 1, 0, 0, 32), 0,
	    "answer cap to register 32");
	EXPECT(kcall_cap(CR_CP, OC_MEM_REDUCE, 1, 0, 0, 200), 0,
	    "answer cap to register 200");
	EXPECT(classify(CR_LOG), CT_KERNLOG, "register 0 untouched");
	test_end();

	test_begin("kernel_answer_leaves_reply_register");
	EXPECT(kcall_cap(CR_CP, OC_MEM_REDUCE, 1, 0, 0, CR_T1), 0, "copy");
	EXPECT(classify(CR_T1), CT_CAPPAGE, "copy made");
	EXPECT(raw(IC_MAKE(CR_LOG, IC_CALL), MI_MAKE(OC_TYPE, 0, 0), 0,
	    CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_T1)), 0, "call with a reply register");
	EXPECT(classify(CR_T1), CT_CAPPAGE,
	    "no REPLY cap came: the register is left alone");
	test_end();

	/* If the kernel blocked here anyway, waker's message (within a
	 * second) ends the wait: a failure, not a hang. */
	test_begin("open_wait_nonblocking_empty");
	{
		struct umsg m;

		umsg_init(&m, 0, 0, 0, 0, 0, 0);
		EXPECT(ipc_recv_nb(&m), ERR_WOULD_BLOCK, "nothing pending");
	}
	test_end();
}

static int
fresh(unsigned type, uint64_t index, unsigned dst)
{
	return kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_MAKE(type, index), 0,
	    dst);
}

static int
rescind(unsigned type, uint64_t index)
{
	return kcall(CR_RANGE, OC_RANGE_RESCIND, 1, OID_MAKE(type, index), 0,
	    0, 0, 0);
}

static void
rescinded(void)
{
	uint64_t w[MI_WORDS_MAX];
	struct umsg m;

	test_begin("rescinded_page_every_copy");
	EXPECT(fresh(OT_PAGE, FRESH, CR_PAGE), 0, "page");
	EXPECT(kcall(CR_PAGE, OC_PAGE_WRITE, 2, 0, 0x77, 0, 0, 0), 0, "write");
	EXPECT(kcall_cap(CR_PAGE, OC_MEM_REDUCE, 1, CAP_R_RO, 0, CR_T0), 0,
	    "reduced copy");
	EXPECT(kcall_give(CR_CP, OC_CAPPAGE_STORE, 1, 0, 0, CR_PAGE), 0,
	    "copy in a cap page");
	EXPECT(rescind(OT_PAGE, FRESH), 0, "rescind");
	EXPECT(kcall(CR_PAGE, OC_TYPE, 0, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "OC_TYPE on the old cap");
	EXPECT(kcall(CR_PAGE, OC_PAGE_READ, 1, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "read through the old cap");
	EXPECT(kcall(CR_T0, OC_PAGE_READ, 1, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "read through the reduced copy");
	EXPECT(kcall_cap(CR_T0, OC_MEM_REDUCE, 1, 0, 0, CR_T1), ERR_BAD_CAP,
	    "reduce the dead copy");
	EXPECT(kcall_cap(CR_CP, OC_CAPPAGE_FETCH, 1, 0, 0, CR_T1), 0,
	    "fetch the stored copy");
	EXPECT(classify(CR_T1), CT_NULL, "stored copy classifies null");
	EXPECT(kcall(CR_T1, OC_PAGE_WRITE, 2, 0, 1, 0, 0, 0), ERR_BAD_CAP,
	    "write through the stored copy");
	EXPECT(fresh(OT_PAGE, FRESH, CR_T2), 0, "a new cap by OID");
	EXPECT(kcall(CR_T2, OC_PAGE_READ, 1, 0, 0, 0, 0, 0), 0,
	    "the new cap works");
	EXPECT(classify(CR_PAGE), CT_NULL, "the old one stays dead");
	EXPECT(rescind(OT_PAGE, FRESH), 0, "rescind again");
	EXPECT(classify(CR_T2), CT_NULL, "the second cap dies too");
	test_end();

	test_begin("rescinded_gpt_and_cappage");
	EXPECT(fresh(OT_GPT, FRESH, CR_GPT), 0, "gpt");
	EXPECT(kcall(CR_GPT, OC_GPT_SET_L2V, 2, 12, 0, 0, 0, 0), 0, "l2v");
	EXPECT(fresh(OT_CAPPAGE, FRESH, CR_T0), 0, "cap page");
	EXPECT(rescind(OT_GPT, FRESH), 0, "rescind gpt");
	EXPECT(rescind(OT_CAPPAGE, FRESH), 0, "rescind cap page");
	EXPECT(kcall(CR_GPT, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "gpt");
	EXPECT(kcall(CR_T0, OC_CAPPAGE_ERASE, 0, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "cap page");
	test_end();

	test_begin("rescinded_endpoint_kills_entry_caps");
	EXPECT(fresh(OT_ENDPOINT, FRESH, CR_EP), 0, "endpoint");
	EXPECT(kcall_give(CR_EP, OC_EP_SET_RECIPIENT, 0, 0, 0, CR_TARGET), 0,
	    "recipient target");
	EXPECT(kcall_cap(CR_EP, OC_EP_MAKE_ENTRY, 1, 3, 0, CR_T0), 0, "entry");
	umsg_init(&m, 0x99, 0, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_T0, &m), 0, "send before");
	EXPECT(rescind(OT_ENDPOINT, FRESH), 0, "rescind");
	umsg_init(&m, 0x99, 0, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_T0, &m), ERR_BAD_CAP, "send after");
	EXPECT(kcall_cap(CR_EP, OC_EP_MAKE_ENTRY, 1, 3, 0, CR_T0),
	    ERR_BAD_CAP, "endpoint cap");
	test_end();

	test_begin("rescinded_copy_source_and_target");
	EXPECT(fresh(OT_PAGE, FRESH + 2, CR_T0), 0, "page 1");
	EXPECT(fresh(OT_PAGE, FRESH + 3, CR_T1), 0, "page 2");
	EXPECT(kcall(CR_T1, OC_PAGE_WRITE, 2, 0, 0x22, 0, 0, 0), 0, "write 2");
	EXPECT(kcall_give(CR_T0, OC_PAGE_COPY_FROM, 0, 0, 0, CR_T1), 0,
	    "copy while both live");
	EXPECT(rescind(OT_PAGE, FRESH + 3), 0, "rescind page 2");
	EXPECT(kcall(CR_T0, OC_PAGE_WRITE, 2, 0, 0x11, 0, 0, 0), 0, "write 1");
	EXPECT(kcall_give(CR_T0, OC_PAGE_COPY_FROM, 0, 0, 0, CR_T1),
	    ERR_BAD_CAP, "copy from the dead source");
	EXPECT(kcall(CR_T0, OC_PAGE_READ, 1, 0, 0, 0, 0, w), 0, "read 1");
	EXPECT(w[0], 0x11, "page 1 unchanged");
	EXPECT(fresh(OT_PAGE, FRESH + 3, CR_T1), 0, "page 2 again");
	EXPECT(rescind(OT_PAGE, FRESH + 2), 0, "rescind page 1");
	EXPECT(kcall_give(CR_T0, OC_PAGE_COPY_FROM, 0, 0, 0, CR_T1),
	    ERR_BAD_CAP, "copy into the dead target");
	EXPECT(fresh(OT_CAPPAGE, FRESH + 2, CR_T0), 0, "cap page 1");
	EXPECT(fresh(OT_CAPPAGE, FRESH + 3, CR_T1), 0, "cap page 2");
	EXPECT(kcall_give(CR_T1, OC_CAPPAGE_STORE, 1, 0, 0, CR_LOG), 0,
	    "store in cap page 2");
	EXPECT(rescind(OT_CAPPAGE, FRESH + 3), 0, "rescind cap page 2");
	EXPECT(kcall_give(CR_T0, OC_CAPPAGE_COPY_FROM, 0, 0, 0, CR_T1),
	    ERR_BAD_CAP, "cap page copy from the dead source");
	EXPECT(kcall_cap(CR_T0, OC_CAPPAGE_FETCH, 1, 0, 0, CR_T2), 0, "fetch");
	EXPECT(classify(CR_T2), CT_NULL, "cap page 1 unchanged");
	test_end();

	test_begin("rescinded_gpt_reset_guard_bank");
	EXPECT(fresh(OT_GPT, FRESH + 2, CR_GPT), 0, "gpt");
	EXPECT(kcall_cap(CR_GPT, OC_MEM_GUARD, 2, 20, 1, CR_T0), 0, "guard");
	EXPECT(kcall(CR_T0, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, w), 0,
	    "get_guard");
	EXPECT(w[0], 20, "l2g");
	EXPECT(w[1], 1, "match");
	EXPECT(kcall(CR_GPT, OC_GPT_SET_L2V, 2, 12, 0, 0, 0, 0), 0, "l2v");
	EXPECT(kcall(CR_RANGE, OC_RANGE_SET_BANK, 2, OID_MAKE(OT_GPT,
	    FRESH + 2), 9, 0, 0, 0), 0, "set_bank 9");
	EXPECT(rescind(OT_GPT, FRESH + 2), 0, "rescind");
	EXPECT(kcall(CR_GPT, OC_GPT_RESET, 0, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "reset through the dead cap");
	EXPECT(kcall(CR_T0, OC_MEM_GET_GUARD, 0, 0, 0, 0, 0, w), ERR_BAD_CAP,
	    "get_guard through the dead cap");
	EXPECT(fresh(OT_GPT, FRESH + 2, CR_GPT), 0, "a new cap by OID");
	EXPECT(kcall(CR_GPT, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w), 0, "get_l2v");
	EXPECT(w[0], 12, "the dead cap's reset changed nothing");
	EXPECT(kcall(CR_RANGE, OC_RANGE_GET_BANK, 1, OID_MAKE(OT_GPT,
	    FRESH + 2), 0, 0, 0, w), 0, "get_bank");
	EXPECT(w[0], 9, "the OID keeps its bank across the rescind");
	test_end();

	test_begin("rescinded_process_stops_it");
	EXPECT(rescind(OT_PROCESS, OID_INDEX(OID_TARGET)), 0, "rescind");
	EXPECT(kcall(CR_TARGET, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w),
	    ERR_BAD_CAP, "old process cap");
	umsg_init(&m, 0x99, 0, 0, 0, 0, 0);
	EXPECT(ipc_send_nb(CR_TENTRY, &m), ERR_NOT_FOUND,
	    "entry whose recipient cap died");
	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_TARGET, 0, CR_TARGET),
	    0, "a new process cap");
	EXPECT(kcall(CR_TARGET, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], PS_STOPPED, "stopped by the rescind");
	EXPECT(kcall_give(CR_TEP, OC_EP_SET_RECIPIENT, 0, 0, 0, CR_TARGET), 0,
	    "recipient again");
	EXPECT(kcall(CR_TARGET, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0), 0,
	    "resume");
	umsg_init(&m, 0x99, 0, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_TENTRY, &m), 0, "send to it again");
	test_end();
}

/* Wait until faulty has faulted (it does so at once). */
static void
faulty_parked(void)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	for (unsigned i = 0; i < 1000; i++) {
		if (kcall(CR_FAULTY, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w) !=
		    0 || w[0] == PS_FAULTED)
			break;
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 1000000, 0, 0, 0, 0);
	}
	if (w[0] != PS_FAULTED)
		test_fail("faulty is in state %lu, not faulted",
		    (unsigned long)w[0]);
}

/* RESTART register operations on faulty: the PROCESS rules. */
static void
restart_regs_checked(void)
{
	uint64_t w[MI_WORDS_MAX], before[MI_WORDS_MAX];

	test_begin("restart_registers_checked");
	faulty_parked();
	EXPECT(kcall(CR_FRESTART, OC_RESTART_GET_REGS, 1, 20, 0, 0, 0, 0),
	    ERR_BAD_SLOT, "get register 20");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_SET_REGS, 3, 19, 0, 0, 0, 0),
	    ERR_BAD_SLOT, "set registers 19 and 20");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_SET_REGS, 2, 17, 0x2, 0, 0, 0),
	    ERR_BAD_ARG, "rflags without IF");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_SET_REGS, 2, 19,
	    UINT64_C(0xffff800000000000), 0, 0, 0), ERR_BAD_ARG,
	    "gs_base in the kernel half");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_GET_REGS, 1, 14, 0, 0, 0,
	    before), 0, "get r14..rflags");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_SET_REGS, 4, 14, 1, 2,
	    UINT64_C(0xffffffff80100000), 0), ERR_BAD_ARG,
	    "r14, r15 fine, rip in the kernel: none written");
	EXPECT(kcall(CR_FAULTY, OC_PROC_GET_REGS, 1, 14, 0, 0, 0, w), 0,
	    "get r14..rflags");
	for (unsigned i = 0; i < 4; i++)
		EXPECT(w[i], before[i], "unchanged");
	test_end();
}

/* target waits (it is not faulted): its RESTART cap has no registers. */
static void
restart_needs_a_fault(void)
{
	uint64_t w[MI_WORDS_MAX], before[MI_WORDS_MAX];

	test_begin("restart_needs_a_fault");
	EXPECT(kcall(CR_TARGET, OC_PROC_GET_REGS, 1, 15, 0, 0, 0, before), 0,
	    "target's r15");
	EXPECT(kcall(CR_TRESTART, OC_RESTART_GET_REGS, 1, 0, 0, 0, 0, w),
	    ERR_NO_ACCESS, "get_regs of a waiting process");
	EXPECT(kcall(CR_TRESTART, OC_RESTART_SET_REGS, 2, 15, 0x77, 0, 0, 0),
	    ERR_NO_ACCESS, "set_regs of a waiting process");
	EXPECT(kcall(CR_TARGET, OC_PROC_GET_REGS, 1, 15, 0, 0, 0, w), 0,
	    "target's r15 again");
	EXPECT(w[0], before[0], "r15 unchanged");
	test_end();
}

/* Rescinding faulty kills its RESTART and PROCESS caps; reset works on. */
static void
rescinded_faulty(void)
{
	uint64_t w[MI_WORDS_MAX];

	test_begin("rescinded_process_reset_and_restart");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_GET_REGS, 1, 0, 0, 0, 0, w), 0,
	    "get_regs before");
	EXPECT(rescind(OT_PROCESS, OID_INDEX(OID_FAULTY)), 0, "rescind");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_GET_REGS, 1, 0, 0, 0, 0, w),
	    ERR_BAD_CAP, "restart get_regs after");
	EXPECT(kcall(CR_FRESTART, OC_RESTART_SET_REGS, 2, 15, 1, 0, 0, 0),
	    ERR_BAD_CAP, "restart set_regs after");
	EXPECT(kcall(CR_FAULTY, OC_PROC_RESET, 0, 0, 0, 0, 0, 0), ERR_BAD_CAP,
	    "reset through the dead process cap");
	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_FAULTY, 0, CR_FAULTY),
	    0, "a new process cap");
	EXPECT(kcall(CR_FAULTY, OC_PROC_RESET, 0, 0, 0, 0, 0, 0), 0,
	    "reset through it");
	EXPECT(kcall(CR_FAULTY, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w), 0,
	    "state");
	EXPECT(w[0], PS_STOPPED, "stopped");
	EXPECT(w[1], FC_NONE, "its fault cleared");
	test_end();
}

/* Operations with their least arguments: one fewer must be refused. */
static const struct {
	const char	*name;
	unsigned	cr;		/* CR_T0 = a fresh page, ... */
	uint32_t	op;
	uint8_t		nwords, ncaps;
} need[] = {
	{ "page_read", CR_PAGE, OC_PAGE_READ, 1, 0 },
	{ "page_write", CR_PAGE, OC_PAGE_WRITE, 2, 0 },
	{ "page_copy_from", CR_PAGE, OC_PAGE_COPY_FROM, 0, 1 },
	{ "mem_reduce", CR_PAGE, OC_MEM_REDUCE, 1, 0 },
	{ "mem_guard", CR_PAGE, OC_MEM_GUARD, 2, 0 },
	{ "cappage_fetch", CR_CP, OC_CAPPAGE_FETCH, 1, 0 },
	{ "cappage_store", CR_CP, OC_CAPPAGE_STORE, 1, 1 },
	{ "cappage_copy_from", CR_CP, OC_CAPPAGE_COPY_FROM, 0, 1 },
	{ "gpt_set_l2v", CR_GPT, OC_GPT_SET_L2V, 2, 0 },
	{ "gpt_fetch", CR_GPT, OC_GPT_FETCH, 1, 0 },
	{ "gpt_store", CR_GPT, OC_GPT_STORE, 1, 1 },
	{ "proc_get_regs", CR_TARGET, OC_PROC_GET_REGS, 1, 0 },
	{ "proc_set_regs", CR_TARGET, OC_PROC_SET_REGS, 2, 0 },
	{ "proc_fetch_cap", CR_TARGET, OC_PROC_FETCH_CAP, 1, 0 },
	{ "proc_store_cap", CR_TARGET, OC_PROC_STORE_CAP, 1, 1 },
	{ "proc_set_space", CR_TARGET, OC_PROC_SET_SPACE, 0, 1 },
	{ "proc_set_handler", CR_TARGET, OC_PROC_SET_HANDLER, 0, 1 },
	{ "restart_get_regs", CR_FRESTART, OC_RESTART_GET_REGS, 1, 0 },
	{ "restart_set_regs", CR_FRESTART, OC_RESTART_SET_REGS, 2, 0 },
	{ "ep_make_entry", CR_TEP, OC_EP_MAKE_ENTRY, 1, 0 },
	{ "ep_set_recipient", CR_TEP, OC_EP_SET_RECIPIENT, 0, 1 },
	{ "ep_set_match", CR_TEP, OC_EP_SET_MATCH, 2, 0 },
	{ "range_get", CR_RANGE, OC_RANGE_GET, 1, 0 },
	{ "range_rescind", CR_RANGE, OC_RANGE_RESCIND, 1, 0 },
	{ "range_limit", CR_RANGE, OC_RANGE_LIMIT, 1, 0 },
	{ "range_set_bank", CR_RANGE, OC_RANGE_SET_BANK, 2, 0 },
	{ "range_get_bank", CR_RANGE, OC_RANGE_GET_BANK, 1, 0 },
	{ "log_write", CR_LOG, OC_LOG_WRITE, 1, 0 },
	{ "discrim_classify", CR_DISCRIM, OC_DISCRIM_CLASSIFY, 0, 1 },
	{ "discrim_same", CR_DISCRIM, OC_DISCRIM_SAME, 0, 2 },
	{ "sleep_for", CR_SLEEP, OC_SLEEP_FOR, 1, 0 },
};
#define NNEED	(sizeof(need) / sizeof(need[0]))

static void
missing_args(void)
{
	faulty_parked();
	EXPECT(fresh(OT_PAGE, FRESH + 1, CR_PAGE), 0, "page");
	EXPECT(fresh(OT_GPT, FRESH + 1, CR_GPT), 0, "gpt");
	EXPECT(kcall(CR_GPT, OC_GPT_SET_L2V, 2, 12, 0, 0, 0, 0), 0, "l2v");
	for (unsigned i = 0; i < NNEED; i++) {
		struct umsg m;

		test_begin("missing_args_%s", need[i].name);
		if (need[i].nwords > 0) {
			umsg_init(&m, need[i].op, need[i].nwords - 1, 0, 0, 0,
			    0);
			m.info = MI_MAKE(need[i].op, need[i].nwords - 1,
			    need[i].ncaps);
			m.caps = CR_LIST(CR_NULL, CR_NULL, 0, 0);
			EXPECT(inv_call(need[i].cr, &m), ERR_BAD_REQUEST,
			    "one word short");
		}
		if (need[i].ncaps > 0) {
			umsg_init(&m, need[i].op, need[i].nwords, 0, 0, 0, 0);
			m.info = MI_MAKE(need[i].op, need[i].nwords,
			    need[i].ncaps - 1);
			m.caps = CR_LIST(CR_NULL, CR_NULL, 0, 0);
			EXPECT(inv_call(need[i].cr, &m), ERR_BAD_REQUEST,
			    "one cap short");
		}
		test_end();
	}
}

static void
bad_values(void)
{
	test_begin("process_registers_checked");
	EXPECT(kcall(CR_TARGET, OC_PROC_GET_REGS, 1, 20, 0, 0, 0, 0),
	    ERR_BAD_SLOT, "get register 20");
	EXPECT(kcall(CR_TARGET, OC_PROC_SET_REGS, 3, 19, 0, 0, 0, 0),
	    ERR_BAD_SLOT, "set registers 19 and 20");
	EXPECT(kcall(CR_TARGET, OC_PROC_SET_REGS, 2, 17, 0x2, 0, 0, 0),
	    ERR_BAD_ARG, "rflags without IF");
	EXPECT(kcall(CR_TARGET, OC_PROC_SET_REGS, 2, 17, 0x3202, 0, 0, 0),
	    ERR_BAD_ARG, "rflags with IOPL 3");
	EXPECT(kcall(CR_TARGET, OC_PROC_SET_REGS, 2, 18,
	    UINT64_C(0x0000800000000000), 0, 0, 0), ERR_BAD_ARG,
	    "fs_base not canonical");
	EXPECT(kcall(CR_TARGET, OC_PROC_SET_REGS, 4, 14, 1, 2,
	    UINT64_C(0xffffffff80100000), 0), ERR_BAD_ARG,
	    "r14, r15 fine, rip in the kernel: none written");
	{
		uint64_t w[MI_WORDS_MAX];

		EXPECT(kcall(CR_TARGET, OC_PROC_GET_REGS, 1, 14, 0, 0, 0, w),
		    0, "get r14");
		TEST_TRUE(w[0] != 1 || w[1] != 2, "r14 and r15 unchanged");
	}
	test_end();

	test_begin("wrong_cap_types_as_arguments");
	EXPECT(kcall_give(CR_TARGET, OC_PROC_SET_HANDLER, 0, 0, 0, CR_PAGE),
	    ERR_BAD_ARG, "handler: a page");
	EXPECT(kcall_give(CR_TARGET, OC_PROC_SET_SPACE, 0, 0, 0, CR_CP),
	    ERR_BAD_ARG, "space: a cap page");
	EXPECT(kcall_give(CR_TEP, OC_EP_SET_RECIPIENT, 0, 0, 0, CR_PAGE),
	    ERR_BAD_ARG, "recipient: a page");
	EXPECT(kcall(CR_GPT, OC_GPT_SET_L2V, 2, GPT_L2V_MAX + 1, 0, 0, 0, 0),
	    ERR_BAD_ARG, "l2v 61");
	EXPECT(kcall(CR_GPT, OC_GPT_SET_L2V, 2, 12, 4, 0, 0, 0),
	    ERR_BAD_ARG, "gpt flag 4");
	EXPECT(kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_MAKE(OT_MAX, 0), 0,
	    CR_T0), ERR_BAD_ARG, "get an OID of no type");
	EXPECT(kcall_give(CR_PAGE, OC_PAGE_COPY_FROM, 0, 0, 0, CR_GPT),
	    ERR_BAD_ARG, "page copy from a gpt");
	EXPECT(kcall_give(CR_PAGE, OC_PAGE_COPY_FROM, 0, 0, 0, CR_NULL),
	    ERR_BAD_ARG, "page copy from null");
	EXPECT(kcall_give(CR_CP, OC_CAPPAGE_COPY_FROM, 0, 0, 0, CR_PAGE),
	    ERR_BAD_ARG, "cap page copy from a page");
	EXPECT(kcall_give(CR_CP, OC_CAPPAGE_COPY_FROM, 0, 0, 0, CR_TENTRY),
	    ERR_BAD_ARG, "cap page copy from an entry cap");
	EXPECT(kcall(CR_RANGE, OC_RANGE_SET_BANK, 2, OID_MAKE(OT_PAGE, FRESH),
	    UINT64_C(1) << 32, 0, 0, 0), ERR_BAD_ARG, "bank id of 33 bits");
	EXPECT(kcall(CR_RANGE, OC_RANGE_SET_BANK, 2, OID_MAKE(OT_MAX, 0), 1,
	    0, 0, 0), ERR_BAD_ARG, "set_bank of an OID of no type");
	EXPECT(kcall(CR_RANGE, OC_RANGE_GET_BANK, 1, OID_MAKE(0x77, 1), 0, 0,
	    0, 0), ERR_BAD_ARG, "get_bank of an OID of no type");
	test_end();

	restart_regs_checked();
}

static void
entries(void)
{
	struct umsg m;

	test_begin("entry_without_recipient");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	EXPECT(ipc_call(CR_NOONE_ENTRY, &m), ERR_NOT_FOUND, "call");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_NOONE_ENTRY, &m), ERR_NOT_FOUND, "send");
	test_end();

	test_begin("entry_to_myself_would_block");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	EXPECT(ipc_send(CR_SELF_ENTRY, &m), ERR_WOULD_BLOCK, "send");
	umsg_init(&m, 1, 0, 0, 0, 0, 0);
	EXPECT(ipc_call(CR_SELF_ENTRY, &m), ERR_WOULD_BLOCK, "call");
	test_end();
}

/* Sends main a message every second, when main is in an open wait. */
static void
waker(void)
{
	struct umsg m;

	for (;;) {
		kcall(1, OC_SLEEP_FOR, 1, 1000000000, 0, 0, 0, 0);
		umsg_init(&m, 0x3a7e, 0, 0, 0, 0, 0);
		(void)ipc_send_nb(0, &m);
	}
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (role == 2)
		waker();
	if (role == 3)
		__builtin_trap();	/* faulty: parked, no handler */
	if (role != 0)
		rt_exit();
	test_plan("caperr", 2 + 6 + 6 + NNEED + 4 + 1 + 2);
	null_caps();
	bad_syscalls();
	restart_needs_a_fault();	/* before target is rescinded */
	rescinded();
	missing_args();
	bad_values();
	rescinded_faulty();
	entries();
	test_done();
}
