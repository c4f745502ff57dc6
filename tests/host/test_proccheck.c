/*
 * test_proccheck.c - host tests of lib/proccheck.c, the process and run
 * list rules the kernel and mkimage verify share: each rule accepts the
 * values at its edge and refuses the first value past it, and a stored
 * process mkimage would write passes everything.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <lib/proccheck.h>

#include "check.h"

#define IDX(f)	(offsetof(struct proc_regs, f) / 8)
#define P(i)	OID_MAKE(OT_PROCESS, i)
#define EP(i)	OID_MAKE(OT_ENDPOINT, i)

/* A process as mkimage writes it: running, defaults everywhere. */
static void
good_process(struct obj_process *p)
{
	memset(p, 0, sizeof(*p));
	p->hdr.oid = P(3);
	p->run_state = PS_RUNNING;
	p->regs.rip = 0x401000;
	p->regs.rsp = 0x7ffffffff000;
	p->regs.rflags = RFLAGS_USER_DEFAULT;
	p->fxsave[FXSAVE_FCW_OFFSET] = FCW_DEFAULT & 0xff;
	p->fxsave[FXSAVE_FCW_OFFSET + 1] = FCW_DEFAULT >> 8;
	p->fxsave[FXSAVE_MXCSR_OFFSET] = MXCSR_DEFAULT & 0xff;
	p->fxsave[FXSAVE_MXCSR_OFFSET + 1] = MXCSR_DEFAULT >> 8;
}

static void
test_addresses(void)
{
	static const unsigned regs[] = { IDX(rip), IDX(fs_base),
	    IDX(gs_base) };

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		unsigned r = regs[i];

		CHECK_MSG(proc_reg_problem(r, 0) == NULL, "%s 0",
		    proc_reg_name(r));
		CHECK(proc_reg_problem(r, USER_VA_END - 1) == NULL);
		CHECK(proc_reg_problem(r, USER_VA_END) != NULL);
		CHECK(proc_reg_problem(r, 0x0000900000000000) != NULL);
		CHECK(proc_reg_problem(r, 0xffff800000000000) != NULL);
		CHECK(proc_reg_problem(r, UINT64_MAX) != NULL);
	}
	CHECK(strcmp(proc_reg_problem(IDX(rip), USER_VA_END),
	    "is not a canonical user-half address") == 0);
	/* Every other register takes any value. */
	CHECK(proc_reg_problem(IDX(rax), UINT64_MAX) == NULL);
	CHECK(proc_reg_problem(IDX(r15), USER_VA_END) == NULL);
	CHECK(proc_reg_problem(IDX(rsp), UINT64_MAX) == NULL);
	CHECK(proc_user_addr(USER_VA_END - 1) && !proc_user_addr(USER_VA_END));
}

static void
test_rflags(void)
{
	unsigned f = IDX(rflags);

	CHECK(proc_reg_problem(f, RFLAGS_USER_DEFAULT) == NULL);
	CHECK(proc_reg_problem(f, RFLAGS_USER_DEFAULT | RFLAGS_USER_MASK) ==
	    NULL);
	CHECK(proc_reg_problem(f, 0x2) != NULL);		/* IF clear */
	CHECK(proc_reg_problem(f, RFLAGS_IF) != NULL);	/* bit 1 clear */
	CHECK(proc_reg_problem(f, RFLAGS_USER_DEFAULT | RFLAGS_IOPL) != NULL);
	CHECK(proc_reg_problem(f, RFLAGS_USER_DEFAULT | 0x4000) != NULL);
	CHECK(proc_reg_problem(f, RFLAGS_USER_DEFAULT | 0x20000) != NULL);
	for (unsigned b = 0; b < 64; b++) {
		uint64_t bit = UINT64_C(1) << b;
		int ok = ((RFLAGS_USER_MASK | RFLAGS_USER_DEFAULT) & bit) != 0;

		CHECK_MSG((proc_reg_problem(f, RFLAGS_USER_DEFAULT | bit) ==
		    NULL) == ok, "rflags bit %u", b);
	}
}

static void
test_names_and_indexes(void)
{
	CHECK(PROC_NREGS == 20);
	CHECK(strcmp(proc_reg_name(0), "rax") == 0);
	CHECK(strcmp(proc_reg_name(IDX(rip)), "rip") == 0);
	CHECK(strcmp(proc_reg_name(IDX(gs_base)), "gs_base") == 0);
	CHECK(strcmp(proc_reg_name(PROC_NREGS), "?") == 0);
	CHECK(proc_reg_problem(PROC_NREGS, 0) != NULL);
	CHECK(proc_reg_problem(UINT32_MAX, 0) != NULL);
}

