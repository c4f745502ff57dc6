/*
 * bootinfo.h - what stage 2 hands the kernel: the E820 memory map, where
 * the kernel was loaded, the disk layout and the command line.
 *
 * Stage 2 builds it at physical BOOTINFO_ADDR and passes that physical
 * address in %rdi to the kernel entry. Offsets are fixed (boot/ writes them
 * as numbers); the _Static_asserts below keep the two in step.
 */
#pragma once

#include <stdint.h>

#define BOOTINFO_MAGIC		0x4f464e49544f4f42ULL	/* "BOOTINFO" */
#define BOOTINFO_VERSION	1
#define BOOTINFO_ADDR		0x5000
#define BOOTINFO_E820_MAX	64
#define BOOTINFO_CMDLINE_MAX	128

/* E820 types as the BIOS reports them. */
#define E820_USABLE		1
#define E820_RESERVED		2
#define E820_ACPI_RECLAIM	3
#define E820_ACPI_NVS		4
#define E820_BAD		5

struct e820_entry {
	uint64_t	base;
	uint64_t	length;
	uint32_t	type;		/* E820_* */
	uint32_t	attr;		/* ACPI 3.0 extended attributes */
};
_Static_assert(sizeof(struct e820_entry) == 24, "");

struct bootinfo {
	uint64_t	magic;			/* BOOTINFO_MAGIC */
	uint32_t	version;		/* BOOTINFO_VERSION */
	uint32_t	e820_count;		/* valid entries in e820[] */
	uint64_t	kernel_phys_start;	/* lowest byte of loaded kernel */
	uint64_t	kernel_phys_end;	/* one past its highest byte */
	uint64_t	bootpart_lba;		/* first sector of boot partition */
	uint64_t	store_lba;		/* first sector of store partition */
	uint64_t	store_sectors;		/* 0 if there is no store */
	uint64_t	disk_sectors;		/* INT 13h AH=48h total, 0 unknown */
	uint64_t	stage2_tsc;		/* TSC when stage 2 started */
	uint32_t	boot_drive;		/* BIOS drive number (0x80...) */
	uint32_t	reserved0;
	char		cmdline[BOOTINFO_CMDLINE_MAX];	/* NUL-terminated */
	struct e820_entry e820[BOOTINFO_E820_MAX];
};

_Static_assert(__builtin_offsetof(struct bootinfo, e820_count) == 12, "");
_Static_assert(__builtin_offsetof(struct bootinfo, kernel_phys_start) == 16, "");
_Static_assert(__builtin_offsetof(struct bootinfo, kernel_phys_end) == 24, "");
_Static_assert(__builtin_offsetof(struct bootinfo, bootpart_lba) == 32, "");
_Static_assert(__builtin_offsetof(struct bootinfo, store_lba) == 40, "");
_Static_assert(__builtin_offsetof(struct bootinfo, store_sectors) == 48, "");
_Static_assert(__builtin_offsetof(struct bootinfo, disk_sectors) == 56, "");
_Static_assert(__builtin_offsetof(struct bootinfo, stage2_tsc) == 64, "");
_Static_assert(__builtin_offsetof(struct bootinfo, boot_drive) == 72, "");
_Static_assert(__builtin_offsetof(struct bootinfo, cmdline) == 80, "");
_Static_assert(__builtin_offsetof(struct bootinfo, e820) == 208, "");
_Static_assert(sizeof(struct bootinfo) == 208 + 64 * 24, "");
