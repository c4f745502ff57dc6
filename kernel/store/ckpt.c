/*
 * ckpt.c - checkpoints, version 2 (docs/persistence.md, docs/kernel.md
 * "Checkpoints"): snapshot, write-out while processes run, commit.
 *
 * snapshot() is the whole stop of the world, and does not grow with the
 * dirty data: the FPU states go to their processes, the run list is
 * collected (one step per held process), the object cache's dirty list
 * becomes the snapshot and the epoch moves on (constant time), and every
 * address space is write-protected at its top (one step per address
 * space). The writer (writeout(), on its own stack: ckpt_io.c) then puts
 * every object of the snapshot into the next generation, each as the
 * snapshot left it (ckpt_snap.c), and commits in the order of
 * docs/store-format.md, its disk writes queued and its waits spent
 * running processes.
 *
 * Invariants:
 * - snapshot() runs with interrupts off and no process running, from
 *   sched_return() or an invocation, never inside an interrupt handler;
 *   every process's user state is in its d.regs and d.fxsave then;
 * - one write-out at a time: no snapshot while the writer is active;
 * - an object leaves the dirty state only once the generation holding
 *   it is committed: a failed write-out puts every object of its
 *   snapshot back on the dirty list (objcache_abort);
 * - each held process's wait is copied from k into d at the snapshot
 *   (proc_persist, through the write hook when it changed), and the
 *   persistent clock is read there too: the generation holds both as
 *   of that instant.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>

#include <boot.h>
#include <clock.h>
#include <inv/inv.h>
#include <panic.h>
#include <printf.h>
#include <proc.h>
#include <store/ckpt.h>
#include <store/ckpt_io.h>
#include <store/objcache.h>
#include <store/store.h>
#include <store/store_write.h>
#include <x86_64/cpu.h>
#include <x86_64/pmap.h>
#include <x86_64/rtc.h>
#include <x86_64/usermode.h>

volatile uint64_t	ckpt_due_tick = UINT64_MAX;
static uint64_t		next_tick = UINT64_MAX;	/* periodic; MAX off */
static uint32_t		ckpt_period;		/* seconds; 0: periodic off */

/* The snapshot being written out, and the last one's figures. */
static struct {
	oid_t		run[PROC_RUNLIST_MAX];
	unsigned	nrun;
	uint64_t	gen;		/* the generation it becomes */
	uint64_t	t_snap;		/* TSC at the end of the snapshot */
	uint64_t	clock_ns;	/* the persistent clock at it */
	int		err;		/* the write-out's result */
	struct ckpt_stats st;
} cs;

void
ckpt_init(void)
{
	uint32_t s = CKPT_PERIOD_DEFAULT;
	int rc;

	rc = boot_cmdline_uint(boot_info.cmdline, "ckpt", &s);
	if (rc == ERR_BAD_ARG) {
		s = CKPT_PERIOD_DEFAULT;
		kprintf("ckpt: ckpt= on the command line is not a number of "
		    "seconds, using %u\n", s);
	}
	if (store_current() == NULL) {
		kprintf("ckpt: no store, no checkpoints\n");
		return;
	}
	if (rtc_init() != 0)
		kprintf("ckpt: no valid RTC date: commit times left 0 "
		    "(unknown)\n");
	ckpt_period = s;
	if (s == 0) {
		kprintf("ckpt: periodic checkpoints off (ckpt=0)\n");
		return;
	}
	kprintf("ckpt: a checkpoint every %u s\n", s);
	next_tick = timer_ticks() + (uint64_t)s * TIMER_HZ;
	ckpt_due_tick = next_tick;
}

uint64_t
ckpt_generation(void)
{
	const struct store_super *sb = store_current();

	return sb != NULL ? sb->hdr.generation : 0;
}

/* Microseconds in tsc ticks of the TSC. */
static uint64_t
tsc_us(uint64_t tsc)
{
	uint64_t hz = timer_tsc_hz();

	return tsc / hz * 1000000ull + tsc % hz * 1000000ull / hz;
}

static void
failed_line(uint64_t next, int err)
{
	kprintf("ckpt: generation %lu failed: error %d, still at generation "
	    "%lu\n", next, err, ckpt_generation());
}

/*
 * The writer: every object of the snapshot into the next generation,
 * the run list, the commit; then the objects are clean, or all dirty
 * again. Runs on the writer's stack (ckpt_io_start), where waiting for
 * the disk lets processes run.
 */
