/*
 * slab.h - caches of fixed-size blocks carved from whole pmm frames, for
 * structures the fault path allocates often (dependency records, page
 * objects): taking one is a pop from a free list, with no size-class
 * search, no descriptor lookup and no zeroing (kmem does all three).
 *
 * Each frame starts with a small header; the blocks follow, 8-byte
 * aligned. A frame whose blocks are all free goes back to pmm once the
 * cache holds more than `keep` free blocks (keep 0: at once).
 *
 * Single CPU, thread context only: nothing here runs in interrupts or
 * disables them. Blocks come back uninitialised: the caller sets every
 * field.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The header at the start of each frame. */
struct slab {
	struct slab	*next;		/* partial list */
	struct slab	*prev;
	void		*free;		/* first word of a free block: next */
	uint32_t	nfree;
	uint32_t	nblocks;
};

struct slab_cache {
	uint32_t	size;		/* block size, a multiple of 8 */
	uint32_t	keep;		/* free blocks kept beyond empty frames */
	struct slab	*partial;	/* frames with a free block */
	uint64_t	nfree;		/* free blocks in all frames */
	uint64_t	live;		/* blocks handed out */
	uint64_t	frames;		/* frames held */
};

/* A cache of blocks of `size` bytes (8..PAGE_SIZE / 4). */
#define SLAB_CACHE(size, keep)	{ (((size) + 7) & ~7u), (keep), NULL, 0, 0, 0 }

/*
 * Make sure n blocks can be taken without a frame allocation. Returns 0,
 * or ERR_NO_SPACE if pmm has no frame (what was added stays).
 */
int	slab_reserve(struct slab_cache *c, uint64_t n);

/* slab_alloc() when c has no free block: a new frame, then a block. */
void	*slab_alloc_grow(struct slab_cache *c);

/* A block (uninitialised), or NULL if a frame was needed and pmm had none. */
static inline void *
slab_alloc(struct slab_cache *c)
{
	struct slab *s = c->partial;
	void *p;

	if (s == NULL)
		return slab_alloc_grow(c);
	p = s->free;
	s->free = *(void **)p;
	if (--s->nfree == 0) {		/* off the partial list (its head) */
		c->partial = s->next;
		if (s->next != NULL)
			s->next->prev = NULL;
	}
	c->nfree--;
	c->live++;
	return p;
}

/* Give back a block slab_alloc() returned from c. */
void	slab_free(struct slab_cache *c, void *p);
