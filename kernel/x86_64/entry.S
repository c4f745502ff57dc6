/*
 * entry.S - the kernel's first instructions and its stacks.
 *
 * The boot loader jumps here in long mode with interrupts off, %rdi the
 * physical address of struct bootinfo, a temporary stack below 0x7C00
 * and its own page tables (identity + KERNEL_VMA maps of the low 1 GiB).
 * The first instruction reads the TSC into kernel_entry_tsc (boot.h: the
 * start of the bench's resume rows; it lives in .data, which the clear
 * below leaves alone). We clear .bss (the loader should have; a persistent kernel does not
 * trust that), move to our own stack with a zero frame pointer (the end
 * of every backtrace) and call kernel_main(bootinfo_phys).
 */
#include <x86_64/stack.h>

	.section .text.entry, "ax", @progbits
	.globl	kernel_entry
	.type	kernel_entry, @function
kernel_entry:
	rdtsc				/* first: nothing of ours ran before */
	movl	%eax, kernel_entry_tsc(%rip)
	movl	%edx, kernel_entry_tsc + 4(%rip)
	cli
	cld
	movq	%rdi, %r12		/* bootinfo physical address */

	/* 8 bytes a step: under QEMU's -icount each step of a rep counts
	   as an instruction, and .bss is 700 KiB (the write pool). */
	leaq	kernel_bss_start(%rip), %rdi
	leaq	kernel_bss_end(%rip), %rcx
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq

	leaq	kstack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	call	kernel_main
1:	cli				/* kernel_main never returns */
	hlt
	jmp	1b
	.size	kernel_entry, . - kernel_entry

	.section .data
	.balign	8
	.globl	kernel_entry_tsc
	.type	kernel_entry_tsc, @object
kernel_entry_tsc:
	.quad	0
	.size	kernel_entry_tsc, 8

	.section .bss.stack, "aw", @nobits
	.balign	4096
	.globl	kstack_guard, kstack_bottom, kstack_top, ist_stacks
kstack_guard:
	.skip	STACK_GUARD
kstack_bottom:
	.skip	KSTACK_SIZE
kstack_top:
ist_stacks:
	.skip	IST_COUNT * (STACK_GUARD + IST_STACK_SIZE)

	.section .note.GNU-stack, "", @progbits
