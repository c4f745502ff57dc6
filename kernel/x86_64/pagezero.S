/*
 * pagezero.S - page_zero (pagezero.h): zero a 4 KiB frame with 16-byte
 * SSE stores, 64 to a loop round, which takes half the instructions of
 * rep stosq (under QEMU's -icount every rep iteration counts one).
 *
 * The kernel otherwise never touches the FPU (-mgeneral-regs-only), and
 * the user state may sit in the FPU registers (x86_64/usermode.c), so
 * xmm0 is saved on the stack and restored; CR0.TS, which lazy FPU
 * switching sets while a process runs that does not own the FPU, is
 * cleared for the stores (else they fault with #NM) and set again.
 * Interrupt handlers never touch the FPU either, so an interrupt in
 * between finds nothing it could disturb.
 */
#define CR0_TS	8

	.text
	.balign	16
	.globl	page_zero
	.type	page_zero, @function
page_zero:
	movq	%cr0, %rax
	testl	$CR0_TS, %eax
	jz	1f
	clts
1:	subq	$16, %rsp
	movdqu	%xmm0, (%rsp)
	pxor	%xmm0, %xmm0
	leaq	4096(%rdi), %rdx
2:	movdqa	%xmm0, 0(%rdi)
	movdqa	%xmm0, 16(%rdi)
	movdqa	%xmm0, 32(%rdi)
	movdqa	%xmm0, 48(%rdi)
	movdqa	%xmm0, 64(%rdi)
	movdqa	%xmm0, 80(%rdi)
	movdqa	%xmm0, 96(%rdi)
	movdqa	%xmm0, 112(%rdi)
	movdqa	%xmm0, 128(%rdi)
	movdqa	%xmm0, 144(%rdi)
	movdqa	%xmm0, 160(%rdi)
	movdqa	%xmm0, 176(%rdi)
	movdqa	%xmm0, 192(%rdi)
	movdqa	%xmm0, 208(%rdi)
	movdqa	%xmm0, 224(%rdi)
	movdqa	%xmm0, 240(%rdi)
	movdqa	%xmm0, 256(%rdi)
	movdqa	%xmm0, 272(%rdi)
	movdqa	%xmm0, 288(%rdi)
	movdqa	%xmm0, 304(%rdi)
	movdqa	%xmm0, 320(%rdi)
	movdqa	%xmm0, 336(%rdi)
	movdqa	%xmm0, 352(%rdi)
	movdqa	%xmm0, 368(%rdi)
	movdqa	%xmm0, 384(%rdi)
	movdqa	%xmm0, 400(%rdi)
	movdqa	%xmm0, 416(%rdi)
	movdqa	%xmm0, 432(%rdi)
	movdqa	%xmm0, 448(%rdi)
	movdqa	%xmm0, 464(%rdi)
	movdqa	%xmm0, 480(%rdi)
	movdqa	%xmm0, 496(%rdi)
	movdqa	%xmm0, 512(%rdi)
	movdqa	%xmm0, 528(%rdi)
	movdqa	%xmm0, 544(%rdi)
	movdqa	%xmm0, 560(%rdi)
	movdqa	%xmm0, 576(%rdi)
	movdqa	%xmm0, 592(%rdi)
	movdqa	%xmm0, 608(%rdi)
	movdqa	%xmm0, 624(%rdi)
	movdqa	%xmm0, 640(%rdi)
	movdqa	%xmm0, 656(%rdi)
	movdqa	%xmm0, 672(%rdi)
	movdqa	%xmm0, 688(%rdi)
	movdqa	%xmm0, 704(%rdi)
	movdqa	%xmm0, 720(%rdi)
	movdqa	%xmm0, 736(%rdi)
	movdqa	%xmm0, 752(%rdi)
	movdqa	%xmm0, 768(%rdi)
	movdqa	%xmm0, 784(%rdi)
	movdqa	%xmm0, 800(%rdi)
	movdqa	%xmm0, 816(%rdi)
	movdqa	%xmm0, 832(%rdi)
	movdqa	%xmm0, 848(%rdi)
	movdqa	%xmm0, 864(%rdi)
	movdqa	%xmm0, 880(%rdi)
	movdqa	%xmm0, 896(%rdi)
	movdqa	%xmm0, 912(%rdi)
	movdqa	%xmm0, 928(%rdi)
	movdqa	%xmm0, 944(%rdi)
	movdqa	%xmm0, 960(%rdi)
	movdqa	%xmm0, 976(%rdi)
	movdqa	%xmm0, 992(%rdi)
	movdqa	%xmm0, 1008(%rdi)
	addq	$1024, %rdi
	cmpq	%rdx, %rdi
	jne	2b
	movdqu	(%rsp), %xmm0
	addq	$16, %rsp
	testl	$CR0_TS, %eax
	jz	3f
	movq	%rax, %cr0
3:	ret
	.size	page_zero, . - page_zero

	.section .note.GNU-stack, "", @progbits
