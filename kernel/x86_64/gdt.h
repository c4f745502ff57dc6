/*
 * gdt.h - the kernel's GDT and TSS. Selector layout (fixed: SYSRET
 * needs user data at STAR.SYSRET_CS + 8 and user code at + 16):
 *   0x08 kernel code (64-bit)   0x10 kernel data
 *   0x18 user data (DPL 3)      0x20 user code (64-bit, DPL 3)
 *   0x28 TSS (16-byte descriptor)
 */
#pragma once

#include <stdint.h>

#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UDATA	(0x18 | 3)
#define SEL_UCODE	(0x20 | 3)
#define SEL_TSS		0x28

/*
 * Load our GDT (replacing the boot loader's), reload every segment
 * register, and load the TSS whose IST slots point at the #DF, NMI and
 * #MC stacks (x86_64/stack.h). Interrupts must be off.
 */
void	gdt_init(void);

/* The stack the CPU switches to on an interrupt from ring 3. */
void	gdt_set_kernel_stack(uint64_t rsp0);
