/*
 * faults_driver.c - the faults suite's driver: builds a kept GPT K inside
 * the victim's space, then has the victim read, write and execute at
 * mapped, read-only, no-execute, unmapped, badly guarded, kernel and
 * non-canonical addresses and run faulting instructions. Each fault must
 * reach the driver as the exact message of abi/invoke.h: through K's
 * keeper slot (address relative to K, c1 = K) when the walk passed K,
 * else through the victim's handler (absolute address, no GPT cap). The
 * driver then skips the instruction (rax = SKIPPED, rip past it) or maps
 * the missing page and retries it, and restarts the victim.
 * Two probes free K's OID while the victim's fault waits for the driver
 * (and hand it out again as another keeper's GPT): the fault must then go
 * to the handler, never with a cap to whatever K's OID names by then.
 *
 * The victim's space (mkimage: an unguarded root GPT of l2v 44):
 *   root slot 4 --guard(36, 0)--> A (l2v 32)
 *   A slot 0 --guard(24, 0x12)--> B (l2v 20)
 *   B slot 5 --guard(16, 3)--> K (l2v 12, keeper: "kept" endpoint)
 * so K starts at K_BASE below. K's slots: 0 a page, 1 read-only, 2
 * no-execute, 3 read-only code, 4 empty (P4 put there on the fault), 5 a page
 * behind a guard that never matches, 6.. empty, 15 the keeper.
 *
 * The top of the user half, mapped as a keeper could map it:
 *   root slot 7 --guard(36, 0xff)--> C (l2v 32)
 *   C slot 15 --guard(24, 0xff)--> D (l2v 20)
 *   D slot 15 --guard(16, 0xf)--> E (l2v 12)
 * E slot 14 (TOP - 4K): code; E slot 15 (TOP, the last page): `syscall`
 * in its last two bytes. The kernel never maps that page (abi/types.h).
 */
#include <abi/gpt.h>
#include <abi/process.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#include "faults.h"

#define K_BASE		UINT64_C(0x400012530000)
#define GUARD_MISS	UINT64_C(0x400012510000)	/* B slot 5, match 1 */
#define KDIRECT		UINT64_C(0xffff800000000000)	/* kernel RAM map */
#define KTEXT		UINT64_C(0xffffffff80100000)	/* kernel .text */
#define NONCANON	UINT64_C(0x0000800000000000)
#define TOP		UINT64_C(0x00007ffffffff000)	/* the last user page */
#define SPIN_STEPS	UINT64_C(20000000)	/* outlasts timer ticks */

#define FRESH_GPT	UINT64_C(0x100000)	/* OID indices we fabricate */
#define FRESH_PAGE	UINT64_C(0x100000)

#define MS		UINT64_C(1000000)
#define WAIT_MS		3000	/* how long a message may take */

/* x86 page-fault error code bits. */
#define PF_P	0x1
#define PF_W	0x2
#define PF_U	0x4
#define PF_I	0x10

#define REG_RAX		0
#define REG_RSP		7
#define REG_RIP		16
#define REG_RFLAGS	17
#define REG_FS_BASE	18
#define REG_GS_BASE	19

#define CR_C		16	/* the GPTs mapping the top of the user half */
#define CR_D		17
#define CR_E		18

/* What to do after the fault. */
#define FIX_SKIP	1	/* rax = SKIPPED, rip = skip */
#define FIX_MAP		2	/* put P4 in K slot 4, retry */
#define FIX_RETRY	3	/* restart unchanged: the same fault again,
				   then skip */

/* What to change before the probe runs. */
#define PRE_SWAP_P0	1	/* K slot 0: a page holding 0x7777 at 0 */
#define PRE_RESCIND	2	/* rescind that page */
#define PRE_MOVE_K	3	/* K's guard in B: match 4 instead of 3 */
#define PRE_FS_BASE	4	/* the victim's fs_base: victim_buf */
#define PRE_RENEW_K	5	/* K again (a fresh cap) at match 4 in B */

/* What to change while the victim's fault waits for the driver. */
#define HELD_RESCIND_K	1	/* rescind K */
#define HELD_REUSE_K	2	/* rescind K, then reuse its OID as a new
				   kept GPT of another keeper (PAY_OTHER) */

struct probe {
	const char	*name;
	uint8_t		kind;
	uint64_t	addr, value;
	uint32_t	fc;		/* FC_NONE: must not fault */
	uint8_t		to;		/* PAY_KEPT or PAY_HANDLER */
	uint64_t	faddr, ecode, rip;
	uint8_t		fix;
	uint8_t		pre;		/* PRE_*, or 0 */
	uint8_t		held;		/* HELD_*, or 0 */
	uint64_t	skip;		/* rip after FIX_SKIP */
	uint64_t	result;		/* rax the victim reports */
};

