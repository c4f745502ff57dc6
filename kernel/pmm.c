/*
 * pmm.c - physical frame allocator: one bit per 4 KiB frame below the
 * highest managed address, set = not available (allocated, or not RAM
 * we manage), plus the sorted list of managed ranges for checking frees.
 *
 * Invariants: a bit is clear only for a frame inside ranges[] that is
 * free; pmm_nfree equals the number of clear bits; no frame below
 * PMM_LOW_LIMIT, in the kernel image, in a non-usable E820 entry or in
 * the bitmap itself is ever in ranges[]. Allocation scans upward from a
 * hint, so early allocations (vm_init's page tables) are low frames that
 * the boot loader's 1 GiB map can reach.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/vm.h>

#define PMM_EXCL_MAX	8

extern char	kernel_image_start[], kernel_image_end[];

static struct pmm_range	ranges[PMM_RANGES_MAX];
static unsigned		nranges;
static uint64_t		bitmap_pa;	/* physical, via phys_to_virt */
static uint64_t		nwords;		/* 64-bit words in the bitmap */
static uint64_t		hint;		/* word to start searching at */
uint64_t		pmm_nfree;
static uint64_t		ntotal;
static uint64_t		ram_end;

static uint64_t
round_down(uint64_t x)
{
	return x & ~(PMM_FRAME - 1);
}

/* x rounded up to a frame, or UINT64_MAX if that would wrap. */
static uint64_t
round_up(uint64_t x)
{
	return x > UINT64_MAX - (PMM_FRAME - 1) ? UINT64_MAX :
	    round_down(x + PMM_FRAME - 1);
}

static uint64_t
entry_end(const struct e820_entry *e)
{
	return e->length > UINT64_MAX - e->base ? UINT64_MAX :
	    e->base + e->length;
}

