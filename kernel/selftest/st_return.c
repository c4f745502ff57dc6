/*
 * st_return.c - the way back to ring 3 with registers no writer checked:
 * a process whose RIP, FS base or GS base is not canonical (a stored
 * process never started by the run list, resumed through a cap; a RIP a
 * jump out of the user half left) takes FC_GP instead of making
 * sysretq, iretq or wrmsr fault in ring 0 (usermode_return).
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/process.h>
#include <proc.h>
#include <selftest/selftest.h>
#include <selftest/st_space.h>
#include <selftest/st_user.h>

#define NONCANON	UINT64_C(0x0000800000000000)

/* Run a fresh process whose register index reg holds v; it must fault. */
static void
refused(unsigned reg, uint64_t v)
{
	struct process *p = st_user_process(st_user_null, st_user_null_end, 1);
	uint64_t rip;

	if (p == NULL)
		return;
	((uint64_t *)&p->d.regs)[reg] = v;
	rip = p->d.regs.rip;
	proc_ready(p);
	st_user_run();
	if (p->d.run_state != PS_FAULTED || p->d.fault_code != FC_GP ||
	    p->d.fault_addr != 0)
		st_fail("register %u %#lx: state %u fault %u at %#lx, want "
		    "PS_FAULTED FC_GP at 0", reg, v, p->d.run_state,
		    p->d.fault_code, p->d.fault_addr);
	else if (p->d.regs.rip != rip || ((uint64_t *)&p->d.regs)[reg] != v)
		st_fail("register %u changed", reg);
	st_user_stop(p);
}

#define REG(f)	((unsigned)(__builtin_offsetof(struct proc_regs, f) / 8))

static void
rip_noncanonical_body(void)
{
	refused(REG(rip), NONCANON);
}
ST_SPACE_CASE(rip_noncanonical)

static void
fs_base_noncanonical_body(void)
{
	refused(REG(fs_base), UINT64_C(0xdead000000000000));
}
ST_SPACE_CASE(fs_base_noncanonical)

static void
gs_base_noncanonical_body(void)
{
	refused(REG(gs_base), NONCANON);
}
ST_SPACE_CASE(gs_base_noncanonical)

ST_SUITE(st_return,
    ST_CASE(rip_noncanonical),
    ST_CASE(fs_base_noncanonical),
    ST_CASE(gs_base_noncanonical),
);
