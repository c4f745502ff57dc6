/*
 * proc.h - process state: loading a process from the store, validating
 * its registers, and the transitions between run states that keep the
 * scheduler's queues and pins consistent.
 *
 * Persistent state (d.run_state, d.wait_oid) and what it means:
 *   PS_RUNNING                  runnable
 *   PS_RECEIVING, wait_oid 0    open wait: any entry cap may deliver
 *   PS_RECEIVING, wait_oid self closed wait: a reply (W_REPLY), a sleep
 *                               (W_SLEEP), a commit (W_CKPT) or console
 *                               input (W_INPUT)
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

/*
 * k.wait: what a blocked process waits for. Kernel memory, so that a
 * process loaded but not started never looks blocked; proc_persist()
 * copies it into d.wait for a checkpoint and proc_start() restores it.
 */
#define W_NONE		PW_NONE
#define W_OPEN		PW_OPEN		/* open wait: entry messages */
#define W_REPLY		PW_REPLY	/* the reply to its CALL */
#define W_SLEEP		PW_SLEEP	/* the sleep list */
#define W_SEND		PW_SEND		/* recipient to receive (stalled) */
#define W_FAULT		PW_FAULT	/* fault delivered: reply or restart */
#define W_FAULT_STALL	PW_FAULT_STALL	/* fault waits for the keeper */
#define W_CKPT		PW_CKPT		/* OC_CKPT_WAIT: a commit */
#define W_INPUT		PW_INPUT	/* OC_CONS_READ: console input */

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

/* How proc_start() left a process. */
#define PROC_START_IDLE		0	/* stopped or parked: not counted */
#define PROC_START_RUNS		1	/* runs, or waits in IPC or a sleep */
#define PROC_START_FAULT	2	/* its fault goes to its keeper again:
					   proc_start_fault() once every
					   process is started */

/*
 * Load the stored process oid and start it as the run list asks, so that
 * it never sees the restart (docs/kernel.md "Restart"): pin it, sanitize
 * its FXSAVE image for this CPU, restore its wait from d.wait and check
 * its registers (a process whose registers fail is parked
 * PS_FAULTED/FC_GP with a proc: line naming the register). A runnable
 * process or a stalled sender runs (the sender's RIP re-executes the
 * send); an open wait waits again; a sleep goes back on the sleep list
 * until d.wake_ns on the persistent clock (clock.h), at once if that has
 * passed; a reply wait or an OC_CKPT_WAIT has its RIP backed up onto
 * its syscall and runs, re-executing the call; a fault delivered or
 * stalled (PW_FAULT, PW_FAULT_STALL) waits for proc_start_fault(); a
 * parked fault (PW_NONE) stays parked. A reply wait's or a delivered
 * fault's reply_seq moves on, so no REPLY cap from before the restart
 * matches again. Once per process (the run list rules refuse
 * duplicates); *how says which (PROC_START_*). Returns 0 (also when
 * parked or stopped); ERR_NOT_FOUND if the store holds no such process
 * (nothing is started); ERR_BAD_ARG if oid is not a process's; or
 * obj_get()'s error (ERR_CORRUPT: it failed the checks of its stored
 * state, proc_state_problem).
 */
int	proc_start(oid_t oid, unsigned *how);

/*
 * Deliver again the fault of oid, which proc_start() left
 * PROC_START_FAULT, now that every process on the run list has its wait
 * back: to its keeper or handler (a stall if that one does not wait),
 * else parked with a fault: line. Returns true if it was delivered or
 * stalled. Cannot fail (oid is held).
 */
bool	proc_start_fault(oid_t oid);

/*
 * Write what p waits for from kernel memory into d (d.wait, and
 * d.wake_ns for a sleep: the deadline on the persistent clock). The
 * checkpointer calls it for every held process when it takes its
 * snapshot; a process not held waits for nothing and proc_release()
 * has cleared its d.wait. Cannot fail.
 */
void	proc_persist(struct process *p);

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
