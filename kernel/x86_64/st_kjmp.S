/*
 * st_kjmp.S - kjmp_set / kjmp_jump (st_kjmp.h), for the test kernel only.
 * Offsets follow struct kjmp.
 */
	.text
	.globl	kjmp_set
	.type	kjmp_set, @function
kjmp_set:
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rax		/* rsp after our return */
	movq	%rax, 48(%rdi)
	movq	(%rsp), %rax		/* our return address */
	movq	%rax, 56(%rdi)
	pushfq
	popq	%rax
	movq	%rax, 64(%rdi)
	xorl	%eax, %eax
	ret
	.size	kjmp_set, . - kjmp_set

	.globl	kjmp_jump
	.type	kjmp_jump, @function
kjmp_jump:
	movl	%esi, %eax
	testl	%eax, %eax
	jnz	1f
	movl	$1, %eax		/* kjmp_set never returns 0 twice */
1:	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	pushq	64(%rdi)
	popfq
	cld
	jmpq	*56(%rdi)
	.size	kjmp_jump, . - kjmp_jump

	.section .note.GNU-stack, "", @progbits
