/*
 * st_pmm.c - self-tests of the frame allocator: the live allocator
 * (alloc/free, no frame handed out twice, exhaustion and recovery) and
 * the E820 sanitiser on synthetic maps (pmm_build_ranges).
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <pmm.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <x86_64/vm.h>

#define MIB		(1ul << 20)
#define FRAMES		64

extern char	kernel_image_start[], kernel_image_end[];

/* A frame the allocator may hand out: aligned, managed, not the kernel. */
static bool
frame_ok(uint64_t pa)
{
	return pa != 0 && (pa & (PMM_FRAME - 1)) == 0 && pa >= PMM_LOW_LIMIT &&
	    !(pa < (uint64_t)kernel_image_end - KERNEL_VMA &&
	    pa + PMM_FRAME > (uint64_t)kernel_image_start - KERNEL_VMA);
}

static void
test_pmm_alloc_free(void)
{
	uint64_t before = pmm_free_frames(), pa[FRAMES];
	unsigned i, j;

	ST_CHECK(before > FRAMES);
	ST_CHECK(pmm_total_frames() >= before);
	for (i = 0; i < FRAMES; i++) {
		pa[i] = pmm_alloc();
		if (!frame_ok(pa[i])) {
			st_fail("alloc %u gave bad frame %#lx", i, pa[i]);
			return;
		}
		/* Tag each frame; a second hand-out would overwrite a tag. */
		*(uint64_t *)phys_to_virt(pa[i]) = pa[i] ^ 0x5a5a5a5a5a5a5a5aul;
	}
	ST_CHECK_EQ(pmm_free_frames(), before - FRAMES);
	for (i = 0; i < FRAMES; i++) {
		for (j = i + 1; j < FRAMES; j++)
			if (pa[i] == pa[j]) {
				st_fail("frame %#lx handed out twice", pa[i]);
				return;
			}
		ST_CHECK_EQ(*(uint64_t *)phys_to_virt(pa[i]),
		    pa[i] ^ 0x5a5a5a5a5a5a5a5aul);
	}
	for (i = 0; i < FRAMES; i++)
		pmm_free(pa[i]);
	ST_CHECK_EQ(pmm_free_frames(), before);
}

/*
 * Take every free frame (chained through their first words), check the
 * allocator then says no, give them all back and check it recovers.
 */
static void
test_pmm_exhaustion(void)
{
	uint64_t before = pmm_free_frames(), head = 0, n = 0, pa;

	while ((pa = pmm_alloc()) != 0) {
		if (!frame_ok(pa)) {
			st_fail("exhaustion: bad frame %#lx after %lu", pa, n);
			break;
		}
		*(uint64_t *)phys_to_virt(pa) = head;
		head = pa;
		n++;
	}
	kprintf("selftest: allocator exhausted after %lu frames (%lu MiB)\n",
	    n, n * PMM_FRAME / MIB);
	uint64_t left = pmm_free_frames();
	uint64_t again = pmm_alloc();
	while (head != 0) {
		uint64_t next = *(uint64_t *)phys_to_virt(head);

		pmm_free(head);
		head = next;
	}
	if (again != 0)
		pmm_free(again);
	ST_CHECK_EQ(n, before);
	ST_CHECK_EQ(left, 0);
	ST_CHECK_EQ(again, 0);
	ST_CHECK_EQ(pmm_free_frames(), before);
	pa = pmm_alloc();
	ST_CHECK(frame_ok(pa));
	pmm_free(pa);
}

/* Run pmm_build_ranges on map and compare with want. */
static bool
ranges_are(const struct e820_entry *map, uint32_t count,
    const struct pmm_range *excl, unsigned nexcl,
    const struct pmm_range *want, unsigned nwant)
{
	static struct pmm_range out[PMM_RANGES_MAX];
	unsigned n = 0, i;
	int err;

	err = pmm_build_ranges(map, count, excl, nexcl, out, PMM_RANGES_MAX,
	    &n);
	if (err != 0) {
		st_fail("pmm_build_ranges returned %d", err);
		return false;
	}
	if (n != nwant) {
		st_fail("got %u ranges, want %u (first [%#lx, %#lx))", n, nwant,
		    n > 0 ? out[0].base : 0, n > 0 ? out[0].end : 0);
		return false;
	}
	for (i = 0; i < n; i++)
		if (out[i].base != want[i].base || out[i].end != want[i].end) {
			st_fail("range %u is [%#lx, %#lx), want [%#lx, %#lx)",
			    i, out[i].base, out[i].end, want[i].base,
			    want[i].end);
			return false;
		}
	return true;
}

#define E(b, l, t)	{ (b), (l), (t), 0 }
#define R(b, e)		{ (b), (e) }
#define N(a)		(sizeof(a) / sizeof((a)[0]))

static void
test_pmm_e820_qemu_map(void)
{
	/* What SeaBIOS reports for -m 128M, with the kernel at 1 MiB. */
	static const struct e820_entry map[] = {
		E(0, 0x9fc00, E820_USABLE), E(0x9fc00, 0x400, E820_RESERVED),
		E(0xf0000, 0x10000, E820_RESERVED),
		E(0x100000, 0x7ee0000, E820_USABLE),
		E(0x7fe0000, 0x20000, E820_RESERVED),
		E(0xfffc0000, 0x40000, E820_RESERVED),
	};
	static const struct pmm_range kernel[] = { R(0x100000, 0x12c345) };
	static const struct pmm_range want[] = { R(0x12d000, 0x7fe0000) };

	ranges_are(map, N(map), kernel, N(kernel), want, N(want));
}

