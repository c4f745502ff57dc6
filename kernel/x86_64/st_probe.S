/*
 * st_probe.S - instructions that fault on purpose, for the self-tests. Each
 * faulting instruction has a global label so a test can check the RIP
 * the exception handler recorded.
 */
	.text

	/* uint64_t probe_read(uint64_t addr): load 8 bytes from addr. */
	.globl	probe_read, probe_read_insn
	.type	probe_read, @function
probe_read:
probe_read_insn:
	movq	(%rdi), %rax
	ret
	.size	probe_read, . - probe_read

	/* void probe_write(uint64_t addr): store one byte 0x5A at addr. */
	.globl	probe_write, probe_write_insn
	.type	probe_write, @function
probe_write:
probe_write_insn:
	movb	$0x5A, (%rdi)
	ret
	.size	probe_write, . - probe_write

	/* void probe_exec(uint64_t addr): call the code at addr. */
	.globl	probe_exec
	.type	probe_exec, @function
probe_exec:
	pushq	%rbp
	movq	%rsp, %rbp
	call	*%rdi
	popq	%rbp
	ret
	.size	probe_exec, . - probe_exec

	/* void probe_ud(uint64_t): an invalid opcode. */
	.globl	probe_ud, probe_ud_insn
	.type	probe_ud, @function
probe_ud:
probe_ud_insn:
	ud2
	ret
	.size	probe_ud, . - probe_ud

	/* void probe_div0(uint64_t): divide by zero. */
	.globl	probe_div0, probe_div0_insn
	.type	probe_div0, @function
probe_div0:
	movl	$1, %eax
	xorl	%edx, %edx
	xorl	%ecx, %ecx
probe_div0_insn:
	divl	%ecx
	ret
	.size	probe_div0, . - probe_div0

	/* void probe_bp(uint64_t): a breakpoint trap; RIP is after it. */
	.globl	probe_bp, probe_bp_next
	.type	probe_bp, @function
probe_bp:
	int3
probe_bp_next:
	ret
	.size	probe_bp, . - probe_bp

	/* void probe_int81(uint64_t): a software interrupt nobody owns. */
	.globl	probe_int81
	.type	probe_int81, @function
probe_int81:
	int	$0x81
	ret
	.size	probe_int81, . - probe_int81

	.section .note.GNU-stack, "", @progbits
