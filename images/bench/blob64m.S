/* blob64m.S - 64 MiB of initialized data for prog.c (Linux's
 * fork_exec_64m program carries as much). Never touched. */
	.section .data.blob, "aw"
	.globl	bench_blob
bench_blob:
	.fill	64 * 1024 * 1024, 1, 0x5a

	.section .note.GNU-stack, "", @progbits