#define U(p)	((uint64_t)(uintptr_t)(p))

/* Selectors of the kernel's GDT (kernel/x86_64/gdt.h). */
#define SEL_KDATA	0x10
#define SEL_UDATA	0x1b
#define SEL_TSS		0x28

/* RFLAGS bits. */
#define RF_TF		0x100
#define RF_DF		0x400
#define RF_NT		0x4000
#define RF_AC		0x40000
#define RF_ID		0x200000

static uint64_t code_word;
extern volatile uint8_t victim_buf[];	/* mov $0x4242, %eax; ret */

/* A fresh page cap in dst, word value at byte offset off, restricted. */
static int
fresh_page(unsigned n, uint64_t off, uint64_t value, unsigned restr,
    unsigned dst)
{
	int err;

	err = kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_PAGE, FRESH_PAGE + n), 0, CR_PAGE);
	if (err == 0)
		err = kcall(CR_PAGE, OC_PAGE_WRITE, 2, off, value, 0, 0, 0);
	if (err == 0)
		err = kcall_cap(CR_PAGE, OC_MEM_REDUCE, 1, restr, 0, dst);
	return err;
}

static int
fresh_gpt(unsigned n, unsigned l2v, unsigned flags, unsigned dst)
{
	int err;

	err = kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
	    OID_MAKE(OT_GPT, FRESH_GPT + n), 0, dst);
	if (err == 0)
		err = kcall(dst, OC_GPT_SET_L2V, 2, l2v, flags, 0, 0, 0);
	return err;
}

/* Store the cap in src, guarded (l2g, match) unless l2g is 0. */
static int
store_guarded(unsigned gpt, unsigned slot, unsigned src, unsigned l2g,
    unsigned match)
{
	int err = 0;

	if (l2g != 0) {
		err = kcall_cap(src, OC_MEM_GUARD, 2, l2g, match, CR_PAGE2);
		src = CR_PAGE2;
	}
	if (err == 0)
		err = kcall_give(gpt, OC_GPT_STORE, 1, slot, 0, src);
	return err;
}

#define STEP(x, what) do {						\
	int e_ = (x);							\
	if (e_ != 0) {							\
		test_fail("%s: error %d", (what), e_);			\
		return -1;						\
	}								\
} while (0)

/* Build A, B and K and hang them in the victim's space. */
static int
setup(void)
{
	uint64_t w[MI_WORDS_MAX];

	STEP(kcall(CR_VSPACE, OC_GPT_GET_L2V, 0, 0, 0, 0, 0, w),
	    "victim root l2v");
	TEST_EQ(w[0], 44, "victim root l2v");
	STEP(fresh_gpt(0, 32, 0, CR_A), "A");
	STEP(fresh_gpt(1, 20, 0, CR_B), "B");
	STEP(fresh_gpt(2, 12, GPT_F_KEEPER, CR_K), "K");
	STEP(kcall_give(CR_K, OC_GPT_STORE, 1, GPT_KEEPER_SLOT, 0,
	    CR_KEEPER_ENTRY), "K keeper slot");
	STEP(fresh_page(0, 0, 0x1111, 0, CR_PAGE2), "P0");
	STEP(kcall_give(CR_K, OC_GPT_STORE, 1, 0, 0, CR_PAGE2), "K slot 0");
	STEP(fresh_page(1, 8, 0x2222, CAP_R_RO, CR_PAGE2), "P1");
	STEP(kcall_give(CR_K, OC_GPT_STORE, 1, 1, 0, CR_PAGE2), "K slot 1");
	STEP(fresh_page(2, 16, 0x3333, CAP_R_NX, CR_PAGE2), "P2");
	STEP(kcall_give(CR_K, OC_GPT_STORE, 1, 2, 0, CR_PAGE2), "K slot 2");
	STEP(fresh_page(3, 0, code_word, CAP_R_RO, CR_PAGE2), "P3");
	STEP(kcall_give(CR_K, OC_GPT_STORE, 1, 3, 0, CR_PAGE2), "K slot 3");
	STEP(fresh_page(5, 0, 0x6666, 0, CR_PAGE2), "P5");
	STEP(store_guarded(CR_K, 5, CR_PAGE2, 12, 1), "K slot 5");
	STEP(store_guarded(CR_B, 5, CR_K, 16, 3), "K into B");
	STEP(store_guarded(CR_A, 0, CR_B, 24, 0x12), "B into A");
	STEP(store_guarded(CR_VSPACE, 4, CR_A, 36, 0), "A into root");

	STEP(fresh_gpt(3, 32, 0, CR_C), "C");
	STEP(fresh_gpt(4, 20, 0, CR_D), "D");
	STEP(fresh_gpt(5, 12, 0, CR_E), "E");
	STEP(fresh_page(8, 0, code_word, CAP_R_RO, CR_PAGE2), "P8");
	STEP(kcall_give(CR_E, OC_GPT_STORE, 1, 14, 0, CR_PAGE2), "E slot 14");
	STEP(fresh_page(9, PAGE_SIZE - 8, UINT64_C(0x050f) << 48, CAP_R_RO,
	    CR_PAGE2), "P9");
	STEP(kcall_give(CR_E, OC_GPT_STORE, 1, 15, 0, CR_PAGE2), "E slot 15");
	STEP(store_guarded(CR_D, 15, CR_E, 16, 0xf), "E into D");
	STEP(store_guarded(CR_C, 15, CR_D, 24, 0xff), "D into C");
	STEP(store_guarded(CR_VSPACE, 7, CR_C, 36, 0xff), "C into root");
	return 0;
}

