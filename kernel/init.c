/*
 * init.c - kernel_init: bring the machine up, in this order (each step
 * needs the ones before it):
 *   console      serial + VGA, so everything after can report
 *   gdt, idt     our own segments, TSS with IST stacks, exception gates:
 *                from here a fault is reported, never a silent reset
 *   bootinfo     validate and copy the loader's data before it is reused
 *   pmm          frames from the E820 map ("memory: N MiB usable")
 *   vm           our page tables: direct map, W^X image, no identity map
 *   pic, timer   8259 remapped and masked, TSC calibrated, 100 Hz tick
 *   usermode     syscall MSRs, SSE for ring 3
 * then interrupts on. What follows is the kernel's own kernel_main()
 * (init.h): main.c or, in the test kernel, selftest/selftest.c.
 */
#include <stdint.h>

#include <boot.h>
#include <console.h>
#include <console_in.h>
#include <init.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/gdt.h>
#include <x86_64/pic.h>
#include <x86_64/timer.h>
#include <x86_64/trap.h>
#include <x86_64/usermode.h>
#include <x86_64/vm.h>

extern char	kernel_image_start[], kernel_image_end[];

void
kernel_init(uint64_t bootinfo_phys)
{
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
	/* Under QEMU -icount shift=0 the TSC counts guest instructions. */
	kprintf("kernel: TSC %lu at stage 2, %lu at kernel entry\n",
	    boot_info.stage2_tsc, kernel_entry_tsc);

	pmm_init(&boot_info);
	vm_init(pmm_ram_end());
	pic_init();
	console_in_init();
	timer_init();
	usermode_init();
	cpu_sti();
	boot_init_tsc = cpu_rdtsc();
}
