/*
 * sched.h - who runs: a round-robin run queue with a time slice of one
 * timer tick, a sleep list ordered by wake time, the per-process stall
 * queues of senders, the console readers' queue, and the idle loop.
 *
 * Invariants: the current process (sched_current) is on no queue; a
 * process is on at most one queue (k.on_queue says which); every process
 * on a queue, and the current one, is held (pinned, proc_hold). The run
 * queue holds exactly the PS_RUNNING processes other than the current
 * one and the one chosen by sched_switch_to(). Interrupts are off in all
 * of these (system calls and traps run with IF clear).
 */
#pragma once

#include <stdint.h>

#include <obj.h>

/* k.on_queue */
#define Q_NONE		0
#define Q_RUN		1
#define Q_SLEEP		2
#define Q_STALL		3
#define Q_INPUT		4

/* The process whose system call or trap the kernel is handling. */
extern struct process	*sched_current;

/* Put p (held, PS_RUNNING, not current) at the tail of the run queue. */
void	sched_enqueue(struct process *p);

/* Take p off whatever queue it is on (no-op if none). */
void	sched_dequeue(struct process *p);

/* Put p on r's stall queue (FIFO): p waits for r to receive. */
void	sched_stall(struct process *p, struct process *r);

/* Detach r's whole stall queue; returns its first process (linked by
   q_next, NULL-terminated, each with on_queue Q_NONE). */
struct process	*sched_take_stalled(struct process *r);

/* Put p (held) on the sleep list until the TSC reaches wake_tsc. */
void	sched_sleep(struct process *p, uint64_t wake_tsc);

/* Put p (held) at the tail of the console readers' queue. */
void	sched_input_wait(struct process *p);

/* The first console reader, taken off the queue, or NULL. */
struct process	*sched_input_take(void);

/*
 * Run p next, ahead of the run queue (IPC hands its time slice to the
 * process it delivered to). p must be PS_RUNNING and on no queue. The
 * current process, if still runnable, goes to the run queue's tail.
 */
void	sched_switch_to(struct process *p);

/*
 * The current process has just blocked (it is neither runnable nor
 * stopped) and to, PS_RUNNING on no queue, runs next with a fresh slice:
 * sched_switch_to(to) then sched_return() in short, for the IPC fast
 * path. Interrupts off. Never returns.
 */
void	sched_handoff(struct process *to) __attribute__((noreturn));

/* Timer tick seen (from ring 3 or the idle loop): wake sleepers whose
   time came, and end the current slice if it is used up. */
void	sched_tick(void);

/*
 * Leave the kernel: run the chosen process in ring 3, or idle (sti; hlt)
 * until one is runnable. Never returns; the kernel stack is abandoned.
 */
void	sched_return(void) __attribute__((noreturn));

/* Nanoseconds since the TSC started (boot). */
uint64_t	sched_ns_now(void);

/* TSC value ns nanoseconds from now (saturating). */
uint64_t	sched_tsc_after_ns(uint64_t ns);

/* Runnable processes waiting on the run queue (for tests). */
unsigned	sched_runnable(void);
