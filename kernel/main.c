/*
 * main.c - the production kernel's kernel_main (init.h): kernel_init()
 * brings the machine up (init.c), then
 *   blk          the virtio-blk disk
 *   objcache     the object cache over the store on that disk
 *   space        address-space bookkeeping
 *   processes    the run list read and every process on it loaded; if
 *                any of that finds damage, the next older generation
 *                is mounted instead ("restart: generation N damaged
 *                (...), falling back to generation M"), and with none
 *                left the kernel halts ("restart: no usable generation,
 *                halting"); then every process is checked and made
 *                runnable ("kernel: ready, N processes": N run or wait;
 *                parked, stopped and refused ones do not count), after
 *                "restart: resuming generation N (N processes)"; a
 *                fault pending at the commit goes to its keeper again
 *                once every process has its wait back
 *   ckpt         periodic checkpoints (ckpt= on the command line)
 *   scrub        the idle-time scrub of the current generation
 *   scheduler    runs them (or idles) and never returns; boot_ready_tsc
 *                (boot.h) is read just before it starts.
 * The test kernel links selftest/selftest.c's kernel_main instead of this
 * file (kernel/rules.mk).
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/proccheck.h>

#include <boot.h>
#include <clock.h>
#include <store/ckpt.h>
#include <dev/blk.h>
#include <init.h>
#include <store/objcache.h>
#include <store/scrub.h>
#include <proc.h>
#include <sched.h>
#include <space.h>
#include <store/store.h>
#include <printf.h>
#include <x86_64/cpu.h>

/* Damage found in a generation at restart. */
struct damage {
	oid_t		oid;		/* the process; 0: the run list */
	int		err;		/* ERR_CORRUPT or ERR_IO */
};

static bool
damaging(int err)
{
	return err == ERR_CORRUPT || err == ERR_IO;
}

/*
 * Read the mounted generation's run list into oids (*n entries) and load
 * every process on it. Returns 0 or ERR_TOO_BIG (the run list is longer
 * than oids), another error of store_runlist(), or ERR_CORRUPT / ERR_IO
 * with *d saying where: the run list, or a process whose leaf is
 * unreadable or whose state lib/proccheck.c refuses. Entries the run
 * list rules refuse are left to start_processes().
 */
static int
check_generation(oid_t *oids, unsigned *n, struct damage *d)
{
	struct obj *o;
	int rc, orc;

	d->oid = 0;
	rc = store_runlist(oids, PROC_RUNLIST_MAX, n);
	if (damaging(rc)) {
		d->err = rc;
		return rc;
	}
	for (unsigned i = 0; i < *n; i++)
		if (damaging(orc = obj_get(oids[i], &o))) {
			d->oid = oids[i];
			d->err = orc;
			return orc;
		}
	return rc;
}

/*
 * Mount generations from the newest down until one's run list and
 * processes load (check_generation). Returns what check_generation()
 * returned for it, or ERR_CORRUPT after "restart: no usable generation,
 * halting" when none is left.
 */
static int
choose_generation(oid_t *oids, unsigned *n)
{
	struct damage d;
	uint64_t gen;
	bool older;
	int rc;

	while (damaging(rc = check_generation(oids, n, &d))) {
		gen = store_current()->hdr.generation;
		while (objcache_evict_one())
			continue;	/* nothing of gen may stay cached */
		*n = 0;
		older = store_mount_older() == 0;
		kprintf("restart: generation %lu damaged (", gen);
		if (d.oid == 0)
			kprintf("run list");
		else
			kprintf("process %#lx", d.oid);
		kprintf(" %s), ", d.err == ERR_IO ? "unreadable" : "corrupt");
		if (!older) {
			kprintf("no older generation\n");
			kprintf("restart: no usable generation, halting\n");
			return ERR_CORRUPT;
		}
		kprintf("falling back to generation %lu\n",
		    store_current()->hdr.generation);
	}
	return rc;
}

/*
 * Bring up the disk, the object cache and the space code, choose the
 * generation to resume (choose_generation), then start every process on
 * its run list that lib/proccheck.c's run list rules admit: a duplicate
 * or an entry naming no stored process is refused with a line. Counts
 * the processes that run or wait in IPC, not those parked or stopped.
 * A failure to bring the store up is reported and leaves the kernel
 * idle (nothing to run), never a panic: the disk and the store are
 * input. Returns false when no generation is usable: the caller halts.
 */
static bool
start_processes(void)
{
	static oid_t oids[PROC_RUNLIST_MAX];
	static uint8_t how[PROC_RUNLIST_MAX];
	unsigned i, n = 0, running = 0, h;
	const char *why;
	int rc;

	if ((rc = blk_init()) != 0)
		kprintf("kernel: no disk (error %d)\n", rc);
	else if ((rc = objcache_init()) != 0) {
		kprintf("kernel: no store (error %d)\n", rc);
		if (damaging(rc)) {
			kprintf("restart: no usable generation, halting\n");
			return false;
		}
	}
	else if ((rc = space_init()) != 0)
		kprintf("kernel: space_init failed (error %d)\n", rc);
	else if (damaging(rc = choose_generation(oids, &n)))
		return false;
	else if (rc != 0 && rc != ERR_TOO_BIG)
		kprintf("kernel: run list unreadable (error %d)\n", rc);
	if (rc == ERR_TOO_BIG)
		kprintf("kernel: run list longer than %u, rest ignored\n",
		    PROC_RUNLIST_MAX);
	clock_resume(store_current());
	for (i = 0; i < n; i++) {
		h = PROC_START_IDLE;
		rc = 0;
		if ((why = proc_runlist_problem(oids, i, 1)) == NULL &&
		    (rc = proc_start(oids[i], &h)) == ERR_NOT_FOUND)
			why = proc_runlist_problem(oids, i, 0);
		if (why != NULL)
			kprintf("kernel: run list entry %u (%#lx): %s, not "
			    "started\n", i, oids[i], why);
		else if (rc != 0)
			kprintf("kernel: run list entry %u (%#lx): error %d, "
			    "not started\n", i, oids[i], rc);
		how[i] = (uint8_t)(why == NULL && rc == 0 ? h :
		    PROC_START_IDLE);
		if (how[i] == PROC_START_RUNS)
			running++;
	}
	/* Every wait is back: a keeper may receive its faults again. */
	for (i = 0; i < n; i++)
		if (how[i] == PROC_START_FAULT && proc_start_fault(oids[i]))
			running++;
	if (store_current() != NULL)
		kprintf("restart: resuming generation %lu (%u processes)\n",
		    store_current()->hdr.generation, running);
	kprintf("kernel: ready, %u processes\n", running);
	ckpt_init();
	store_scrub_init();
	return true;
}

void
kernel_main(uint64_t bootinfo_phys)
{
	kernel_init(bootinfo_phys);
	if (!start_processes())
		cpu_halt_forever();
	boot_ready_tsc = cpu_rdtsc();
	sched_return();
}
