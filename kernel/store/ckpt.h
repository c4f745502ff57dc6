/*
 * ckpt.h - checkpoints (version 1): stop the world, write every dirty
 * object and the run list as the next generation of the store
 * (store_write.h), mark them clean. Taken every ckpt_period seconds
 * from sched_return() and on demand through the CKPT cap.
 * docs/kernel.md "Checkpoints" explains it and its limits.
 */
#pragma once

#include <stdint.h>

#include <x86_64/timer.h>

/* Seconds between checkpoints when the command line has no ckpt=. */
#define CKPT_PERIOD_DEFAULT	5

/* Tick at which the next periodic checkpoint is due; UINT64_MAX: off. */
extern uint64_t	ckpt_due_tick;

/*
 * Read the period from the kernel command line (ckpt=SECONDS, 0 = off;
 * absent: CKPT_PERIOD_DEFAULT) and print it. Periodic checkpoints stay
 * off without a mounted store. Once, after the store is mounted; the
 * test kernel never calls it, so it takes no periodic checkpoints.
 */
void	ckpt_init(void);

/*
 * Take a checkpoint now: every object on the dirty list and every held
 * process is written, the run list becomes the held processes that are
 * not stopped, the generation is committed and the objects are marked
 * clean. Interrupts off, no process running: from sched_return() or an
 * invocation, never from an interrupt handler. Prints one line either
 * way. Returns 0 and sets *gen to the generation committed; or ERR_*
 * (store_gen_*()'s errors, ERR_NOT_FOUND without a store, ERR_TOO_BIG
 * for a run list above PROC_RUNLIST_MAX): every object stays dirty and
 * the store stays at its current generation.
 */
int	ckpt_take(uint64_t *gen);

/* The generation the store is at (the last committed), 0 if none. */
uint64_t	ckpt_generation(void);

/* Take the periodic checkpoint (ckpt_take) and set the next due tick. */
void	ckpt_periodic(void);

/* From sched_return() before it picks a process: one compare when not
   due. */
static inline void
ckpt_poll(void)
{
	if (timer_ticks() >= ckpt_due_tick)
		ckpt_periodic();
}
