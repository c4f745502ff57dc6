/*
 * pmm.h - the physical frame allocator: 4 KiB frames of the RAM the
 * E820 map calls usable, minus everything below 1 MiB, the kernel image
 * and the allocator's own bitmap.
 */
#pragma once

#include <stdint.h>

#include <boot/bootinfo.h>

#define PMM_FRAME		4096ul
#define PMM_LOW_LIMIT		(1ul << 20)	/* nothing below is managed */
#define PMM_MAX_PHYS		(64ul << 30)	/* RAM above is ignored */
#define PMM_RANGES_MAX		(2 * BOOTINFO_E820_MAX + 8)

/* A half-open physical range [base, end), both frame-aligned. */
struct pmm_range {
	uint64_t	base;
	uint64_t	end;
};

/*
 * From an untrusted E820 map of count entries, compute the frames the
 * allocator may hand out: usable entries shrunk to whole frames, clipped
 * to [PMM_LOW_LIMIT, PMM_MAX_PHYS), minus every non-usable entry (grown
 * to whole frames; a reserved entry wins over an overlapping usable one)
 * and minus each of the nexcl ranges in excl. Entries may be unsorted,
 * overlapping, empty or wrap past 2^64. Writes sorted, disjoint,
 * non-adjacent ranges to out and their number to *nout. Returns 0, or
 * ERR_BAD_ARG if count > BOOTINFO_E820_MAX or max_out < PMM_RANGES_MAX.
 * Pure: touches nothing but out and *nout.
 */
int		pmm_build_ranges(const struct e820_entry *map, uint32_t count,
		    const struct pmm_range *excl, unsigned nexcl,
		    struct pmm_range *out, unsigned max_out, unsigned *nout);

/*
 * Set up the allocator from the validated bootinfo (boot.h). Prints the
 * E820 map and "memory: N MiB usable". Panics if no usable memory is left.
 */
void		pmm_init(const struct bootinfo *bi);

/*
 * A free frame's physical address, or 0 if none is left (0 is never a
 * managed frame). Contents are undefined. Callable with interrupts on.
 */
uint64_t	pmm_alloc(void);

/*
 * Return frame pa. Panics if pa is unaligned, not managed memory, or
 * not allocated (a double free).
 */
void		pmm_free(uint64_t pa);

/* Free frames now; one load (objcache_poll() reads it on every return
   to user mode). */
extern uint64_t	pmm_nfree;

static inline uint64_t
pmm_free_frames(void)
{
	return pmm_nfree;
}

uint64_t	pmm_total_frames(void);

/*
 * End of the highest RAM the E820 map reports (usable or ACPI), capped at
 * PMM_MAX_PHYS: what the direct map must cover.
 */
uint64_t	pmm_ram_end(void);