/* Wait up to WAIT_MS for a message; 0, or ERR_WOULD_BLOCK on timeout. */
static int
recv_wait(struct umsg *m)
{
	for (unsigned i = 0; i < WAIT_MS; i++) {
		int err;

		umsg_init(m, 0, 0, 0, 0, 0, 0);
		m->rcv = CR_WITH_REPLY(CR_LIST(CR_MSG_C0, CR_MSG_C1,
		    CR_DISCARD, CR_DISCARD), CR_REPLY);
		err = ipc_recv_nb(m);
		if (err != ERR_WOULD_BLOCK)
			return err;
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, MS, 0, 0, 0, 0);
	}
	return ERR_WOULD_BLOCK;
}

/* Check a fault message against p; the caps are in CR_MSG_C0/C1. */
static void
check_fault(const struct probe *p, const struct umsg *m)
{
	uint64_t w[MI_WORDS_MAX];

	TEST_EQ(m->payload, p->to, "delivered to (payload)");
	TEST_EQ(MI_NWORDS(m->info), 4, "words");
	TEST_EQ(m->w[0], p->fc, "fault code");
	TEST_EQ(m->w[1], p->faddr, "address");
	TEST_EQ(m->w[2], p->ecode, "error code");
	TEST_EQ(m->w[3], p->rip, "rip");
	TEST_EQ(MI_NCAPS(m->info), 2, "caps");
	TEST_EQ(cap_classify(CR_DISCRIM, CR_MSG_C0, w, 0), 0, "classify c0");
	TEST_EQ(w[0], CT_RESTART, "c0 type");
	TEST_EQ(cap_classify(CR_DISCRIM, CR_MSG_C1, w, 0), 0, "classify c1");
	if (p->to == PAY_HANDLER) {
		TEST_EQ(w[0], CT_NULL, "c1 type (handler)");
	} else {
		TEST_EQ(w[0], CT_GPT, "c1 type (keeper)");
		TEST_EQ(cap_same(CR_DISCRIM, CR_MSG_C1, CR_K, w), 0, "same");
		TEST_EQ(w[0], 1, "c1 is K");
	}
}

/* Poll the run state of process cr until it is want (or WAIT_MS pass). */
static int
proc_state(unsigned cr, uint64_t want, uint64_t *w)
{
	for (unsigned i = 0; i < WAIT_MS; i++) {
		if (kcall(cr, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w) != 0)
			return -1;
		if (w[0] == want)
			return 0;
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, MS, 0, 0, 0, 0);
	}
	return -1;
}

/* Change K (or its place) before a probe. */
static int
pre(unsigned what)
{
	int err;

	switch (what) {
	case PRE_SWAP_P0:
		err = fresh_page(7, 0, 0x7777, 0, CR_PAGE2);
		return err ? err : kcall_give(CR_K, OC_GPT_STORE, 1, 0, 0,
		    CR_PAGE2);
	case PRE_RESCIND:
		return kcall(CR_RANGE, OC_RANGE_RESCIND, 1,
		    OID_MAKE(OT_PAGE, FRESH_PAGE + 7), 0, 0, 0, 0);
	case PRE_MOVE_K:
		return store_guarded(CR_B, 5, CR_K, 16, 4);
	case PRE_FS_BASE:
		return kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_FS_BASE,
		    U(victim_buf), 0, 0, 0);
	case PRE_RENEW_K:
		err = kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
		    OID_MAKE(OT_GPT, FRESH_GPT + 2), 0, CR_K);
		return err ? err : store_guarded(CR_B, 5, CR_K, 16, 4);
	default:
		return ERR_BAD_ARG;
	}
}

