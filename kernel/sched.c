/*
 * sched.c - round-robin scheduling with one-tick slices, sleeping, stall
 * queues, and the way out of the kernel (sched_return). See sched.h.
 *
 * Queues are circular doubly linked lists through k.q_next/k.q_prev; the
 * run queue, the sleep list and the console readers' queue have global
 * heads, a stall queue's head is its recipient's k.stalled. The sleep
 * list is sorted by wake time, so a tick looks at its head only.
 */
#include <stddef.h>
#include <stdint.h>

#include <panic.h>
#include <proc.h>
#include <store/ckpt.h>
#include <store/objcache.h>
#include <store/scrub.h>
#include <sched.h>
#include <x86_64/cpu.h>
#include <x86_64/timer.h>
#include <x86_64/usermode.h>

struct process		*sched_current;
static struct process	*run_head;
static struct process	*sleep_head;
static struct process	*input_head;	/* console readers, FIFO */
static struct process	*next_proc;	/* sched_switch_to's choice */
static uint64_t		slice_tick;	/* tick when current began */
static unsigned		run_count;

static void
q_insert_before(struct process **head, struct process *at,
    struct process *p)
{
	if (*head == NULL) {
		p->k.q_next = p->k.q_prev = p;
		*head = p;
		return;
	}
	p->k.q_next = at;
	p->k.q_prev = at->k.q_prev;
	at->k.q_prev->k.q_next = p;
	at->k.q_prev = p;
}

static void
q_remove(struct process **head, struct process *p)
{
	if (p->k.q_next == p)
		*head = NULL;
	else {
		p->k.q_prev->k.q_next = p->k.q_next;
		p->k.q_next->k.q_prev = p->k.q_prev;
		if (*head == p)
			*head = p->k.q_next;
	}
	p->k.q_next = p->k.q_prev = NULL;
	p->k.on_queue = Q_NONE;
}

void
sched_enqueue(struct process *p)
{
	assert(p->k.on_queue == Q_NONE && p->k.held);
	assert(p != sched_current && p != next_proc);
	q_insert_before(&run_head, run_head, p);
	p->k.on_queue = Q_RUN;
	run_count++;
}

void
sched_dequeue(struct process *p)
{
	struct process *r;

	switch (p->k.on_queue) {
	case Q_NONE:
		break;
	case Q_RUN:
		q_remove(&run_head, p);
		run_count--;
		break;
	case Q_SLEEP:
		q_remove(&sleep_head, p);
		p->k.wake_tsc = 0;
		break;
	case Q_INPUT:
		q_remove(&input_head, p);
		break;
	case Q_STALL:
		r = p->k.stall_on;
		q_remove(&r->k.stalled, p);
		p->k.stall_on = NULL;
		if (r->k.stalled == NULL && r->d.run_state == PS_STOPPED)
			proc_release(r);
		break;
	default:
		panic("sched_dequeue: process %#lx on queue %u", p->obj.oid,
		    p->k.on_queue);
	}
	if (next_proc == p)
		next_proc = NULL;
}

void
sched_stall(struct process *p, struct process *r)
{
	assert(p->k.on_queue == Q_NONE && p != r);
	proc_hold(r);		/* a stopped recipient keeps its queue */
	q_insert_before(&r->k.stalled, r->k.stalled, p);
	p->k.on_queue = Q_STALL;
	p->k.stall_on = r;
}

struct process *
sched_take_stalled(struct process *r)
{
	struct process *first = r->k.stalled, *p, *next;

	if (first == NULL)
		return NULL;
	first->k.q_prev->k.q_next = NULL;	/* break the circle */
	for (p = first; p != NULL; p = next) {
		next = p->k.q_next;
		p->k.q_prev = NULL;
		p->k.on_queue = Q_NONE;
		p->k.stall_on = NULL;
	}
	r->k.stalled = NULL;
	return first;
}

void
sched_sleep(struct process *p, uint64_t wake_tsc)
{
	struct process *at = sleep_head;

	assert(p->k.on_queue == Q_NONE && p->k.held);
	if (wake_tsc == 0)
		wake_tsc = 1;
	p->k.wake_tsc = wake_tsc;
	if (at != NULL) {
		do {
			if (at->k.wake_tsc > wake_tsc)
				break;
			at = at->k.q_next;
		} while (at != sleep_head);
	}
	q_insert_before(&sleep_head, at, p);
	if (at == sleep_head && at != NULL && at->k.wake_tsc > wake_tsc)
		sleep_head = p;
	p->k.on_queue = Q_SLEEP;
}

