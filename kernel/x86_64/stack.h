/*
 * stack.h - the kernel's stacks: the boot/kernel stack and one IST stack
 * each for #DF, NMI and #MC, all in .bss (kernel/x86_64/entry.S).
 * Each stack sits directly above a guard page that vm_init() leaves
 * unmapped, so overflowing a stack faults instead of corrupting memory;
 * #DF then runs on its own stack and can still report.
 *
 * Safe to include from assembly.
 */
#pragma once

#define KSTACK_SIZE	(16 * 1024)
#define IST_STACK_SIZE	(8 * 1024)
#define STACK_GUARD	4096

/* TSS IST slots (1-based, as the IDT gate encodes them). */
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_COUNT	3

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

extern char	kstack_guard[], kstack_bottom[], kstack_top[];
extern char	ist_stacks[];	/* IST_COUNT x (guard + IST_STACK_SIZE) */

/* Top (initial RSP) of IST stack n, 1 <= n <= IST_COUNT. */
uint64_t	stack_ist_top(unsigned n);

/* True if [lo, hi) lies inside one kernel or IST stack (not a guard). */
bool		stack_contains(uint64_t lo, uint64_t hi);

/* True if the 4 KiB page at va is one of the stacks' guard pages. */
bool		stack_is_guard(uint64_t va);
#endif
