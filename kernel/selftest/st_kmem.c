/*
 * st_kmem.c - self-tests of the kernel heap: every size class and whole
 * frames (zeroed, aligned, disjoint, sized), pointer checks on wild,
 * interior and freed pointers, frames returned when slabs empty, and
 * exhaustion with recovery.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/types.h>
#include <kmem.h>
#include <lib/string.h>
#include <pmm.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <x86_64/vm.h>

#define NSIZES	24

/* Sizes across every class boundary, and whole frames. */
static const uint16_t	sizes[NSIZES] = {
	1, 15, 16, 17, 33, 48, 64, 65, 80, 96, 100, 128, 129, 250, 384, 500,
	768, 1000, 1536, 2047, 2048, 2049, 4000, 4096,
};

static bool
all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void
test_kmem_sizes(void)
{
	struct kmem_stats before, mid, after;
	uint8_t *p[NSIZES];
	size_t got;
	unsigned i, j;

	kmem_stats(&before);
	for (i = 0; i < NSIZES; i++) {
		p[i] = kmem_alloc(sizes[i]);
		ST_CHECK(p[i] != NULL);
		bool small = sizes[i] <= KMEM_MAX_CLASS;

		if (kmem_check(p[i], &got) != 0 || got < sizes[i] ||
		    (small && got > 2 * (size_t)sizes[i] + 16)) {
			st_fail("size %u: check gives size %lu", sizes[i], got);
			return;
		}
		if ((uint64_t)p[i] % (sizes[i] > KMEM_MAX_CLASS ? PAGE_SIZE :
		    KMEM_ALIGN) != 0 || !all_bytes(p[i], got, 0)) {
			st_fail("size %u: block %p misaligned or not zero",
			    sizes[i], p[i]);
			return;
		}
		memset(p[i], i + 1, got);
	}
	kmem_stats(&mid);
	ST_CHECK_EQ(mid.blocks, before.blocks + NSIZES);
	ST_CHECK_EQ(mid.whole_frames, before.whole_frames + 3);
	/* Each block still holds its own pattern: nothing overlapped. */
	for (i = 0; i < NSIZES; i++) {
		kmem_check(p[i], &got);
		ST_CHECK(all_bytes(p[i], got, (uint8_t)(i + 1)));
	}
	for (i = 0; i < NSIZES; i++)
		for (j = i + 1; j < NSIZES; j++)
			ST_CHECK(p[i] != p[j]);
	for (i = 0; i < NSIZES; i++)
		kmem_free(p[i]);
	kmem_stats(&after);
	ST_CHECK_EQ(after.blocks, before.blocks);
	ST_CHECK_EQ(after.bytes, before.bytes);
	ST_CHECK_EQ(after.slab_frames, before.slab_frames);
	ST_CHECK_EQ(after.whole_frames, before.whole_frames);
	ST_CHECK(kmem_alloc(0) == NULL);
	ST_CHECK(kmem_alloc(PAGE_SIZE + 1) == NULL);
	ST_CHECK(kmem_alloc((size_t)-1) == NULL);
	kmem_free(NULL);
}