/*
 * The victim has faulted in K, and its fault waits (stalled) until the
 * driver next receives: free K's OID meanwhile, as a bank does when K's
 * owner gives it back, and with HELD_REUSE_K hand the OID out again as
 * the kept GPT of another keeper. The fault must then not reach either
 * keeper with a cap to what now lives at K's OID: it goes to the
 * handler (docs/kernel.md "Faults").
 */
static int
held(unsigned what)
{
	uint64_t w[MI_WORDS_MAX];
	int err;

	if (proc_state(CR_VICTIM, PS_FAULTED, w) != 0)
		return ERR_WOULD_BLOCK;
	err = kcall(CR_RANGE, OC_RANGE_RESCIND, 1, OID_MAKE(OT_GPT,
	    FRESH_GPT + 2), 0, 0, 0, 0);
	if (err != 0 || what == HELD_RESCIND_K)
		return err;
	err = fresh_gpt(2, 12, GPT_F_KEEPER, CR_K);
	return err ? err : kcall_give(CR_K, OC_GPT_STORE, 1, GPT_KEEPER_SLOT,
	    0, CR_OTHER_ENTRY);
}

/* Repair after a fault and restart the victim. */
static void
fix(const struct probe *p)
{
	int err;

	if (p->fix == FIX_MAP) {
		err = fresh_page(4, 8, 0x5556, 0, CR_PAGE2);
		if (err == 0)
			err = kcall_give(CR_K, OC_GPT_STORE, 1, 4, 0,
			    CR_PAGE2);
		if (err != 0)
			test_fail("mapping the page: error %d", err);
	} else {
		/* rip first: registers are checked as a whole, and after an
		 * instruction fetch from the kernel's half rip is not one a
		 * process may hold. RFLAGS as a C caller expects them (a
		 * probe may have set TF, DF or AC). */
		err = kcall(CR_VICTIM, OC_PROC_SET_REGS, 3, REG_RIP, p->skip,
		    RFLAGS_USER_DEFAULT, 0, 0);
		if (err == 0)
			err = kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_RAX,
			    SKIPPED, 0, 0, 0);
		if (err != 0)
			test_fail("moving the victim on: error %d", err);
	}
	err = kcall(CR_MSG_C0, OC_RESTART_RESUME, 0, 0, 0, 0, 0, 0);
	if (err != 0)
		test_fail("restart: error %d", err);
}

/* Run one probe; returns 0 if the victim is still answering. */
static int
run_probe(const struct probe *p)
{
	struct umsg m;
	int err;

	test_begin("%s", p->name);
	if (p->pre != 0 && (err = pre(p->pre)) != 0)
		test_fail("changing the space first: error %d", err);
	umsg_init(&m, 0, 3, p->kind, p->addr, p->value, 0);
	err = ipc_reply(CR_REPLY, &m);
	if (err != 0) {
		test_fail("reply to the victim: error %d", err);
		test_end();
		return -1;
	}
	if (p->held != 0 && (err = held(p->held)) != 0)
		test_fail("changing K while the fault waits: error %d", err);
	if ((err = recv_wait(&m)) != 0) {
		test_fail("no message from the victim: error %d", err);
		test_end();
		return -1;
	}
	if (p->fc != FC_NONE) {
		if (MI_OPCODE(m.info) != OC_FAULT) {
			test_fail("no fault: opcode %#x payload %lu result "
			    "%#lx", MI_OPCODE(m.info),
			    (unsigned long)m.payload, (unsigned long)m.w[0]);
			test_end();
			return m.payload == PAY_CTL ? 0 : -1;
		}
		check_fault(p, &m);
		if (p->fix == FIX_RETRY) {
			err = kcall(CR_MSG_C0, OC_RESTART_RESUME, 0, 0, 0, 0,
			    0, 0);
			if (err == 0)
				err = recv_wait(&m);
			if (err != 0 || MI_OPCODE(m.info) != OC_FAULT)
				test_fail("no second fault after an unchanged "
				    "restart: error %d opcode %#x", err,
				    MI_OPCODE(m.info));
			else
				check_fault(p, &m);
		}
		fix(p);
		if ((err = recv_wait(&m)) != 0) {
			test_fail("victim silent after restart: error %d", err);
			test_end();
			return -1;
		}
	}
	if (MI_OPCODE(m.info) != OP_NEXT || m.payload != PAY_CTL) {
		test_fail("unexpected message: opcode %#x payload %lu w0 %#lx "
		    "w1 %#lx", MI_OPCODE(m.info), (unsigned long)m.payload,
		    (unsigned long)m.w[0], (unsigned long)m.w[1]);
		test_end();
		return -1;
	}
	TEST_EQ(m.w[0], p->result, "result");
	test_end();
	return 0;
}

