/*
 * bench.c - the rows of our benchmark image (docs/bench.md, keys of
 * tests/bench/rows.py):
 *   ipc_roundtrip      call + reply through an entry cap, 4 words each
 *                      way, no caps, to a server in reply-and-wait;
 *   null_invocation    OC_TYPE on a kernel cap (SLEEP), answered by the
 *                      kernel's generic path;
 *   demand_zero_fault  a first write to a page of empty space: the fault
 *                      goes to the user-level keeper (keepers/vcopy, over no background),
 *                      which maps a fresh page and resumes us by its
 *                      reply; the process is kept, so this is the whole
 *                      path fault -> keeper -> map -> resume -> retry;
 *   program_start_64k/_64m  bench_start.c.
 *   ckpt_*             the checkpoint rows (bench_ckpt.c).
 * Each row: a tenth of its iterations untimed, then `runs` timed runs;
 * a run's value is TSC ticks / iterations. Ends with OC_CKPT_POWEROFF.
 */
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include "../../keepers/vcopy.h"
#include "bench.h"

#define IPC_ITERS	10000
#define NULL_ITERS	10000
#define DZ_ITERS	4096	/* the Linux row's page count */
#define DZ_BASE		UINT64_C(0x400000000000)
#define DZ_STRIDE	UINT64_C(0x4000000)	/* 64 MiB of fresh space */

#define INSN_LOOPS	1000000
#define PARTS_OID	UINT64_C(0x3000000)	/* fresh OIDs for keeper_parts */
#define SEG_BASE	UINT64_C(0x300000000000)	/* bench.mki: "touch" */
#define SEG_PAGES	4096

static unsigned
warmup(unsigned iters)
{
	return iters / 10 > 0 ? iters / 10 : 1;
}

static unsigned
iters_of(const struct bench_cfg *cfg, unsigned dflt)
{
	return cfg->iters != 0 ? cfg->iters : dflt;
}

static void
ipc_loop(unsigned n)
{
	struct umsg m;

	for (unsigned i = 0; i < n; i++) {
		umsg_init(&m, 1, 4, i, 2, 3, 4);
		(void)ipc_call(CR_SRV, &m);
	}
}

static void
null_loop(unsigned n)
{
	struct umsg m;

	for (unsigned i = 0; i < n; i++) {
		umsg_init(&m, OC_TYPE, 0, 0, 0, 0, 0);
		(void)inv_call(CR_SLEEP, &m);
	}
}

/* Touch n fresh pages from va: one write per page, each a fault. */
static void
dz_loop(uint64_t va, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		*(volatile uint8_t *)(uintptr_t)(va + (uint64_t)i * 4096) = 1;
}

static int
check_ipc(void)
{
	struct umsg m;

	umsg_init(&m, 1, 4, 10, 20, 30, 40);
	if (ipc_call(CR_SRV, &m) != 0 || m.w[0] != 11 || m.w[3] != 41)
		return -1;
	return 0;
}

static void
row(const struct bench_cfg *cfg, const char *key, unsigned dflt,
    void (*loop)(unsigned))
{
	uint64_t ticks[BENCH_MAX_RUNS];
	unsigned n = iters_of(cfg, dflt);

	loop(warmup(n));
	for (unsigned r = 0; r < cfg->runs; r++) {
		uint64_t t0 = rt_tsc();

		loop(n);
		ticks[r] = rt_tsc() - t0;
	}
	bench_report(cfg, key, ticks, cfg->runs, n);
}

static void
dz_row(const struct bench_cfg *cfg)
{
	uint64_t ticks[BENCH_MAX_RUNS], w[MI_WORDS_MAX];
	unsigned n = iters_of(cfg, DZ_ITERS);

	if ((uint64_t)n * 4096 > DZ_STRIDE) {
		uprintf("BENCH ERROR demand_zero_fault: %u pages do not fit "
		    "the %lu MiB per run\n", n,
		    (unsigned long)(DZ_STRIDE >> 20));
		return;
	}
	dz_loop(DZ_BASE, warmup(n));
	for (unsigned r = 0; r < cfg->runs; r++) {
		uint64_t va = DZ_BASE + (r + 1) * DZ_STRIDE, t0 = rt_tsc();

		dz_loop(va, n);
		ticks[r] = rt_tsc() - t0;
	}
	(void)ipc_ask(CR_DZ, VC_OC_STATS, w);
	uprintf("BENCH INFO demand_zero_keeper pages=%lu gpts=%lu splits=%lu "
	    "faults=%lu", (unsigned long)w[0], (unsigned long)w[1],
	    (unsigned long)w[2], (unsigned long)w[3]);
	if (ipc_ask(CR_DZ, VC_OC_TIMES, w) == 0 && w[1] != 0)
		uprintf(" keeper_ticks_per_fault=%lu",
		    (unsigned long)(w[0] / w[1]));
	uprintf("\n");
	bench_report(cfg, "demand_zero_fault", ticks, cfg->runs, n);
}

