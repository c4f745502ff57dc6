/*
 * decode.h - the image decoder: opens a disk image held in memory (every
 * byte untrusted), finds its partitions and superblocks, and decodes one
 * generation into an object set, the manifest and block accounting.
 *
 * This is also the entry point for fuzzing: mki_fuzz_image() runs the
 * whole decode and verify path on a buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <boot/bootpart.h>

#include "manifest.h"
#include "objset.h"
#include "problems.h"

/* One slot of the superblock ring. */
struct img_gen {
	int		valid;
	char		why[128];	/* why not valid; "" if empty slot */
	struct store_super sb;
};

struct img {
	const uint8_t	*buf;		/* the whole disk image */
	size_t		len;
	size_t		map_len;	/* > 0 if buf is an mmap of a file */
	int		have_boot;	/* boot partition header read */
	struct bootpart_header boot;
	uint64_t	boot_lba, boot_sectors;
	uint64_t	store_lba, store_sectors;
	uint64_t	store_blocks;	/* whole blocks in the partition */
	uint64_t	store_id;	/* of the newest valid superblock */
	struct img_gen	gen[STORE_SB_RING];
};

/* Per block-kind counts of the blocks a generation references. */
struct img_usage {
	uint64_t	blocks[STORE_BK_MAX];
	uint64_t	zero_pages;	/* pages with no data block */
};

struct decoded {
	int		slot;		/* ring slot decoded */
	struct store_super sb;
	struct objset	os;		/* pages without data; cap pages with */
	struct manifest	mf;
	int		have_manifest;
	uint8_t		*reach;		/* bitmap: blocks this generation uses */
	uint8_t		*freemap;	/* bitmap: the stored free map */
	uint64_t	*released;	/* blocks in the released lists */
	size_t		nreleased, capreleased_;
	struct img_usage use;
};

/*
 * Open the image in buf[0..len): read the MBR partition table, the boot
 * header and every superblock slot. buf must stay alive while im is
 * used. Returns 0, or -1 with a reason in err when there is no store
 * partition to look at (problems with single slots are in im->gen[]).
 */
int	img_open(struct img *im, const uint8_t *buf, size_t len, char *err,
	    size_t errlen);

/* mmap path read-only and img_open() it. img_close() unmaps. */
int	img_open_file(struct img *im, const char *path, char *err,
	    size_t errlen);
void	img_close(struct img *im);

/* Slot of the newest valid generation, or -1. */
int	img_newest(const struct img *im);

/* Slot holding generation gen (valid), or -1. */
int	img_find_gen(const struct img *im, uint64_t gen);

/*
 * Decode the generation in ring slot (which must be valid) into *dc,
 * adding a line to pr for every damaged block or broken structural
 * invariant found on the way; decoding goes on around damage. Release
 * *dc with img_decoded_free().
 */
void	img_decode(const struct img *im, int slot, struct decoded *dc,
	    struct problems *pr);
void	img_decoded_free(struct decoded *dc);

/* Pointer to store block b, or NULL if the image is too short. */
const uint8_t *img_block(const struct img *im, uint64_t b);

/*
 * Fuzzing entry point: open, decode every valid generation, verify and
 * catalog it, on an untrusted buffer. Returns the number of problems
 * found (or -1 if the buffer is not an image). Never crashes, never
 * leaks.
 */
int	mki_fuzz_image(const uint8_t *buf, size_t len);