#define NPROBES		64
static struct probe probes[NPROBES];
static unsigned nprobes;

static void
ok(const char *name, uint8_t kind, uint64_t addr, uint64_t value,
    uint64_t result)
{
	struct probe *p = &probes[nprobes++];

	*p = (struct probe){ .name = name, .kind = kind, .addr = addr,
	    .value = value, .fc = FC_NONE, .result = result };
}

/* A probe that must fault with (fc, faddr, ecode, rip) delivered to to. */
static void
bad(const char *name, uint8_t kind, uint64_t addr, uint32_t fc, uint8_t to,
    uint64_t faddr, uint64_t ecode, uint64_t rip, uint64_t skip)
{
	struct probe *p = &probes[nprobes++];

	*p = (struct probe){ .name = name, .kind = kind, .addr = addr,
	    .value = 0x77, .fc = fc, .to = to, .faddr = faddr,
	    .ecode = ecode, .rip = rip, .fix = FIX_SKIP, .skip = skip,
	    .result = SKIPPED };
}

/*
 * The return to ring 3 with state a process can create: code at the top
 * of the user half, a RIP that is not canonical, RSP anywhere (returned
 * by sysretq, and by iretq after timer interrupts), segment selectors,
 * RFLAGS bits, an x87 exception, FS base, a gate ring 3 may not use.
 * Each ends in its exact fault message or runs; none stops the kernel.
 * (MXCSR reserved bits and SSE exceptions are left out: QEMU's TCG
 * raises neither #GP on ldmxcsr nor #XM.)
 */
static void
return_probes(void)
{
	const uint64_t segs = U(probe_seg_skip);

	ok("top_second_last_page_runs", PK_EXEC, TOP - PAGE_SIZE, 0, 0x4242);
	bad("top_last_page_never_mapped", PK_READ, TOP, FC_NO_MAPPING,
	    PAY_HANDLER, TOP, PF_U, U(probe_read_insn), U(probe_read_skip));
	bad("top_syscall_in_last_two_bytes", PK_EXEC, TOP + PAGE_SIZE - 2,
	    FC_NO_MAPPING, PAY_HANDLER, TOP + PAGE_SIZE - 2, PF_U | PF_I,
	    TOP + PAGE_SIZE - 2, U(probe_ret));
	bad("noncanonical_exec_restarted_unchanged", PK_EXEC, NONCANON, FC_GP,
	    PAY_HANDLER, 0, 0, NONCANON, U(probe_ret));
	probes[nprobes - 1].fix = FIX_RETRY;
	bad("rsp_noncanonical_sysret", PK_RSP_SYSCALL, NONCANON + 16, FC_GP,
	    PAY_HANDLER, 0, 0, U(probe_rsp_syscall_insn), U(probe_rsp_skip));
	bad("rsp_kernel_sysret", PK_RSP_SYSCALL, KDIRECT + PAGE_SIZE,
	    FC_NO_MAPPING, PAY_HANDLER, KDIRECT + PAGE_SIZE - 8,
	    PF_P | PF_W | PF_U, U(probe_rsp_syscall_insn), U(probe_rsp_skip));
	bad("rsp_noncanonical_iret", PK_RSP_SPIN, NONCANON + 16, FC_GP,
	    PAY_HANDLER, 0, 0, U(probe_rsp_spin_insn), U(probe_rsp_skip));
	probes[nprobes - 1].value = SPIN_STEPS;
	ok("ds_user_data", PK_DS, SEL_UDATA, 0, ERR_BAD_CAP);
	ok("ds_null", PK_DS, 0, 0, ERR_BAD_CAP);
	bad("ds_kernel_data", PK_DS, SEL_KDATA, FC_GP, PAY_HANDLER, 0,
	    SEL_KDATA, U(probe_ds_insn), segs);
	bad("ds_kernel_data_rpl3", PK_DS, SEL_KDATA | 3, FC_GP, PAY_HANDLER,
	    0, SEL_KDATA, U(probe_ds_insn), segs);
	bad("ds_tss", PK_DS, SEL_TSS, FC_GP, PAY_HANDLER, 0, SEL_TSS,
	    U(probe_ds_insn), segs);
	bad("ds_beyond_gdt", PK_DS, 0xfffb, FC_GP, PAY_HANDLER, 0, 0xfff8,
	    U(probe_ds_insn), segs);
	ok("ss_user_data", PK_SS, SEL_UDATA, 0, ERR_BAD_CAP);
	bad("ss_null", PK_SS, 0, FC_GP, PAY_HANDLER, 0, 0, U(probe_ss_insn),
	    segs);
	bad("ss_kernel_data", PK_SS, SEL_KDATA, FC_GP, PAY_HANDLER, 0,
	    SEL_KDATA, U(probe_ss_insn), segs);
	ok("fs_null", PK_FS, 0, 0, ERR_BAD_CAP);
	ok("fs_base_set_by_process_cap", PK_FS_READ, 0, 0, 0xc3c3);
	probes[nprobes - 1].pre = PRE_FS_BASE;
	/* Ring 3's popf cannot set IOPL; NT is dropped on the way back. */
	ok("rflags_iopl_nt_ac_df_id", PK_POPF, RFLAGS_USER_DEFAULT | 0x3000 |
	    RF_NT | RF_AC | RF_DF | RF_ID, 0,
	    RFLAGS_USER_DEFAULT | RF_AC | RF_DF | RF_ID);
	bad("rflags_tf_syscall", PK_TF_SYSCALL, RFLAGS_USER_DEFAULT | RF_TF,
	    FC_BREAKPOINT, PAY_HANDLER, 0, 0, U(probe_tf_after),
	    U(probe_tf_after));
	bad("x87_unmasked_divide", PK_X87_DIV0, 0, FC_FPU, PAY_HANDLER, 0, 0,
	    U(probe_x87_insn), U(probe_x87_skip));
	/* The error code names the IDT entry; QEMU's TCG reports vector
	   * 16 + 2 where hardware reports vector * 8 + 2. */
	bad("int_on_timer_vector", PK_INT_IRQ, 0, FC_GP, PAY_HANDLER, 0,
	    0x20 * 16 + 2, U(probe_int_irq_insn), U(probe_int_irq_skip));
}

