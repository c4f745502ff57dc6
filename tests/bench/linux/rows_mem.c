/*
 * rows_mem.c - first-touch anonymous page faults: Linux's counterpart of
 * a demand-zero fault resolved by a keeper. Each timed run maps a fresh
 * region and writes one byte per 4 KiB page, so every write faults in a
 * newly zeroed page; transparent huge pages are turned off for the region
 * so that each fault is one 4 KiB page.
 */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define FAULT_PAGES	4096		/* 16 MiB per run */

/* Map pages fresh pages, touch each once; returns the TSC delta or 0. */
static uint64_t
touch_fresh(const char *key, unsigned pages)
{
	size_t len = (size_t)pages * BENCH_PAGE;
	volatile char *p;
	uint64_t t0, t1;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		bench_error(key, "mmap %zu bytes: %s", len, strerror(errno));
		return 0;
	}
	if (madvise((void *)p, len, MADV_NOHUGEPAGE) != 0) {
		bench_error(key, "madvise: %s", strerror(errno));
		munmap((void *)p, len);
		return 0;
	}
	t0 = bench_tsc();
	for (size_t off = 0; off < len; off += BENCH_PAGE)
		p[off] = 1;
	t1 = bench_tsc();
	munmap((void *)p, len);
	return t1 - t0;
}

int
bench_anon_fault(const struct bench_cfg *cfg)
{
	const char *key = "anon_fault";
	unsigned pages = bench_iters(cfg, FAULT_PAGES);
	uint64_t ticks[BENCH_MAX_RUNS];

	if (touch_fresh(key, bench_warmup(pages)) == 0)
		return -1;
	for (unsigned r = 0; r < cfg->runs; r++)
		if ((ticks[r] = touch_fresh(key, pages)) == 0)
			return -1;
	bench_report_ticks(cfg, key, ticks, cfg->runs, pages);
	return 0;
}
