/*
 * faults_victim.c - the victim and the orphan of the faults suite. The
 * victim asks the driver for a probe, runs it, and reports its result
 * with the next request; it prints nothing (the driver owns the log).
 */
#include <user/ipc.h>
#include <user/rt.h>

#include "faults.h"

/* Data the driver tries to execute: its page is RW and no-execute. */
volatile uint8_t victim_buf[64] = { 0xc3 };

static uint64_t
run(uint64_t kind, uint64_t addr, uint64_t value)
{
	switch (kind) {
	case PK_READ:
		return probe_read(addr);
	case PK_WRITE:
		return probe_write(addr, value);
	case PK_EXEC:
		return probe_exec(addr);
	case PK_UD:
		return probe_ud();
	case PK_DIV:
		return probe_div();
	case PK_INT3:
		return probe_int3();
	case PK_HLT:
		return probe_hlt();
	case PK_RSP_SYSCALL:
		return probe_rsp_syscall(addr);
	case PK_RSP_SPIN:
		return probe_rsp_spin(addr, value);
	case PK_DS:
		return probe_ds(addr);
	case PK_SS:
		return probe_ss(addr);
	case PK_FS:
		return probe_fs(addr);
	case PK_FS_READ:
		return probe_fs_read();
	case PK_POPF:
		return probe_popf(addr);
	case PK_TF_SYSCALL:
		return probe_tf_syscall(addr);
	case PK_X87_DIV0:
		return probe_x87_div0();
	case PK_INT_IRQ:
		return probe_int_irq();
	default:
		rt_exit();
	}
}

void
faults_victim(void)
{
	uint64_t result = 0;
	struct umsg m;

	victim_buf[1] = 0xc3;	/* the data page is now mapped */
	for (;;) {
		umsg_init(&m, OP_NEXT, 1, result, 0, 0, 0);
		if (ipc_call(CR_VCTL, &m) != 0)
			rt_exit();
		result = run(m.w[0], m.w[1], m.w[2]);
	}
}

/* No keeper, no handler: the kernel parks it at this read. */
void
faults_orphan(void)
{
	(void)probe_read(ORPHAN_ADDR);
	rt_exit();
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (role == ROLE_VICTIM)
		faults_victim();
	else if (role == ROLE_ORPHAN)
		faults_orphan();
	else
		faults_driver();
	rt_exit();
}