/*
 * Registers the PROCESS cap refuses: every one of them would need a
 * fault in ring 0 (or a process in ring 0) to run. Nothing changes.
 */
static void
set_regs_tests(void)
{
	static const struct {
		unsigned	reg;
		uint64_t	value;
	} refused[] = {
		{ REG_RIP, NONCANON }, { REG_RIP, KTEXT }, { REG_RIP, TOP << 1 },
		{ REG_FS_BASE, NONCANON }, { REG_FS_BASE, KDIRECT },
		{ REG_GS_BASE, NONCANON }, { REG_GS_BASE, KTEXT },
		{ REG_RFLAGS, RFLAGS_USER_DEFAULT | 0x3000 },
		{ REG_RFLAGS, RFLAGS_USER_DEFAULT | RF_NT },
		{ REG_RFLAGS, 0x2 }, { REG_RFLAGS, RFLAGS_IF },
		{ REG_RFLAGS, RFLAGS_USER_DEFAULT | (UINT64_C(1) << 17) },
	};
	uint64_t before[MI_WORDS_MAX], after[MI_WORDS_MAX];

	test_begin("set_regs_refuses_what_ring3_cannot_hold");
	TEST_EQ(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_RIP, 0, 0, 0,
	    before), 0, "get regs");
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		TEST_EQ(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, refused[i].reg,
		    refused[i].value, 0, 0, 0), ERR_BAD_ARG, "refused");
	TEST_EQ(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_RIP, 0, 0, 0,
	    after), 0, "get regs");
	for (unsigned i = 0; i < MI_WORDS_MAX; i++)
		TEST_EQ(after[i], before[i], "rip..gs_base unchanged");
	/* RSP is anything ring 3 could load itself. */
	TEST_EQ(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_RSP, 0, 0, 0,
	    before), 0, "get rsp");
	TEST_EQ(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_RSP, NONCANON, 0,
	    0, 0), 0, "rsp not canonical accepted");
	TEST_EQ(kcall(CR_VICTIM, OC_PROC_GET_REGS, 1, REG_RSP, 0, 0, 0,
	    after), 0, "get rsp");
	TEST_EQ(after[0], NONCANON, "rsp as set");
	TEST_EQ(kcall(CR_VICTIM, OC_PROC_SET_REGS, 2, REG_RSP, before[0], 0,
	    0, 0), 0, "rsp back");
	test_end();
}

