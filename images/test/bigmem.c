/*
 * bigmem.c - the slstore suite (tests/harness/slstore.py): a program
 * whose memory is larger than the machine's. It writes every 8-byte
 * word of a region given by its demand-zero keeper (keepers/vcopy.c),
 * reads every word back and counts the words that differ, so every
 * byte of the region is checked. The region is larger than the guest's
 * RAM: its pages can only be there because the kernel wrote dirty pages
 * out to store blocks and read them back on the next touch (the
 * single-level store, docs/persistence.md).
 *
 * Registers: rdi = region size in MiB, rsi = id (0..15: the region's
 * base, the pattern and the name of the lines), rdx = flags: BM_CKPT
 * takes a checkpoint between writing and reading back, so that a
 * machine killed during the read-back resumes it after a restart.
 * Caps: 0 KERNLOG, 1 CKPT, 2 SYSINFO.
 *
 * Lines, each short enough for one OC_LOG_WRITE (31 bytes) so that two
 * instances' lines never interleave; I is the id:
 *   bmI: writing N MiB
 *   bmI: wrote M/N MiB            every quarter
 *   bmI: generation G             committed (BM_CKPT)
 *   bmI: read M/N MiB, B bad      every quarter, B words so far
 *   bmI: done N MiB, B bad
 *   bmI: out W in R               pages the kernel wrote out and read
 *                                 back since boot (OC_SYS_MEMORY)
 * and `bmI: error E ...` when a kernel call fails.
 */
#include <stdint.h>

#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#define CR_CKPT		1
#define CR_SYS		2

#define BM_CKPT		1

#define REGION_BASE	UINT64_C(0x400000000000)
#define REGION_STRIDE	UINT64_C(0x010000000000)	/* 1 TiB per id */
#define ID_MAX		15
#define MIB_MAX		(1u << 20)			/* the stride */
#define PAGE		4096u
#define WORDS		(PAGE / 8)
#define MIB_PAGES	256u
#define QUARTERS	4

/* The word at index w of page pg of instance id: no two words of the
   region nor of two instances alike, and never zero (a page the kernel
   lost would read back as zero). */
static uint64_t
pattern(uint64_t id, uint64_t pg, uint64_t w)
{
	uint64_t x = (id << 56) ^ (pg << 9 | w);

	x *= UINT64_C(0x9e3779b97f4a7c15);
	return x | 1;
}

static void
write_page(volatile uint64_t *p, uint64_t id, uint64_t pg)
{
	for (unsigned w = 0; w < WORDS; w++)
		p[w] = pattern(id, pg, w);
}

static uint64_t
check_page(const volatile uint64_t *p, uint64_t id, uint64_t pg)
{
	uint64_t bad = 0;

	for (unsigned w = 0; w < WORDS; w++)
		bad += p[w] != pattern(id, pg, w);
	return bad;
}

static void
report_memory(uint64_t id)
{
	uint64_t out[MI_WORDS_MAX];
	int err;

	if ((err = kcall(CR_SYS, OC_SYS_MEMORY, 0, 0, 0, 0, 0, out)) != 0) {
		uprintf("bm%lu: error %d sysinfo\n", (unsigned long)id, err);
		return;
	}
	uprintf("bm%lu: out %lu in %lu\n", (unsigned long)id,
	    (unsigned long)out[1], (unsigned long)out[2]);
}

void
umain(uint64_t mib, uint64_t id, uint64_t flags, uint64_t a3)
{
	volatile uint64_t *region;
	uint64_t out[MI_WORDS_MAX], pages, quarter, pg, bad = 0;
	int err;

	(void)a3;
	if (mib == 0 || mib > MIB_MAX || id > ID_MAX ||
	    mib % QUARTERS != 0) {
		uprintf("bm: error: bad registers\n");
		rt_exit();
	}
	region = (volatile uint64_t *)(REGION_BASE + id * REGION_STRIDE);
	pages = mib * MIB_PAGES;
	quarter = pages / QUARTERS;

	uprintf("bm%lu: writing %lu MiB\n", (unsigned long)id,
	    (unsigned long)mib);
	for (pg = 0; pg < pages; pg++) {
		write_page(region + pg * WORDS, id, pg);
		if ((pg + 1) % quarter == 0)
			uprintf("bm%lu: wrote %lu/%lu MiB\n",
			    (unsigned long)id,
			    (unsigned long)((pg + 1) / MIB_PAGES),
			    (unsigned long)mib);
	}
	if (flags & BM_CKPT) {
		if ((err = kcall(CR_CKPT, OC_CKPT_TAKE, 0, 0, 0, 0, 0,
		    out)) != 0)
			uprintf("bm%lu: error %d ckpt\n",
			    (unsigned long)id, err);
		else
			uprintf("bm%lu: generation %lu\n",
			    (unsigned long)id, (unsigned long)out[0]);
	}
	for (pg = 0; pg < pages; pg++) {
		bad += check_page(region + pg * WORDS, id, pg);
		if ((pg + 1) % quarter == 0)
			uprintf("bm%lu: read %lu/%lu MiB, %lu bad\n",
			    (unsigned long)id,
			    (unsigned long)((pg + 1) / MIB_PAGES),
			    (unsigned long)mib, (unsigned long)bad);
	}
	uprintf("bm%lu: done %lu MiB, %lu bad\n", (unsigned long)id,
	    (unsigned long)mib, (unsigned long)bad);
	report_memory(id);
	rt_exit();
}
