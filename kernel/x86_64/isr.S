/*
 * isr.S - entry stubs for all 256 interrupt vectors and the common path
 * that builds a struct trapframe (trap.h) and calls trap_dispatch().
 *
 * Stub n starts at isr_stubs + 16 * n; it pushes a zero error code when
 * the CPU pushes none, then the vector number. The frame is 16-byte
 * aligned at the call (the CPU aligns RSP before pushing its 5 words).
 * Invariant: every register is restored, so an interrupt is invisible to
 * the interrupted code except for time (and what handlers meant to do).
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || \
	(v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || \
	(v) == 30)

	.text
	.type	isr_common, @function
isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
	.size	isr_common, . - isr_common

	.balign	16
	.globl	isr_stubs, isr_stubs_end
isr_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	.if	!HAS_ERROR(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	isr_common
	.set	vec, vec + 1
	.endr
	.balign	16
isr_stubs_end:

	.section .note.GNU-stack, "", @progbits
