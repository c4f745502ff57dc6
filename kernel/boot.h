/*
 * boot.h - the kernel's own, validated copy of the boot loader's struct
 * bootinfo (include/boot/bootinfo.h), and the boot flags derived from it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <boot/bootinfo.h>

/*
 * Validated copy; valid after boot_info_init(). cmdline is NUL-terminated
 * and e820_count is in 1..BOOTINFO_E820_MAX.
 */
extern struct bootinfo	boot_info;

/*
 * Copy and check the bootinfo at physical address phys (reached through
 * the boot loader's KERNEL_VMA mapping of the low 1 GiB). Panics, naming
 * the bad values, if the address, magic, version, E820 count or kernel
 * range is wrong. Called once, before anything else reads boot_info.
 */
void	boot_info_init(uint64_t phys);

/* True if the command line holds word as a whole blank-separated word. */
bool	boot_cmdline_has(const char *word);

/* True if booted with "selftest": run the self-tests, exit QEMU after. */
bool	boot_selftest(void);