static void
writeout(void)
{
	struct store_gen_stats gs;
	struct ckpt_item it;
	uint64_t gen = 0, t;
	void *buf;
	int err;

	ckpt_io_begin();
	err = store_gen_begin();
	while (err == 0) {
		/* The frame first: getting one may wait, taking may not. */
		buf = ckpt_io_frame();
		if (!ckpt_snap_take(buf, &it)) {
			ckpt_io_frame_put(buf);
			break;
		}
		if (it.held && it.block != 0)
			err = store_gen_page_held(it.oid, it.block, it.crc,
			    it.alloc_count, it.bank);
		else if (it.type == OT_PAGE || it.type == OT_CAPPAGE)
			err = store_gen_page(it.oid, it.held ? NULL : buf,
			    it.alloc_count, it.bank);
		else
			err = store_gen_object(buf);
		ckpt_io_frame_put(buf);
	}
	if (err == 0)
		err = ckpt_snap_error();
	if (err == 0) {
		store_gen_clock(cs.clock_ns);
		err = store_gen_runlist(cs.run, cs.nrun);
	}
	if (err == 0)
		err = store_gen_commit(rtc_now_ns(), &gen);
	t = cpu_rdtsc();
	cs.st.copies = ckpt_snap_end();
	cs.err = err;
	if (err != 0) {
		store_gen_abort();
		objcache_abort();
		cs.st.generation = 0;
		failed_line(cs.gen, err);
		return;
	}
	assert(gen == cs.gen);
	(void)objcache_commit();
	store_gen_stats(&gs);
	cs.st.generation = gen;
	cs.st.write_tsc = t - cs.t_snap;
	cs.st.bytes = (gs.data_writes + gs.map_writes + gs.list_writes +
	    gs.free_writes + gs.super_writes) * STORE_BLOCK_SIZE;
	kprintf("ckpt: committed generation %lu: pause %lu us, %lu KiB in "
	    "%lu ms\n", gen, tsc_us(cs.st.pause_tsc), cs.st.bytes / 1024,
	    tsc_us(cs.st.write_tsc) / 1000);
	inv_ckpt_committed(gen);	/* OC_CKPT_WAIT answered */
}

/*
 * Stop the world for the snapshot and start its write-out. No writer
 * may be active. Returns 0, or ERR_NOT_FOUND (no store), ERR_TOO_BIG
 * (run list too long) with the failure line printed, nothing changed.
 */
static int
snapshot(void)
{
	uint64_t t0 = cpu_rdtsc();
	struct process *p;
	unsigned n = 0;

	assert(!ckpt_io_active());
	cs.gen = ckpt_generation() + 1;
	if (store_current() == NULL) {
		failed_line(cs.gen, ERR_NOT_FOUND);
		return ERR_NOT_FOUND;
	}
	for (p = proc_held_first(); p != NULL; p = p->k.held_next) {
		proc_persist(p);	/* its wait, from k into d */
		if (p->d.run_state == PS_STOPPED)
			continue;
		if (n == PROC_RUNLIST_MAX) {
			failed_line(cs.gen, ERR_TOO_BIG);
			return ERR_TOO_BIG;
		}
		cs.run[n++] = p->obj.oid;
	}
	cs.nrun = n;
	cs.clock_ns = clock_now_ns();
	usermode_fpu_flush();		/* every FPU state in its d.fxsave */
	cs.st.objects = objcache_snapshot();
	pmap_protect_all();
	cs.t_snap = cpu_rdtsc();
	cs.st.pause_tsc = cs.t_snap - t0;
	ckpt_io_start(writeout);
	return 0;
}

/* Run the active write-out to its end, polling the disk meanwhile. */
static void
finish_writeout(void)
{
	while (ckpt_io_active()) {
		ckpt_io_run();
		if (ckpt_io_active() && !ckpt_io_woken())
			ckpt_io_poll();
	}
}

int
ckpt_take(uint64_t *gen)
{
	int err;

	finish_writeout();
	if ((err = snapshot()) != 0)
		return err;
	finish_writeout();
	if (cs.err != 0)
		return cs.err;
	*gen = cs.st.generation;
	return 0;
}

void
ckpt_last(struct ckpt_stats *st)
{
	*st = cs.st;
}

void
ckpt_service(void)
{
	uint64_t now = timer_ticks();

	if (ckpt_io_active())
		ckpt_io_run();
	else if (now >= next_tick) {
		next_tick = now + (uint64_t)ckpt_period * TIMER_HZ;
		if (snapshot() == 0)
			ckpt_io_run();	/* its first writes go out now */
	}
	/* While the writer waits, look at it every tick (a hung disk). */
	if (ckpt_io_active() && ckpt_io_woken())
		ckpt_due_tick = 0;	/* completed while it ran */
	else if (ckpt_io_active() && next_tick > timer_ticks() + 1)
		ckpt_due_tick = timer_ticks() + 1;
	else
		ckpt_due_tick = next_tick;
}
