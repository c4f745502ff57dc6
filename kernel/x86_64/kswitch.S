/*
 * kswitch.S - kswitch (kswitch.h): switch between kernel stacks, for
 * the checkpoint writer's context (kernel/store/ckpt_io.c). Saves the
 * callee-saved registers on the current stack, stores its RSP through
 * the first argument, loads the second as RSP and restores the same
 * registers from it. Everything else is the C caller's to save.
 */
	.text
	.balign	16
	.globl	kswitch
	.type	kswitch, @function
kswitch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	kswitch, . - kswitch

	.section .note.GNU-stack, "", @progbits
