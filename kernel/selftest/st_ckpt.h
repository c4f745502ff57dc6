/*
 * st_ckpt.h - what the store writer's self-tests share (st_ckpt*.c): a
 * writable in-memory store device that can fail a chosen write or
 * flush, an empty store to start from, a checker of every kept
 * generation's block accounting (the rules of mkimage verify's), and
 * objects with contents derived from a seed, so a test can rebuild what
 * it stored and compare.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <abi/store.h>
#include <store/store.h>

#define WDEV_MAX_BLOCKS	(512u * 512u)

/* A sparse store in memory: a frame per block written, zeros elsewhere. */
struct wdev {
	uint64_t	blocks;
	uint8_t		***top;		/* 512 frames of 512 block frames */
	uint64_t	writes;		/* successful writes, ever */
	uint64_t	flushes;
	uint64_t	fail_write;	/* the n-th write from now fails (0: none) */
	uint64_t	fail_flush;	/* the n-th flush from now fails */
	bool		lie;		/* a failing write stores all the same */
	void		(*on_write)(void);	/* run once, at the next
						   write, then cleared */
	uint64_t	frames;		/* frames held */
};

/*
 * Bring the disk, the object cache and the disk's store up, the cache
 * empty (st_objstore.c). False, with the test failed, if no store is
 * mounted.
 */
bool	st_disk_store(void);

/* Set up w over `blocks` blocks (none held yet). False if no memory. */
bool	wdev_init(struct wdev *w, uint64_t blocks);

/* Give back every frame of w. */
void	wdev_free(struct wdev *w);

/*
 * Run body on a fresh store of `blocks` blocks (released list as
 * ck_fresh() says) on w, then free w and mount the disk's store again
 * (if there is one), so that a test leaves nothing behind whichever way
 * it ends.
 */
void	ck_run(struct wdev *w, uint64_t blocks, uint64_t rel_first,
	    uint64_t rel_end, void (*body)(void));

/* Block b of w (NULL: never written, reads as zeros). */
uint8_t	*wdev_block(struct wdev *w, uint64_t b);

/* A device for store_mount() over w. */
struct store_dev wdev_dev(struct wdev *w);

/*
 * Write generation 1 of an empty store (no objects; a free map of one
 * leaf, or of leaves under one node), store id id, released list as
 * ck_fresh() says, then mount it (the object cache flushed first).
 * Returns 0 or the mount's error.
 */
int	wdev_format(struct wdev *w, uint64_t id, uint64_t rel_first,
	    uint64_t rel_end);

/* Mount w again (the object cache flushed first). */
int	wdev_mount(struct wdev *w);

/*
 * Check every valid generation of w as mkimage verify does: blocks
 * and pointers agree (storefmt's checks), no block reached twice,
 * every reached block marked, used_blocks right, released blocks
 * marked and unreached, nothing marked in the newest generation that no
 * kept generation or its released lists keep. Writes the first problem
 * to why. Returns the number of valid generations, or -1.
 */
int	ck_store(struct wdev *w, char *why, unsigned len);

/*
 * After ck_store(): true if the generation in ring slot `slot` (a valid
 * one) reaches block b, or (ck_released) lists it in one of its
 * released lists.
 */
bool	ck_reached(unsigned slot, uint64_t b);
bool	ck_released(unsigned slot, uint64_t b);

/* After ck_store(): true if that generation's free map marks b. */
bool	ck_marked(unsigned slot, uint64_t b);

/* Fill a page's bytes from seed and its OID. */
void	ck_fill_page(void *buf, uint64_t seed, oid_t oid);

/* A GPT, process or endpoint whose fields derive from seed and oid. */
void	ck_make_object(void *obj, uint64_t seed, oid_t oid);

/*
 * Mount a fresh store of `blocks` blocks on w (a test failure if not).
 * Its generation 1 may list blocks [rel_first, rel_end) as released
 * (marked, so unallocatable until generation 4 clears them); 0, 0 for
 * none.
 */
bool	ck_fresh(struct wdev *w, uint64_t blocks, uint64_t rel_first,
	    uint64_t rel_end);

/*
 * What a test stored: each object's OID and the seed its contents came
 * from (a page of seed 0 is all zero), newest put last.
 */
#define CK_MODEL_MAX	1024

struct ck_model {
	unsigned	n;
	struct {
		oid_t		oid;
		uint64_t	seed;
	}		o[CK_MODEL_MAX];
};

/*
 * Put oid with the contents of seed into the generation being built
 * (store_gen_page or store_gen_object) and record it in m. Returns
 * what the store returned (m changes only on 0).
 */
int	ck_put(struct ck_model *m, oid_t oid, uint64_t seed);

/* ck_put(), and st_fail() unless it returned 0. */
bool	ck_put_ok(struct ck_model *m, oid_t oid, uint64_t seed);

/*
 * Read every object of m through the mounted store and compare; on the
 * first difference st_fail() and false.
 */
bool	ck_model_check(const struct ck_model *m);

/*
 * ck_store(), and st_fail() unless it passes with `gens` valid
 * generations (0: any number).
 */
bool	ck_check(struct wdev *w, int gens);

/* store_gen_commit(), and st_fail() unless it made generation want. */
bool	ck_commit(uint64_t want);

/*
 * Begin and commit generation 2 of a fresh store: pages 0..199 (every
 * tenth all zero), cap pages 0..1, GPTs 0..19, processes 0..5,
 * endpoints 0..89, the run list processes 0, 2, 5; m records them.
 * st_fail() and false if anything fails.
 */
bool	ck_first_commit(struct ck_model *m);