static void
test_regs_first_bad(void)
{
	struct obj_process p;
	unsigned bad = 99;

	good_process(&p);
	CHECK(proc_regs_problem(&p.regs, &bad) == NULL && bad == 99);
	p.regs.gs_base = USER_VA_END;
	p.regs.fs_base = 0x8000000000000000;
	CHECK(proc_regs_problem(&p.regs, &bad) != NULL &&
	    bad == IDX(fs_base));
	p.regs.rip = 0x0000800000000000;
	CHECK(proc_regs_problem(&p.regs, &bad) != NULL && bad == IDX(rip));
}

static void
test_state(void)
{
	struct obj_process p;

	good_process(&p);
	CHECK(proc_state_problem(&p) == NULL);
	p.run_state = PS_MAX;
	CHECK(proc_state_problem(&p) != NULL);
	good_process(&p);
	p.fault_code = FC_MAX;
	CHECK(proc_state_problem(&p) != NULL);
	p.fault_code = FC_MAX - 1;		/* a stale code is allowed */
	CHECK(proc_state_problem(&p) == NULL);
	good_process(&p);
	p.run_state = PS_FAULTED;
	CHECK(strcmp(proc_state_problem(&p), "faulted without a fault code")
	    == 0);
	p.fault_code = FC_GP;
	CHECK(proc_state_problem(&p) == NULL);
	good_process(&p);
	p.reserved0[1] = 1;
	CHECK(proc_state_problem(&p) != NULL);
	good_process(&p);
	p.reply_seq = UINT64_MAX;	/* any sequence: the kernel's count */
	CHECK(proc_state_problem(&p) == NULL);
}

static void
test_mxcsr(void)
{
	struct obj_process p;

	good_process(&p);
	memset(p.fxsave, 0, sizeof(p.fxsave));	/* fresh: reset on load */
	CHECK(proc_state_problem(&p) == NULL);
	/* Every defined bit, DAZ too. */
	p.fxsave[FXSAVE_MXCSR_OFFSET] = 0xff;
	p.fxsave[FXSAVE_MXCSR_OFFSET + 1] = 0xff;
	CHECK(proc_state_problem(&p) == NULL);
	for (unsigned b = 16; b < 32; b++) {
		uint32_t m = MXCSR_DEFAULT | UINT32_C(1) << b;

		memcpy(p.fxsave + FXSAVE_MXCSR_OFFSET, &m, 4);
		CHECK_MSG(proc_state_problem(&p) != NULL, "MXCSR bit %u", b);
	}
	CHECK(strcmp(proc_state_problem(&p), "MXCSR sets reserved bits") == 0);
	/* The MXCSR_MASK field beside it is the CPU's, not checked. */
	good_process(&p);
	memset(p.fxsave + 28, 0xff, 4);
	CHECK(proc_state_problem(&p) == NULL);
}

static void
test_wait_oid(void)
{
	static const struct {
		uint8_t	state;
		uint8_t	wait;
		oid_t	oid;
		int	ok;
	} cases[] = {
		{ PS_RUNNING, PW_NONE, 0, 1 },
		{ PS_RUNNING, PW_NONE, EP(1), 0 },
		{ PS_RUNNING, PW_OPEN, 0, 0 },
		{ PS_STOPPED, PW_NONE, 0, 1 },
		{ PS_STOPPED, PW_NONE, P(3), 0 },
		{ PS_STOPPED, PW_SLEEP, 0, 0 },
		{ PS_RECEIVING, PW_OPEN, 0, 1 },	/* open wait */
		{ PS_RECEIVING, PW_OPEN, P(3), 0 },
		{ PS_RECEIVING, PW_NONE, 0, 0 },
		{ PS_RECEIVING, PW_REPLY, P(3), 1 },	/* closed: itself */
		{ PS_RECEIVING, PW_SLEEP, P(3), 1 },
		{ PS_RECEIVING, PW_CKPT, P(3), 1 },
		{ PS_RECEIVING, PW_REPLY, 0, 0 },
		{ PS_RECEIVING, PW_SEND, P(3), 0 },
		{ PS_RECEIVING, PW_REPLY, P(4), 0 },
		{ PS_RECEIVING, PW_SLEEP, EP(1), 0 },
		{ PS_SENDING, PW_SEND, EP(1), 1 },
		{ PS_SENDING, PW_SEND, 0, 0 },
		{ PS_SENDING, PW_SEND, P(3), 0 },
		{ PS_SENDING, PW_OPEN, EP(1), 0 },
		{ PS_FAULTED, PW_NONE, 0, 1 },		/* parked */
		{ PS_FAULTED, PW_FAULT, 0, 1 },		/* delivered */
		{ PS_FAULTED, PW_FAULT_STALL, EP(7), 1 },
		{ PS_FAULTED, PW_FAULT_STALL, 0, 0 },
		{ PS_FAULTED, PW_FAULT, EP(7), 0 },
		{ PS_FAULTED, PW_REPLY, 0, 0 },
		{ PS_FAULTED, PW_NONE, P(3), 0 },
		{ PS_RUNNING, PW_MAX, 0, 0 },
	};
	struct obj_process p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		good_process(&p);
		p.run_state = cases[i].state;
		p.wait = cases[i].wait;
		p.fault_code = cases[i].state == PS_FAULTED ? FC_GP : FC_NONE;
		p.wait_oid = cases[i].oid;
		CHECK_MSG((proc_state_problem(&p) == NULL) == cases[i].ok,
		    "state %u wait %u wait_oid %#llx: %s", cases[i].state,
		    cases[i].wait, (unsigned long long)cases[i].oid,
		    proc_state_problem(&p) ? proc_state_problem(&p) : "ok");
	}
}

