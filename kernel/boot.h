/*
 * boot.h - the kernel's own, validated copy of the boot loader's struct
 * bootinfo (include/boot/bootinfo.h), the words of its command line, and
 * the TSC at the milestones of this boot.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/bootinfo.h>

/*
 * Validated copy; valid after boot_info_init(). cmdline is NUL-terminated
 * and e820_count is in 1..BOOTINFO_E820_MAX.
 */
extern struct bootinfo	boot_info;

/*
 * TSC readings of this boot (under QEMU -icount shift=0: guest
 * instructions since power-on), written once each and read by SYSINFO's
 * OC_SYS_BOOT: kernel_entry_tsc by the first instruction of kernel_entry
 * (x86_64/entry.S), boot_init_tsc when kernel_init() is done (the
 * machine is up), boot_ready_tsc when the production kernel's
 * kernel_main() has started the store's processes, just before the
 * scheduler first runs one (0 in the test kernel).
 */
extern uint64_t	kernel_entry_tsc;
extern uint64_t	boot_init_tsc;
extern uint64_t	boot_ready_tsc;

/*
 * Copy and check the bootinfo at physical address phys (reached through
 * the boot loader's KERNEL_VMA mapping of the low 1 GiB). Panics, naming
 * the bad values, if the address or boot_info_check() rejects it.
 * Called once, before anything else reads boot_info.
 */
void	boot_info_init(uint64_t phys);

/*
 * Check the fields the kernel relies on: magic, version, e820_count and
 * the kernel's physical range. Returns 0, or ERR_BAD_FORMAT with a
 * one-line reason naming the values in why[size]. Pure.
 */
int	boot_info_check(const struct bootinfo *bi, char *why, size_t size);

/*
 * True if cmdline holds word as a whole word (separated by blanks).
 * An empty word is never found.
 */
bool	boot_cmdline_word(const char *cmdline, const char *word);

/* boot_cmdline_word() on boot_info's command line. */
bool	boot_cmdline_has(const char *word);

/*
 * The value of the first word key=DIGITS of cmdline (decimal). Returns
 * 0 and sets *value; ERR_NOT_FOUND if no word starts with key=;
 * ERR_BAD_ARG if its value is empty, not decimal or above 2^32 - 1.
 */
int	boot_cmdline_uint(const char *cmdline, const char *key,
	    uint32_t *value);
