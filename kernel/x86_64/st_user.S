/*
 * st_user.S - tiny ring-3 programs for the self-tests (st_proc.c). They
 * are data here: a test copies one into a page of a test process's
 * space and runs it. Position-independent; each ends in ud2, which parks
 * the process (no handler) with its results in registers:
 *   rbx  errors seen, r13 TSC cycles of the timed loop, rbp/r15 extra.
 * r14 holds the iteration count on entry (set by the test); the IPC
 * client sends the message info in r15 and the caps listed in rbp (a
 * test may set both, by default 4 words and no caps), and the server
 * answers with its r15 and rbp likewise.
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

/* IPC client: CALL the entry cap in register 0 with 4 words (message
   info r15, caps rbp), r14 times; the server answers word 0 + 1. */
	.globl	st_user_client, st_user_client_end
st_user_client:
	xorl	%ebx, %ebx
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r13
1:	movl	$0x300, %eax		/* IC_MAKE(0, IC_CALL) */
	movq	%r15, %rdi		/* message info */
	movq	%rbp, %rsi		/* caps sent */
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
   cap that lands in register 1, answering word 0 + 1 (message info r15,
   caps rbp). */
	.globl	st_user_server, st_user_server_end
st_user_server:
	movl	$0x200, %eax		/* IC_RECV: open wait */
	movabsq	$0x1ffffffff, %rdx	/* caps dropped, REPLY cap -> 1 */
	syscall
1:	incq	%r8
	movl	$0x301, %eax		/* IC_MAKE(1, IC_CALL): reply, wait */
	movq	%r15, %rdi		/* message info */
	movq	%rbp, %rsi		/* caps sent */
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

/* FPU client: CALL the entry cap in register 0 (no words) r14 times,
   with xmm0 = r14 ^ r15 set before each call and checked after it (rbx
   counts differences). The first SSE instruction of a run traps (#NM)
   unless the kernel loaded the state eagerly. */
	.globl	st_user_fpu_client, st_user_fpu_client_end
st_user_fpu_client:
	xorl	%ebx, %ebx
1:	movq	%r14, %rax
	xorq	%r15, %rax
	movq	%rax, %xmm0
	movl	$0x300, %eax		/* IC_MAKE(0, IC_CALL) */
	xorl	%edi, %edi		/* MI_MAKE(0, 0, 0) */
	xorl	%esi, %esi
	movq	$-1, %rdx
	syscall
	movq	%xmm0, %rax
	xorq	%r15, %rax
	cmpq	%r14, %rax
	je	2f
	incq	%rbx
2:	decq	%r14
	jnz	1b
	ud2
st_user_fpu_client_end:

/* FPU server: xmm0 = r15, then reply-and-wait forever (REPLY cap in
   register 1), checking xmm0 after each message (rbx counts errors). */
	.globl	st_user_fpu_server, st_user_fpu_server_end
st_user_fpu_server:
	xorl	%ebx, %ebx
	movq	%r15, %xmm0
	movl	$0x200, %eax		/* IC_RECV: open wait */
	movabsq	$0x1ffffffff, %rdx
	syscall
1:	movq	%xmm0, %rax
	cmpq	%r15, %rax
	je	2f
	incq	%rbx
2:	movl	$0x301, %eax		/* IC_MAKE(1, IC_CALL) */
	xorl	%edi, %edi
	xorl	%esi, %esi
	movabsq	$0x1ffffffff, %rdx
	syscall
	jmp	1b
st_user_fpu_server_end:

/* Receive once (open wait), keep rax (the result) in rbp, then ud2. */
	.globl	st_user_recv_once, st_user_recv_once_end
st_user_recv_once:
	movl	$0x200, %eax
	movabsq	$0x1ffffffff, %rdx
	syscall
	movq	%rax, %rbp
	ud2
st_user_recv_once_end:

/* Load a selector into FS (its base becomes 0 behind the kernel's
   back), then CALL the entry cap in register 0 and ud2 after. */
	.globl	st_user_fs_zero, st_user_fs_zero_end
st_user_fs_zero:
	movl	%ss, %eax
	movl	%eax, %fs
	movl	$0x300, %eax
	xorl	%edi, %edi
	xorl	%esi, %esi
	movq	$-1, %rdx
	syscall
	ud2
st_user_fs_zero_end:

/* Open wait, then read 8 bytes at FS base + 0 into rbp and ud2. */
	.globl	st_user_fs_read, st_user_fs_read_end
st_user_fs_read:
	movl	$0x200, %eax
	movabsq	$0x1ffffffff, %rdx
	syscall
	movq	%fs:0, %rbp
	ud2
st_user_fs_read_end:

	.section .note.GNU-stack, "", @progbits
