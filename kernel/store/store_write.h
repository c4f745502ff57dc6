/*
 * store_write.h - committing the next generation of the mounted store,
 * copy-on-write, in the order of docs/store-format.md ("Generations and
 * the commit order"); docs/kernel.md "The store writer" explains it.
 *
 * A generation is built in steps, then committed or abandoned:
 *
 *	store_gen_begin();
 *	store_gen_page(oid, data, alloc_count, bank);	any number, any order
 *	store_gen_page_held(oid, block, crc, ...);	pages already out
 *	store_gen_object(obj);				GPTs, processes, endpoints
 *	store_gen_runlist(oids, n);			optional
 *	store_gen_clock(clock_ns);			optional
 *	store_gen_commit(time_ns, &gen);
 *
 * Invariants:
 * - every block a step writes is one the current generation's free map
 *   marks free, so no block any generation of the superblock ring
 *   references is ever overwritten; nothing written is reachable from a
 *   superblock until store_gen_commit() writes the new one, after a
 *   flush;
 * - until the commit succeeds, the mount, every read and the writer's
 *   in-memory free map describe the current generation: a failing step
 *   (I/O error, a full store, no memory, damage found in the current
 *   generation) abandons the whole generation, changes nothing a reader
 *   or a later attempt sees, and the next store_gen_begin() can succeed;
 * - after a successful commit the mount is at the new generation.
 *
 * Objects named by no step keep their entries (copied forward by
 * pointer); so do the run list (unless store_gen_runlist() replaces it)
 * and the manifest. Entries are never removed: a page put with all-zero
 * data is stored without a data block.
 *
 * Single CPU, thread context, one generation at a time; every step waits
 * for the disk. Calling a step outside begin..commit is a kernel bug
 * (assert).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/types.h>

/*
 * Start generation current + 1 of the mounted store. Loads and checks
 * the current free map the first time after a mount. If an earlier
 * commit failed at or after its superblock write, first makes sure that
 * superblock slot holds no generation above the current one (zeroing
 * and flushing it if it does). Returns 0; ERR_NOT_FOUND (nothing
 * mounted); ERR_NO_ACCESS (a device without write); ERR_TOO_BIG (a
 * free map larger than the writer handles); ERR_IO; ERR_CORRUPT (the
 * free map disagrees with itself or the superblock, with a message);
 * ERR_NO_SPACE (no memory).
 */
int	store_gen_begin(void);

/*
 * Store page or cap page oid with these contents (PAGE_SIZE bytes,
 * readable until the call returns; NULL or all zero: no data block),
 * allocation count and bank. Its data block is written now. Putting an
 * OID again replaces what the first put stored. Returns 0; ERR_BAD_ARG
 * (not a page or cap page OID, an index beyond the format); ERR_NO_SPACE
 * (the store is full, or no memory); ERR_IO; ERR_CORRUPT. On error the
 * generation is abandoned.
 */
int	store_gen_page(oid_t oid, const void *data, uint32_t alloc_count,
	    uint32_t bank);

/*
 * Store page or cap page oid as store_gen_page() does, its contents
 * being already in block, a block held for it (sf_hold, pageout.c) whose
 * data has CRC32C crc: the generation adopts the block and writes no
 * data. Errors as store_gen_page().
 */
int	store_gen_page_held(oid_t oid, uint64_t block, uint32_t crc,
	    uint32_t alloc_count, uint32_t bank);

/*
 * Store the inline object obj (a struct obj_gpt, obj_process or
 * obj_endpoint, whose hdr.oid names it and whose size its type gives),
 * copied now. Errors as store_gen_page().
 */
int	store_gen_object(const void *obj);

/*
 * Replace the run list with the n process OIDs at oids (written now).
 * Returns 0; ERR_BAD_ARG (an OID that is not a process's); ERR_TOO_BIG
 * (more than PROC_RUNLIST_MAX); ERR_NO_SPACE; ERR_IO. On error the
 * generation is abandoned.
 */
int	store_gen_runlist(const oid_t *oids, unsigned n);

/*
 * The persistent clock (clock.h) the new superblock records as its
 * clock_ns; without this call the current generation's is kept. Cannot
 * fail.
 */
void	store_gen_clock(uint64_t clock_ns);

/*
 * Write the map leaves and nodes on the paths to every changed entry,
 * the released list and the free map (to free blocks), flush, write the
 * superblock of the new generation (commit time time_ns) into its ring
 * slot, flush, and mount it; *gen gets its number. Returns 0; or
 * ERR_IO, ERR_NO_SPACE, ERR_CORRUPT (damage found in the current
 * generation, or counts in its superblock that disagree with its maps),
 * after which the generation is abandoned and the current one is still
 * current.
 */
int	store_gen_commit(uint64_t time_ns, uint64_t *gen);

/* Abandon the generation being built (nothing if none is). */
void	store_gen_abort(void);

/* True between a successful store_gen_begin() and its commit or abort. */
bool	store_gen_active(void);

/* What the last generation built (committed or not) wrote. */
struct store_gen_stats {
	uint64_t	data_writes;	/* page and cap page data blocks */
	uint64_t	map_writes;	/* OID map leaves and nodes */
	uint64_t	list_writes;	/* run list and released list blocks */
	uint64_t	free_writes;	/* free map leaves and nodes */
	uint64_t	super_writes;	/* superblocks, slot clears included */
	uint64_t	flushes;
	uint64_t	released;	/* blocks the new generation let go */
	uint64_t	cleared;	/* blocks freed (released 3 earlier) */
};

void	store_gen_stats(struct store_gen_stats *st);
