/*
 * init.h - the two halves of a kernel's start: kernel_init() brings the
 * machine up and is the same in every kernel; kernel_main() is what a
 * kernel then does, and each kernel links its own. The production
 * kernel's is in main.c (start the processes on the store's run list);
 * the test kernel's is in selftest/selftest.c (run the self-tests). So
 * the choice between them is made at link time (kernel/rules.mk), and
 * the production kernel carries no code for the other.
 */
#pragma once

#include <stdint.h>

/*
 * Bring the machine up, each step needing the ones before it (init.c
 * lists them), and turn interrupts on. bootinfo_phys is the loader's
 * struct bootinfo. Panics on a bad bootinfo or unusable hardware; once,
 * first thing in kernel_main().
 */
void	kernel_init(uint64_t bootinfo_phys);

/* Called by kernel_entry (x86_64/entry.S) on the kernel stack. */
void	kernel_main(uint64_t bootinfo_phys) __attribute__((noreturn));
