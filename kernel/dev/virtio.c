/*
 * virtio.c - split virtqueue machinery: descriptor chains, the available
 * ring, and a checked reading of the used ring.
 *
 * Layout: the descriptor table fills one frame (16 bytes x 256); the
 * available ring sits at offset 0 of a second frame and the used ring at
 * VIRTQ_USED_OFFSET of it (the spec wants 16-, 2- and 4-byte alignment).
 *
 * Invariants (see struct virtq): the free list and the chains in flight
 * are tracked in driver memory only (next[], count[], wlen[], cookie[]);
 * the device's writes are read from the used ring alone and are checked
 * before they touch that state, so a misbehaving device can make a
 * request fail but never corrupt the free list or complete a chain twice.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/virtio.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <x86_64/vm.h>

_Static_assert(4 + 2 * VIRTQ_MAX_SIZE + 2 <= VIRTQ_USED_OFFSET,
    "available ring overlaps the used ring");
_Static_assert(VIRTQ_USED_OFFSET + 4 + 8 * VIRTQ_MAX_SIZE + 2 <=
    PAGE_SIZE_4K, "used ring does not fit its frame");
_Static_assert(16 * VIRTQ_MAX_SIZE <= PAGE_SIZE_4K,
    "descriptor table does not fit its frame");

/* Keep the compiler from moving memory accesses across this point. */
#define compiler_barrier()	__asm__ volatile("" : : : "memory")

int
virtq_init(struct virtq *q, uint16_t size)
{
	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)) != 0)
		return ERR_BAD_ARG;
	if (q->desc_pa == 0) {
		uint64_t d = pmm_alloc(), r = pmm_alloc();

		if (d == 0 || r == 0) {
			if (d != 0)
				pmm_free(d);
			if (r != 0)
				pmm_free(r);
			return ERR_NO_SPACE;
		}
		q->desc_pa = d;
		q->ring_pa = r;
		q->desc = phys_to_virt(d);
		q->avail = phys_to_virt(r);
		q->used = (volatile struct virtq_used *)((uint8_t *)
		    phys_to_virt(r) + VIRTQ_USED_OFFSET);
	}
	q->size = size;
	virtq_reset(q);
	return 0;
}

void
virtq_reset(struct virtq *q)
{
	uint16_t i;

	assert(q->desc_pa != 0 && q->size != 0);
	memset((void *)q->desc, 0, PAGE_SIZE_4K);
	memset((void *)q->avail, 0, PAGE_SIZE_4K);
	for (i = 0; i < q->size; i++) {
		q->next[i] = (uint16_t)(i + 1);
		q->count[i] = 0;
		q->wlen[i] = 0;
		q->cookie[i] = NULL;
	}
	q->free_head = 0;
	q->nfree = q->size;
	q->ninflight = 0;
	q->avail_idx = 0;
	q->last_used = 0;
	q->broken = false;
}

uint16_t
virtq_peek_head(const struct virtq *q)
{
	assert(q->nfree > 0);
	return q->free_head;
}

int
virtq_add(struct virtq *q, const struct virtq_seg *segs, unsigned n,
    void *cookie)
{
	uint16_t head, d = 0;
	uint32_t wlen = 0;
	unsigned i;

	if (q->broken)
		return ERR_IO;
	if (n == 0 || cookie == NULL)
		return ERR_BAD_ARG;
	for (i = 0; i < n; i++) {
		if (segs[i].len == 0 || (i > 0 && segs[i - 1].device_writes &&
		    !segs[i].device_writes))
			return ERR_BAD_ARG;
		if (segs[i].device_writes && wlen + segs[i].len < wlen)
			return ERR_BAD_ARG;
		if (segs[i].device_writes)
			wlen += segs[i].len;
	}
	if (n > q->nfree)
		return ERR_NO_SPACE;

	head = q->free_head;
	for (i = 0; i < n; i++) {
		d = i == 0 ? head : q->next[d];
		q->desc[d].addr = segs[i].pa;
		q->desc[d].len = segs[i].len;
		q->desc[d].flags = (uint16_t)(
		    (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
		    (segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0));
		q->desc[d].next = i + 1 < n ? q->next[d] : 0;
	}
	q->free_head = q->next[d];
	q->nfree = (uint16_t)(q->nfree - n);
	q->ninflight++;
	q->count[head] = (uint16_t)n;
	q->wlen[head] = wlen;
	q->cookie[head] = cookie;

	q->avail->ring[q->avail_idx & (q->size - 1)] = head;
	compiler_barrier();	/* x86 keeps stores in order: entry, idx */
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	return 0;
}

/* Put the chain at head back on the free list; return its cookie. */
static void *
free_chain(struct virtq *q, uint16_t head)
{
	void *cookie = q->cookie[head];
	uint16_t d = head, i;

	assert(cookie != NULL && q->count[head] > 0);
	for (i = 1; i < q->count[head]; i++)
		d = q->next[d];
	q->next[d] = q->free_head;
	q->free_head = head;
	q->nfree = (uint16_t)(q->nfree + q->count[head]);
	q->ninflight--;
	q->cookie[head] = NULL;
	q->count[head] = 0;
	assert(q->nfree <= q->size);
	return cookie;
}

int
virtq_pop(struct virtq *q, void **cookie, uint16_t *head, uint32_t *len)
{
	uint16_t idx, pending;
	uint32_t id, n;

	if (q->broken)
		return ERR_CORRUPT;
	idx = q->used->idx;
	pending = (uint16_t)(idx - q->last_used);
	if (pending == 0)
		return ERR_NOT_FOUND;
	if (pending > q->ninflight)
		goto broken;
	compiler_barrier();	/* read the entry only after the index */
	id = q->used->ring[q->last_used & (q->size - 1)].id;
	n = q->used->ring[q->last_used & (q->size - 1)].len;
	if (id >= q->size || q->cookie[id] == NULL || n > q->wlen[id])
		goto broken;
	q->last_used++;
	*head = (uint16_t)id;
	*len = n;
	*cookie = free_chain(q, (uint16_t)id);
	return 0;
broken:
	q->broken = true;
	return ERR_CORRUPT;
}

void *
virtq_reclaim(struct virtq *q)
{
	uint16_t h;

	for (h = 0; h < q->size; h++)
		if (q->cookie[h] != NULL)
			return free_chain(q, h);
	return NULL;
}
