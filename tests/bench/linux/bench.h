/*
 * bench.h - the Linux guest's /init: micro-benchmarks reported on the
 * serial console in the BENCH protocol of docs/bench.md.
 * Invariant: every row either prints exactly one "BENCH <key> ..." figure
 * line or one "BENCH ERROR <key>: ..." line, never both and never neither.
 */
#pragma once

#include <stdint.h>

#define BENCH_MAX_RUNS	64		/* bound on bench.runs */
#define BENCH_PAGE	4096u

struct bench_cfg {
	unsigned	iters;		/* 0: each row's own default */
	unsigned	runs;		/* timed runs per row, 1..BENCH_MAX_RUNS */
	int		wall;		/* 0: icount (report instructions), 1: ns */
	uint64_t	tsc_hz;		/* TSC rate against CLOCK_MONOTONIC */
	char		only[512];	/* comma-separated row keys; "" = all */
	char		disk[64];	/* block device for the disk rows */
	unsigned	region_mib;	/* swap_rw's region (0: no swap row) */
};

/*
 * Read the time stamp counter. Under QEMU -icount shift=0 it advances by
 * one per guest instruction (plus idle time), see docs/bench.md.
 */
static inline uint64_t
bench_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : :
	    "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* stats.c: calibration and the output protocol. */
void		bench_calibrate(struct bench_cfg *);
void		bench_check_icount(void);
unsigned	bench_iters(const struct bench_cfg *, unsigned);
unsigned	bench_warmup(unsigned);
void		bench_report_ticks(const struct bench_cfg *, const char *,
		    const uint64_t *, unsigned, unsigned);
void		bench_report_values(const char *, const uint64_t *, unsigned,
		    unsigned, const char *);
void		bench_error(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * rows_disk.c: the virtio disk. bench_load_modules loads the modules of
 * /lib/modules/order (0, or -1 after key's BENCH ERROR line);
 * bench_open_disk opens dev with flags, waiting up to 5 s for its node
 * to appear after the driver's probe (an fd, or -1 with errno).
 */
int	bench_load_modules(const char *key);
int	bench_open_disk(const char *dev, int flags);

/* Rows: each returns 0, or -1 after printing its BENCH ERROR line. */
int	bench_pipe_roundtrip(const struct bench_cfg *);
int	bench_getpid(const struct bench_cfg *);
int	bench_anon_fault(const struct bench_cfg *);
int	bench_fork_exec_64k(const struct bench_cfg *);
int	bench_fork_exec_64m(const struct bench_cfg *);
int	bench_disk_write(const struct bench_cfg *);
int	bench_swap_rw(const struct bench_cfg *);
