/*
 * st_blk.h - helpers the blk self-tests share (st_blk.c, st_blk_async.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Sectors at the end of the disk that the tests may overwrite. */
#define ST_BLK_TAIL	64

/*
 * blk_init(), failing the running test (false) if the driver does not
 * come up.
 */
bool		st_blk_up(void);

/*
 * n physically contiguous frames (n <= 512), or 0 if the allocator
 * does not yield such a run; free with st_blk_free().
 */
uint64_t	st_blk_alloc(unsigned n);
void		st_blk_free(uint64_t pa, unsigned n);

/* A word for sector lba, word i, that differs between runs (seed). */
uint64_t	st_blk_pattern(uint64_t seed, uint64_t lba, unsigned i);
