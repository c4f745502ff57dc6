/*
 * st_slab.c - self-tests of the slab caches (slab.h): blocks are
 * distinct, aligned and inside frames of the cache; frames go back to
 * pmm as soon as they are empty (keep 0) or once more than `keep` blocks
 * are free; reserve makes room without handing anything out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/types.h>
#include <lib/string.h>
#include <pmm.h>
#include <selftest/selftest.h>
#include <slab.h>

#define NBLK	600

static void *blk[NBLK];

static void
test_slab_blocks(void)
{
	struct slab_cache c = SLAB_CACHE(72, 0);
	uint64_t free0 = pmm_free_frames();
	unsigned i, j;

	for (i = 0; i < NBLK; i++) {
		ST_CHECK((blk[i] = slab_alloc(&c)) != NULL);
		ST_CHECK(((uintptr_t)blk[i] & 7) == 0);
		/* Inside its frame, after the header. */
		ST_CHECK(((uintptr_t)blk[i] & (PAGE_SIZE - 1)) >=
		    sizeof(struct slab));
		ST_CHECK(((uintptr_t)blk[i] & (PAGE_SIZE - 1)) + 72 <=
		    PAGE_SIZE);
		memset(blk[i], (int)i, 72);
	}
	ST_CHECK_EQ(c.live, NBLK);
	ST_CHECK_EQ(pmm_free_frames() + c.frames, free0);
	for (i = 0; i < NBLK; i++)
		for (j = 0; j < 72; j++)
			ST_CHECK_EQ(((uint8_t *)blk[i])[j], (uint8_t)i);
	/* Free every other one, then the rest: all frames come back. */
	for (i = 0; i < NBLK; i += 2)
		slab_free(&c, blk[i]);
	ST_CHECK_EQ(c.live, NBLK / 2);
	for (i = 0; i < NBLK; i += 2)
		ST_CHECK((blk[i] = slab_alloc(&c)) != NULL);
	for (i = 0; i < NBLK; i++)
		slab_free(&c, blk[i]);
	ST_CHECK_EQ(c.live, 0);
	ST_CHECK_EQ(c.frames, 0);
	ST_CHECK_EQ(c.nfree, 0);
	ST_CHECK_EQ(pmm_free_frames(), free0);
}

static void
test_slab_keep_and_reserve(void)
{
	struct slab_cache c = SLAB_CACHE(80, 100);
	uint64_t free0 = pmm_free_frames(), per, n;
	unsigned i;

	ST_CHECK_EQ(slab_reserve(&c, 1), 0);
	per = c.nfree;				/* blocks in one frame */
	ST_CHECK(per == (PAGE_SIZE - sizeof(struct slab)) / 80);
	ST_CHECK_EQ(slab_reserve(&c, 3 * per), 0);
	ST_CHECK_EQ(c.frames, 3);
	ST_CHECK_EQ(c.live, 0);
	for (i = 0; i < NBLK; i++)
		ST_CHECK((blk[i] = slab_alloc(&c)) != NULL);
	for (i = 0; i < NBLK; i++)
		slab_free(&c, blk[i]);
	/* Empty frames stay while at most `keep` blocks are free. */
	ST_CHECK(c.nfree <= 100 + per && c.nfree > 0);
	ST_CHECK_EQ(c.nfree % per, 0);
	ST_CHECK_EQ(pmm_free_frames() + c.frames, free0);
	/* Draining what is kept: a cache that keeps nothing more. */
	c.keep = 0;
	n = c.nfree;
	for (i = 0; i < n; i++)
		ST_CHECK((blk[i] = slab_alloc(&c)) != NULL);
	ST_CHECK_EQ(c.nfree, 0);
	for (i = 0; c.live > 0; i++)
		slab_free(&c, blk[i]);
	ST_CHECK_EQ(c.frames, 0);
	ST_CHECK_EQ(pmm_free_frames(), free0);
}

ST_SUITE(st_slab,
	ST_CASE(slab_blocks),
	ST_CASE(slab_keep_and_reserve),
);
