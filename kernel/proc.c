/*
 * proc.c - process run states and their transitions; loading processes
 * from the store at boot. See proc.h for what each state means.
 *
 * Invariant: a process is held (pinned once, k.held) whenever it is not
 * PS_STOPPED, is current, is on a queue or has a stall queue, and one
 * not held has d.wait PW_NONE (proc_release), so only held processes
 * need proc_persist() before a checkpoint; registers
 * of a process that can run are always valid for ring 3
 * (proc_regs_check), so the return to user mode never faults.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <cap.h>
#include <clock.h>
#include <fault.h>
#include <lib/proccheck.h>
#include <lib/string.h>
#include <panic.h>
#include <printf.h>
#include <proc.h>
#include <sched.h>
#include <space.h>
#include <x86_64/usermode.h>

/* Every held process, newest first (k.held_next/held_prev). */
static struct process	*held_head;

int
proc_reg_check(unsigned index, uint64_t v)
{
	if (index >= PROC_NREGS)
		return ERR_BAD_SLOT;
	return proc_reg_problem(index, v) == NULL ? 0 : ERR_BAD_ARG;
}

int
proc_regs_check(const struct proc_regs *r)
{
	unsigned bad;

	return proc_regs_problem(r, &bad) == NULL ? 0 : ERR_BAD_ARG;
}

void
proc_hold(struct process *p)
{
	if (!p->k.held) {
		obj_pin(&p->obj);
		p->k.held = 1;
		p->k.held_prev = NULL;
		p->k.held_next = held_head;
		if (held_head != NULL)
			held_head->k.held_prev = p;
		held_head = p;
	}
}

void
proc_release(struct process *p)
{
	if (!p->k.held || p == sched_current || p->k.on_queue != Q_NONE ||
	    p->k.stalled != NULL || p->d.run_state != PS_STOPPED)
		return;
	usermode_forget(p);
	p->k.held = 0;
	if (p->k.held_prev != NULL)
		p->k.held_prev->k.held_next = p->k.held_next;
	else
		held_head = p->k.held_next;
	if (p->k.held_next != NULL)
		p->k.held_next->k.held_prev = p->k.held_prev;
	p->k.held_next = p->k.held_prev = NULL;
	if (p->d.wait != PW_NONE || p->d.wake_ns != 0) {
		proc_modify(p);		/* stopped: proc_persist() for it */
		p->d.wait = PW_NONE;
		p->d.wake_ns = 0;
	}
	obj_unpin(&p->obj);
}

struct process *
proc_held_first(void)
{
	return held_head;
}

void
proc_ready(struct process *p)
{
	proc_hold(p);
	if (p->k.on_queue != Q_NONE && p->k.on_queue != Q_RUN)
		sched_dequeue(p);
	proc_modify(p);
	p->d.run_state = PS_RUNNING;
	p->d.wait_oid = 0;
	p->k.wait = W_NONE;
	if (p != sched_current && p->k.on_queue == Q_NONE)
		sched_enqueue(p);
}

void
proc_block(struct process *p, uint8_t state, uint8_t wait, oid_t wait_oid)
{
	proc_hold(p);
	if (p->k.on_queue == Q_RUN)
		sched_dequeue(p);
	proc_modify(p);
	p->d.run_state = state;
	p->k.wait = wait;
	p->d.wait_oid = wait_oid;
}

void
proc_cancel_reply(struct process *p)
{
	if (proc_awaits_reply(p)) {
		proc_modify(p);
		p->d.reply_seq++;
		p->k.wait = W_NONE;
	}
}

void
proc_interrupt(struct process *p)
{
	uint8_t wait = p->k.wait;

	proc_cancel_reply(p);
	sched_dequeue(p);
	proc_modify(p);
	if (p->d.run_state == PS_RECEIVING && (wait == W_OPEN ||
	    wait == W_REPLY || wait == W_SLEEP || wait == W_CKPT ||
	    wait == W_INPUT)) {
		p->d.regs.rax = ERR_RESTART;
		p->d.regs.rdi = 0;
	}
	p->k.wait = W_NONE;
	p->d.wait_oid = 0;
}

void
proc_stop(struct process *p)
{
	proc_interrupt(p);
	p->d.run_state = PS_STOPPED;	/* proc_interrupt: proc_modify */
	p->d.fault_code = FC_NONE;
	p->d.fault_addr = 0;
	proc_release(p);
}

void
proc_resume(struct process *p)
{
	uint32_t fc = p->d.fault_code;

	if (p->d.run_state != PS_STOPPED && p->d.run_state != PS_FAULTED)
		return;
	if (p->d.run_state == PS_FAULTED)
		fault_premap(p, fc, p->d.fault_addr, p->d.fault_err);
	proc_interrupt(p);		/* calls proc_modify */
	p->d.fault_code = FC_NONE;
	p->d.fault_addr = 0;
	proc_ready(p);
}

