/*
 * store_write.h - writes an object set as one committed generation of a
 * fresh store (what mkimage build puts in partition 2).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "objset.h"

struct store_params {
	uint64_t	store_blocks;	/* partition size in blocks */
	uint64_t	generation;	/* >= 1 */
	uint64_t	time_ns;	/* commit time */
	uint64_t	store_id;	/* non-zero */
	uint32_t	flags;		/* STORE_SB_F_* */
};

/* Write one STORE_BLOCK_SIZE block at block number block. 0 or -1. */
typedef int (*store_put_fn)(void *ctx, uint64_t block, const void *buf);

/*
 * Write every object of os, the run list and the manifest, then the free
 * map, then the superblock (last: it commits the generation). Blocks are
 * allocated upward from STORE_FIRST_DATA; fills os->pages[] and
 * os->cpages[] block and crc, and *sb with the superblock written.
 * Returns 0, or -1 with a reason in err (store too small, a write
 * failed, an object count beyond what the format addresses).
 */
int	store_write(struct objset *os, const struct store_params *sp,
	    store_put_fn put, void *ctx, struct store_super *sb, char *err,
	    size_t errlen);

/*
 * Blocks store_write() would use for os in a store of store_blocks
 * blocks (superblock ring included), or UINT64_MAX if os is beyond the
 * format's limits.
 */
uint64_t store_blocks_needed(const struct objset *os, uint64_t store_blocks);
