/*
 * inv_restart.c - RESTART caps, what a keeper gets with a fault message:
 * OC_RESTART_RESUME clears the fault and runs the process again; a
 * process that is not faulted is left alone (answer 0), so a keeper
 * may both reply and restart. OC_RESTART_GET_REGS and SET_REGS let a
 * process keeper read and repair the registers of the process, with
 * OC_PROC_GET_REGS/SET_REGS's rules (every value checked before any is
 * written), but only while it is PS_FAULTED: a RESTART cap kept after
 * the fault gives no hold on a process that runs (ERR_NO_ACCESS). A
 * WEAK RESTART cap may read, not write, as a WEAK PROCESS cap.
 */
#include <abi/process.h>
#include <inv/inv.h>
#include <proc.h>

int
inv_restart(struct inv *inv)
{
	struct process *t = obj_process(inv->obj);

	switch (inv->opcode) {
	case OC_RESTART_RESUME:
		if (t->d.run_state == PS_FAULTED)
			proc_resume(t);
		return 0;
	case OC_RESTART_GET_REGS:
		if (t->d.run_state != PS_FAULTED)
			return ERR_NO_ACCESS;
		return inv_proc_get_regs(inv, t);
	case OC_RESTART_SET_REGS:
		if (t->d.run_state != PS_FAULTED ||
		    (inv->cap.restr & CAP_R_WEAK))
			return ERR_NO_ACCESS;
		return inv_proc_set_regs(inv, t);
	default:
		return ERR_BAD_REQUEST;
	}
}
