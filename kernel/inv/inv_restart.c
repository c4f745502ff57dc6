/*
 * inv_restart.c - RESTART caps, what a keeper gets with a fault message:
 * OC_RESTART_RESUME clears the fault and runs the process again. A
 * process that is not faulted is left alone (answer 0), so a keeper
 * may both reply and restart.
 */
#include <abi/process.h>
#include <inv/inv.h>
#include <proc.h>

int
inv_restart(struct inv *inv)
{
	struct process *t = obj_process(inv->obj);

	if (inv->opcode != OC_RESTART_RESUME)
		return ERR_BAD_REQUEST;
	if (t->d.run_state == PS_FAULTED)
		proc_resume(t);
	return 0;
}