void
proc_reset(struct process *p)
{
	unsigned i;

	proc_stop(p);			/* calls proc_modify */
	usermode_forget(p);		/* FPU registers into d.fxsave */
	memset(&p->d.regs, 0, sizeof(p->d.regs));
	p->d.regs.rflags = RFLAGS_USER_DEFAULT;
	memset(p->d.fxsave, 0, sizeof(p->d.fxsave));
	usermode_fxsave_sanitize(p->d.fxsave);	/* the reset defaults */
	for (i = 0; i < PROC_CAP_REGS; i++)
		cap_set_null(&p->d.cap_reg[i]);
	cap_set_null(&p->d.space);
	cap_set_null(&p->d.handler);
	space_process_changed(p);
	p->d.fault_err = 0;
	p->d.fault_kept_addr = 0;
	cap_set_null(&p->d.fault_gpt);
	p->k.fpu_credit = 0;
	p->k.sysret_ok = 0;
}

void
proc_persist(struct process *p)
{
	uint64_t wake = p->k.wait == W_SLEEP ? clock_at_tsc(p->k.wake_tsc) : 0;

	if (p->d.wait == p->k.wait && p->d.wake_ns == wake)
		return;
	proc_modify(p);
	p->d.wait = p->k.wait;
	p->d.wake_ns = wake;
}

/* A REPLY cap to p from before the restart must never match again. */
static void
retire_reply(struct process *p)
{
	if (p->d.reply_seq < REPLY_SEQ_LIMIT)
		p->d.reply_seq++;
}

/* Restore p's stored wait (proc_state_problem() passed it). */
static unsigned
restore(struct process *p)
{
	switch (p->d.run_state) {
	case PS_RUNNING:
	case PS_SENDING:		/* its RIP re-executes the send */
		proc_ready(p);
		return PROC_START_RUNS;
	case PS_RECEIVING:
		switch (p->d.wait) {
		case PW_OPEN:
			proc_block(p, PS_RECEIVING, W_OPEN, 0);
			break;
		case PW_SLEEP:
			proc_block(p, PS_RECEIVING, W_SLEEP, p->obj.oid);
			sched_sleep(p, clock_tsc_at(p->d.wake_ns));
			break;
		case PW_INPUT:
			/*
			 * The terminal is not persistent: what it showed is
			 * gone, so the reader hears of the restart (and
			 * redraws) rather than waiting on a blank screen.
			 */
			p->d.regs.rax = ERR_RESTART;
			p->d.regs.rdi = 0;
			proc_ready(p);
			break;
		default:		/* PW_REPLY, PW_CKPT: back up */
			retire_reply(p);
			proc_ready(p);
			break;
		}
		return PROC_START_RUNS;
	case PS_FAULTED:
		if (p->d.wait == PW_NONE) {
			kprintf("proc: process %#lx: starts faulted (%s at "
			    "%#lx), parked\n", p->obj.oid,
			    fault_name(p->d.fault_code), p->d.fault_addr);
			return PROC_START_IDLE;
		}
		retire_reply(p);	/* the keeper's REPLY cap dies */
		proc_block(p, PS_FAULTED, W_NONE, 0);
		return PROC_START_FAULT;
	default:			/* PS_STOPPED */
		kprintf("proc: process %#lx: stopped, left stopped\n",
		    p->obj.oid);
		proc_release(p);
		return PROC_START_IDLE;
	}
}

int
proc_start(oid_t oid, unsigned *how)
{
	const uint64_t *regs;
	const char *why;
	struct obj *o;
	struct process *p;
	unsigned bad;
	int rc;

	*how = PROC_START_IDLE;
	if (OID_TYPE(oid) != OT_PROCESS)
		return ERR_BAD_ARG;
	if ((rc = obj_get(oid, &o)) != 0)
		return rc;
	if (o->flags & OBJ_F_NEW)
		return ERR_NOT_FOUND;		/* a fresh zero process */
	p = obj_process(o);
	proc_hold(p);
	proc_modify(p);
	usermode_fxsave_sanitize(p->d.fxsave);
	p->k.sysret_ok = 0;
	/* A reply wait or a checkpoint wait re-executes its syscall. */
	if (p->d.run_state == PS_RECEIVING &&
	    (p->d.wait == PW_REPLY || p->d.wait == PW_CKPT))
		p->d.regs.rip -= 2;
	if ((why = proc_regs_problem(&p->d.regs, &bad)) != NULL) {
		regs = (const uint64_t *)&p->d.regs;
		kprintf("proc: process %#lx: %s %#lx %s, parked\n", oid,
		    proc_reg_name(bad), regs[bad], why);
		p->d.run_state = PS_FAULTED;
		p->d.fault_code = FC_GP;
		p->d.fault_addr = p->d.regs.rip;
		p->d.wait_oid = 0;
		p->k.wait = W_NONE;
		return 0;
	}
	*how = restore(p);
	return 0;
}

bool
proc_start_fault(oid_t oid)
{
	struct obj *o = cap_lookup(oid);
	struct process *p;

	assert(o != NULL);		/* held since proc_start() */
	p = obj_process(o);
	fault_deliver(p);
	return p->k.wait != W_NONE;
}
