/*
 * ckpt.h - checkpoints (version 2, docs/persistence.md): a short stop of
 * the world that only takes a snapshot (the dirty objects by epoch, the
 * run list, every address space write-protected at its top), then a
 * write-out of that snapshot while processes run (copy-on-write through
 * the write hook obj_modify), then the commit of docs/store-format.md.
 * Taken every ckpt_period seconds from sched_return() and on demand
 * through the CKPT cap. docs/kernel.md "Checkpoints" has the details.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/types.h>
#include <x86_64/timer.h>

/* Seconds between checkpoints when the command line has no ckpt=. */
#define CKPT_PERIOD_DEFAULT	5

/*
 * Tick at which ckpt_service() is next due: the next periodic
 * checkpoint, sooner while a write-out runs, 0 once its disk I/O
 * completed (ckpt_wake); UINT64_MAX: nothing to do.
 */
extern volatile uint64_t	ckpt_due_tick;

/*
 * Read the period from the kernel command line (ckpt=SECONDS, 0 = off;
 * absent: CKPT_PERIOD_DEFAULT) and print it. Periodic checkpoints stay
 * off without a mounted store. Once, after the store is mounted; the
 * test kernel never calls it, so it takes no periodic checkpoints.
 */
void	ckpt_init(void);

/*
 * Take a checkpoint now and wait for its commit, running its write-out
 * (and first the rest of one already running) with no process running:
 * for OC_CKPT_TAKE and the self-tests. Interrupts off, from an
 * invocation or a test, never from an interrupt handler. Prints one
 * line either way. Returns 0 and sets *gen to the generation committed;
 * or ERR_*: store_gen_*()'s errors, ERR_NOT_FOUND without a store,
 * ERR_TOO_BIG for a run list above PROC_RUNLIST_MAX, ERR_NO_SPACE if a
 * copy-on-write or the write pool found no memory; then every object is
 * dirty again and the store stays at its current generation.
 */
int	ckpt_take(uint64_t *gen);

/* The generation the store is at (the last committed), 0 if none. */
uint64_t	ckpt_generation(void);

/* What the last checkpoint did (OC_CKPT_LAST, the bench rows). */
struct ckpt_stats {
	uint64_t	generation;	/* committed, or 0 if it failed */
	uint64_t	pause_tsc;	/* the stop of the world, TSC ticks */
	uint64_t	write_tsc;	/* write-out: snapshot to commit */
	uint64_t	bytes;		/* every block written */
	uint64_t	objects;	/* in the snapshot */
	uint64_t	copies;		/* of those, copied on write */
};

void	ckpt_last(struct ckpt_stats *st);

/*
 * From ckpt_poll(): run the write-out in progress until it waits for
 * the disk, or take the periodic checkpoint when due, and set the next
 * due tick.
 */
void	ckpt_service(void);

/* From the disk's interrupt: the write-out can go on. */
static inline void
ckpt_wake(void)
{
	ckpt_due_tick = 0;
}

/* From sched_return() before it picks a process: one compare when
   nothing is due. */
static inline void
ckpt_poll(void)
{
	if (timer_ticks() >= ckpt_due_tick)
		ckpt_service();
}

/*
 * The write hook's copy (obj_modify, objcache.c): o belongs to the
 * snapshot being written out and has not been taken; keep its bytes
 * for the writer before they change. A page whose snapshot bytes are in
 * a held block already (out_block) hands the block over instead. Never
 * evicts; a page that finds no frame for its copy is written to a held
 * block (pageout.c). Without memory even for that, it records that the
 * generation cannot commit.
 */
struct obj;
void	ckpt_cow(struct obj *o);

/* One object of a snapshot, as the writer gets it (ckpt_snap.c). */
struct ckpt_item {
	oid_t		oid;
	uint32_t	alloc_count;
	uint32_t	bank;
	uint8_t		type;
	bool		held;		/* a page whose bytes are in block
					   (0: all zero), not in buf */
	uint32_t	crc;		/* CRC32C of block's data */
	uint64_t	block;		/* a held block (pageout.h) */
};

/*
 * Copy the next object of the snapshot into buf (a 4 KiB frame: a
 * page's bytes, or an inline object with its header filled in), the
 * copies made by ckpt_cow() first; a page out of memory, or whose bytes
 * are in a held block, copies nothing and says so in it->held. Returns
 * false when none is left.
 */
bool	ckpt_snap_take(void *buf, struct ckpt_item *it);

/* ERR_NO_SPACE if a copy-on-write found no memory, else 0. */
int	ckpt_snap_error(void);

/* The write-out ended: drop what copies are left; returns how many
   copies were made. */
uint64_t	ckpt_snap_end(void);
