/*
 * main.c - kernel_main: bring the machine up, in this order (each step
 * needs the ones before it):
 *   console      serial + VGA, so everything after can report
 *   gdt, idt     our own segments, TSS with IST stacks, exception gates:
 *                from here a fault is reported, never a silent reset
 *   bootinfo     validate and copy the loader's data before it is reused
 *   pmm          frames from the E820 map ("memory: N MiB usable")
 *   vm           our page tables: direct map, W^X image, no identity map
 *   pic, timer   8259 remapped and masked, TSC calibrated, 100 Hz tick
 *   usermode     syscall MSRs, SSE for ring 3
 * then interrupts on, and either the self-tests (cmdline "selftest") or:
 *   blk          the virtio-blk disk
 *   objcache     the object cache over the store on that disk
 *   space        address-space bookkeeping
 *   processes    every process on the store's run list, loaded, checked
 *                and made runnable ("kernel: ready, N processes": N
 *                run or wait; parked, stopped and refused ones do not
 *                count)
 *   scheduler    runs them (or idles) and never returns.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/proccheck.h>

#include <boot.h>
#include <console.h>
#include <dev/blk.h>
#include <panic.h>
#include <pmm.h>
#include <proc.h>
#include <sched.h>
#include <space.h>
#include <store.h>
#include <printf.h>
#include <objcache.h>
#include <selftest/selftest.h>
#include <x86_64/cpu.h>
#include <x86_64/gdt.h>
#include <x86_64/pic.h>
#include <x86_64/timer.h>
#include <x86_64/trap.h>
#include <x86_64/usermode.h>
#include <x86_64/vm.h>

extern char	kernel_image_start[], kernel_image_end[];

void	kernel_main(uint64_t bootinfo_phys) __attribute__((noreturn));

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
	kprintf("kernel: ready, %u processes\n", running);
}

void
kernel_main(uint64_t bootinfo_phys)
{
	/* Under QEMU -icount shift=0 the TSC counts guest instructions. */
	uint64_t entry_tsc = cpu_rdtsc();

	console_init();
	kprintf("kernel: starting\n");
	gdt_init();
	idt_init();
	if ((uint64_t)kernel_image_start != KERNEL_VMA + 0x100000)
		panic("kernel: linked at %#lx, but vm.h expects KERNEL_VMA %#lx "
		    "+ 1 MiB", (uint64_t)kernel_image_start, KERNEL_VMA);

	boot_info_init(bootinfo_phys);
	kprintf("kernel: cmdline \"%s\"; image [%#lx, %#lx) physical, loader "
	    "reports [%#lx, %#lx)\n", boot_info.cmdline,
	    (uint64_t)kernel_image_start - KERNEL_VMA,
	    (uint64_t)kernel_image_end - KERNEL_VMA,
	    boot_info.kernel_phys_start, boot_info.kernel_phys_end);
	kprintf("kernel: TSC %lu at stage 2, %lu at kernel_main\n",
	    boot_info.stage2_tsc, entry_tsc);

	pmm_init(&boot_info);
	vm_init(pmm_ram_end());
	pic_init();
	timer_init();
	usermode_init();
	cpu_sti();

	if (boot_selftest())
		selftest_run();
	start_processes();
	sched_return();
}
