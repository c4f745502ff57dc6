/*
 * bench.h - our side of make bench (docs/bench.md): the benchmark
 * program of build/bench.img measures IPC round trips, null invocations,
 * keeper-resolved demand-zero faults and checkpoints with the TSC, which
 * under QEMU -icount shift=0 counts guest instructions, and prints the
 * BENCH lines tests/bench/bench.py reads.
 */
#pragma once

#include <stdint.h>

#define BENCH_MAX_RUNS	64

/* Cap registers of the bench process (bench.mki). */
#define CR_LOG		0
#define CR_SRV		1	/* entry to the IPC server */
#define CR_CKPT		2	/* checkpoint rows, OC_CKPT_POWEROFF */
#define CR_SLEEP	3	/* the clock, for --wall */
#define CR_DZ		4	/* entry to the keeper (its statistics) */
#define CR_RANGE	5	/* for the keeper's parts, measured alone */
#define CR_T0		6
#define CR_T1		7
#define CR_C64K		8	/* constructor of the 64 KiB program */
#define CR_C64M		9	/* constructor of the 64 MiB program */
#define CR_BANK		10	/* bank the instances are charged to */
#define CR_T2		11
#define CR_SYS		12	/* SYSINFO: OC_SYS_BOOT (resume.mki), OC_SYS_MEMORY
			   (oversub.mki) */

/* Settings from the bench.* words (OC_LOG_ARGS). */
struct bench_cfg {
	unsigned	iters;		/* 0: each row's own */
	unsigned	runs;
	int		wall;		/* bench.clock=wall: report ns */
	int		boot_only;	/* bench.only=boot */
	char		only[128];	/* bench.only=key,key ("" = all) */
	unsigned	resume_mib;	/* bench.resume_mib=N: populate */
	unsigned	region_mib;	/* bench.region_mib=N: oversub.c */
	int		args_found;	/* the kernel gave us the words */
	uint64_t	tsc_hz;		/* calibrated, for wall */
};

/* Read and parse the words; fills cfg (defaults where absent). */
void	bench_args(struct bench_cfg *cfg);

/* Should this boot measure key? */
int	bench_wanted(const struct bench_cfg *cfg, const char *key);

/* TSC ticks per second from OC_SLEEP_NOW over 50 ms. */
uint64_t bench_calibrate(void);

/*
 * Print the figure of key: ticks[i] covered iters operations in run i.
 * Each run's value is the mean per operation (instructions, or ns on
 * the wall clock); the line gives median, min and max over the runs.
 */
void	bench_report(const struct bench_cfg *cfg, const char *key,
	    const uint64_t *ticks, unsigned runs, unsigned iters);

/* Print the figure of key from n per-run values in unit. */
void	bench_report_values(const char *key, const uint64_t *vals,
	    unsigned n, unsigned iters, const char *unit);

/*
 * The checkpoint rows (bench_ckpt.c): ckpt_pause_1m, _16m, _64m and
 * ckpt_throughput, those of them cfg wants.
 */
void	bench_ckpt_rows(const struct bench_cfg *cfg);

/* Median, min and max of n values (sorted in place). */
void	bench_stats(uint64_t *v, unsigned n, uint64_t *med, uint64_t *lo,
	    uint64_t *hi);

/* The program_start rows (bench_start.c). */
void	bench_start_rows(const struct bench_cfg *cfg);

/* The IPC server's loop (bench_server role). */
void	bench_server(void);
