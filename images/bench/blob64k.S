/* blob64k.S - 60 KiB of initialized data for prog.c (one text page and
 * this: the size of Linux's fork_exec_64k program). Never touched. */
	.section .data.blob, "aw"
	.globl	bench_blob
bench_blob:
	.fill	64 * 1024 - 4096, 1, 0x5a

	.section .note.GNU-stack, "", @progbits
