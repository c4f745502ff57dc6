/*
 * sched_spin.S - spin(counter, errors, pattern): count forever without a
 * system call, checking that r15 and xmm7 keep the pattern across every
 * preemption (the kernel saves and restores general and SSE registers).
 */
	.text
	.globl	spin
	.type	spin, @function
spin:
	movq	%rdx, %r15
	movq	%rdx, %xmm7
1:	incq	(%rdi)
	movq	%xmm7, %rax
	cmpq	%rdx, %rax
	jne	2f
	cmpq	%rdx, %r15
	je	1b
2:	incq	(%rsi)
	movq	%rdx, %r15
	movq	%rdx, %xmm7
	jmp	1b
	.size	spin, . - spin

	.section .note.GNU-stack, "", @progbits
