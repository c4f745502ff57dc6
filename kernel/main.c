/*
 * main.c - the production kernel's kernel_main (init.h): kernel_init()
 * brings the machine up (init.c), then
 *   blk          the virtio-blk disk
 *   objcache     the object cache over the store on that disk
 *   space        address-space bookkeeping
 *   processes    every process on the store's run list, loaded, checked
 *                and made runnable ("kernel: ready, N processes": N
 *                run or wait; parked, stopped and refused ones do not
 *                count), after "restart: resuming generation N (N
 *                processes)"
 *   ckpt         periodic checkpoints (ckpt= on the command line)
 *   scheduler    runs them (or idles) and never returns.
 * The test kernel links selftest/selftest.c's kernel_main instead of this
 * file (kernel/rules.mk).
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/proccheck.h>

#include <ckpt.h>
#include <dev/blk.h>
#include <init.h>
#include <proc.h>
#include <sched.h>
#include <space.h>
#include <store.h>
#include <printf.h>
#include <objcache.h>

/*
 * Bring up the disk, the object cache and the space code, then start
 * every process on the store's run list that lib/proccheck.c's run list
 * rules admit: a duplicate or an entry naming no stored process is
 * refused with a line. Counts the processes that run or wait in IPC,
 * not those parked or stopped. A failure is reported and leaves the
 * kernel idle (nothing to run), never a panic: the disk and the store
 * are input.
 */
static void
start_processes(void)
{
	static uint64_t oids[PROC_RUNLIST_MAX];
	unsigned i, n = 0, running = 0;
	const char *why;
	bool runs;
	int rc;

	if ((rc = blk_init()) != 0)
		kprintf("kernel: no disk (error %d)\n", rc);
	else if ((rc = objcache_init()) != 0)
		kprintf("kernel: no store (error %d)\n", rc);
	else if ((rc = space_init()) != 0)
		kprintf("kernel: space_init failed (error %d)\n", rc);
	else if ((rc = store_runlist(oids, PROC_RUNLIST_MAX, &n)) != 0 &&
	    rc != ERR_TOO_BIG)
		kprintf("kernel: run list unreadable (error %d)\n", rc);
	if (rc == ERR_TOO_BIG)
		kprintf("kernel: run list longer than %u, rest ignored\n",
		    PROC_RUNLIST_MAX);
	for (i = 0; i < n; i++) {
		runs = false;
		rc = 0;
		if ((why = proc_runlist_problem(oids, i, 1)) == NULL &&
		    (rc = proc_start(oids[i], &runs)) == ERR_NOT_FOUND)
			why = proc_runlist_problem(oids, i, 0);
		if (why != NULL)
			kprintf("kernel: run list entry %u (%#lx): %s, not "
			    "started\n", i, oids[i], why);
		else if (rc != 0)
			kprintf("kernel: run list entry %u (%#lx): error %d, "
			    "not started\n", i, oids[i], rc);
		if (runs)
			running++;
	}
	if (store_current() != NULL)
		kprintf("restart: resuming generation %lu (%u processes)\n",
		    store_current()->hdr.generation, running);
	kprintf("kernel: ready, %u processes\n", running);
	ckpt_init();
}

void
kernel_main(uint64_t bootinfo_phys)
{
	kernel_init(bootinfo_phys);
	start_processes();
	sched_return();
}