/*
 * What the keeper's two kernel calls per fault cost on their own: a cap
 * to a fresh page (the object cache makes and zeroes it), a cap to a
 * page already in memory, and storing a page cap into a GPT slot.
 */
static void
keeper_parts(void)
{
	const unsigned n = 1000;
	uint64_t t0, fresh, cached, store;

	t0 = rt_tsc();
	for (unsigned i = 0; i < n; i++)
		(void)kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
		    OID_MAKE(OT_PAGE, PARTS_OID + i), 0, CR_T0);
	fresh = rt_tsc() - t0;
	t0 = rt_tsc();
	for (unsigned i = 0; i < n; i++)
		(void)kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
		    OID_MAKE(OT_PAGE, PARTS_OID), 0, CR_T0);
	cached = rt_tsc() - t0;
	(void)kcall_cap(CR_RANGE, OC_RANGE_GET, 1, OID_MAKE(OT_GPT, PARTS_OID),
	    0, CR_T1);
	(void)kcall(CR_T1, OC_GPT_SET_L2V, 2, 12, 0, 0, 0, 0);
	t0 = rt_tsc();
	for (unsigned i = 0; i < n; i++)
		(void)kcall_give(CR_T1, OC_GPT_STORE, 1, i & 15, 0, CR_T0);
	store = rt_tsc() - t0;
	uprintf("BENCH INFO keeper_parts range_get_fresh_page=%lu "
	    "range_get_cached_page=%lu gpt_store=%lu\n",
	    (unsigned long)(fresh / n), (unsigned long)(cached / n),
	    (unsigned long)(store / n));
}

/*
 * A first touch of pages that the space already holds (a segment of
 * zero pages the .mki mapped): the kernel resolves the fault alone
 * (walk, load the page, map it), no keeper involved. The difference to
 * demand_zero_fault is what the trip through the keeper costs.
 */
static void
kernel_fault(void)
{
	uint64_t t0 = rt_tsc(), t;

	dz_loop(SEG_BASE, SEG_PAGES);
	t = rt_tsc() - t0;
	uprintf("BENCH INFO kernel_resolved_fault=%lu pages=%u\n",
	    (unsigned long)(t / SEG_PAGES), SEG_PAGES);
}

/* The icount check of docs/bench.md: a loop of 2 * INSN_LOOPS insns. */
static void
insn_check(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 3; i++) {
		uint64_t n = INSN_LOOPS, t0 = rt_tsc(), t1;

		__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
		t1 = rt_tsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	uprintf("BENCH INFO ours_insn_check loop_insns=%u tsc_min=%lu\n",
	    2 * INSN_LOOPS, (unsigned long)best);
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	static const char *const keys[] = { "ipc_roundtrip",
	    "null_invocation", "demand_zero_fault", "program_start_64k",
	    "program_start_64m", "ckpt_pause_1m", "ckpt_pause_16m",
	    "ckpt_pause_64m", "ckpt_throughput" };
	const unsigned nkeys = sizeof(keys) / sizeof(keys[0]);
	int ckpt_rows = 0;
	struct bench_cfg cfg;
	int err;

	(void)a1;
	(void)a2;
	(void)a3;
	if (role == 1)
		bench_server();
	/* A newline first: the firmware may have left half a line. */
	uprintf("\nBENCH PLAN");
	bench_args(&cfg);
	for (unsigned k = 0; k < nkeys; k++)
		if (bench_wanted(&cfg, keys[k])) {
			uprintf(" %s", keys[k]);
			ckpt_rows |= k >= 5;	/* the ckpt_* keys */
		}
	uprintf("\n");
	uprintf("BENCH INFO system=ours args=%s runs=%u clock=%s\n",
	    cfg.args_found ? "fw_cfg" : "unavailable(defaults)", cfg.runs,
	    cfg.wall ? "wall" : "icount");
	if (cfg.wall) {
		cfg.tsc_hz = bench_calibrate();
		uprintf("BENCH INFO tsc_hz=%lu\n", (unsigned long)cfg.tsc_hz);
		if (cfg.tsc_hz == 0)
			cfg.wall = 0;
	}
	if (!cfg.boot_only)
		insn_check();
	if (bench_wanted(&cfg, keys[0])) {
		if (check_ipc() != 0)
			uprintf("BENCH ERROR ipc_roundtrip: the server's answer "
			    "is wrong\n");
		else
			row(&cfg, keys[0], IPC_ITERS, ipc_loop);
	}
	if (bench_wanted(&cfg, keys[1]))
		row(&cfg, keys[1], NULL_ITERS, null_loop);
	if (bench_wanted(&cfg, keys[2])) {
		keeper_parts();
		kernel_fault();
		dz_row(&cfg);
	}
	bench_start_rows(&cfg);
	if (ckpt_rows)
		bench_ckpt_rows(&cfg);
	uprintf("BENCH DONE\n");
	err = kcall(CR_CKPT, OC_CKPT_POWEROFF, 1, 0, 0, 0, 0, 0);
	uprintf("bench: the kernel cannot power off (error %d): stop QEMU\n",
	    err);
	rt_exit();
}