void
sched_input_wait(struct process *p)
{
	assert(p->k.on_queue == Q_NONE && p->k.held);
	q_insert_before(&input_head, input_head, p);
	p->k.on_queue = Q_INPUT;
}

struct process *
sched_input_take(void)
{
	struct process *p = input_head;

	if (p != NULL)
		q_remove(&input_head, p);
	return p;
}

void
sched_switch_to(struct process *p)
{
	assert(p->d.run_state == PS_RUNNING && p->k.on_queue == Q_NONE);
	if (next_proc != NULL && next_proc != p) {
		struct process *old = next_proc;

		next_proc = NULL;	/* an earlier choice keeps its turn */
		if (old != sched_current && old->d.run_state == PS_RUNNING)
			sched_enqueue(old);
	}
	next_proc = p;
}

static void
wake_sleepers(void)
{
	uint64_t now = cpu_rdtsc();
	struct process *p;

	while ((p = sleep_head) != NULL && p->k.wake_tsc <= now) {
		q_remove(&sleep_head, p);
		p->k.wake_tsc = 0;
		proc_modify(p);
		p->d.regs.rax = 0;
		proc_ready(p);
	}
}

void
sched_tick(void)
{
	struct process *cur = sched_current;

	wake_sleepers();
	if (cur != NULL && run_head != NULL && timer_ticks() != slice_tick &&
	    cur->d.run_state == PS_RUNNING && next_proc == NULL) {
		sched_current = NULL;
		sched_enqueue(cur);
	}
}

/* Choose who runs: the switch target, the current process, or the head
   of the run queue. Returns NULL if nobody can run. */
static struct process *
pick(void)
{
	struct process *cur = sched_current, *p;

	if (next_proc != NULL) {
		p = next_proc;
		next_proc = NULL;
		/*
		 * cur may still run: a reply-and-wait whose reply switched
		 * to p and whose receive took a fault stalled on cur. It is
		 * not current while queued (as sched_tick does it).
		 */
		if (cur != NULL && cur != p && cur->d.run_state == PS_RUNNING) {
			sched_current = NULL;
			sched_enqueue(cur);
		}
		slice_tick = timer_ticks();
		return p;
	}
	if (cur != NULL && cur->d.run_state == PS_RUNNING)
		return cur;
	if ((p = run_head) == NULL)
		return NULL;
	q_remove(&run_head, p);
	run_count--;
	slice_tick = timer_ticks();
	return p;
}

void
sched_handoff(struct process *to)
{
	struct process *cur = sched_current;

	/* What sched_switch_to(to) + sched_return() do in this case. */
	if (next_proc != NULL || cur == NULL ||
	    cur->d.run_state == PS_RUNNING || cur->d.run_state == PS_STOPPED ||
	    to->d.run_state != PS_RUNNING || to->k.on_queue != Q_NONE) {
		sched_switch_to(to);
		sched_return();
	}
	sched_current = to;
	slice_tick = timer_ticks();
	usermode_return(to);
	sched_return();			/* to faulted instead of running */
}

void
sched_return(void)
{
	struct process *p, *old;

	for (;;) {
		cpu_cli();
		objcache_poll();	/* a safe point: nothing runs */
		ckpt_poll();
		old = sched_current;
		p = pick();
		sched_current = p;
		if (old != NULL && old != p && old->d.run_state == PS_STOPPED)
			proc_release(old);	/* it stopped itself */
		if (p != NULL) {
			usermode_return(p);
			continue;	/* p faulted instead of running */
		}
		if (!store_scrub_step())	/* idle: scrub, else halt */
			timer_idle();
		wake_sleepers();
	}
}

uint64_t
sched_ns_now(void)
{
	return timer_tsc_ns(cpu_rdtsc());
}

uint64_t
sched_tsc_after_ns(uint64_t ns)
{
	uint64_t hz = timer_tsc_hz(), now = cpu_rdtsc();
	uint64_t secs = ns / 1000000000ull, rest = ns % 1000000000ull;
	uint64_t delta;

	if (secs > UINT64_MAX / hz)
		return UINT64_MAX;
	delta = secs * hz + rest * hz / 1000000000ull;
	return delta > UINT64_MAX - now ? UINT64_MAX : now + delta;
}

unsigned
sched_runnable(void)
{
	return run_count;
}