/* The restart fields: a wake time only asleep, a kept GPT null or a GPT
   cap. */
static void
test_restart_fields(void)
{
	struct obj_process p;

	good_process(&p);
	p.wake_ns = 5;
	CHECK(strcmp(proc_state_problem(&p), "a wake time, but not asleep") ==
	    0);
	p.run_state = PS_RECEIVING;
	p.wait = PW_SLEEP;
	p.wait_oid = p.hdr.oid;
	CHECK(proc_state_problem(&p) == NULL);
	p.wake_ns = 0;			/* the clock's first instant */
	CHECK(proc_state_problem(&p) == NULL);
	good_process(&p);
	p.fault_gpt.type = CT_GPT;
	p.fault_gpt.oid = OID_MAKE(OT_GPT, 2);
	p.fault_gpt.alloc_count = 7;	/* any count: checked at delivery */
	p.fault_err = UINT64_MAX;	/* any error code, any address */
	p.fault_kept_addr = UINT64_MAX;
	CHECK(proc_state_problem(&p) == NULL);
	p.fault_gpt.oid = EP(2);	/* a GPT cap naming an endpoint */
	CHECK(strcmp(proc_state_problem(&p), "its fault's kept GPT cap is "
	    "not in canonical form") == 0);
	p.fault_gpt.type = CT_ENTRY;	/* a good cap, but not to a GPT */
	CHECK(strcmp(proc_state_problem(&p), "its fault's kept GPT cap is "
	    "not a GPT cap") == 0);
	memset(&p.fault_gpt, 0, sizeof(p.fault_gpt));
	p.fault_gpt.oid = OID_MAKE(OT_GPT, 2);	/* null, but not all zero */
	CHECK(proc_state_problem(&p) != NULL);
}

static void
test_runlist(void)
{
	static oid_t list[PROC_RUNLIST_MAX + 1];
	oid_t l[] = { P(0), P(5), P(0), EP(1), P(9) };

	CHECK(proc_runlist_problem(l, 0, 1) == NULL);
	CHECK(proc_runlist_problem(l, 1, 1) == NULL);
	CHECK(strcmp(proc_runlist_problem(l, 2, 1), "listed twice") == 0);
	CHECK(strcmp(proc_runlist_problem(l, 3, 1), "not a process OID") ==
	    0);
	CHECK(strcmp(proc_runlist_problem(l, 4, 0), "not stored") == 0);
	/* A duplicate is refused whether stored or not; the first stays. */
	CHECK(strcmp(proc_runlist_problem(l, 2, 0), "listed twice") == 0);
	CHECK(strcmp(proc_runlist_problem(l, 0, 0), "not stored") == 0);
	for (size_t i = 0; i <= PROC_RUNLIST_MAX; i++)
		list[i] = P(i);
	CHECK(proc_runlist_problem(list, PROC_RUNLIST_MAX - 1, 1) == NULL);
	CHECK(proc_runlist_problem(list, PROC_RUNLIST_MAX, 1) != NULL);
	list[PROC_RUNLIST_MAX - 1] = P(0);
	CHECK(proc_runlist_problem(list, PROC_RUNLIST_MAX - 1, 1) != NULL);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_addresses),
	CHECK_CASE(test_rflags),
	CHECK_CASE(test_names_and_indexes),
	CHECK_CASE(test_regs_first_bad),
	CHECK_CASE(test_state),
	CHECK_CASE(test_mxcsr),
	CHECK_CASE(test_wait_oid),
	CHECK_CASE(test_restart_fields),
	CHECK_CASE(test_runlist),
};

int
main(void)
{
	return check_run("proccheck", cases, CHECK_COUNT(cases));
}
