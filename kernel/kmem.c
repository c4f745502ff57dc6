/*
 * kmem.c - the kernel heap: size-class slabs of one pmm frame each, and
 * whole frames, with out-of-line descriptors.
 *
 * Each frame kmem owns has a descriptor (struct kmem_slab) in the hash
 * table `frames`, keyed by physical frame number; slabs of a class that
 * still have a free block are on that class's `partial` list. A block is
 * free exactly when its bit in its descriptor's `used` bitmap is clear.
 * Descriptors are carved from frames of their own (never given back:
 * their number is bounded by the peak of kmem frames in use).
 *
 * Invariants: a slab is on its class's partial list iff 0 < nfree; a
 * slab with every block free is returned to pmm at once; `st` counts
 * exactly the live frames and blocks.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/types.h>
#include <kmem.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <x86_64/cpu.h>
#include <x86_64/vm.h>

#define KMEM_WHOLE	0xffff		/* cls of a whole-frame block */
#define KMEM_MAX_OBJS	(PAGE_SIZE / KMEM_MIN_CLASS)
#define KMEM_HASH	4096		/* buckets; frames spread by number */
#define KMEM_POISON	0x6b		/* freed bytes, to expose stale use */

static const uint16_t	class_size[] = {
	16, 32, 48, 64, 80, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};
#define NCLASS	(sizeof(class_size) / sizeof(class_size[0]))
_Static_assert(KMEM_MAX_CLASS == 2048, "class table ends at KMEM_MAX_CLASS");

struct kmem_slab {
	uint64_t	pa;		/* the frame */
	struct kmem_slab *hnext;	/* hash chain, or free descriptors */
	struct kmem_slab *next;		/* class partial list */
	struct kmem_slab *prev;
	uint16_t	cls;		/* index in class_size, or KMEM_WHOLE */
	uint16_t	nobj;		/* blocks in the frame */
	uint16_t	nfree;		/* of them free */
	uint16_t	reserved;
	uint64_t	used[KMEM_MAX_OBJS / 64];	/* set: handed out */
};

static struct kmem_slab	*frames[KMEM_HASH];
static struct kmem_slab	*partial[NCLASS];
static struct kmem_slab	*free_desc;
static struct kmem_stats st;

static struct kmem_slab **
bucket(uint64_t pa)
{
	return &frames[(pa >> PAGE_SHIFT) % KMEM_HASH];
}

static struct kmem_slab *
desc_alloc(void)
{
	struct kmem_slab *d;

	if (free_desc == NULL) {
		uint64_t pa = pmm_alloc();
		struct kmem_slab *arr;
		unsigned i, n = PAGE_SIZE / sizeof(*arr);

		if (pa == 0)
			return NULL;
		arr = phys_to_virt(pa);
		for (i = 0; i < n; i++) {
			arr[i].hnext = free_desc;
			free_desc = &arr[i];
		}
		st.desc_frames++;
	}
	d = free_desc;
	free_desc = d->hnext;
	memset(d, 0, sizeof(*d));
	return d;
}

static void
desc_free(struct kmem_slab *d)
{
	d->pa = 0;
	d->hnext = free_desc;
	free_desc = d;
}

/* Take a new frame for class cls (or KMEM_WHOLE); NULL if none left. */
static struct kmem_slab *
slab_new(uint16_t cls)
{
	struct kmem_slab *d = desc_alloc(), **b;
	uint64_t pa;

	if (d == NULL)
		return NULL;
	pa = pmm_alloc();
	if (pa == 0) {
		desc_free(d);
		return NULL;
	}
	d->pa = pa;
	d->cls = cls;
	d->nobj = cls == KMEM_WHOLE ? 1 : PAGE_SIZE / class_size[cls];
	d->nfree = d->nobj;
	b = bucket(pa);
	d->hnext = *b;
	*b = d;
	if (cls == KMEM_WHOLE)
		st.whole_frames++;
	else
		st.slab_frames++;
	return d;
}

static void
slab_delete(struct kmem_slab *d)
{
	struct kmem_slab **b = bucket(d->pa);

	while (*b != d)
		b = &(*b)->hnext;
	*b = d->hnext;
	if (d->cls == KMEM_WHOLE)
		st.whole_frames--;
	else
		st.slab_frames--;
	pmm_free(d->pa);
	desc_free(d);
}

static void
partial_remove(struct kmem_slab *d)
{
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		partial[d->cls] = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	d->next = d->prev = NULL;
}

