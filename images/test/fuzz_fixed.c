/*
 * fuzz_fixed.c - the exec victim's deterministic cases (fuzz.h): a few
 * programs at the states random programs reach only now and then, each
 * one test of the fuzz suite. Every run must end in a fault message
 * (with the code and RIP given, where the CPU defines them), and so
 * must each of three restarts that change nothing (a 0 in the table
 * accepts any code or RIP). Two place code in the last bytes of the
 * user half, so the next RIP would be 0x800000000000, the first
 * non-canonical address; the last leaves long mode's rules by a 32-bit
 * iret that QEMU takes into virtual-8086 mode.
 */
#include <stddef.h>

#include <abi/process.h>
#include <user/ipc.h>
#include <user/test.h>

#include "fuzz.h"

#define CODE		UINT64_C(0x400000)
#define STACK		UINT64_C(0x200000fff000)
#define USER_LAST	(USER_VA_END - 1)

#define MOVABS_RAX	0x48, 0xb8
#define IMM64(v)	(uint8_t)(v), (uint8_t)((v) >> 8), \
			(uint8_t)((v) >> 16), (uint8_t)((v) >> 24), \
			(uint8_t)((v) >> 32), (uint8_t)((v) >> 40), \
			(uint8_t)((v) >> 48), (uint8_t)((v) >> 56)
#define PUSH_RAX	0x50
#define PUSH_IMM32(v)	0x68, (uint8_t)(v), (uint8_t)((v) >> 8), \
			(uint8_t)((v) >> 16), (uint8_t)((v) >> 24)

struct fixed {
	const char	*name;
	uint64_t	addr;
	uint8_t		code[48];
	unsigned	len;
	unsigned	entry;		/* rip = addr + entry */
	uint64_t	rsp;		/* 0: the top of the stack page */
	uint64_t	rax, rdi;
	uint32_t	fc;		/* of every run; FC_NONE: any */
	uint64_t	rip;		/* 0: any */
	int		check_err;	/* the error code must be err */
	uint64_t	err;
};

static const struct fixed cases[] = {
	{ .name = "exec_jump_to_kernel_text", .addr = CODE,
	  .code = { MOVABS_RAX, IMM64(UINT64_C(0xffffffff80100000)),
	    0xff, 0xe0 }, .len = 12,
	  .fc = FC_NO_MAPPING, .rip = UINT64_C(0xffffffff80100000),
	  .check_err = 1, .err = 0x15 },
	/* QEMU's error code is 0x80 * 16 + 2, hardware's 0x80 * 8 + 2 */
	{ .name = "exec_int_0x80_privileged", .addr = CODE,
	  .code = { 0xcd, 0x80 }, .len = 2, .fc = FC_GP, .rip = CODE },
	{ .name = "exec_sysret_from_ring3", .addr = CODE,
	  .code = { 0x48, 0x0f, 0x07 }, .len = 3, .fc = FC_GP, .rip = CODE,
	  .check_err = 1, .err = 0 },
	{ .name = "exec_iretq_to_noncanonical", .addr = CODE,
	  .code = { PUSH_IMM32(0x1b), PUSH_IMM32(0x1000), PUSH_IMM32(0x202),
	    PUSH_IMM32(0x23), MOVABS_RAX, IMM64(USER_VA_END), PUSH_RAX,
	    0x48, 0xcf }, .len = 33, .fc = FC_GP },
	{ .name = "exec_movss_tf_syscall", .addr = CODE,
	  .code = { MOVABS_RAX, IMM64(UINT64_C(0x302)), PUSH_RAX, 0x9d,
	    0x66, 0xb8, 0x1b, 0x00, 0x8e, 0xd0, 0x0f, 0x05, 0x0f, 0x0b },
	  .len = 22, .rax = IC_MAKE(3, IC_CALL),
	  .rdi = MI_MAKE(OC_SLEEP_NOW, 0, 0) },
	/*
	 * A data descriptor (base 0, DPL 3) at address 0, then selector 7
	 * (LDT entry 0, RPL 3) into DS: with no LDT that is #GP(4). An LDT
	 * left at the CPU's reset value (base 0) would take the descriptor
	 * from the process's own page 0, and a call gate there would lead
	 * into ring 0.
	 */
	{ .name = "exec_ldt_selector_refused", .addr = 0,
	  .code = { 0xff, 0xff, 0x00, 0x00, 0x00, 0xf2, 0xcf, 0x00,
	    0x66, 0xb8, 0x07, 0x00, 0x8e, 0xd8, 0x0f, 0x0b }, .len = 16,
	  .entry = 8, .fc = FC_GP, .rip = 12, .check_err = 1, .err = 4 },
	{ .name = "exec_jump_to_noncanonical", .addr = CODE,
	  .code = { MOVABS_RAX, IMM64(USER_VA_END), 0xff, 0xe0 }, .len = 12,
	  .fc = FC_GP },
	{ .name = "exec_nop_at_end_of_user_half", .addr = USER_LAST,
	  .code = { 0x90 }, .len = 1 },
	{ .name = "exec_syscall_at_end_of_user_half", .addr = USER_LAST - 1,
	  .code = { 0x0f, 0x05 }, .len = 2, .rax = IC_MAKE(3, IC_CALL),
	  .rdi = MI_MAKE(OC_SLEEP_NOW, 0, 0) },
	/*
	 * A 32-bit iret (no REX.W) whose EFLAGS image has VM set, from a
	 * frame at 0x800 (below 64 KiB: the same bytes whether ESP or SP
	 * addresses it): EIP 0, CS 0x40, EFLAGS VM|IF, ESP 0x1000. Hardware
	 * in long mode ignores VM at CPL 3 (#GP for CS 0x40, past the GDT);
	 * QEMU's TCG enters virtual-8086 mode, and the next exception's
	 * frame holds CS 0x40, whose RPL is not 3.
	 */
	{ .name = "exec_iretd_into_vm86", .addr = 0x100,
	  .code = { 0xc7, 0x04, 0x24, 0, 0, 0, 0,
	    0xc7, 0x44, 0x24, 0x04, 0x40, 0, 0, 0,
	    0xc7, 0x44, 0x24, 0x08, 0x02, 0x02, 0x02, 0x00,
	    0xc7, 0x44, 0x24, 0x0c, 0x00, 0x10, 0, 0, 0xcf }, .len = 32,
	  .rsp = 0x800 },
};