static void
test_kmem_check_pointers(void)
{
	uint8_t *a = kmem_alloc(64), *w = kmem_alloc(3000);
	uint64_t pa = pmm_alloc();
	int local;

	ST_CHECK(a != NULL && w != NULL && pa != 0);
	ST_CHECK_EQ(kmem_check(a, NULL), 0);
	ST_CHECK_EQ(kmem_check(w, NULL), 0);
	ST_CHECK_EQ(kmem_check(NULL, NULL), ERR_BAD_ARG);
	ST_CHECK_EQ(kmem_check(&local, NULL), ERR_BAD_ARG);	/* stack */
	ST_CHECK_EQ(kmem_check((const void *)(uintptr_t)test_kmem_sizes,
	    NULL), ERR_BAD_ARG);
	ST_CHECK_EQ(kmem_check(a + 16, NULL), ERR_BAD_ARG);	/* interior */
	ST_CHECK_EQ(kmem_check(a + 1, NULL), ERR_BAD_ARG);
	ST_CHECK_EQ(kmem_check(w + 2048, NULL), ERR_BAD_ARG);
	/* A frame kmem never owned, from pmm directly. */
	ST_CHECK_EQ(kmem_check(phys_to_virt(pa), NULL), ERR_BAD_ARG);
	/*
	 * A freed block whose slab still holds a live block: of three
	 * blocks allocated in a row, two consecutive ones share a frame.
	 */
	uint8_t *b = kmem_alloc(64), *c = kmem_alloc(64), *gone, *kept;

	ST_CHECK(b != NULL && c != NULL);
	if ((uint64_t)b / PAGE_SIZE == (uint64_t)c / PAGE_SIZE) {
		gone = b;
		kept = c;
		kmem_free(a);
	} else {
		gone = a;
		kept = b;
		kmem_free(c);
	}
	ST_CHECK_EQ((uint64_t)gone / PAGE_SIZE, (uint64_t)kept / PAGE_SIZE);
	kmem_free(gone);
	ST_CHECK_EQ(kmem_check(gone, NULL), ERR_NOT_FOUND);
	ST_CHECK_EQ(kmem_check(kept, NULL), 0);
	kmem_free(kept);
	kmem_free(w);
	ST_CHECK_EQ(kmem_check(w, NULL), ERR_BAD_ARG);	/* frame gone */
	pmm_free(pa);
}

/*
 * Fill several slabs of one class, free in a scrambled order, and check
 * that every frame goes back to pmm and freed memory is poisoned until
 * handed out again, then zeroed.
 */
static void
test_kmem_slab_reuse(void)
{
	enum { N = 600 };		/* > 2 slabs of 16-byte blocks */
	static uint8_t *p[N];
	struct kmem_stats before, full, after;
	uint64_t free_before = pmm_free_frames();
	unsigned i, k;

	kmem_stats(&before);
	for (i = 0; i < N; i++) {
		p[i] = kmem_alloc(16);
		ST_CHECK(p[i] != NULL);
		memset(p[i], 0xee, 16);
	}
	kmem_stats(&full);
	ST_CHECK(full.slab_frames >= before.slab_frames + N / 256);
	for (k = 0, i = 0; k < N; k++, i = (i + 7) % N)	/* 7 is prime to N */
		kmem_free(p[i]);
	kmem_stats(&after);
	ST_CHECK_EQ(after.slab_frames, before.slab_frames);
	ST_CHECK_EQ(after.blocks, before.blocks);
	ST_CHECK_EQ(pmm_free_frames() + (after.desc_frames -
	    before.desc_frames), free_before);
	/* A block handed out again is zero, not the poison. */
	uint8_t *q = kmem_alloc(16);

	ST_CHECK(q != NULL);
	ST_CHECK(all_bytes(q, 16, 0));
	kmem_free(q);
}

/*
 * Allocate 2 KiB blocks and whole frames (alternately) until kmem says
 * no, check pmm is then empty too, free everything, and check every
 * frame came back and allocation works again.
 */
static void
test_kmem_exhaustion(void)
{
	uint64_t free_before = pmm_free_frames(), n = 0;
	struct kmem_stats before, after;
	void **head = NULL, **b;

	kmem_stats(&before);
	for (;;) {
		b = kmem_alloc(n % 2 ? PAGE_SIZE : KMEM_MAX_CLASS);
		if (b == NULL)
			break;
		*b = head;
		head = b;
		n++;
	}
	uint64_t left = pmm_free_frames();

	while (head != NULL) {
		b = *head;
		kmem_free(head);
		head = b;
	}
	kmem_stats(&after);
	kprintf("selftest: kmem exhausted after %lu blocks\n", n);
	ST_CHECK(n > free_before / 2);
	ST_CHECK_EQ(left, 0);
	ST_CHECK_EQ(after.blocks, before.blocks);
	ST_CHECK_EQ(after.slab_frames, before.slab_frames);
	ST_CHECK_EQ(after.whole_frames, before.whole_frames);
	ST_CHECK_EQ(pmm_free_frames() + (after.desc_frames -
	    before.desc_frames), free_before);
	b = kmem_alloc(100);
	ST_CHECK(b != NULL);
	kmem_free(b);
}

ST_SUITE(st_kmem,
	ST_CASE(kmem_sizes),
	ST_CASE(kmem_check_pointers),
	ST_CASE(kmem_slab_reuse),
	ST_CASE(kmem_exhaustion),
);
