/*
 * crt0.S - where every user program starts. mkimage sets rip to _start,
 * rsp to the top of the process's stack and rdi, rsi, rdx, rcx from the
 * .mki; the stack may be unmapped until a keeper supplies it (the first
 * push faults and is resolved like any other demand-zero fault).
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	andq	$-16, %rsp		/* the ABI's alignment at a call */
	call	umain
	call	rt_exit
1:	jmp	1b
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