static void
make_probes(void)
{
	const uint64_t k = K_BASE, rd = U(probe_read_insn);
	const uint64_t wr = U(probe_write_insn), ret = U(probe_ret);
	const uint64_t rds = U(probe_read_skip), wrs = U(probe_write_skip);

	ok("kept_read", PK_READ, k, 0, 0x1111);
	ok("kept_write", PK_WRITE, k + 8, 0xabcdef, 0);
	ok("kept_read_written", PK_READ, k + 8, 0, 0xabcdef);
	ok("kept_read_ro", PK_READ, k + 0x1008, 0, 0x2222);
	bad("kept_write_ro", PK_WRITE, k + 0x1008, FC_WRITE_RO, PAY_KEPT,
	    0x1008, PF_P | PF_W | PF_U, wr, wrs);
	ok("kept_read_ro_unchanged", PK_READ, k + 0x1008, 0, 0x2222);
	ok("kept_read_nx", PK_READ, k + 0x2010, 0, 0x3333);
	bad("kept_exec_nx", PK_EXEC, k + 0x2000, FC_EXEC_NX, PAY_KEPT,
	    0x2000, PF_P | PF_U | PF_I, k + 0x2000, ret);
	ok("kept_exec_code", PK_EXEC, k + 0x3000, 0, 0x4242);
	bad("kept_write_code", PK_WRITE, k + 0x3000, FC_WRITE_RO, PAY_KEPT,
	    0x3000, PF_P | PF_W | PF_U, wr, wrs);
	bad("kept_read_unmapped_then_mapped", PK_READ, k + 0x4008,
	    FC_NO_MAPPING, PAY_KEPT, 0x4008, PF_U, rd, 0);
	probes[nprobes - 1].fix = FIX_MAP;
	probes[nprobes - 1].result = 0x5556;
	bad("kept_write_unmapped", PK_WRITE, k + 0x6008, FC_NO_MAPPING,
	    PAY_KEPT, 0x6008, PF_W | PF_U, wr, wrs);
	bad("kept_exec_unmapped", PK_EXEC, k + 0x7000, FC_NO_MAPPING,
	    PAY_KEPT, 0x7000, PF_U | PF_I, k + 0x7000, ret);
	bad("kept_read_bad_guard", PK_READ, k + 0x5000, FC_GUARD, PAY_KEPT,
	    0x5000, PF_U, rd, rds);
	bad("kept_read_keeper_slot", PK_READ, k + 0xf000, FC_NO_MAPPING,
	    PAY_KEPT, 0xf000, PF_U, rd, rds);
	ok("kept_slot_changed_remaps", PK_READ, k, 0, 0x7777);
	probes[nprobes - 1].pre = PRE_SWAP_P0;
	bad("kept_page_rescinded_unmaps", PK_READ, k, FC_NO_MAPPING,
	    PAY_KEPT, 0, PF_U, rd, rds);
	probes[nprobes - 1].pre = PRE_RESCIND;
	ok("kept_gpt_moved_new_window", PK_READ, k + 0x10000 + 0x1008, 0,
	    0x2222);
	probes[nprobes - 1].pre = PRE_MOVE_K;
	bad("kept_gpt_moved_old_window", PK_READ, k + 0x1008, FC_GUARD,
	    PAY_HANDLER, k + 0x1008, PF_U, rd, rds);
	bad("handler_guard_miss", PK_READ, GUARD_MISS, FC_GUARD, PAY_HANDLER,
	    GUARD_MISS, PF_U, rd, rds);
	bad("handler_read_unmapped", PK_READ, ORPHAN_ADDR, FC_NO_MAPPING,
	    PAY_HANDLER, ORPHAN_ADDR, PF_U, rd, rds);
	bad("handler_write_text", PK_WRITE, U(probe_read), FC_WRITE_RO,
	    PAY_HANDLER, U(probe_read), PF_P | PF_W | PF_U, wr, wrs);
	bad("handler_exec_data", PK_EXEC, U(victim_buf), FC_EXEC_NX,
	    PAY_HANDLER, U(victim_buf), PF_P | PF_U | PF_I, U(victim_buf),
	    ret);
	bad("kernel_read", PK_READ, KDIRECT, FC_NO_MAPPING, PAY_HANDLER,
	    KDIRECT, PF_P | PF_U, rd, rds);
	bad("kernel_write", PK_WRITE, KDIRECT, FC_NO_MAPPING, PAY_HANDLER,
	    KDIRECT, PF_P | PF_W | PF_U, wr, wrs);
	bad("kernel_exec", PK_EXEC, KTEXT, FC_NO_MAPPING, PAY_HANDLER,
	    KTEXT, PF_P | PF_U | PF_I, KTEXT, ret);
	bad("kernel_exec_restarted_unchanged", PK_EXEC, KTEXT, FC_NO_MAPPING,
	    PAY_HANDLER, KTEXT, PF_P | PF_U | PF_I, KTEXT, ret);
	probes[nprobes - 1].fix = FIX_RETRY;
	bad("noncanonical_read", PK_READ, NONCANON, FC_GP, PAY_HANDLER, 0,
	    0, rd, rds);
	bad("ud2", PK_UD, 0, FC_UD, PAY_HANDLER, 0, 0, U(probe_ud_insn),
	    U(probe_ud_skip));
	bad("divide_by_zero", PK_DIV, 0, FC_DIV, PAY_HANDLER, 0, 0,
	    U(probe_div_insn), U(probe_div_skip));
	bad("int3", PK_INT3, 0, FC_BREAKPOINT, PAY_HANDLER, 0, 0,
	    U(probe_int3_skip), U(probe_int3_skip));
	bad("hlt_privileged", PK_HLT, 0, FC_GP, PAY_HANDLER, 0, 0,
	    U(probe_hlt_insn), U(probe_hlt_skip));
	return_probes();
	/* Last: they leave a dead K in B, where handler_guard_miss and
	 * the probes through K need a live one. */
	bad("kept_gpt_rescinded_while_fault_waits", PK_READ, k + 0x16008,
	    FC_NO_MAPPING, PAY_HANDLER, k + 0x16008, PF_U, rd, rds);
	probes[nprobes - 1].held = HELD_RESCIND_K;
	bad("kept_gpt_reused_while_fault_waits", PK_READ, k + 0x16008,
	    FC_NO_MAPPING, PAY_HANDLER, k + 0x16008, PF_U, rd, rds);
	probes[nprobes - 1].pre = PRE_RENEW_K;
	probes[nprobes - 1].held = HELD_REUSE_K;
}

