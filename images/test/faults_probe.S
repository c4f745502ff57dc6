/*
 * faults_probe.S - the faulting instructions of the faults suite, each
 * with a label on itself (the RIP the fault must report) and one past it
 * (where the driver moves a victim it skips). probe_exec jumps to the
 * address, so an instruction fetch fault reports that address as RIP;
 * the driver skips it by moving RIP to probe_ret, which returns to
 * probe_exec's caller.
 */
	.text

	.globl	probe_read, probe_read_insn, probe_read_skip
probe_read:
probe_read_insn:
	movq	(%rdi), %rax
probe_read_skip:
	ret

	.globl	probe_write, probe_write_insn, probe_write_skip
probe_write:
	xorl	%eax, %eax
probe_write_insn:
	movq	%rsi, (%rdi)
probe_write_skip:
	ret

	.globl	probe_exec, probe_ret
probe_exec:
	jmp	*%rdi
probe_ret:
	ret

	.globl	probe_ud, probe_ud_insn, probe_ud_skip
probe_ud:
	xorl	%eax, %eax
probe_ud_insn:
	ud2
probe_ud_skip:
	ret

	.globl	probe_div, probe_div_insn, probe_div_skip
probe_div:
	movl	$1, %eax
	xorl	%edx, %edx
	xorl	%ecx, %ecx
probe_div_insn:
	divq	%rcx
probe_div_skip:
	ret

	.globl	probe_int3, probe_int3_insn, probe_int3_skip
probe_int3:
	xorl	%eax, %eax
probe_int3_insn:
	int3
probe_int3_skip:
	ret

	.globl	probe_hlt, probe_hlt_insn, probe_hlt_skip
probe_hlt:
	xorl	%eax, %eax
probe_hlt_insn:
	hlt
probe_hlt_skip:
	ret

	.section .note.GNU-stack, "", @progbits
