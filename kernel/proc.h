/*
 * proc.h - process state: loading a process from the store, validating
 * its registers, and the transitions between run states that keep the
 * scheduler's queues and pins consistent.
 *
 * Persistent state (d.run_state, d.wait_oid) and what it means:
 *   PS_RUNNING                  runnable
 *   PS_RECEIVING, wait_oid 0    open wait: any entry cap may deliver
 *   PS_RECEIVING, wait_oid self closed wait: a reply (W_REPLY) or sleep
 *   PS_SENDING, wait_oid E      stalled sending through endpoint E; its
 *                               RIP is backed up to the syscall, so it
 *                               re-executes the send when woken
 *   PS_FAULTED                  fault_code says why; k.wait says whether
 *                               the fault is delivered (W_FAULT), waits
 *                               for the keeper to receive (W_FAULT_STALL)
 *                               or found nobody (W_NONE: parked)
 *   PS_STOPPED                  not runnable until resumed
 * Every process not PS_STOPPED is held (pinned once, k.held).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <lib/proccheck.h>
#include <obj.h>

/* k.wait: what a blocked process waits for. */
#define W_NONE		0
#define W_OPEN		1	/* open wait: entry messages */
#define W_REPLY		2	/* the reply to its CALL */
#define W_SLEEP		3	/* the sleep list */
#define W_SEND		4	/* recipient to receive (stalled send) */
#define W_FAULT		5	/* fault delivered: reply or restart */
#define W_FAULT_STALL	6	/* fault waits for the keeper to receive */

/*
 * Check registers for ring 3 by lib/proccheck.c's rules
 * (proc_regs_problem: rip, rsp, fs_base and gs_base canonical user-half
 * addresses, rflags with IF and bit 1 set, IOPL 0 and nothing outside
 * RFLAGS_USER_MASK). Returns 0 or ERR_BAD_ARG.
 */
int	proc_regs_check(const struct proc_regs *r);

/*
 * The same check for one register (index in struct proc_regs) and value:
 * 0, ERR_BAD_ARG, or ERR_BAD_SLOT for an index >= PROC_NREGS.
 */
int	proc_reg_check(unsigned index, uint64_t value);

/*
 * Load the stored process oid and start it as the run list asks: pin
 * it, sanitize its FXSAVE image for this CPU, check its registers (a
 * process whose registers fail is parked PS_FAULTED/FC_GP with a proc:
 * line naming the register) and restore its run state: a runnable or
 * stalled sender runs, an open wait waits again, a reply wait or sleep
 * becomes runnable with ERR_RESTART in rax, a faulted process is parked;
 * a reply wait's or fault's reply_seq moves on, so no REPLY cap from
 * before the restart matches again. Once per process (the run list
 * rules refuse duplicates). *runs is set true if the
 * process runs or waits in IPC, false if it is stopped or parked.
 * Returns 0 (also when parked or stopped); ERR_NOT_FOUND if the store
 * holds no such process (nothing is started); ERR_BAD_ARG if oid is not
 * a process's; or obj_get()'s error (ERR_CORRUPT: it failed the checks
 * of its stored state, proc_state_problem).
 */
int	proc_start(oid_t oid, bool *runs);

/* Pin p once for the scheduler (idempotent) / drop that pin. */
void	proc_hold(struct process *p);
void	proc_release(struct process *p);

/*
 * The first held process (follow k.held_next, NULL ends the list): every
 * process that is not stopped, and stopped ones still on a queue. A
 * checkpoint writes them all, since their registers change without a
 * dirty mark while they run.
 */
struct process	*proc_held_first(void);

/* p becomes runnable (PS_RUNNING, no wait), queued unless current. */
void	proc_ready(struct process *p);

/* p blocks: run_state, k.wait and wait_oid as given; off the run queue. */
void	proc_block(struct process *p, uint8_t state, uint8_t wait,
	    oid_t wait_oid);

/*
 * True if a REPLY cap with p's current reply_seq may deliver: p waits for
 * the reply to its CALL, or for the answer to a fault delivered as one.
 */
static inline bool
proc_awaits_reply(const struct process *p)
{
	return (p->d.run_state == PS_RECEIVING && p->k.wait == W_REPLY) ||
	    (p->d.run_state == PS_FAULTED && p->k.wait == W_FAULT);
}

/* End p's wait for a reply, if any: every REPLY cap to p dies. */
void	proc_cancel_reply(struct process *p);

/*
 * Take p out of whatever it waits for (queues, reply, sleep) without
 * changing run_state. A receive that was under way returns ERR_RESTART
 * in rax when p runs again.
 */
void	proc_interrupt(struct process *p);

/* OC_PROC_STOP: p stops (PS_STOPPED), released unless others need it. */
void	proc_stop(struct process *p);

/* OC_PROC_RESUME / OC_RESTART_RESUME: clear any fault, run again. A
   process blocked in IPC or asleep is left as it is. */
void	proc_resume(struct process *p);

/*
 * OC_PROC_RESET: p as a fresh process for its next owner. It stops as
 * proc_stop() stops it (any wait ends, REPLY caps to it die, it leaves
 * every queue); then every register is 0 but rflags
 * (RFLAGS_USER_DEFAULT), the FPU/SSE image is the reset state (the
 * FPU registers are taken from p first if it owns them, so none of its
 * values survive anywhere), cap registers, space and handler are null,
 * the fault state is cleared and p's mappings are dropped. reply_seq
 * is kept: it only grows. Senders stalled on p stay stalled and
 * re-check their endpoint when p next waits. p may be the current
 * process. Cannot fail.
 */
void	proc_reset(struct process *p);

/*
 * The write hook (obj_modify) for p: call it before changing p's
 * persistent part (d: registers, FPU image, caps, run state, wait,
 * fault, reply_seq). One compare when p was modified in this epoch.
 */
static inline void
proc_modify(struct process *p)
{
	obj_modify(&p->obj);
}
