/*
 * trap.h - interrupt and exception entry (isr.S -> trap_dispatch).
 *
 * Every CPU exception is reported as
 *   exception #PF (14) err=0x2 rip=0x... cr2=0x...
 * with the general registers and a backtrace, then the kernel stops
 * (panic_stop) -- unless a trap_catch is armed, as self-tests do: then
 * the exception is recorded in the catch and execution resumes at its
 * kjmp_set() point, which returns 1. NMIs are reported and resumed.
 * Device interrupts (vectors 32..47) go to the 8259 handlers (pic.h);
 * anything else is logged as unexpected.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <x86_64/kjmp.h>

#define TRAP_EXCEPTIONS	32	/* vectors 0..31 */
#define TRAP_IRQ_BASE	32	/* the 8259s are remapped to 32..47 */

#define T_DE	0
#define T_NMI	2
#define T_BP	3
#define T_UD	6
#define T_DF	8
#define T_GP	13
#define T_PF	14
#define T_MC	18

/* #PF error code bits. */
#define PF_P	0x01	/* protection violation (else not present) */
#define PF_W	0x02	/* write */
#define PF_U	0x04	/* user mode */
#define PF_RSVD	0x08	/* reserved bit set in a paging entry */
#define PF_I	0x10	/* instruction fetch */

/* Saved by isr.S; the layout is shared with it. */
struct trapframe {
	uint64_t	r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t	rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t	vector;
	uint64_t	error;		/* 0 if the CPU pushes none */
	uint64_t	rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};
_Static_assert(sizeof(struct trapframe) == 22 * 8, "isr.S layout");

/* An armed expectation of an exception, and what was recorded. */
struct trap_catch {
	struct kjmp		jmp;	/* where to resume: kjmp_set() == 1 */
	struct trap_catch	*prev;	/* catch armed before this one */
	uint64_t		vector, error, rip, cr2, rsp;
};

/* Install the IDT: all 256 vectors, #DF/NMI/#MC on IST stacks. */
void	idt_init(void);

/*
 * Arm c (after kjmp_set(&c->jmp) returned 0): the next CPU exception
 * other than NMI is recorded in c and resumes at c->jmp with interrupts
 * as they were at kjmp_set. Catches nest; the innermost armed one wins
 * and is disarmed by the exception. Not for exceptions inside interrupt
 * handlers.
 */
void	trap_catch_arm(struct trap_catch *c);

/* Disarm c, which must be the innermost armed catch. */
void	trap_catch_disarm(struct trap_catch *c);

/* "#PF" etc. for vectors 0..31, "#??" otherwise. */
const char	*trap_name(uint64_t vector);

/* "exception #PF (14) err=0x2 rip=0x... cr2=0x..." into buf. */
void	trap_describe(char *buf, size_t size, uint64_t vector, uint64_t error,
	    uint64_t rip, uint64_t cr2);

/* Interrupts on vectors nobody owns (48..255) so far; each is logged. */
uint64_t	trap_unexpected(void);

/* Called by isr.S with interrupts off. */
void	trap_dispatch(struct trapframe *tf);
