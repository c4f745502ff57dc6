/*
 * usermode.h - running processes in ring 3: the syscall MSRs, the FPU/SSE
 * state, the way back to user mode, and interrupts and exceptions that
 * arrive from ring 3.
 *
 * Invariant: while the kernel runs on behalf of a process (a system call
 * or an interrupt from ring 3), the process's complete user state is in
 * its d.regs (and d.fxsave or the FPU registers, see usermode_fpu_flush).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <obj.h>
#include <x86_64/trap.h>

/* Runs with FPU state loaded eagerly that a process earns each time it
   needs its state after a lazy switch (#NM). */
#define USERMODE_FPU_CREDIT	16

/*
 * Program STAR/LSTAR/SFMASK and EFER.SCE, enable FXSAVE/SSE for user
 * code (CR4.OSFXSR, OSXMMEXCPT; CR0.MP, NE; no EM, TS). Once, after
 * gdt_init() and before any process runs.
 */
void	usermode_init(void);

/*
 * Where a system call starts the kernel stack (syscall.S), as TSS.RSP0
 * (gdt_set_kernel_stack) is for interrupts from ring 3: kstack_top. The
 * test kernel's st_user_run() moves both below its own frames while it
 * runs user code, so those frames survive, and back after.
 */
extern uint64_t	usermode_kstack;

/*
 * Force rflags into a value safe for ring 3: IF and bit 1 set, IOPL 0,
 * only RFLAGS_USER_MASK bits kept.
 */
static inline uint64_t
usermode_rflags(uint64_t rflags)
{
	return (rflags & RFLAGS_USER_MASK) | RFLAGS_USER_DEFAULT;
}

/*
 * Make an FXSAVE image safe for FXRSTOR: an all-zero image (a fresh
 * process) gets the reset defaults; MXCSR bits the CPU does not support
 * are cleared (they would make FXRSTOR fault in the kernel).
 */
void	usermode_fxsave_sanitize(uint8_t *fxsave);

/*
 * Enter ring 3 as p (the scheduler's choice): switch the address space,
 * FS/GS bases and FPU state if p is not the process that ran last, then
 * sysretq (if p entered by syscall and nothing changed its RCX/R11) or
 * iretq (always iretq for a RIP outside the user half). A RIP that is not
 * canonical never reaches either: p takes an FC_GP fault instead (what
 * its next instruction fetch would raise, fault_raise) and this returns,
 * for the scheduler to pick again; otherwise it never returns.
 */
void	usermode_return(struct process *p);

/*
 * Write the FPU/SSE registers back into their owner's d.fxsave and
 * forget the owner (the registers are scrubbed); call before reading or
 * replacing any process's d.fxsave (a checkpoint), or before p leaves
 * memory. Also drops any cached notion that a space is loaded, so the
 * next return reloads CR3 and the FS/GS bases.
 */
void	usermode_fpu_flush(void);

/* For tests: p's FPU state is in the FPU registers now; the number of
   #NM traps that loaded a process's state (lazy FPU switches). */
bool	usermode_fpu_owned(const struct process *p);
extern uint64_t	usermode_fpu_traps;

/*
 * p's space or registers changed behind the scheduler's back (space cap,
 * FS/GS base) or p leaves memory: reload them on the next return.
 */
void	usermode_forget(struct process *p);

/* Called by trap_dispatch for every vector that interrupted ring 3. */
void	usermode_trap(struct trapframe *tf) __attribute__((noreturn));

/* From syscall.S. */
void	syscall_entry(void);
void	usermode_sysret(struct proc_regs *r) __attribute__((noreturn));
void	usermode_iret(struct proc_regs *r) __attribute__((noreturn));
extern struct proc_regs	*usermode_regs;	/* current process's d.regs */
