/*
 * kmem.h - the kernel heap for small objects: size classes from 16 bytes
 * to KMEM_MAX_CLASS carved out of pmm frames (slabs), and whole frames
 * for sizes up to PAGE_SIZE. Every block is 16-byte aligned (a whole
 * frame is page aligned) and lives in the direct map.
 *
 * Slab bookkeeping lives outside the slabs (a descriptor per frame, found
 * through a hash of frame addresses), so a stray write into a block
 * cannot corrupt the allocator's records, and kmem_free() can check that
 * a pointer is one it handed out rather than trusting the memory.
 *
 * Callable with interrupts on or off (each call runs with interrupts
 * disabled); never from an NMI.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KMEM_MIN_CLASS	16
#define KMEM_MAX_CLASS	2048
#define KMEM_ALIGN	16

/*
 * A zeroed block of at least size bytes (1 <= size <= PAGE_SIZE), or
 * NULL if size is 0 or too big, or no frame is left. The caller owns it
 * until kmem_free().
 */
void	*kmem_alloc(size_t size);

/*
 * Give back a block from kmem_alloc(). NULL is ignored. Panics, naming
 * the pointer, if p is not a block kmem handed out and still owned (a
 * wild pointer, an interior pointer, a double free): a kernel bug.
 */
void	kmem_free(void *p);

/*
 * The check kmem_free() makes, without acting on it: 0 if p is a live
 * block, else ERR_BAD_ARG (not from kmem, not a block start) or
 * ERR_NOT_FOUND (a block start that is free). Pure; for tests and
 * assertions. *size gets the block's usable size if size != NULL.
 */
int	kmem_check(const void *p, size_t *size);

/* Counters, for tests and reports. */
struct kmem_stats {
	uint64_t	slab_frames;	/* frames holding size-class slabs */
	uint64_t	whole_frames;	/* frames handed out whole */
	uint64_t	desc_frames;	/* frames holding slab descriptors */
	uint64_t	blocks;		/* live blocks, both kinds */
	uint64_t	bytes;		/* their usable sizes, summed */
};

void	kmem_stats(struct kmem_stats *st);
