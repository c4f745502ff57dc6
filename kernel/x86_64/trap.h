/*
 * trap.h - interrupt and exception entry (isr.S -> trap_dispatch).
 *
 * Every CPU exception is reported as
 *   exception #PF (14) err=0x2 rip=0x... cr2=0x...
 * with the general registers and a backtrace, then the kernel stops
 * (panic_stop). NMIs are reported and resumed. (The test kernel catches
 * the exceptions its tests expect before they get here: st_catch.h.)
 * Device interrupts (vectors 32..47) go to the 8259 handlers (pic.h);
 * anything else is logged as unexpected.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

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

/* Install the IDT: all 256 vectors, #DF/NMI/#MC on IST stacks. */
void	idt_init(void);

/* "#PF" etc. for vectors 0..31, "#??" otherwise. */
const char	*trap_name(uint64_t vector);

/* "exception #PF (14) err=0x2 rip=0x... cr2=0x..." into buf. */
void	trap_describe(char *buf, size_t size, uint64_t vector, uint64_t error,
	    uint64_t rip, uint64_t cr2);

/* Interrupts on vectors nobody owns (48..255) so far; each is logged. */
uint64_t	trap_unexpected(void);

/*
 * Called by isr.S with interrupts off, and from nowhere else: the test
 * kernel interposes on it (ld --wrap, kernel/rules.mk).
 */
void	trap_dispatch(struct trapframe *tf);
