/*
 * bench_start.c - the program_start rows (docs/bench.md): constructor
 * create through the program's exit, for images/bench/prog.c with
 * 60 KiB (program_start_64k) and 64 MiB (program_start_64m) of data.
 * An iteration is OC_CTOR_CREATE (the constructor buys a child bank, a
 * process and a GPT from our bank "runs" and starts the instance) and
 * OC_CTOR_WAIT (the instance runs: its first instruction fetch maps the
 * image read-only, its first stack write buys the stack's page and GPTs;
 * it exits, and the constructor destroys its bank). Breakdown lines
 * (BENCH INFO) split the two calls and time the bank requests alone;
 * then 100 live instances of the 64 KiB program are counted in pages.
 */
#include <user/bank.h>
#include <user/ctor.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include "bench.h"

#define START_ITERS	1000
#define PARTS_N		200
#define NINST		100
#define PROG_64K_PAGES	16

struct start_split {
	uint64_t	create, wait;	/* ticks in each call */
	int		err;
};

static void
start_loop(unsigned cr, unsigned n, struct start_split *s)
{
	for (unsigned i = 0; i < n && s->err == 0; i++) {
		uint64_t id = 0, st = 0, t0 = rt_tsc(), t1;

		s->err = ctor_create(cr, CR_BANK, 0, 0, 0, 0, 0, CR_DISCARD,
		    &id);
		t1 = rt_tsc();
		if (s->err == 0 && (s->err = ctor_wait(cr, id, &st)) == 0 &&
		    st != 0)
			s->err = -1;
		s->create += t1 - t0;
		s->wait += rt_tsc() - t1;
	}
}

static void
start_row(const struct bench_cfg *cfg, const char *key, unsigned cr)
{
	uint64_t ticks[BENCH_MAX_RUNS], t0[MI_WORDS_MAX] = { 0 };
	uint64_t t1[MI_WORDS_MAX] = { 0 };
	unsigned n = cfg->iters != 0 ? cfg->iters : START_ITERS;
	struct start_split s = { 0, 0, 0 };
	struct umsg m;

	start_loop(cr, n / 10 > 0 ? n / 10 : 1, &s);
	s.create = s.wait = 0;
	umsg_init(&m, OC_CTOR_TIMES, 0, 0, 0, 0, 0);
	if (ipc_call(cr, &m) == 0)
		for (unsigned k = 0; k < MI_WORDS_MAX; k++)
			t0[k] = m.w[k];
	for (unsigned r = 0; r < cfg->runs && s.err == 0; r++) {
		uint64_t t0 = rt_tsc();

		start_loop(cr, n, &s);
		ticks[r] = rt_tsc() - t0;
	}
	if (s.err != 0) {
		uprintf("BENCH ERROR %s: create or wait failed: %d\n", key,
		    s.err);
		return;
	}
	umsg_init(&m, OC_CTOR_TIMES, 0, 0, 0, 0, 0);
	if (ipc_call(cr, &m) == 0)
		for (unsigned k = 0; k < MI_WORDS_MAX; k++)
			t1[k] = m.w[k] - t0[k];
	uprintf("BENCH INFO %s_split create=%lu run_exit_reclaim=%lu "
	    "keeper_faults=%lu keeper_ticks_per_fault=%lu "
	    "end_bank_destroy=%lu\n", key,
	    (unsigned long)(s.create / (n * cfg->runs)),
	    (unsigned long)(s.wait / (n * cfg->runs)),
	    (unsigned long)(t1[1] / (n * cfg->runs)),
	    (unsigned long)(t1[1] ? t1[0] / t1[1] : 0),
	    (unsigned long)(t1[3] ? t1[2] / t1[3] : 0));
	bench_report(cfg, key, ticks, cfg->runs, n);
}

/* What the bank's requests that a start makes cost on their own. */
static void
bank_parts(void)
{
	uint64_t t0, child = 0, alloc = 0, destroy = 0;

	for (unsigned i = 0; i < PARTS_N; i++) {
		t0 = rt_tsc();
		(void)bank_child(CR_BANK, CR_T2);
		child += rt_tsc() - t0;
		t0 = rt_tsc();
		(void)bank_alloc(CR_T2, OT_GPT, CR_T0, NULL);
		alloc += rt_tsc() - t0;
		t0 = rt_tsc();
		(void)bank_destroy(CR_T2);
		destroy += rt_tsc() - t0;
	}
	uprintf("BENCH INFO program_start_bank_parts bank_child=%lu "
	    "bank_alloc=%lu bank_destroy_1_object=%lu\n",
	    (unsigned long)(child / PARTS_N), (unsigned long)(alloc / PARTS_N),
	    (unsigned long)(destroy / PARTS_N));
}

/* 100 live instances of the 64 KiB program, counted by their bank. */
static void
instances_pages(const struct bench_cfg *cfg)
{
	static const unsigned types[] = { OT_PAGE, OT_GPT, OT_PROCESS,
	    OT_ENDPOINT };
	uint64_t use[4] = { 0 }, ids[NINST], own, st;
	unsigned made = 0;
	int err;

	if ((err = bank_child(CR_BANK, CR_T2)) != 0) {
		uprintf("BENCH INFO instances_100 error=%d\n", err);
		return;
	}
	while (made < NINST && ctor_create(CR_C64K, CR_T2, 0, 0, 1, 0, 0,
	    CR_DISCARD, &ids[made]) == 0)
		made++;
	/* Let each run to its wait (they touch their stack and stop). */
	(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 200000000, 0, 0, 0, 0);
	for (unsigned t = 0; t < 4; t++)
		(void)bank_usage(CR_T2, types[t], &use[t], &own);
	(void)bank_destroy(CR_T2);
	for (unsigned i = 0; i < made; i++)
		(void)ctor_wait(CR_C64K, ids[i], &st);
	uprintf("BENCH INFO instances_100 instances=%u pages=%lu gpts=%lu "
	    "processes=%lu endpoints=%lu program_pages=%u "
	    "program_pages_x100=%u\n", made, (unsigned long)use[0],
	    (unsigned long)use[1], (unsigned long)use[2],
	    (unsigned long)use[3], PROG_64K_PAGES, PROG_64K_PAGES * NINST);
	(void)cfg;
}

void
bench_start_rows(const struct bench_cfg *cfg)
{
	if (bench_wanted(cfg, "program_start_64k")) {
		bank_parts();
		start_row(cfg, "program_start_64k", CR_C64K);
		instances_pages(cfg);
	}
	if (bench_wanted(cfg, "program_start_64m"))
		start_row(cfg, "program_start_64m", CR_C64M);
}
