/*
 * store_write_priv.h - what the store writer's files share:
 * store_write.c (the steps of <store_write.h>, the superblock),
 * store_cow.c (the blocks of the next generation's trees, copied on
 * write) and store_free.c (the free map, the block allocator, the
 * released lists). Not for use outside the store.
 *
 * The trees of a generation are the OID map of each object type and the
 * free map; a tree is named by its object type, or COW_FREE. A block of
 * the next generation is named by its place: tree, level and key (the
 * first OID index or block number it covers), as the format names it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <store/store_priv.h>
#include <store/store_write.h>

#define COW_FREE	OT_NONE		/* the free map's tree id */
#define COW_TREES	OT_MAX
#define COW_LEVELS	9		/* levels 0..8 (storefmt's maximum) */

/* Identity of the generation being built (store id, its number). */
extern struct store_ctx	store_gen_ctx;

/*
 * A block of the next generation: a copy of the current generation's
 * block at its place (or zeros where it has none), changed in memory,
 * sealed and written when the generation is committed.
 */
struct cow_blk {
	struct cow_blk	*hnext;		/* hash chain */
	struct cow_blk	*lnext;		/* list of its tree and level */
	uint8_t		*buf;		/* the whole block */
	struct store_bptr old;		/* the current block here, or null */
	uint64_t	key;
	uint64_t	block;		/* where it goes; 0 until allocated */
	uint8_t		tree;
	uint8_t		level;
	bool		borrowed;	/* buf is the free map's, not ours */
};

/* Keys a block of tree at level covers. */
uint64_t cow_cover(unsigned tree, unsigned level);

/*
 * The current generation's pointer to the block at (tree, level, key),
 * following verified nodes from the root; null in *bp if there is none.
 * Returns 0, ERR_IO or ERR_CORRUPT.
 */
int	cow_locate(unsigned tree, unsigned level, uint64_t key,
	    struct store_bptr *bp);

/* The next generation's block at (tree, level, key), NULL if unchanged. */
struct cow_blk *cow_find(unsigned tree, unsigned level, uint64_t key);

/* The first block of tree at level (then along lnext), or NULL. */
struct cow_blk *cow_first(unsigned tree, unsigned level);

/*
 * Find or make the next generation's block at (tree, level, key): made
 * as a copy of the current one (verified, its block released) or zeros.
 * Returns 0, ERR_IO, ERR_CORRUPT or ERR_NO_SPACE (no memory).
 */
int	cow_get(unsigned tree, unsigned level, uint64_t key,
	    struct cow_blk **out);

/*
 * Make the free map leaf at key, whose contents are buf (kept by the
 * free map), a block of the next generation. Errors as cow_get().
 */
int	cow_adopt(uint64_t key, uint8_t *buf, struct cow_blk **out);

/*
 * Give every changed block of tree below level top its changed parent.
 * Errors as cow_get().
 */
int	cow_parents(unsigned tree, unsigned top);

/*
 * Make a map tree whose root is at level top although the current
 * root is lower: the nodes on the path of key 0 above the current root,
 * with it as child 0. Errors as cow_get().
 */
int	cow_grow(unsigned tree, unsigned top);

/*
 * Seal and write every changed block of tree bottom-up (allocating
 * blocks of OID maps as it goes; the free map's were settled), each
 * into its parent, and return the new root (at level top) in *root.
 * Returns 0, ERR_IO, ERR_NO_SPACE or ERR_CORRUPT.
 */
int	cow_write_tree(unsigned tree, unsigned top, struct store_bptr *root);

/* Forget every changed block (after a commit or an abort). */
void	cow_drop(void);

/* Write block b of the next generation, counting it in *count. */
int	store_gen_write(uint64_t b, const void *buf, uint64_t *count);

/* The statistics of the generation being built. */
extern struct store_gen_stats store_gen_st;

/*
 * The free map (store_free.c). sf_load() reads and checks the current
 * generation's the first time after a mount (0, ERR_TOO_BIG, ERR_IO,
 * ERR_CORRUPT, ERR_NO_SPACE); sf_forget() drops it.
 */
int	sf_load(void);
void	sf_forget(void);

/* True if the current generation's free map marks block b. */
bool	sf_marked(uint64_t b);

/*
 * A block free in the current generation and not yet taken by the next
 * one, now marked in the next one's map. Returns 0, or ERR_NO_SPACE
 * (the store is full, with a message; or no memory).
 */
int	sf_alloc(uint64_t *b);

/* Give back b, which sf_alloc() gave this generation and it no longer uses. */
void	sf_unalloc(uint64_t b);

/* True if b was allocated by the generation being built. */
bool	sf_taken(uint64_t b);

/*
 * The next generation stops referencing b, a block of the current one:
 * it goes on the released list. Returns 0; ERR_CORRUPT if the current
 * free map marks b free (with a message naming what); ERR_NO_SPACE.
 */
int	sf_release(uint64_t b, const char *what);

/*
 * Clear from the next free map the blocks released three generations
 * before it (the current superblock's released[2]), and release that
 * list's own blocks. Returns 0, ERR_IO, ERR_CORRUPT or ERR_NO_SPACE.
 */
int	sf_clear_released(void);

/*
 * Settle the free map's fixpoint: give every changed free map leaf and
 * node, and the released list, its blocks (which changes bits, which
 * may change more leaves). Returns 0, or an error as sf_alloc().
 */
int	sf_settle(void);

/*
 * Write the released list and the free map; fills sb's released[0],
 * free_root and used_blocks. Returns 0 or ERR_IO.
 */
int	sf_write(struct store_super *sb);

/*
 * Hold a block for a page leaving memory before its checkpoint
 * (pageout.c): one free in the current map, not taken by a generation
 * being built and not held already; no generation will use it until
 * one adopts it. Loads the free map if need be. Returns 0, ERR_NO_SPACE
 * (the store is full, or no memory; no message), or sf_load()'s errors.
 */
int	sf_hold(uint64_t *b);

/* Let go of held block b, which no generation adopted. */
void	sf_unhold(uint64_t b);

/*
 * Hold b again: a generation that adopted it was abandoned, and
 * sf_abort() let every block it adopted go.
 */
void	sf_rehold(uint64_t b);

/*
 * The generation being built references held block b (its data is
 * written): marked in the next map; the hold ends at its commit.
 * Returns 0 or ERR_NO_SPACE (no memory for the map leaf's copy).
 */
int	sf_adopt(uint64_t b);

/* Blocks held now. */
uint64_t	sf_held_blocks(void);

/*
 * The next generation was committed: its free map is now current, and
 * the blocks it adopted are no longer held.
 */
void	sf_commit(void);

/* Drop the next generation's free map and released list; the blocks it
   adopted are no longer held. */
void	sf_abort(void);