static void
partial_push(struct kmem_slab *d)
{
	d->prev = NULL;
	d->next = partial[d->cls];
	if (d->next != NULL)
		d->next->prev = d;
	partial[d->cls] = d;
}

static uint64_t
block_size(const struct kmem_slab *d)
{
	return d->cls == KMEM_WHOLE ? PAGE_SIZE : class_size[d->cls];
}

/* Index of the first clear bit among d's nobj; d must have a free one. */
static unsigned
first_free(const struct kmem_slab *d)
{
	unsigned w;

	for (w = 0; w * 64 < d->nobj; w++)
		if (d->used[w] != UINT64_MAX)
			return w * 64 + (unsigned)__builtin_ctzll(~d->used[w]);
	panic("kmem: slab %#lx class %u has nfree %u but no clear bit", d->pa,
	    d->cls, d->nfree);
}

void *
kmem_alloc(size_t size)
{
	struct kmem_slab *d;
	uint16_t cls;
	unsigned i;
	void *p;

	if (size == 0 || size > PAGE_SIZE)
		return NULL;
	if (size > KMEM_MAX_CLASS)
		cls = KMEM_WHOLE;
	else
		for (cls = 0; class_size[cls] < size; cls++)
			continue;

	uint64_t flags = cpu_irq_save();

	if (cls == KMEM_WHOLE || (d = partial[cls]) == NULL) {
		d = slab_new(cls);
		if (d == NULL) {
			cpu_irq_restore(flags);
			return NULL;
		}
		if (cls != KMEM_WHOLE)
			partial_push(d);
	}
	i = first_free(d);
	d->used[i / 64] |= 1ull << (i % 64);
	if (--d->nfree == 0 && cls != KMEM_WHOLE)
		partial_remove(d);
	st.blocks++;
	st.bytes += block_size(d);
	p = (uint8_t *)phys_to_virt(d->pa) + i * block_size(d);
	cpu_irq_restore(flags);
	memset(p, 0, block_size(d));
	return p;
}

/*
 * The descriptor and block index of p, or an error: ERR_BAD_ARG if p is
 * not the start of a block in a kmem frame, ERR_NOT_FOUND if it is a
 * free block. Interrupts must be off.
 */
static int
lookup(const void *p, struct kmem_slab **dp, unsigned *ip)
{
	uint64_t va = (uint64_t)p, pa, off;
	struct kmem_slab *d;

	if (va < vm_phys_base || va - vm_phys_base >= vm_phys_limit)
		return ERR_BAD_ARG;
	pa = (va - vm_phys_base) & ~(uint64_t)(PAGE_SIZE - 1);
	off = (va - vm_phys_base) & (PAGE_SIZE - 1);
	for (d = *bucket(pa); d != NULL; d = d->hnext)
		if (d->pa == pa)
			break;
	if (d == NULL || off % block_size(d) != 0 ||
	    off / block_size(d) >= d->nobj)
		return ERR_BAD_ARG;
	*dp = d;
	*ip = (unsigned)(off / block_size(d));
	if (!(d->used[*ip / 64] & (1ull << (*ip % 64))))
		return ERR_NOT_FOUND;
	return 0;
}

int
kmem_check(const void *p, size_t *size)
{
	struct kmem_slab *d;
	uint64_t flags = cpu_irq_save();
	unsigned i;
	int err = lookup(p, &d, &i);

	if (err == 0 && size != NULL)
		*size = block_size(d);
	cpu_irq_restore(flags);
	return err;
}

void
kmem_free(void *p)
{
	struct kmem_slab *d;
	unsigned i;
	int err;

	if (p == NULL)
		return;

	uint64_t flags = cpu_irq_save();

	err = lookup(p, &d, &i);
	if (err != 0)
		panic("kmem_free(%p): %s", p, err == ERR_NOT_FOUND ?
		    "block is already free" : "not a block kmem handed out");
	memset(p, KMEM_POISON, block_size(d));
	d->used[i / 64] &= ~(1ull << (i % 64));
	st.blocks--;
	st.bytes -= block_size(d);
	if (++d->nfree == d->nobj) {
		if (d->cls != KMEM_WHOLE && d->nobj > 1)
			partial_remove(d);
		slab_delete(d);
	} else if (d->nfree == 1) {
		partial_push(d);
	}
	cpu_irq_restore(flags);
}

void
kmem_stats(struct kmem_stats *out)
{
	uint64_t flags = cpu_irq_save();

	*out = st;
	cpu_irq_restore(flags);
}
