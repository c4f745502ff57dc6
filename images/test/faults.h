/*
 * faults.h - the faults suite (faults.mki): a driver process that is both
 * the keeper of a GPT K inside a victim's space and the victim's fault
 * handler, a victim that runs probes the driver asks for, and an orphan
 * with neither keeper nor handler. One program, three roles (rdi).
 *
 * Every process of a program shares its code pages, so the probe labels
 * below have the same address in the driver as in the victim: the driver
 * checks the faulting RIP against them and moves the victim past them.
 */
#pragma once

#include <stdint.h>

/* Roles, from the .mki's "reg rdi". */
#define ROLE_DRIVER	0
#define ROLE_VICTIM	1
#define ROLE_ORPHAN	2

/* Driver cap registers (faults.mki). */
#define CR_LOG		0
#define CR_RANGE	1
#define CR_DISCRIM	2
#define CR_VICTIM	3	/* PROCESS */
#define CR_VSPACE	4	/* the victim's space (its root GPT) */
#define CR_KEEPER_ENTRY	5	/* entry to "kept", payload PAY_KEPT */
#define CR_ORPHAN	6	/* PROCESS */
#define CR_SLEEP	7
#define CR_K		8	/* the kept GPT the driver builds */
#define CR_A		9	/* GPTs between the victim's root and K */
#define CR_B		10
#define CR_PAGE		11	/* scratch page caps */
#define CR_PAGE2	12
#define CR_MSG_C0	13	/* where a fault message's caps land */
#define CR_MSG_C1	14
#define CR_REPLY	15	/* the victim's pending ctl call */
#define CR_OTHER_ENTRY	19	/* entry to "kept", payload PAY_OTHER */

/* Victim cap registers. */
#define CR_VCTL		1	/* entry to "ctl", payload PAY_CTL */

/* Payloads the driver's endpoints see. */
#define PAY_HANDLER	0	/* mkimage's "handler E" cap has payload 0 */
#define PAY_CTL		1
#define PAY_KEPT	2
#define PAY_OTHER	3	/* the keeper of K's OID once reused */

/* The victim's call: w0 = result of the last probe. The answer: w0 =
 * probe kind, w1 = address, w2 = value to write. */
#define OP_NEXT		0x1000

enum probe_kind {
	PK_READ = 1, PK_WRITE, PK_EXEC, PK_UD, PK_DIV, PK_INT3, PK_HLT,
	PK_RSP_SYSCALL, PK_RSP_SPIN, PK_DS, PK_SS, PK_FS, PK_FS_READ,
	PK_POPF, PK_TF_SYSCALL, PK_X87_DIV0, PK_INT_IRQ,
	PK_SPIN		/* the last: the victim waits for good */
};

/* Where the orphan reads: nothing is mapped there. */
#define ORPHAN_ADDR	UINT64_C(0x500000000000)

/* What rax holds after a probe the driver skipped. */
#define SKIPPED		UINT64_C(0x5c1bbed0)

/* faults_probe.S: each faulting instruction and where to go past it. */
uint64_t	probe_read(uint64_t addr);
uint64_t	probe_write(uint64_t addr, uint64_t value);
uint64_t	probe_exec(uint64_t addr);
uint64_t	probe_ud(void);
uint64_t	probe_div(void);
uint64_t	probe_int3(void);
uint64_t	probe_hlt(void);
extern const char probe_read_insn[], probe_read_skip[];
extern const char probe_write_insn[], probe_write_skip[];
extern const char probe_ret[];
extern const char probe_ud_insn[], probe_ud_skip[];
extern const char probe_div_insn[], probe_div_skip[];
extern const char probe_int3_insn[], probe_int3_skip[];
extern const char probe_hlt_insn[], probe_hlt_skip[];

/* The return to ring 3 with state the process chose (faults_probe.S). */
uint64_t	probe_rsp_syscall(uint64_t rsp);
uint64_t	probe_rsp_spin(uint64_t rsp, uint64_t count);
uint64_t	probe_ds(uint64_t selector);
uint64_t	probe_ss(uint64_t selector);
uint64_t	probe_fs(uint64_t selector);
uint64_t	probe_fs_read(void);
uint64_t	probe_popf(uint64_t rflags);
uint64_t	probe_tf_syscall(uint64_t rflags);
uint64_t	probe_x87_div0(void);
uint64_t	probe_int_irq(void);
extern const char probe_rsp_syscall_insn[], probe_rsp_spin_insn[];
extern const char probe_rsp_skip[];
extern const char probe_ds_insn[], probe_ss_insn[], probe_fs_insn[];
extern const char probe_seg_skip[];
extern const char probe_popf_insn[], probe_popf_skip[];
extern const char probe_tf_after[];
extern const char probe_x87_insn[], probe_x87_skip[];
extern const char probe_int_irq_insn[], probe_int_irq_skip[];

void	faults_driver(void);
void	faults_victim(void);
void	faults_orphan(void);
