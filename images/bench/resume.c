/*
 * resume.c - the resume rows of our benchmark (docs/bench.md, keys of
 * tests/bench/rows.py): resume_64m and resume_1g, instructions from the
 * kernel's first instruction to the first user instruction after a
 * restart of a store whose current generation holds 64 MiB or 1 GiB of
 * page data. The only process of build/bench-resume.img (resume.mki);
 * tests/bench/bench.py boots a sparse copy of that image in two ways:
 *
 *   populate  words bench.resume_mib=N: write a word to each page of the
 *             first N MiB of the segment data (zero pages without a
 *             block until then), taking a checkpoint after every
 *             CHUNK_MIB, so the committed generation references N MiB
 *             of page blocks; after the last commit, power off.
 *   measure   words bench.only=KEY: the kernel restarts that generation
 *             and this process continues where it was, inside its last
 *             OC_CKPT_TAKE, which returns (the generation holds the
 *             answer): the instructions after the syscall are the
 *             first user instructions of the boot, and the TSC is read
 *             right there. KEY's figure is that TSC minus the kernel's
 *             at its first instruction (OC_SYS_BOOT), with count=1.
 *
 * Invariant: being the image's only process, nothing else in user mode
 * runs before it after a restart. The populate boot runs through the
 * same code after its last checkpoint; its words tell it to stop there.
 */
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#include "bench.h"

#define DATA_BASE	UINT64_C(0x320000000000)	/* resume.mki: data */
#define DATA_MIB_MAX	1024u
#define CHUNK_MIB	128u
#define PAGES_PER_MIB	256u

/* What the populate boot wrote; persistent, read after the restart. */
static unsigned	data_mib = 0;
static uint64_t	data_generation = 0;

/* Give each page of MiB [from, to) of the segment a non-zero word. */
static void
fill(unsigned from, unsigned to)
{
	for (uint64_t p = (uint64_t)from * PAGES_PER_MIB;
	    p < (uint64_t)to * PAGES_PER_MIB; p++)
		*(volatile uint64_t *)(uintptr_t)(DATA_BASE + p * 4096) = p + 1;
}

_Noreturn static void
power_off(uint64_t status)
{
	int err = kcall(CR_CKPT, OC_CKPT_POWEROFF, 1, status, 0, 0, 0, 0);

	uprintf("resume: the kernel cannot power off (error %d): stop QEMU\n",
	    err);
	rt_exit();
}

/*
 * Print the figure: tsc_user is the TSC at the first user instructions,
 * the four boot milestones come from the kernel (OC_SYS_BOOT).
 */
static void
report(struct bench_cfg *cfg, uint64_t tsc_user)
{
	uint64_t b[MI_WORDS_MAX], ticks;
	int err;

	uprintf("\nBENCH PLAN %s\n", cfg->only);
	uprintf("BENCH INFO system=ours args=%s clock=%s\n",
	    cfg->args_found ? "fw_cfg" : "unavailable(defaults)",
	    cfg->wall ? "wall" : "icount");
	if ((err = kcall(CR_SYS, OC_SYS_BOOT, 0, 0, 0, 0, 0, b)) != 0 ||
	    b[1] == 0 || b[3] < b[1] || tsc_user < b[3]) {
		uprintf("BENCH ERROR %s: no boot milestones from the kernel "
		    "(error %d)\n", cfg->only, err);
		return;
	}
	uprintf("BENCH INFO %s data_mib=%u generation=%lu to_stage2=%lu "
	    "loader=%lu machine_up=%lu store_and_processes=%lu "
	    "to_user=%lu\n", cfg->only, data_mib,
	    (unsigned long)data_generation, (unsigned long)b[0],
	    (unsigned long)(b[1] - b[0]), (unsigned long)(b[2] - b[1]),
	    (unsigned long)(b[3] - b[2]), (unsigned long)(tsc_user - b[3]));
	ticks = tsc_user - b[1];
	if (cfg->wall && (cfg->tsc_hz = bench_calibrate()) == 0) {
		uprintf("BENCH ERROR %s: TSC calibration failed\n", cfg->only);
		return;
	}
	bench_report(cfg, cfg->only, &ticks, 1, 1);
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct bench_cfg cfg;
	struct umsg m;
	uint64_t tsc_user = 0;
	unsigned mib;
	int err = 0;

	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	bench_args(&cfg);
	mib = cfg.resume_mib;
	if (mib == 0 || mib > DATA_MIB_MAX) {
		uprintf("\nresume: bench.resume_mib=%u: want 1..%u MiB to "
		    "populate\n", mib, DATA_MIB_MAX);
		power_off(1);
	}
	data_mib = mib;
	for (unsigned from = 0; from < mib && err == 0; from += CHUNK_MIB) {
		fill(from, from + CHUNK_MIB < mib ? from + CHUNK_MIB : mib);
		umsg_init(&m, OC_CKPT_TAKE, 0, 0, 0, 0, 0);
		err = inv_call(CR_CKPT, &m);
		/* A restart continues here: the first user instructions. */
		tsc_user = rt_tsc();
		data_generation = m.w[0];
	}
	bench_args(&cfg);
	if (cfg.resume_mib != 0) {
		if (err != 0) {
			uprintf("\nresume: checkpoint failed: error %d\n", err);
			power_off(1);
		}
		uprintf("\nresume: populated %u MiB, generation %lu\n",
		    data_mib, (unsigned long)data_generation);
		power_off(0);
	}
	if (err != 0)
		uprintf("\nBENCH ERROR %s: the checkpoint before the restart "
		    "failed: error %d\n", cfg.only, err);
	else
		report(&cfg, tsc_user);
	uprintf("BENCH DONE\n");
	power_off(0);
}
