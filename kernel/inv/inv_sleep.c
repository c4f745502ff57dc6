/*
 * inv_sleep.c - SLEEP caps: the persistent clock (clock.h: nanoseconds
 * since the system's first boot, across restarts), and sleeping for a
 * while (woken by the timer tick that follows the deadline, so at 100 Hz
 * up to 10 ms late; a restart keeps the deadline, proc.c).
 */
#include <stdint.h>

#include <clock.h>
#include <inv/inv.h>
#include <proc.h>
#include <sched.h>

int
inv_sleep(struct inv *inv)
{
	struct process *p = inv->p;
	int rc;

	switch (inv->opcode) {
	case OC_SLEEP_NOW:
		inv->rw[0] = clock_now_ns();
		return inv_answer_words(inv, 1);
	case OC_SLEEP_FOR:
		if ((rc = inv_args(inv, 1, 0)) != 0)
			return rc;
		if (inv->w[0] == 0)
			return 0;
		proc_modify(p);
		p->d.regs.rax = 0;
		p->d.regs.rdi = 0;
		proc_block(p, PS_RECEIVING, W_SLEEP, p->obj.oid);
		sched_sleep(p, sched_tsc_after_ns(inv->w[0]));
		return INV_DONE;
	default:
		return ERR_BAD_REQUEST;
	}
}