/* Sort by base (insertion sort: at most BOOTINFO_E820_MAX entries). */
static void
ranges_sort(struct pmm_range *r, unsigned n)
{
	unsigned i, j;

	for (i = 1; i < n; i++) {
		struct pmm_range x = r[i];

		for (j = i; j > 0 && r[j - 1].base > x.base; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/* Merge overlapping or touching ranges of a sorted list; new count. */
static unsigned
ranges_merge(struct pmm_range *r, unsigned n)
{
	unsigned i, out = 0;

	for (i = 0; i < n; i++) {
		if (out > 0 && r[i].base <= r[out - 1].end) {
			if (r[i].end > r[out - 1].end)
				r[out - 1].end = r[i].end;
		} else
			r[out++] = r[i];
	}
	return out;
}

/*
 * Remove [b, e) from the sorted disjoint list r of *n ranges (room for
 * max). Returns 0, or ERR_TOO_BIG if a split would need more room.
 */
static int
ranges_subtract(struct pmm_range *r, unsigned *n, unsigned max, uint64_t b,
    uint64_t e)
{
	unsigned i = 0;

	while (i < *n) {
		struct pmm_range *x = &r[i];

		if (e <= x->base || b >= x->end) {
			i++;
		} else if (b <= x->base && e >= x->end) {
			memmove(x, x + 1, (*n - i - 1) * sizeof(*x));
			(*n)--;
		} else if (b > x->base && e < x->end) {
			if (*n >= max)
				return ERR_TOO_BIG;
			memmove(x + 1, x, (*n - i) * sizeof(*x));
			(*n)++;
			x[0].end = b;
			x[1].base = e;
			i += 2;
		} else if (b <= x->base) {
			x->base = e;
			i++;
		} else {
			x->end = b;
			i++;
		}
	}
	return 0;
}

int
pmm_build_ranges(const struct e820_entry *map, uint32_t count,
    const struct pmm_range *excl, unsigned nexcl, struct pmm_range *out,
    unsigned max_out, unsigned *nout)
{
	unsigned n = 0, i;
	int err;

	if (count > BOOTINFO_E820_MAX || nexcl > PMM_EXCL_MAX ||
	    max_out < PMM_RANGES_MAX)
		return ERR_BAD_ARG;
	for (i = 0; i < count; i++) {
		uint64_t b, e;

		if (map[i].type != E820_USABLE || map[i].length == 0)
			continue;
		b = round_up(map[i].base);
		e = round_down(entry_end(&map[i]));
		if (b < PMM_LOW_LIMIT)
			b = PMM_LOW_LIMIT;
		if (e > PMM_MAX_PHYS)
			e = PMM_MAX_PHYS;
		if (b < e)
			out[n++] = (struct pmm_range){ b, e };
	}
	ranges_sort(out, n);
	n = ranges_merge(out, n);
	for (i = 0; i < count; i++) {
		if (map[i].type == E820_USABLE || map[i].length == 0)
			continue;
		err = ranges_subtract(out, &n, max_out, round_down(map[i].base),
		    round_up(entry_end(&map[i])));
		if (err != 0)
			return err;
	}
	for (i = 0; i < nexcl; i++) {
		if (excl[i].end <= excl[i].base)
			continue;
		err = ranges_subtract(out, &n, max_out,
		    round_down(excl[i].base), round_up(excl[i].end));
		if (err != 0)
			return err;
	}
	*nout = n;
	return 0;
}

static uint64_t *
bitmap(void)
{
	return phys_to_virt(bitmap_pa);
}

/* Clear (free) the bits of frames [first, first + count). */
static void
bits_clear(uint64_t *bm, uint64_t first, uint64_t count)
{
	while (count > 0 && (first & 63) != 0) {
		bm[first / 64] &= ~(1ul << (first & 63));
		first++;
		count--;
	}
	while (count >= 64) {
		bm[first / 64] = 0;
		first += 64;
		count -= 64;
	}
	while (count > 0) {
		bm[first / 64] &= ~(1ul << (first & 63));
		first++;
		count--;
	}
}

static const char *
e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_USABLE:	return "usable";
	case E820_RESERVED:	return "reserved";
	case E820_ACPI_RECLAIM:	return "ACPI reclaimable";
	case E820_ACPI_NVS:	return "ACPI NVS";
	case E820_BAD:		return "bad";
	default:		return "unknown";
	}
}

/* Where the bitmap goes: the start of the first range it fits in. */
static void
place_bitmap(uint64_t size)
{
	unsigned i;

	for (i = 0; i < nranges; i++) {
		struct pmm_range *r = &ranges[i];

		if (r->end - r->base >= size && r->base + size <= BOOT_MAP_LIMIT)
			break;
	}
	if (i == nranges)
		panic("pmm: no room below %#lx for a %lu-byte bitmap",
		    BOOT_MAP_LIMIT, size);
	bitmap_pa = ranges[i].base;
	ranges[i].base += size;
	if (ranges[i].base == ranges[i].end) {
		memmove(&ranges[i], &ranges[i + 1],
		    (nranges - i - 1) * sizeof(ranges[0]));
		nranges--;
	}
}

void
pmm_init(const struct bootinfo *bi)
{
	struct pmm_range excl[2];
	uint64_t top, size;
	unsigned i;
	int err;

	for (i = 0; i < bi->e820_count; i++) {
		const struct e820_entry *e = &bi->e820[i];
		uint64_t end = entry_end(e);

		kprintf("e820: [0x%012lx, 0x%012lx) %s (%u)\n", e->base, end,
		    e820_type_name(e->type), e->type);
		if ((e->type == E820_USABLE || e->type == E820_ACPI_RECLAIM ||
		    e->type == E820_ACPI_NVS) && end > ram_end)
			ram_end = end > PMM_MAX_PHYS ? PMM_MAX_PHYS : end;
	}
	excl[0] = (struct pmm_range){ (uint64_t)kernel_image_start - KERNEL_VMA,
	    (uint64_t)kernel_image_end - KERNEL_VMA };
	excl[1] = (struct pmm_range){ bi->kernel_phys_start,
	    bi->kernel_phys_end };
	err = pmm_build_ranges(bi->e820, bi->e820_count, excl, 2, ranges,
	    PMM_RANGES_MAX, &nranges);
	if (err != 0)
		panic("pmm: E820 map of %u entries gives error %d",
		    bi->e820_count, err);
	if (nranges == 0)
		panic("pmm: no usable memory above %#lx in %u E820 entries",
		    PMM_LOW_LIMIT, bi->e820_count);

	top = ranges[nranges - 1].end;
	nwords = (top / PMM_FRAME + 63) / 64;
	size = round_up(nwords * 8);
	place_bitmap(size);
	memset(bitmap(), 0xFF, nwords * 8);
	for (i = 0; i < nranges; i++) {
		uint64_t frames = (ranges[i].end - ranges[i].base) / PMM_FRAME;

		bits_clear(bitmap(), ranges[i].base / PMM_FRAME, frames);
		ntotal += frames;
	}
	pmm_nfree = ntotal;
	hint = 0;
	if (ntotal == 0)
		panic("pmm: the bitmap used all usable memory");
	kprintf("pmm: %u ranges, %lu frames, bitmap of %lu KiB at %#lx\n",
	    nranges, ntotal, size / 1024, bitmap_pa);
	kprintf("memory: %lu MiB usable\n", (ntotal * PMM_FRAME) >> 20);
}

uint64_t
pmm_alloc(void)
{
	uint64_t *bm, flags, i, pa = 0;

	if (nwords == 0)
		return 0;
	flags = cpu_irq_save();
	bm = bitmap();
	for (i = 0; i < nwords; i++) {
		uint64_t w = (hint + i) % nwords;

		if (bm[w] != ~0ul) {
			unsigned bit = (unsigned)__builtin_ctzl(~bm[w]);

			bm[w] |= 1ul << bit;
			pmm_nfree--;
			hint = w;
			pa = (w * 64 + bit) * PMM_FRAME;
			break;
		}
	}
	cpu_irq_restore(flags);
	return pa;
}

static bool
managed(uint64_t pa)
{
	unsigned i;

	for (i = 0; i < nranges; i++)
		if (pa >= ranges[i].base && pa < ranges[i].end)
			return true;
	return false;
}

void
pmm_free(uint64_t pa)
{
	uint64_t *bm, flags, frame, mask;

	if ((pa & (PMM_FRAME - 1)) != 0 || !managed(pa))
		panic("pmm_free: %#lx is not a managed frame", pa);
	frame = pa / PMM_FRAME;
	mask = 1ul << (frame & 63);
	flags = cpu_irq_save();
	bm = bitmap();
	if (!(bm[frame / 64] & mask))
		panic("pmm_free: frame %#lx is already free", pa);
	bm[frame / 64] &= ~mask;
	pmm_nfree++;
	if (frame / 64 < hint)
		hint = frame / 64;
	cpu_irq_restore(flags);
}

uint64_t
pmm_total_frames(void)
{
	return ntotal;
}

uint64_t
pmm_ram_end(void)
{
	uint64_t top = nranges > 0 ? ranges[nranges - 1].end : 0;

	return ram_end > top ? ram_end : top;
}
