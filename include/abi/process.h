/*
 * process.h - the persistent process: user registers, FPU/SSE state,
 * capability registers, run state and fault state.
 *
 * A checkpoint stores every process exactly as it was at the snapshot
 * instant, so restart resumes it from these fields alone.
 *
 * Everything a blocked or faulted process needs to go on after a
 * restart is here too: what it waits for (wait, PW_*), when a sleep
 * ends (wake_ns, on the persistent clock of the superblock's clock_ns)
 * and the parts of a pending fault its keeper is told (fault_err,
 * fault_gpt, fault_kept_addr). docs/kernel.md "Restart" says what each
 * state does after a restart.
 *
 * Invariants (lib/proccheck.c checks them, for the kernel on every load
 * and for mkimage verify): run_state is one of PS_*; with PS_FAULTED,
 * fault_code is not FC_NONE; wait is one of PW_* and fits run_state and
 * wait_oid:
 *   PS_RUNNING, PS_STOPPED  PW_NONE, wait_oid 0
 *   PS_RECEIVING            PW_OPEN with wait_oid 0; PW_REPLY, PW_SLEEP,
 *                           PW_CKPT or PW_INPUT with wait_oid its own OID
 *   PS_SENDING              PW_SEND, wait_oid an endpoint
 *   PS_FAULTED              PW_NONE (parked) or PW_FAULT, wait_oid 0;
 *                           PW_FAULT_STALL, wait_oid an endpoint
 * wake_ns is 0 unless PW_SLEEP; fault_gpt is a null cap or a GPT cap in
 * canonical form (lib/capfmt.h), stale once the GPT is rescinded (the
 * fault then goes to the handler, docs/kernel.md "Faults"); reserved
 * fields and MXCSR_RESERVED bits are zero; rip, rsp, fs_base and gs_base
 * are canonical user-half addresses; rflags keeps IF and bit 1 set, IOPL
 * 0, nothing outside RFLAGS_USER_MASK.
 */
#pragma once

#include <stdint.h>
#include <abi/obj.h>

#define PROC_CAP_REGS	32

/* Run states. */
#define PS_STOPPED	0	/* not runnable until resumed */
#define PS_RUNNING	1	/* runnable (ready or on a CPU) */
#define PS_RECEIVING	2	/* blocked in the receive phase */
#define PS_SENDING	3	/* blocked in the send phase on wait_oid */
#define PS_FAULTED	4	/* stopped with a fault to deliver */
#define PS_MAX		5

/* What a blocked process waits for (wait; the kernel's W_* are these). */
#define PW_NONE		0	/* nothing: runnable, stopped or parked */
#define PW_OPEN		1	/* open wait: any entry message */
#define PW_REPLY	2	/* the reply to its CALL */
#define PW_SLEEP	3	/* the clock to reach wake_ns */
#define PW_SEND		4	/* its recipient to receive (stalled send) */
#define PW_FAULT	5	/* fault delivered: a reply or a restart */
#define PW_FAULT_STALL	6	/* fault waits for the keeper to receive */
#define PW_CKPT		7	/* OC_CKPT_WAIT: a generation's commit */
#define PW_INPUT	8	/* OC_CONS_READ: console input */
#define PW_MAX		9

/* Fault codes. */
#define FC_NONE		0
#define FC_NO_MAPPING	1	/* address not mapped by the space */
#define FC_WRITE_RO	2	/* write through a read-only mapping */
#define FC_EXEC_NX	3	/* instruction fetch from no-execute */
#define FC_GUARD	4	/* guard mismatch or bad GPT */
#define FC_BAD_SPACE	5	/* space cap is not a memory cap */
#define FC_GP		6	/* general protection */
#define FC_UD		7	/* invalid opcode */
#define FC_DIV		8	/* divide error */
#define FC_FPU		9	/* x87 or SIMD exception */
#define FC_BREAKPOINT	10	/* int3 or debug trap */
#define FC_BAD_SYSCALL	11	/* malformed system call */
#define FC_STORE	12	/* the store could not load an object the
				   address translation needed (damaged) */
#define FC_NO_SPACE	13	/* no memory for the page, and no store
				   space to move dirty pages out of it */
#define FC_MAX		14

