/*
 * slab.c - fixed-size block caches in whole frames (see slab.h).
 *
 * Invariants: a frame is on its cache's `partial` list iff it has a free
 * block; c->nfree counts the free blocks of all of c's frames; a block's
 * frame is found by rounding its address down, so a block never crosses
 * a frame and the header sits at the frame's start.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/types.h>
#include <panic.h>
#include <pmm.h>
#include <slab.h>
#include <x86_64/vm.h>

static struct slab *
slab_of(const void *p)
{
	return (struct slab *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
}

static void
partial_push(struct slab_cache *c, struct slab *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial != NULL)
		c->partial->prev = s;
	c->partial = s;
}

static void
partial_remove(struct slab_cache *c, struct slab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
}

/* One more frame of free blocks for c. */
static int
grow(struct slab_cache *c)
{
	uint64_t pa = pmm_alloc();
	struct slab *s;
	uint8_t *b;
	unsigned i, n;

	assert(c->size >= 8 && c->size % 8 == 0 && c->size <= PAGE_SIZE / 4);
	if (pa == 0)
		return ERR_NO_SPACE;
	s = phys_to_virt(pa);
	n = (unsigned)((PAGE_SIZE - sizeof(*s)) / c->size);
	b = (uint8_t *)(s + 1);
	s->free = NULL;
	for (i = n; i-- > 0;) {
		*(void **)(b + (size_t)i * c->size) = s->free;
		s->free = b + (size_t)i * c->size;
	}
	s->nfree = s->nblocks = n;
	partial_push(c, s);
	c->nfree += n;
	c->frames++;
	return 0;
}

int
slab_reserve(struct slab_cache *c, uint64_t n)
{
	while (c->nfree < n)
		if (grow(c) != 0)
			return ERR_NO_SPACE;
	return 0;
}

void *
slab_alloc_grow(struct slab_cache *c)
{
	if (grow(c) != 0)
		return NULL;
	return slab_alloc(c);
}

void
slab_free(struct slab_cache *c, void *p)
{
	struct slab *s = slab_of(p);

	assert(c->live > 0 && s->nfree < s->nblocks);
	*(void **)p = s->free;
	s->free = p;
	c->nfree++;
	c->live--;
	if (s->nfree++ == 0)
		partial_push(c, s);
	if (s->nfree == s->nblocks && c->nfree > c->keep) {
		partial_remove(c, s);
		c->nfree -= s->nblocks;
		c->frames--;
		pmm_free(virt_to_phys(s));
	}
}