static void
test_pmm_e820_unsorted_overlap(void)
{
	static const struct e820_entry map[] = {
		E(5 * MIB, 3 * MIB, E820_USABLE),	/* [5, 8) */
		E(1 * MIB, 2 * MIB, E820_USABLE),	/* [1, 3) */
		E(2 * MIB, 2 * MIB, E820_USABLE),	/* [2, 4) overlaps */
		E(4 * MIB, 1 * MIB, E820_USABLE),	/* [4, 5) touches */
		E(20 * MIB, 1 * MIB, E820_USABLE),
		E(10 * MIB, 0, E820_USABLE),		/* empty */
	};
	static const struct pmm_range want[] = { R(1 * MIB, 8 * MIB),
	    R(20 * MIB, 21 * MIB) };

	ranges_are(map, N(map), NULL, 0, want, N(want));
}

static void
test_pmm_e820_reserved_wins(void)
{
	static const struct e820_entry map[] = {
		E(1 * MIB, 15 * MIB, E820_USABLE),
		E(4 * MIB + 100, 8, E820_RESERVED),	/* inside: one frame */
		E(0, 2 * MIB + 1, E820_ACPI_NVS),	/* cuts the start */
		E(15 * MIB, 4 * MIB, E820_BAD),		/* cuts the end */
		E(8 * MIB, 4096, 12),			/* unknown type */
		E(32 * MIB, 1 * MIB, E820_USABLE),
		E(31 * MIB, 3 * MIB, E820_RESERVED),	/* covers it all */
	};
	static const struct pmm_range want[] = {
		R(2 * MIB + 4096, 4 * MIB), R(4 * MIB + 4096, 8 * MIB),
		R(8 * MIB + 4096, 15 * MIB),
	};

	ranges_are(map, N(map), NULL, 0, want, N(want));
}

static void
test_pmm_e820_clipping(void)
{
	static const struct e820_entry map[] = {
		E(0, 0x9fc00, E820_USABLE),		/* all below 1 MiB */
		E(0x80000, 0x100000, E820_USABLE),	/* straddles 1 MiB */
		E(0x300123, 0x3000, E820_USABLE),	/* unaligned */
		E(PMM_MAX_PHYS - MIB, 2 * MIB, E820_USABLE),
		E(UINT64_MAX - 0xfff, 0x2000, E820_USABLE),	/* wraps */
		E(UINT64_MAX - 0x1fff, 0x3000, E820_RESERVED),	/* wraps */
	};
	static const struct pmm_range want[] = {
		R(1 * MIB, 0x180000), R(0x301000, 0x303000),
		R(PMM_MAX_PHYS - MIB, PMM_MAX_PHYS),
	};

	ranges_are(map, N(map), NULL, 0, want, N(want));
}

static void
test_pmm_e820_exclusions(void)
{
	static const struct e820_entry map[] = {
		E(1 * MIB, 9 * MIB, E820_USABLE),
	};
	static const struct pmm_range excl[] = {
		R(0x100000, 0x101800),		/* grown to whole frames */
		R(5 * MIB, 5 * MIB),		/* empty: ignored */
		R(6 * MIB + 1, 7 * MIB - 1),
	};
	static const struct pmm_range want[] = {
		R(0x102000, 6 * MIB), R(7 * MIB, 10 * MIB),
	};

	ranges_are(map, N(map), excl, N(excl), want, N(want));
}

static void
test_pmm_e820_limits(void)
{
	static struct e820_entry map[BOOTINFO_E820_MAX];
	static struct pmm_range want[BOOTINFO_E820_MAX];
	struct pmm_range out[PMM_RANGES_MAX];
	unsigned i, n;

	/* One usable range cut by 63 one-frame holes: 64 ranges. */
	map[0] = (struct e820_entry)E(1 * MIB, 64 * MIB, E820_USABLE);
	for (i = 1; i < BOOTINFO_E820_MAX; i++)
		map[i] = (struct e820_entry)E((1 + i) * MIB, 4096,
		    E820_RESERVED);
	for (i = 0; i < BOOTINFO_E820_MAX; i++)
		want[i] = (struct pmm_range)R((1 + i) * MIB + (i ? 4096 : 0),
		    (2 + i) * MIB);
	if (!ranges_are(map, BOOTINFO_E820_MAX, NULL, 0, want,
	    BOOTINFO_E820_MAX))
		return;
	ST_CHECK_EQ(pmm_build_ranges(map, BOOTINFO_E820_MAX + 1, NULL, 0, out,
	    PMM_RANGES_MAX, &n), ERR_BAD_ARG);
	ST_CHECK_EQ(pmm_build_ranges(map, 1, NULL, 0, out, 4, &n),
	    ERR_BAD_ARG);
	/* Nothing usable at all is not an error, just no ranges. */
	ST_CHECK_EQ(pmm_build_ranges(map + 1, 3, NULL, 0, out, PMM_RANGES_MAX,
	    &n), 0);
	ST_CHECK_EQ(n, 0);
}

ST_SUITE(st_pmm,
	ST_CASE(pmm_alloc_free),
	ST_CASE(pmm_exhaustion),
	ST_CASE(pmm_e820_qemu_map),
	ST_CASE(pmm_e820_unsorted_overlap),
	ST_CASE(pmm_e820_reserved_wins),
	ST_CASE(pmm_e820_clipping),
	ST_CASE(pmm_e820_exclusions),
	ST_CASE(pmm_e820_limits),
);
