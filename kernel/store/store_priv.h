/*
 * store_priv.h - what store.c (mounting, superblocks, the run list),
 * store_map.c (verified block reads, the map block cache, OID map walks)
 * and the writer (store_write*.c, store_cow.c, store_free.c) share. Not for use outside the store. The format's pure checks and
 * helpers they use are lib/storefmt.c's, shared with mkimage.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <lib/storefmt.h>
#include <store/store.h>

/* The mounted store; valid while mounted is true. */
struct store_mnt {
	bool		mounted;
	struct store_dev dev;
	struct store_super sb;		/* the current superblock */
	unsigned	slot;
	unsigned	newer;		/* valid newer generations passed over */
	uint64_t	mounted_gen;	/* the generation mounted (commits
					   leave it) */
};

extern struct store_mnt	store_mnt;
extern struct store_stats store_st;

/*
 * Follow bp to a metadata block that must have kind, level and key (its
 * place in a tree or list); for map blocks ot is the map's object type
 * (OT_NONE otherwise), and the node's children or the leaf's entries
 * are checked too. what names the block in messages ("gpt map", "run
 * list"). Returns 0 and the verified block (owned by the block cache:
 * valid until the next store_meta call), or ERR_IO / ERR_CORRUPT after
 * printing which block failed which check.
 */
int	store_meta(const struct store_bptr *bp, unsigned kind, unsigned level,
	    uint64_t key, unsigned ot, const char *what, const void **blk);

/*
 * Drop the writer's state of the mounted store (its free map, a
 * generation being built): at every mount and unmount (store_write.c).
 */
void	store_write_forget(void);

/*
 * Empty the map block cache (at every mount), taking its frames the
 * first time. Returns 0 or ERR_NO_SPACE.
 */
int	store_cache_reset(void);
