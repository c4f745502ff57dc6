/*
 * st_user.S - tiny ring-3 programs for the self-tests (st_proc.c). They
 * are data here: a test copies one into a page of a test process's
 * space and runs it. Position-independent; each ends in ud2, which parks
 * the process (no handler) with its results in registers:
 *   rbx  errors seen, r13 TSC cycles of the timed loop, rbp/r15 extra.
 * r14 holds the iteration count on entry (set by the test).
 */

	.section .rodata
	.balign	16

/* Null invocation: OC_TYPE on cap register 0, r14 times. */
	.globl	st_user_null, st_user_null_end
st_user_null:
	movl	$0x300, %eax		/* IC_MAKE(0, IC_CALL) */
	movl	$1, %edi		/* MI_MAKE(OC_TYPE, 0, 0) */
	xorl	%esi, %esi
	movq	$-1, %rdx		/* every received cap discarded */
	syscall
	movq	%rax, %rbx		/* first answer: rc, type, restr */
	movq	%r8, %rbp
	movq	%r9, %r15
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r13
1:	movl	$0x300, %eax
	movl	$1, %edi
	xorl	%esi, %esi
	movq	$-1, %rdx
	syscall
	decq	%r14
	jnz	1b
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	subq	%r13, %rax
	movq	%rax, %r13
	ud2
st_user_null_end:

/* IPC client: CALL the entry cap in register 0 with 4 words, r14 times;
   the server answers word 0 + 1. */
	.globl	st_user_client, st_user_client_end
st_user_client:
	xorl	%ebx, %ebx
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r13
1:	movl	$0x300, %eax		/* IC_MAKE(0, IC_CALL) */
	movabsq	$0x400000042, %rdi	/* MI_MAKE(0x42, 4, 0) */
	xorl	%esi, %esi
	movq	$-1, %rdx
	movq	%r14, %r8
	movq	$2, %r9
	movq	$3, %r10
	movq	$4, %r12
	syscall
	leaq	1(%r14), %rcx
	cmpq	%rcx, %r8
	jne	2f
	testq	%rax, %rax
	jz	3f
2:	incq	%rbx
3:	decq	%r14
	jnz	1b
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	subq	%r13, %rax
	movq	%rax, %r13
	ud2
st_user_client_end:

/* IPC server: open wait, then reply-and-wait forever through the REPLY
   cap that lands in register 1, answering word 0 + 1. */
	.globl	st_user_server, st_user_server_end
st_user_server:
	movl	$0x200, %eax		/* IC_RECV: open wait */
	movabsq	$0x1ffffffff, %rdx	/* caps dropped, REPLY cap -> 1 */
	syscall
1:	incq	%r8
	movl	$0x301, %eax		/* IC_MAKE(1, IC_CALL): reply, wait */
	movabsq	$0x400000000, %rdi	/* MI_MAKE(0, 4, 0) */
	xorl	%esi, %esi
	movabsq	$0x1ffffffff, %rdx
	syscall
	jmp	1b
st_user_server_end:

/* Spin r14 times between two TSC readings (rbp start, r13 end), so a
   test can see whether two spinners were interleaved (preemption). */
	.globl	st_user_spin, st_user_spin_end
st_user_spin:
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %rbp
1:	decq	%r14
	jnz	1b
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r13
	ud2
st_user_spin_end:

	.section .note.GNU-stack, "", @progbits
