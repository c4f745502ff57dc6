/*
 * oversub.c - the oversubscribed_rw row of our benchmark (docs/bench.md,
 * tests/bench/rows.py): a process that uses twice the guest's memory.
 * The only program of build/bench-oversub.img (oversub.mki) besides its
 * keeper; tests/bench/bench.py boots it with less memory than the other
 * rows and the words bench.region_mib=N, N being twice the guest's RAM.
 *
 * The process writes every qword of every page of an N MiB region of
 * empty space (the demand-zero keeper, keepers/vcopy, buys each page at
 * its first write), with a pattern made from the page's index, then
 * reads every page back and checks it. RAM holds half the region at
 * most, so the kernel writes dirty pages to free store blocks and drops
 * them from memory (docs/persistence.md, "Pages out of memory"), and the
 * read pass brings them back. The figure is instructions (the TSC under
 * -icount) per page over both passes, write + read of 2 x N MiB / 4 KiB
 * pages; BENCH INFO splits it into the two passes and gives the keeper's
 * share. A page that reads back wrong is a BENCH ERROR.
 *
 * No checkpoint is taken (checkpoint 0 in oversub.mki): every byte the
 * store receives is a page leaving memory.
 */
#include <user/invoke.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>

#include "../../keepers/vcopy.h"
#include "bench.h"
#include "oversub_passes.h"

#define KEY		"oversubscribed_rw"
/* The region: empty space the keeper fills at the first write. */
#define REGION		((volatile uint64_t *)UINT64_C(0x400000000000))
#define REGION_MIB_MAX	480u	/* vcopy's node table (vc_tree.h) */
#define PAGES_PER_MIB	256u

/* What the keeper bought and its own share of the faults; the pages the
   kernel wrote out and read back (SYSINFO OC_SYS_MEMORY). */
static void
keeper_info(void)
{
	uint64_t s[MI_WORDS_MAX], t[MI_WORDS_MAX], k[MI_WORDS_MAX];

	(void)ipc_ask(CR_DZ, VC_OC_STATS, s);
	(void)ipc_ask(CR_DZ, VC_OC_TIMES, t);
	uprintf("BENCH INFO oversub_keeper pages=%lu gpts=%lu faults=%lu "
	    "keeper_ticks=%lu\n", (unsigned long)s[0], (unsigned long)s[1],
	    (unsigned long)s[3], (unsigned long)t[0]);
	if (kcall(CR_SYS, OC_SYS_MEMORY, 0, 0, 0, 0, 0, k) == 0)
		uprintf("BENCH INFO oversub_kernel pages_out=%lu pages_in=%lu "
		    "held=%lu\n", (unsigned long)k[1], (unsigned long)k[2],
		    (unsigned long)k[3]);
}

static void
run(const struct bench_cfg *cfg)
{
	uint64_t pages = (uint64_t)cfg->region_mib * PAGES_PER_MIB;
	uint64_t t0, t1, t2, ticks, bad;

	if (cfg->region_mib == 0 || cfg->region_mib > REGION_MIB_MAX) {
		uprintf("BENCH ERROR " KEY ": bench.region_mib=%u: want "
		    "1..%u\n", cfg->region_mib, REGION_MIB_MAX);
		return;
	}
	t0 = rt_tsc();
	oversub_write(REGION, pages);
	t1 = rt_tsc();
	bad = oversub_read(REGION, pages);
	t2 = rt_tsc();
	if (bad != pages) {
		uprintf("BENCH ERROR " KEY ": page %lu of %lu read back "
		    "wrong\n", (unsigned long)bad, (unsigned long)pages);
		return;
	}
	uprintf("BENCH INFO oversub region_mib=%u pages=%lu write_ticks=%lu "
	    "read_ticks=%lu write_per_page=%lu read_per_page=%lu\n",
	    cfg->region_mib, (unsigned long)pages, (unsigned long)(t1 - t0),
	    (unsigned long)(t2 - t1), (unsigned long)((t1 - t0) / pages),
	    (unsigned long)((t2 - t1) / pages));
	keeper_info();
	ticks = t2 - t0;
	bench_report(cfg, KEY, &ticks, 1, (unsigned)(2 * pages));
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct bench_cfg cfg;
	int err;

	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	bench_args(&cfg);
	/* A newline first: the firmware may have left half a line. */
	uprintf("\nBENCH PLAN " KEY "\n");
	uprintf("BENCH INFO system=ours args=%s clock=%s\n",
	    cfg.args_found ? "fw_cfg" : "unavailable(defaults)",
	    cfg.wall ? "wall" : "icount");
	if (cfg.wall && (cfg.tsc_hz = bench_calibrate()) == 0)
		uprintf("BENCH ERROR " KEY ": TSC calibration failed\n");
	else
		run(&cfg);
	uprintf("BENCH DONE\n");
	err = kcall(CR_CKPT, OC_CKPT_POWEROFF, 1, 0, 0, 0, 0, 0);
	uprintf("oversub: the kernel cannot power off (error %d): stop "
	    "QEMU\n", err);
	rt_exit();
}