const unsigned xfixed_count = sizeof(cases) / sizeof(cases[0]);

static void
make(struct xprog *p, const struct fixed *c, unsigned i)
{
	*p = (struct xprog){ .number = UINT64_C(1000000000) + i, .rng = 1,
	    .addr = c->addr, .len = c->len, .npages = 2,
	    .space = XSPACE_GPT };
	for (unsigned j = 0; j < c->len; j++)
		p->code[j] = c->code[j];
	p->page[0].va = c->addr & ~UINT64_C(4095);
	p->page[1].va = STACK;
	p->regs[0] = c->rax;
	p->regs[5] = c->rdi;
	p->regs[XREG_RSP] = c->rsp != 0 ? c->rsp : STACK + 4096;
	p->regs[XREG_RIP] = c->addr + c->entry;
	p->regs[XREG_RFLAGS] = RFLAGS_USER_DEFAULT;
}

static void
one(const struct fixed *c, unsigned i)
{
	struct xoutcome out[XRUNS_MAX];
	struct xprog p;
	uint64_t failures = xs.failures;
	unsigned runs;
	int err;

	test_begin("%s", c->name);
	make(&p, c, i);
	if ((err = xexec_load(&p)) != 0) {
		test_fail("loading: error %d", err);
		test_end();
		return;
	}
	runs = xexec_go(&p, 1, out);
	TEST_EQ(runs, XRUNS_MAX, "runs");
	for (unsigned r = 0; r < runs; r++) {
		const struct xoutcome *o = &out[r];

		if (!o->fault) {
			test_fail("run %u: no fault message, victim state %lu",
			    r, (unsigned long)o->state[0]);
			break;
		}
		if ((c->fc != FC_NONE && o->w[0] != c->fc) ||
		    (c->rip != 0 && o->w[3] != c->rip) ||
		    (c->check_err && o->w[2] != c->err) ||
		    o->payload != PAY_XFAULT) {
			test_fail("run %u: fault %lu at rip %#lx error %#lx "
			    "payload %#lx; want fault %u rip %#lx error %#lx",
			    r, (unsigned long)o->w[0], (unsigned long)o->w[3],
			    (unsigned long)o->w[2], (unsigned long)o->payload,
			    c->fc, (unsigned long)c->rip,
			    (unsigned long)c->err);
			break;
		}
	}
	TEST_EQ(xs.failures, failures, "malformed fault messages or states");
	test_end();
}

void
xfixed_tests(const char *skip)
{
	for (unsigned i = 0; i < xfixed_count; i++) {
		if (skip == NULL) {
			one(&cases[i], i);
			continue;
		}
		test_begin("%s", cases[i].name);
		test_fail("%s", skip);
		test_end();
	}
}
