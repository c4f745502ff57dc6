/*
 * bootpart.h - layout of the boot partition, shared by boot/ (as numbers
 * in boot/bootpart.inc), mkimage and the kernel.
 *
 * The disk is: LBA 0 the MBR (stage 1 + partition table); partition 1
 * (type BOOTPART_TYPE, marked active) holds the boot header in its first
 * sector, then stage 2, then the kernel ELF; partition 2 (type
 * STORE_PART_TYPE) holds the persistent object store.
 *
 * Invariant: all fields are little-endian, fixed width; offsets count
 * 512-byte sectors from the start of the boot partition.
 */
#pragma once

#include <stdint.h>

#define BOOTPART_TYPE		0x7F	/* MBR type of the boot partition */
#define STORE_PART_TYPE		0x7E	/* MBR type of the store partition */

#define BOOTPART_MAGIC		"CAPBOOT1"	/* 8 bytes, no terminator */
#define BOOTPART_VERSION	1
#define BOOTPART_CMDLINE_MAX	128
#define SECTOR_SIZE		512

/* Stage 1 loads stage 2 here; stage 2 must fit below 0x70000. */
#define STAGE2_LOAD_ADDR	0x8000
#define STAGE2_MAX_SECTORS	200

struct bootpart_header {
	char		magic[8];		/* BOOTPART_MAGIC */
	uint32_t	version;		/* BOOTPART_VERSION */
	uint32_t	stage2_offset;		/* sectors from partition start */
	uint32_t	stage2_sectors;		/* <= STAGE2_MAX_SECTORS */
	uint32_t	kernel_offset;		/* sectors from partition start */
	uint32_t	kernel_sectors;
	uint32_t	kernel_bytes;		/* exact ELF file size */
	char		cmdline[BOOTPART_CMDLINE_MAX];	/* NUL-terminated */
	uint8_t		reserved[SECTOR_SIZE - 160];
};

_Static_assert(sizeof(struct bootpart_header) == SECTOR_SIZE,
    "boot header is one sector");
_Static_assert(__builtin_offsetof(struct bootpart_header, version) == 8, "");
_Static_assert(__builtin_offsetof(struct bootpart_header, stage2_offset) == 12, "");
_Static_assert(__builtin_offsetof(struct bootpart_header, stage2_sectors) == 16, "");
_Static_assert(__builtin_offsetof(struct bootpart_header, kernel_offset) == 20, "");
_Static_assert(__builtin_offsetof(struct bootpart_header, kernel_sectors) == 24, "");
_Static_assert(__builtin_offsetof(struct bootpart_header, kernel_bytes) == 28, "");
_Static_assert(__builtin_offsetof(struct bootpart_header, cmdline) == 32, "");
