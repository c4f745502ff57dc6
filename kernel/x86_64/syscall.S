/*
 * syscall.S - the ring 3 <-> ring 0 crossings: the `syscall` entry point
 * and the two ways back to user mode (sysretq, iretq).
 *
 * One CPU, one kernel stack: every entry from ring 3 saves the user
 * registers into the current process's struct proc_regs (usermode_regs
 * points at it) and runs the kernel from the top of the kernel stack
 * (usermode_kstack: kstack_top, except under a self-test); every return
 * reloads them from a struct proc_regs and abandons the kernel stack.
 * So a process's whole user state is in its object whenever the kernel
 * runs, and nothing of it lives on a stack.
 *
 * Invariants: interrupts are off from `syscall` (SFMASK clears IF) to the
 * C handler and from usermode_sysret/usermode_iret to the user; the
 * kernel never reaches sysretq with a RIP that is not a canonical user
 * address (usermode.c checks; Intel CPUs would fault in ring 0 with the
 * user stack). The offsets below are struct proc_regs (abi/process.h).
 */
/* gdt.h is C only; usermode.c asserts these equal SEL_UDATA/SEL_UCODE. */
#define USER_SS	0x1b
#define USER_CS	0x23

#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RBP	48
#define R_RSP	56
#define R_R8	64
#define R_R9	72
#define R_R10	80
#define R_R11	88
#define R_R12	96
#define R_R13	104
#define R_R14	112
#define R_R15	120
#define R_RIP	128
#define R_RFLAGS 136

	.text
/*
 * syscall_entry: LSTAR. RCX = user RIP, R11 = user RFLAGS, RSP = user
 * stack, IF/DF/TF/AC/NT cleared by SFMASK.
 */
	.balign	16
	.globl	syscall_entry
	.type	syscall_entry, @function
syscall_entry:
	movq	%rsp, usermode_scratch(%rip)
	movq	usermode_regs(%rip), %rsp
	movq	%rax, R_RAX(%rsp)
	movq	%rbx, R_RBX(%rsp)
	movq	%rcx, R_RCX(%rsp)
	movq	%rdx, R_RDX(%rsp)
	movq	%rsi, R_RSI(%rsp)
	movq	%rdi, R_RDI(%rsp)
	movq	%rbp, R_RBP(%rsp)
	movq	%r8, R_R8(%rsp)
	movq	%r9, R_R9(%rsp)
	movq	%r10, R_R10(%rsp)
	movq	%r11, R_R11(%rsp)
	movq	%r12, R_R12(%rsp)
	movq	%r13, R_R13(%rsp)
	movq	%r14, R_R14(%rsp)
	movq	%r15, R_R15(%rsp)
	movq	%rcx, R_RIP(%rsp)
	movq	%r11, R_RFLAGS(%rsp)
	movq	usermode_scratch(%rip), %rax
	movq	%rax, R_RSP(%rsp)
	movq	usermode_kstack(%rip), %rsp
	xorl	%ebp, %ebp		/* end of every kernel backtrace */
	call	syscall_handle		/* never returns */
	ud2
	.size	syscall_entry, . - syscall_entry

/*
 * Load the user registers both exits restore alike from the struct
 * proc_regs at %rdi: all but RCX, R11 (sysret's RIP and RFLAGS), RSP and
 * RDI (the pointer itself, loaded last).
 */
.macro LOAD_USER_REGS
	movq	R_RAX(%rdi), %rax
	movq	R_RBX(%rdi), %rbx
	movq	R_RDX(%rdi), %rdx
	movq	R_RSI(%rdi), %rsi
	movq	R_RBP(%rdi), %rbp
	movq	R_R8(%rdi), %r8
	movq	R_R9(%rdi), %r9
	movq	R_R10(%rdi), %r10
	movq	R_R12(%rdi), %r12
	movq	R_R13(%rdi), %r13
	movq	R_R14(%rdi), %r14
	movq	R_R15(%rdi), %r15
.endm

/*
 * usermode_sysret(regs): back to ring 3 by sysretq. RCX and R11 get RIP
 * and RFLAGS, so only for a process whose RCX/R11 hold nothing live
 * (it entered by `syscall`). Interrupts must be off.
 */
	.balign	16
	.globl	usermode_sysret
	.type	usermode_sysret, @function
usermode_sysret:
	movq	R_RIP(%rdi), %rcx
	movq	R_RFLAGS(%rdi), %r11
	LOAD_USER_REGS
	movq	R_RSP(%rdi), %rsp
	movq	R_RDI(%rdi), %rdi
	sysretq
	.size	usermode_sysret, . - usermode_sysret

/*
 * usermode_iret(regs): back to ring 3 by iretq, restoring every
 * register (after an interrupt or exception, or a change by another
 * process). Interrupts must be off.
 */
	.balign	16
	.globl	usermode_iret
	.type	usermode_iret, @function
usermode_iret:
	pushq	$USER_SS
	pushq	R_RSP(%rdi)
	pushq	R_RFLAGS(%rdi)
	pushq	$USER_CS
	pushq	R_RIP(%rdi)
	movq	R_RCX(%rdi), %rcx
	movq	R_R11(%rdi), %r11
	LOAD_USER_REGS
	movq	R_RDI(%rdi), %rdi
	iretq
	.size	usermode_iret, . - usermode_iret

	.section .note.GNU-stack, "", @progbits
