/*
 * disk.h - writes the bootable disk image: MBR (stage 1 code plus our
 * partition table), the boot partition (boot header, stage 2, kernel) and
 * the store partition holding one committed generation.
 */
#pragma once

#include <stdint.h>

#include "objset.h"

#define DISK_BOOTPART_LBA	2048		/* 1 MiB */
#define DISK_ALIGN_SECTORS	2048		/* partitions are 1 MiB aligned */
#define DISK_MIN_STORE		(1ull << 20)
#define DISK_MAX_BYTES		(2ull << 40)	/* 32-bit MBR sector fields */

struct disk_params {
	const char	*out;		/* image path */
	const char	*boot_dir;	/* holds boot/ and kernel/ */
	const char	*kernel;	/* NULL: boot_dir/kernel/kernel-boot.elf */
	const char	*cmdline;	/* NULL: empty */
	uint64_t	store_bytes;	/* multiple of 4 KiB, >= 1 MiB */
	uint64_t	time_ns;	/* generation 1 commit time */
	uint64_t	store_id;	/* non-zero */
};

/* Where things ended up, for the catalog and messages. */
struct disk_layout {
	uint64_t	bootpart_lba, bootpart_sectors;
	uint64_t	store_lba, store_sectors;
	uint64_t	image_bytes;
	uint64_t	used_blocks;	/* of the store */
	uint64_t	stage2_bytes, kernel_bytes;
};

/*
 * Write the image to dp->out (through a temporary file renamed into place
 * at the end, so a failure leaves no partial image). The file is sparse:
 * unwritten blocks read as zero. Fills os block numbers (store_write) and
 * *lay. Returns 0, or -1 with a reason in err.
 */
int	disk_write(const struct disk_params *dp, struct objset *os,
	    struct disk_layout *lay, char *err, size_t errlen);
