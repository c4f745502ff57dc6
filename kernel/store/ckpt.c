/*
 * ckpt.c - checkpoints, version 1: stop the world, write every dirty
 * object and the run list as the next generation of the store
 * (store_write.h), commit, mark the objects clean. docs/kernel.md
 * "Checkpoints" explains it; the write happens inside the pause, so the
 * pause grows with the dirty data (the copy-on-write write-out of
 * issue 9 comes later).
 *
 * Invariants:
 * - ckpt_take() runs with interrupts off, from sched_return() before a
 *   process is picked or from an invocation, never inside an interrupt
 *   handler; no process runs and no object changes until it returns, so
 *   every object it writes is as one instant left it (nothing torn), and
 *   every process's user state is in its d.regs and d.fxsave;
 * - an object leaves the dirty list only once the generation holding it
 *   is committed: a failed checkpoint leaves every mark as it was;
 * - a written page keeps no hardware mapping (they are dropped), so the
 *   next user write faults and marks it dirty again;
 * - a process's registers change while it runs without a dirty mark, so
 *   every held process is written by every checkpoint, its wait copied
 *   into d first (proc_persist; a process not held waits for nothing).
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>

#include <boot.h>
#include <clock.h>
#include <inv/inv.h>
#include <store/ckpt.h>
#include <store/objcache.h>
#include <panic.h>
#include <printf.h>
#include <proc.h>
#include <space.h>
#include <store/store.h>
#include <store/store_write.h>
#include <x86_64/cpu.h>
#include <x86_64/rtc.h>
#include <x86_64/usermode.h>

uint64_t	ckpt_due_tick = UINT64_MAX;
static uint32_t	ckpt_period;		/* seconds; 0: periodic off */

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
	ckpt_due_tick = timer_ticks() + (uint64_t)s * TIMER_HZ;
}

uint64_t
ckpt_generation(void)
{
	const struct store_super *sb = store_current();

	return sb != NULL ? sb->hdr.generation : 0;
}

/* Put dirty object o into the generation being built. */
static int
write_object(struct obj *o)
{
	struct obj_hdr *h;

	switch (o->type) {
	case OT_PAGE:
		return store_gen_page(o->oid, page_data(obj_page(o)),
		    o->alloc_count, o->bank);
	case OT_CAPPAGE:
		return store_gen_page(o->oid, cappage_data(obj_cappage(o)),
		    o->alloc_count, o->bank);
	case OT_GPT:
		h = &obj_gpt(o)->d.hdr;
		break;
	case OT_PROCESS:
		h = &obj_process(o)->d.hdr;
		break;
	case OT_ENDPOINT:
		h = &obj_endpoint(o)->d.hdr;
		break;
	default:
		panic("ckpt: object %#lx of type %u is dirty", o->oid,
		    o->type);
	}
	/* struct obj's copies are authoritative in memory (obj.h). */
	h->oid = o->oid;
	h->alloc_count = o->alloc_count;
	h->bank = o->bank;
	return store_gen_object(h);
}

/* Microseconds in tsc ticks of the TSC. */
static uint64_t
tsc_us(uint64_t tsc)
{
	uint64_t hz = timer_tsc_hz();

	return tsc / hz * 1000000ull + tsc % hz * 1000000ull / hz;
}

int
ckpt_take(uint64_t *gen)
{
	static oid_t oids[PROC_RUNLIST_MAX];
	struct store_gen_stats st;
	uint64_t t0 = cpu_rdtsc(), t1, t2, cur = ckpt_generation(), kib;
	struct process *p;
	struct obj *o;
	unsigned n = 0, written = 0;
	int err;

	if (store_current() == NULL) {
		err = ERR_NOT_FOUND;
		goto failed;
	}
	usermode_fpu_flush();		/* every FPU state in its d.fxsave */
	for (p = proc_held_first(); p != NULL; p = p->k.held_next) {
		proc_dirty(p);
		proc_persist(p);	/* its wait, from k into d */
		if (p->d.run_state == PS_STOPPED)
			continue;
		if (n == PROC_RUNLIST_MAX) {
			err = ERR_TOO_BIG;
			goto failed;
		}
		oids[n++] = p->obj.oid;
	}
	t1 = cpu_rdtsc();
	if ((err = store_gen_begin()) != 0)
		goto failed;
	for (o = objcache_dirty_first(); o != NULL; o = o->lru_next) {
		if ((err = write_object(o)) != 0)
			goto failed;
		written++;
	}
	store_gen_clock(clock_now_ns());
	if ((err = store_gen_runlist(oids, n)) != 0 ||
	    (err = store_gen_commit(rtc_now_ns(), gen)) != 0)
		goto failed;
	t2 = cpu_rdtsc();
	/* Committed: nothing below can fail. */
	while ((o = objcache_dirty_first()) != NULL) {
		obj_mark_clean(o);
		if (o->type == OT_PAGE && o->deps != NULL)
			space_object_gone(o);	/* no writable mapping left */
		written--;
	}
	assert(written == 0);
	store_gen_stats(&st);
	kib = (st.data_writes + st.map_writes + st.list_writes +
	    st.free_writes + st.super_writes) * (STORE_BLOCK_SIZE / 1024);
	kprintf("ckpt: committed generation %lu: pause %lu us, %lu KiB in "
	    "%lu ms\n", *gen, tsc_us(cpu_rdtsc() - t0), kib,
	    tsc_us(t2 - t1) / 1000);
	inv_ckpt_committed(*gen);	/* OC_CKPT_WAIT answered */
	return 0;
failed:
	store_gen_abort();
	kprintf("ckpt: generation %lu failed: error %d, still at generation "
	    "%lu\n", cur + 1, err, cur);
	return err;
}

void
ckpt_periodic(void)
{
	uint64_t gen;

	/* A failure has printed its line; the next period tries again. */
	(void)ckpt_take(&gen);
	ckpt_due_tick = timer_ticks() + (uint64_t)ckpt_period * TIMER_HZ;
}
