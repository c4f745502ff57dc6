/*
 * bench_ckpt.c - the checkpoint rows of our benchmark image
 * (docs/bench.md, keys of tests/bench/rows.py):
 *   ckpt_pause_1m/16m/64m  the stop of the world of a checkpoint with
 *                          1, 16 or 64 MiB of pages dirty (one byte
 *                          written to each page since the last one), as
 *                          the kernel measured it (OC_CKPT_LAST);
 *   ckpt_throughput        the write-out of the 64 MiB checkpoints:
 *                          bytes written (data, maps, free map,
 *                          superblock) per second from the snapshot to
 *                          the commit.
 * The pages are the CK_PAGES zero pages of the segment ckpt (bench.mki),
 * written once and committed by an untimed checkpoint before the rows
 * start, so every timed checkpoint
 * finds exactly its own pages dirty, plus the bench process itself.
 * OC_CKPT_TAKE answers after the commit; its write-out runs with no
 * process ready to run, so its waits for the disk are the disk's.
 */
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#include "bench.h"

#define CK_BASE		UINT64_C(0x310000000000)	/* bench.mki: ckpt */
#define CK_PAGES	16384u		/* 64 MiB */
#define CK_RUNS_MAX	BENCH_MAX_RUNS

/* Write one byte to each of n pages from CK_BASE (value v). */
static void
dirty(unsigned n, uint8_t v)
{
	for (unsigned i = 0; i < n; i++)
		*(volatile uint8_t *)(uintptr_t)(CK_BASE + (uint64_t)i * 4096) =
		    v;
}

/* Take a checkpoint; its figures into w[0..3] (OC_CKPT_LAST). */
static int
take(uint64_t *w)
{
	uint64_t gen[4];
	int err;

	if ((err = kcall(CR_CKPT, OC_CKPT_TAKE, 0, 0, 0, 0, 0, gen)) != 0)
		return err;
	if ((err = kcall(CR_CKPT, OC_CKPT_LAST, 0, 0, 0, 0, 0, w)) != 0)
		return err;
	return w[0] == gen[0] ? 0 : -1;
}

void
bench_ckpt_rows(const struct bench_cfg *cfg)
{
	static const char *const keys[3] = { "ckpt_pause_1m",
	    "ckpt_pause_16m", "ckpt_pause_64m" };
	static const unsigned pages[3] = { 256, 4096, CK_PAGES };
	uint64_t pause[CK_RUNS_MAX], bps[CK_RUNS_MAX], w[4], hz;
	unsigned runs = cfg->runs, nbps = 0;
	int err, want_bps = bench_wanted(cfg, "ckpt_throughput");

	hz = cfg->wall ? cfg->tsc_hz : bench_calibrate();
	dirty(CK_PAGES, 1);
	if ((err = take(w)) != 0)
		uprintf("BENCH INFO ckpt first checkpoint failed: error %d\n",
		    err);
	for (unsigned k = 0; k < 3; k++) {
		if (!bench_wanted(cfg, keys[k]) && !(k == 2 && want_bps))
			continue;
		for (unsigned r = 0; r < runs; r++) {
			dirty(pages[k], (uint8_t)(r + 2));
			if ((err = take(w)) != 0)
				break;
			pause[r] = w[1];
			if (k == 2 && w[2] != 0)
				bps[nbps++] = (uint64_t)((double)w[3] *
				    (double)hz / (double)w[2] + 0.5);
			uprintf("BENCH INFO %s run=%u pause=%lu write=%lu "
			    "bytes=%lu\n", keys[k], r, (unsigned long)w[1],
			    (unsigned long)w[2], (unsigned long)w[3]);
		}
		if (err != 0) {
			uprintf("BENCH ERROR %s: checkpoint failed: error "
			    "%d\n", keys[k], err);
			if (k == 2 && want_bps)
				uprintf("BENCH ERROR ckpt_throughput: "
				    "checkpoint failed: error %d\n", err);
			return;
		}
		if (bench_wanted(cfg, keys[k])) {
			if (cfg->wall)
				for (unsigned r = 0; r < runs; r++)
					pause[r] = (uint64_t)((double)pause[r] *
					    1e9 / (double)hz + 0.5);
			bench_report_values(keys[k], pause, runs, 1,
			    cfg->wall ? "ns" : "instructions");
		}
	}
	if (want_bps && nbps == 0)
		uprintf("BENCH ERROR ckpt_throughput: no write-out timed\n");
	else if (want_bps)
		bench_report_values("ckpt_throughput", bps, nbps, 1,
		    "bytes/s");
}