/* x86-64 user registers, in this order. */
struct proc_regs {
	uint64_t	rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t	r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t	rip;
	uint64_t	rflags;
	uint64_t	fs_base;
	uint64_t	gs_base;
};
_Static_assert(sizeof(struct proc_regs) == 160, "");
_Static_assert(__builtin_offsetof(struct proc_regs, rsp) == 56, "");
_Static_assert(__builtin_offsetof(struct proc_regs, r8) == 64, "");
_Static_assert(__builtin_offsetof(struct proc_regs, rip) == 128, "");
_Static_assert(__builtin_offsetof(struct proc_regs, rflags) == 136, "");
_Static_assert(__builtin_offsetof(struct proc_regs, fs_base) == 144, "");

#define RFLAGS_IF	0x200
#define RFLAGS_IOPL	0x3000	/* must stay 0 in user processes */
#define RFLAGS_USER_DEFAULT	(RFLAGS_IF | 0x2)	/* bit 1 is always set */
/* The flags a process may change: CF PF AF ZF SF TF DF OF AC ID. */
#define RFLAGS_USER_MASK	0x250fd5ul

/* FXSAVE area defaults: x87 control word and MXCSR after reset. */
#define FXSAVE_SIZE		512
#define FXSAVE_FCW_OFFSET	0
#define FXSAVE_MXCSR_OFFSET	24
#define FCW_DEFAULT		0x037f
#define MXCSR_DEFAULT		0x1f80
/*
 * MXCSR bits no CPU defines: a stored image must keep them zero (FXRSTOR
 * faults on them). Bit 6 (DAZ) is not among them: most CPUs have it, and
 * proc_start() clears it where the CPU lacks it (usermode_fxsave_sanitize).
 */
#define MXCSR_RESERVED		0xffff0000u

struct obj_process {
	struct obj_hdr	hdr;
	uint8_t		run_state;	/* PS_* */
	uint8_t		wait;		/* PW_* */
	uint8_t		reserved0[2];	/* zero */
	uint32_t	fault_code;	/* FC_* */
	uint64_t	fault_addr;	/* faulting address, if any */
	oid_t		wait_oid;	/* object blocked on, or 0 */
	struct proc_regs regs;
	struct cap	space;		/* address space root: GPT or PAGE cap */
	struct cap	handler;	/* fault handler: ENTRY cap or null */
	struct cap	cap_reg[PROC_CAP_REGS];
	uint64_t	reply_seq;	/* REPLY caps carry it (abi/cap.h) */
	uint8_t		fxsave[FXSAVE_SIZE];	/* FXSAVE64 image, 16-aligned */
	uint64_t	fault_err;	/* pending fault: x86 error code, */
	uint64_t	fault_kept_addr; /*  address relative to the kept */
	struct cap	fault_gpt;	/*   GPT and a cap to it (null:
					   none, to the handler) */
	uint64_t	wake_ns;	/* PW_SLEEP: the clock's deadline */
};

/*
 * A REPLY cap holds 48 bits of its caller's reply_seq, which grows by one
 * each time a reply wait ends. So that a retained REPLY cap can never
 * match again, a process whose reply_seq has reached REPLY_SEQ_LIMIT
 * makes no more calls (ERR_LIMIT; a fault is then sent without a reply
 * cap, answered by RESTART): 2^48 calls, 89 years at one call per 10 ns.
 */
#define REPLY_SEQ_LIMIT		(UINT64_C(1) << 48)
_Static_assert(__builtin_offsetof(struct obj_process, run_state) == 16, "");
_Static_assert(__builtin_offsetof(struct obj_process, wait) == 17, "");
_Static_assert(__builtin_offsetof(struct obj_process, fault_code) == 20, "");
_Static_assert(__builtin_offsetof(struct obj_process, fault_addr) == 24, "");
_Static_assert(__builtin_offsetof(struct obj_process, wait_oid) == 32, "");
_Static_assert(__builtin_offsetof(struct obj_process, regs) == 40, "");
_Static_assert(__builtin_offsetof(struct obj_process, space) == 200, "");
_Static_assert(__builtin_offsetof(struct obj_process, handler) == 216, "");
_Static_assert(__builtin_offsetof(struct obj_process, cap_reg) == 232, "");
_Static_assert(__builtin_offsetof(struct obj_process, reply_seq) == 744, "");
_Static_assert(__builtin_offsetof(struct obj_process, fxsave) == 752, "");
_Static_assert(__builtin_offsetof(struct obj_process, fxsave) % 16 == 0, "");
_Static_assert(__builtin_offsetof(struct obj_process, fault_err) == 1264, "");
_Static_assert(__builtin_offsetof(struct obj_process, fault_gpt) == 1280, "");
_Static_assert(__builtin_offsetof(struct obj_process, wake_ns) == 1296, "");
_Static_assert(sizeof(struct obj_process) == 1304, "");
