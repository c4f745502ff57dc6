/*
 * stats.c - TSC calibration, the icount self-check and the BENCH output
 * lines. Every figure is the median, min and max over the timed runs of
 * one row; each run's value is the mean over its iterations.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define CAL_NS		50000000ull	/* calibrate over 50 ms guest time */
#define CHECK_LOOPS	1000000ull	/* dec+jnz pairs in the icount check */
#define CHECK_RUNS	5

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Measure the TSC rate against CLOCK_MONOTONIC. Under icount both follow
 * QEMU's virtual clock, so shift=0 must give 1e9; without icount this is
 * the host TSC rate used to turn ticks into nanoseconds.
 */
void
bench_calibrate(struct bench_cfg *cfg)
{
	uint64_t n0, n1, t0, t1;

	n0 = mono_ns();
	t0 = bench_tsc();
	do
		n1 = mono_ns();
	while (n1 - n0 < CAL_NS);
	t1 = bench_tsc();
	cfg->tsc_hz = (uint64_t)((double)(t1 - t0) * 1e9 / (double)(n1 - n0));
	printf("BENCH INFO tsc_hz=%llu\n", (unsigned long long)cfg->tsc_hz);
}

/*
 * Time a loop of exactly 2 * CHECK_LOOPS instructions (dec, jnz). Under
 * -icount shift=0 the smallest TSC delta must be that count plus the
 * dozen instructions of the measurement itself: the evidence, printed in
 * every run, that TSC deltas are guest instruction counts.
 */
void
bench_check_icount(void)
{
	uint64_t best = UINT64_MAX, worst = 0;

	for (int i = 0; i < CHECK_RUNS; i++) {
		uint64_t n = CHECK_LOOPS, t0, t1;

		t0 = bench_tsc();
		__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
		t1 = bench_tsc();
		if (t1 - t0 < best)
			best = t1 - t0;
		if (t1 - t0 > worst)
			worst = t1 - t0;
	}
	printf("BENCH INFO insn_check loop_insns=%llu tsc_min=%llu "
	    "tsc_max=%llu\n", 2 * CHECK_LOOPS, (unsigned long long)best,
	    (unsigned long long)worst);
}

/* The iteration count for a row whose own default is dflt. */
unsigned
bench_iters(const struct bench_cfg *cfg, unsigned dflt)
{
	return cfg->iters != 0 ? cfg->iters : dflt;
}

/* Untimed iterations before the timed runs: a tenth, at least one. */
unsigned
bench_warmup(unsigned iters)
{
	return iters / 10 > 0 ? iters / 10 : 1;
}

/*
 * Report runs TSC deltas, each covering iters operations, as per-operation
 * figures: instructions under icount, nanoseconds on the wall clock.
 */
void
bench_report_ticks(const struct bench_cfg *cfg, const char *key,
    const uint64_t *ticks, unsigned runs, unsigned iters)
{
	uint64_t per_op[BENCH_MAX_RUNS];

	for (unsigned i = 0; i < runs; i++) {
		double v = (double)ticks[i] / iters;

		if (cfg->wall)
			v = v * 1e9 / (double)cfg->tsc_hz;
		per_op[i] = (uint64_t)(v + 0.5);
	}
	bench_report_values(key, per_op, runs, iters,
	    cfg->wall ? "ns" : "instructions");
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Print one figure line: median, min and max of n per-run values. */
void
bench_report_values(const char *key, const uint64_t *vals, unsigned n,
    unsigned iters, const char *unit)
{
	uint64_t s[BENCH_MAX_RUNS], med;

	memcpy(s, vals, n * sizeof(s[0]));
	qsort(s, n, sizeof(s[0]), cmp_u64);
	med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2] + 1) / 2;
	printf("BENCH %s median=%llu min=%llu max=%llu count=%u unit=%s "
	    "iters=%u\n", key, (unsigned long long)med,
	    (unsigned long long)s[0], (unsigned long long)s[n - 1], n, unit,
	    iters);
}

/* Print the row's error line; the row then reports nothing else. */
void
bench_error(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("BENCH ERROR %s: ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}
