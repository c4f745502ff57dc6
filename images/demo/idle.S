/*
 * idle.S - the smallest user program: spins politely forever. It gives
 * default.img a process, so the kernel has something to resume and
 * "mkimage inspect" something to show, until real programs arrive.
 * Built position-independent: mkimage places it in a program slot.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
1:	pause
	jmp	1b
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
