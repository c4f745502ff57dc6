/*
 * store.h - reading the persistent store (the format is
 * docs/store-format.md and include/abi/store.h): mount the newest valid
 * generation of the superblock ring, find any object's OID map entry by
 * walking its type's tree lazily (only the blocks on the path, through a
 * small cache of verified map blocks), read page data, and read the run
 * list. Writing the next generation is <store_write.h>'s.
 *
 * The disk is untrusted input: every block is checked against its own
 * header (magic, version, page size, kind, level, own number, store id,
 * key, CRC32C) and against the pointer that led to it (CRC, kind, level,
 * birth generation), and every entry against the format's invariants.
 * The checks of blocks, pointers and superblocks (store_check_block(),
 * store_bptr_problem(), store_check_super()) and the tree shapes
 * (store_map_levels()) are lib/storefmt.c's, the same code mkimage runs.
 * A failed check is ERR_CORRUPT with a "store:" line naming the block;
 * nothing here panics on anything read from the disk.
 *
 * Blocks come through a struct store_dev: the disk (store_mount_disk),
 * or a test's in-memory or damaging device (store_mount). Single CPU,
 * thread context; reads and writes wait for the disk.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/store.h>

/* Where the store's blocks come from. */
struct store_dev {
	const char	*name;		/* for messages: "disk", ... */
	uint64_t	blocks;		/* store size in 4 KiB blocks */
	/*
	 * Read block (< blocks) into buf, a page-aligned direct-map frame.
	 * Returns 0 or ERR_IO (or the disk driver's error).
	 */
	int		(*read)(void *ctx, uint64_t block, void *buf);
	void		*ctx;
	/*
	 * Write buf (STORE_BLOCK_SIZE bytes, a direct-map frame or kernel
	 * image address) to block (< blocks); and make every write that
	 * completed durable. Each returns 0 or an ERR_*. NULL for a store
	 * that is only read (store_gen_begin() then refuses).
	 */
	int		(*write)(void *ctx, uint64_t block, const void *buf);
	int		(*flush)(void *ctx);
	/*
	 * Optional (NULL: one read or write per block): write the n
	 * frames (physical addresses, n <= STORE_DEV_RUN_MAX) to blocks
	 * block..block + n - 1 if write, else read those blocks into
	 * them, as one request, and wait for it. Returns 0 or an ERR_*.
	 * Not from the checkpoint writer. Page-outs and page-ins use it
	 * (a write only where write is set).
	 */
	int		(*io_frames)(void *ctx, bool write, uint64_t block,
			    const uint64_t *frames, unsigned n);
};

#define STORE_DEV_RUN_MAX	32	/* 128 KiB: one disk request */

/*
 * Mount the store partition that boot_info names, read through
 * blk_read() (blk_init() must have succeeded). Returns 0, ERR_NOT_FOUND
 * (no store partition, or an empty ring), ERR_IO or ERR_CORRUPT (no
 * usable superblock), each with a message. On failure nothing is mounted.
 */
int	store_mount_disk(void);

/*
 * Mount the store on dev (copied; dev->ctx must outlive the mount):
 * read the STORE_SB_RING superblock slots, check each, and make the
 * valid one with the highest generation current; prints the generation
 * chosen and why each other slot was passed over. Replaces any earlier
 * mount and empties the map block cache. Errors as store_mount_disk().
 */
int	store_mount(const struct store_dev *dev);

/*
 * Fall back: remount the same device at its newest valid generation
 * below the current one (a restart found the current one damaged).
 * The newer generations stay in the ring until the first commit, which
 * zeroes their slots before it writes anything. Errors as store_mount();
 * ERR_NOT_FOUND also when nothing is mounted. On failure nothing is
 * mounted.
 */
int	store_mount_older(void);

/* Forget the mounted store (every OID then reads as not stored). */
void	store_unmount(void);

/* The current superblock, or NULL if nothing is mounted. Read-only. */
const struct store_super *store_current(void);

/*
 * The generation this boot resumed (mounted), which later commits do not
 * change; 0 if nothing is mounted. Every boot resumes a generation older
 * than any it commits, so a process that remembers this number notices
 * a restart by its change.
 */
uint64_t	store_mounted_generation(void);

/*
 * The i-th newest kept generation of the mounted store (0: the current
 * one): the ring's valid superblocks of this store at or below the
 * current generation, read again from the disk and checked. Copies the
 * superblock into *out. Returns 0; ERR_NOT_FOUND past the oldest one
 * (or nothing mounted); ERR_NO_SPACE if the mount has no scratch frame.
 */
int	store_kept_super(unsigned i, struct store_super *out);

/*
 * Copy the OID map entry of oid (store_entry_size(OID_TYPE(oid)) bytes:
 * a struct store_ref for pages and cap pages, else the object itself)
 * into entry. Returns 0 if the entry is in use; ERR_NOT_FOUND if the
 * store holds no such object (nothing mounted, index at or above the
 * type's OID limit, no subtree, an unused or a free entry); ERR_BAD_ARG
 * for an OID of no object type; ERR_IO; ERR_CORRUPT. entry is written
 * on 0, and on ERR_NOT_FOUND from an unused or free entry (all zero but
 * a free entry's kept allocation count, abi/store.h); so a caller that
 * zeroes it first reads the count a fresh object must start from.
 * Checks made here: the entry's own OID (inline objects), its flags,
 * and for a store_ref its block number and that a zero block has no CRC.
 */
int	store_get_entry(oid_t oid, void *entry);

/*
 * Read the data block of the page or cap page oid, as ref (from
 * store_get_entry) points to it, into the frame at buf and check its
 * CRC32C; a ref with block 0 reads as zeros. Returns 0, ERR_IO or
 * ERR_CORRUPT (buf then holds garbage).
 */
int	store_read_data(oid_t oid, const struct store_ref *ref, void *buf);

/*
 * The run list of the current generation: the OIDs of the processes to
 * resume, in order. Writes up to max of them to oids and their number
 * to *n. Returns 0; ERR_TOO_BIG if the list holds more than max (the
 * first max are written); ERR_IO; ERR_CORRUPT (a block, or an OID that
 * is not a process). Nothing mounted: 0 with *n = 0.
 */
int	store_runlist(uint64_t *oids, unsigned max, unsigned *n);

struct store_stats {
	uint64_t	meta_reads;	/* map and list blocks read from disk */
	uint64_t	meta_hits;	/* found in the block cache instead */
	uint64_t	data_reads;	/* page and cap page blocks read */
	uint64_t	corrupt;	/* ERR_CORRUPT results */
	uint64_t	io_errors;	/* failed device reads */
	uint64_t	bad_block;	/* of the last ERR_IO or ERR_CORRUPT
					   a block read gave; 0: none */
};

void	store_stats(struct store_stats *st);

/* The block of the last ERR_IO or ERR_CORRUPT a block read gave since
   the last call (0: none), for a line naming it; clears it. */
uint64_t store_take_bad_block(void);
