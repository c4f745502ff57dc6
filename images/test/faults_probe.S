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

/*
 * The return to ring 3 with state a process chose itself. Each probe that
 * changes something the caller relies on (RSP, RFLAGS, the FPU) saves it
 * in a callee-saved register or on the stack first, and its skip label
 * puts it back, so the driver's skip (rip = skip, rax = SKIPPED) returns
 * normally. SEND_NULL is a send through an empty cap register (ERR_BAD_CAP
 * in rax): a system call that returns at once, by sysretq.
 */
#define SEND_NULL	$0x11e		/* IC_MAKE(30, IC_SEND) */

	/* probe_rsp_syscall(rsp): a system call with RSP not canonical (or
	   in the kernel's half); sysretq takes it back as it is and the
	   first push faults in ring 3 (#SS: FC_GP). */
	.globl	probe_rsp_syscall, probe_rsp_syscall_insn, probe_rsp_skip
probe_rsp_syscall:
	pushq	%r15
	movq	%rsp, %r15
	movq	%rdi, %rsp
	movl	SEND_NULL, %eax
	syscall
probe_rsp_syscall_insn:
	pushq	%rax
probe_rsp_skip:
	movq	%r15, %rsp
	popq	%r15
	ret

	/* probe_rsp_spin(rsp, count): the same RSP held across count loop
	   steps, long enough for timer interrupts: each returns by iretq. */
	.globl	probe_rsp_spin, probe_rsp_spin_insn
probe_rsp_spin:
	pushq	%r15
	movq	%rsp, %r15
	movq	%rdi, %rsp
1:	decq	%rsi
	jnz	1b
probe_rsp_spin_insn:
	pushq	%rax
	jmp	probe_rsp_skip

	/* probe_ds/probe_ss/probe_fs(selector): load a segment register,
	   then a system call; a selector ring 3 may not load faults at the
	   mov (#GP with the selector as error code, or 0 for a null SS). */
	.globl	probe_ds, probe_ds_insn, probe_seg_skip
probe_ds:
	xorl	%eax, %eax
probe_ds_insn:
	movw	%di, %ds
	jmp	seg_syscall
	.globl	probe_ss, probe_ss_insn
probe_ss:
	xorl	%eax, %eax
probe_ss_insn:
	movw	%di, %ss
	jmp	seg_syscall
	.globl	probe_fs, probe_fs_insn
probe_fs:
	xorl	%eax, %eax
probe_fs_insn:
	movw	%di, %fs
seg_syscall:
	movl	SEND_NULL, %eax
	syscall
probe_seg_skip:
	ret

	/* probe_fs_read(): the word at FS base + 0. */
	.globl	probe_fs_read
probe_fs_read:
	movq	%fs:0, %rax
	ret

	/* probe_popf(flags): RFLAGS = flags (ring 3 cannot change IOPL
	   or IF this way), a system call, and the RFLAGS it came back
	   with; then the caller's flags again. */
	.globl	probe_popf, probe_popf_insn, probe_popf_skip
probe_popf:
	pushfq
	pushq	%rdi
	popfq
probe_popf_insn:
	movl	SEND_NULL, %eax
	syscall
	pushfq
	popq	%rax
probe_popf_skip:
	popfq
	ret

	/* probe_tf_syscall(rflags): a system call with TF set (SFMASK
	   clears it for the kernel; sysretq gives it back), then the
	   caller's flags again: the single-step trap comes after the
	   syscall, in ring 3, before that popfq. */
	.globl	probe_tf_syscall, probe_tf_after
probe_tf_syscall:
	pushfq
	movl	SEND_NULL, %eax
	pushq	%rdi
	popfq
	syscall
probe_tf_after:
	popfq
	ret

	/* probe_x87_div0(): 1 / 0 with the zero-divide exception
	   unmasked; the next waiting instruction raises it (#MF). The
	   skip label clears the pending exception. */
	.globl	probe_x87_div0, probe_x87_insn, probe_x87_skip
probe_x87_div0:
	subq	$8, %rsp
	fninit
	movw	$0x037b, (%rsp)		/* FCW default, ZM clear */
	fldcw	(%rsp)
	fld1
	fldz
	fdivrp				/* st(0) = 1 / 0: pending */
probe_x87_insn:
	fwait
	xorl	%eax, %eax
probe_x87_skip:
	fninit
	addq	$8, %rsp
	ret

	/* probe_int_irq(): `int` on the timer's vector, whose gate ring 3
	   may not use: #GP with error code vector * 8 + 2 (IDT). */
	.globl	probe_int_irq, probe_int_irq_insn, probe_int_irq_skip
probe_int_irq:
	xorl	%eax, %eax
probe_int_irq_insn:
	int	$0x20
probe_int_irq_skip:
	ret

	.section .note.GNU-stack, "", @progbits
