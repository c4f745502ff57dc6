/*
 * objcache.h - the object cache beyond obj.h: lookups that never load,
 * the dirty list a checkpoint walks, counters, and the hooks the
 * self-tests use. Everyday code needs only obj.h.
 *
 * Lists: every object in memory is on exactly one of
 *   - the LRU list: clean and unpinned (evictable), oldest first;
 *   - the dirty list: modified in the current epoch (obj_modify);
 *   - the snapshot list: while a checkpoint is written out, the objects
 *     of its snapshot whose bytes the writer has not taken yet;
 *   - the written list: objects of that snapshot whose bytes are taken,
 *     clean once the generation commits;
 *   - no list: clean and pinned.
 * All link through obj.lru_prev/lru_next. Dirty, snapshot and written
 * objects carry OBJ_F_DIRTY and are never evicted. docs/persistence.md
 * explains the epochs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <obj.h>
#include <pmm.h>

/* The hash table (objcache.c): frames of bucket heads; bits is 0 until
   objcache_init() set it up. Only obj_lookup() below reads them. */
#define OBJCACHE_HASH_MULT	0x9e3779b97f4a7c15ull	/* 2^64 / phi */
#define OBJCACHE_PER_FRAME	512			/* heads a frame */
extern struct obj	**objcache_hash_frame[];
extern unsigned		objcache_hash_bits;

/*
 * The object named oid if it is in memory, else NULL (also for a page
 * out of memory, OBJ_F_OUT: only obj_get brings it back). Never loads.
 * Inline: the fault path looks up every object on a walk.
 */
static inline struct obj *
obj_lookup(oid_t oid)
{
	unsigned bits = objcache_hash_bits;
	uint64_t h;
	struct obj *o;

	if (bits == 0)
		return NULL;
	h = (oid * OBJCACHE_HASH_MULT) >> (64 - bits);
	for (o = objcache_hash_frame[h / OBJCACHE_PER_FRAME]
	    [h % OBJCACHE_PER_FRAME]; o != NULL; o = o->hash_next)
		if (o->oid == oid)
			return (o->flags & OBJ_F_OUT) ? NULL : o;
	return NULL;
}

/*
 * The first dirty object (follow lru_next to the others, NULL ends the
 * list), in the order they became dirty. The list changes under any
 * call that can mark objects dirty or clean.
 */
struct obj	*objcache_dirty_first(void);

/*
 * o (dirty) has been written out by a checkpoint: it becomes clean and
 * no longer new, and is evictable again once unpinned.
 */
void		obj_mark_clean(struct obj *o);

/*
 * The stop-the-world part of a checkpoint (ckpt.c), constant time: the
 * dirty list becomes the snapshot list and the epoch moves on, so the
 * next obj_modify() of each of those objects copies it first
 * (ckpt_cow). Needs the snapshot and written lists empty. Returns how
 * many objects the snapshot holds.
 */
uint64_t	objcache_snapshot(void);

/* The first object of the snapshot whose bytes are not taken, or NULL. */
struct obj	*objcache_snap_first(void);

/*
 * The writer has taken o's bytes (o is on the snapshot list): o moves to
 * the written list, and a later obj_modify() copies nothing.
 */
void		objcache_taken(struct obj *o);

/*
 * The snapshot's generation is committed (snapshot list empty): every
 * written object not modified since becomes clean. Returns how many.
 */
uint64_t	objcache_commit(void);

/*
 * The snapshot's generation failed: every object of the snapshot and
 * written lists goes back to the dirty list, modified in this epoch.
 */
void		objcache_abort(void);

/*
 * Evict the least recently used clean, unpinned object
 * (space_object_gone() first), freeing its struct and frame. Returns
 * false if no object can be evicted. For any code whose allocation
 * failed: evict one and retry, until this returns false. Objects the
 * caller holds unpinned may go.
 */
bool		objcache_evict_one(void);

/*
 * Memory pressure, at a safe point (no process running, nothing held
 * unpinned): free frames until want are free (0: the high watermark)
 * or nothing more can go. In this order: clean unpinned objects, oldest
 * first; dirty pages in memory and unpinned, PAGEOUT_BATCH at a time in
 * a clock over the snapshot being written out (if any) and then the
 * dirty list, each written to a held block (pageout.h); last, the
 * hardware page tables of one address space after another (pmap.h).
 * Says once on the console when it ends below the low watermark, and
 * why (the store is full, a write failed, everything is in use).
 * Returns the frames it freed.
 */
uint64_t	objcache_reclaim(uint64_t want);

/* True if free frames are below the low watermark. */
bool	objcache_short(void);

/*
 * Set when an object could not get memory (obj_get's ERR_NO_SPACE, as
 * opposed to the store's); a kernel entry clears it first, and on
 * ERR_NO_SPACE with it set reclaims at its safe point and retries
 * (inv_syscall, fault_exception).
 */
extern bool	objcache_starved;

/* The low watermark; 0 while a reclaim could not reach it and no
   checkpoint has committed since (objcache_poll() then waits). */
extern uint64_t	objcache_poll_mark;

/*
 * From sched_return(), at its safe point: reclaim up to the high
 * watermark when free frames are below the low one, so that a fault
 * rarely waits for a write. One compare otherwise.
 */
static inline void
objcache_poll(void)
{
	if (pmm_free_frames() < objcache_poll_mark)
		(void)objcache_reclaim(0);
}

/*
 * Evict every clean, unpinned object (space_object_gone() first).
 * Returns how many were evicted. Pinned and dirty objects stay.
 */
uint64_t	objcache_flush(void);

struct objcache_stats {
	uint64_t	hits;		/* obj_get found it in memory */
	uint64_t	misses;		/* obj_get had to make it */
	uint64_t	loaded;		/*   from a stored entry */
	uint64_t	fresh;		/*   as a fresh zero object */
	uint64_t	failed;		/*   not at all (error returned) */
	uint64_t	evicted;	/* objects dropped for memory */
	uint64_t	objects;	/* in memory now */
	uint64_t	frames;		/* page and cap page frames held */
	uint64_t	lru;		/* on the LRU list (evictable) */
	uint64_t	dirty;		/* on the dirty list */
	uint64_t	out;		/* dirty pages out of memory now */
	uint64_t	pageouts;	/* pages that left memory dirty */
	uint64_t	pageins;	/*   and came back */
	uint64_t	readahead;	/*   of those, read with another */
	uint64_t	buckets;	/* hash table size */
};

void		objcache_stats(struct objcache_stats *st);