/*
 * The orphan has neither keeper nor handler: its fault parks it
 * (PS_FAULTED, with the fault code and address); a process cap can then
 * move it past the fault and resume it. Nothing is printed while it
 * runs, so the kernel's one-line report cannot cut into a test line.
 */
static void
orphan_tests(void)
{
	uint64_t w[MI_WORDS_MAX], park[MI_WORDS_MAX], rip[MI_WORDS_MAX];
	int e0, e1, e2, e3 = -1;

	e0 = kcall(CR_ORPHAN, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0);
	e1 = proc_state(CR_ORPHAN, PS_FAULTED, park);
	e2 = kcall(CR_ORPHAN, OC_PROC_GET_REGS, 1, REG_RIP, 0, 0, 0, rip);
	if (e1 == 0 && kcall(CR_ORPHAN, OC_PROC_SET_REGS, 2, REG_RIP,
	    U(probe_read_skip), 0, 0, 0) == 0 &&
	    kcall(CR_ORPHAN, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0) == 0)
		e3 = proc_state(CR_ORPHAN, PS_RECEIVING, w);

	test_begin("orphan_parked");
	TEST_EQ(e0, 0, "resume");
	TEST_EQ(e1, 0, "reached PS_FAULTED");
	TEST_EQ(park[1], FC_NO_MAPPING, "fault code");
	TEST_EQ(park[2], ORPHAN_ADDR, "fault address");
	TEST_EQ(e2, 0, "get rip");
	TEST_EQ(rip[0], U(probe_read_insn), "parked at the read");
	test_end();
	test_begin("orphan_resumed_past_fault");
	TEST_EQ(e3, 0, "reached PS_RECEIVING (rt_exit)");
	test_end();
}

void
faults_driver(void)
{
	struct umsg m;
	int err;

	code_word = 0xb8 | (uint64_t)0x4242 << 8 | (uint64_t)0xc3 << 40;
	make_probes();
	test_plan("faults", 1 + 2 + 1 + nprobes);
	orphan_tests();
	set_regs_tests();

	test_begin("setup_kept_gpt");
	setup();
	/* The victim's first call: its answer starts the first probe. */
	if ((err = recv_wait(&m)) != 0 || MI_OPCODE(m.info) != OP_NEXT)
		test_fail("victim's first call: error %d opcode %#x", err,
		    MI_OPCODE(m.info));
	if (!test_end()) {
		for (unsigned i = 0; i < nprobes; i++) {
			test_begin("%s", probes[i].name);
			test_fail("not run: setup failed");
			test_end();
		}
		test_done();
		return;
	}
	for (unsigned i = 0; i < nprobes; i++) {
		if (run_probe(&probes[i]) == 0)
			continue;
		while (++i < nprobes) {
			test_begin("%s", probes[i].name);
			test_fail("not run: the victim stopped answering");
			test_end();
		}
	}
	test_done();
}
