/*
 * pageout.h - the single-level store's way out of memory for dirty
 * pages (pageout.c; DESIGN.md section 6, docs/persistence.md "Pages out
 * of memory"): a dirty page or cap page under memory pressure is
 * written to a store block that no kept generation uses (held, sf_hold)
 * and its frame given back; the next checkpoint adopts that block
 * instead of writing the page again, and a fault reads it back.
 *
 * The object cache (objcache.c) chooses the pages and keeps their state
 * (OBJ_F_OUT, struct page's out_block and out_crc); this file does the
 * block I/O. Pages and cap pages both go through struct page (obj.h
 * asserts that a cap page's fields sit alike). Synchronous; never from
 * the checkpoint writer (its writes are queued: ckpt_io.h).
 */
#pragma once

#include <stdint.h>

#include <obj.h>

/*
 * Put the bytes of pg (its frame) in a held block, unless they are
 * there already (out_block set: in the snapshot, or read back and
 * unchanged) or all zero (then out_block stays 0). The frame is not
 * freed. Returns 0, ERR_NO_SPACE (the store has no free block, or no
 * memory), ERR_IO, ERR_NO_ACCESS (a read-only disk).
 */
int	pageout_write(struct page *pg);

/*
 * pageout_write() for pg[0..n) (unmapped: nothing changes them
 * meanwhile), the pages that go to consecutive held blocks sent as one
 * request of up to STORE_DEV_RUN_MAX blocks (store_dev.io_frames).
 * Returns how many pages, from the first, now have their bytes in a
 * block (or need none); if fewer than n, *err says why the rest do not
 * (they hold no new block): ERR_NO_SPACE, ERR_IO, or ERR_NO_ACCESS for
 * a store that cannot be written (a read-only disk: nothing leaves).
 */
unsigned pageout_write_batch(struct page **pg, unsigned n, int *err);

/*
 * Read pg's bytes back from its held block into buf (a direct-map
 * frame; zeros if out_block is 0), checking the CRC. Returns 0, ERR_IO,
 * or ERR_CORRUPT (with a line naming the block and page).
 */
int	pageout_read(struct page *pg, void *buf);

/*
 * Read-ahead: pg[0..n) hold consecutive blocks (pg[i]->out_block ==
 * pg[0]->out_block + i, the first not 0, n <= STORE_DEV_RUN_MAX); read
 * them into frame[0..n) as one request (store_dev.io_frames, else a
 * read each), checking each CRC. Returns pg[0]'s result as
 * pageout_read() would, and in *good how many pages from the first were
 * read intact (0 if pg[0] was not); a neighbour's damage is left for
 * its own read to report.
 */
int	pageout_read_run(struct page **pg, const uint64_t *frame, unsigned n,
	    unsigned *good);

/* pg's held block (if any) is not needed any more: free it. */
void	pageout_drop(struct page *pg);

/* Free held block b, which no page names any more (a shadow's). */
void	pageout_unhold(uint64_t b);

/* pg's held block was adopted by a generation that failed: hold it
   again (sf_abort let it go). */
void	pageout_rehold(struct page *pg);

/* Blocks written and read back since boot, and blocks held now. */
struct pageout_stats {
	uint64_t	writes;
	uint64_t	reads;
	uint64_t	held;
};

void	pageout_stats(struct pageout_stats *st);
