/*
 * mkimage_test.h - what mkimage's host tests share: a store held in
 * memory (a store_put_fn target wrapped in a minimal disk image that
 * img_open() accepts), and a deterministic random generator.
 * Header only; each test is one program.
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <boot/bootpart.h>

#include "mkimage/decode.h"
#include "mkimage/store_write.h"

/* A disk: sector 0 with an MBR naming the store at MEMDISK_STORE_LBA. */
#define MEMDISK_STORE_LBA	8

struct memdisk {
	uint8_t		*buf;
	size_t		len;
	uint64_t	blocks;
};

static inline void
memdisk_init(struct memdisk *md, uint64_t blocks)
{
	uint32_t lba = MEMDISK_STORE_LBA, n = (uint32_t)(blocks * 8);

	md->blocks = blocks;
	md->len = (MEMDISK_STORE_LBA + blocks * 8) * SECTOR_SIZE;
	md->buf = calloc(1, md->len);
	md->buf[446 + 4] = STORE_PART_TYPE;
	memcpy(md->buf + 446 + 8, &lba, 4);
	memcpy(md->buf + 446 + 12, &n, 4);
	md->buf[510] = 0x55;
	md->buf[511] = 0xaa;
}

static inline uint8_t *
memdisk_block(struct memdisk *md, uint64_t b)
{
	return md->buf + MEMDISK_STORE_LBA * SECTOR_SIZE +
	    b * STORE_BLOCK_SIZE;
}

/* store_put_fn */
static inline int
memdisk_put(void *ctx, uint64_t b, const void *buf)
{
	struct memdisk *md = ctx;

	if (b >= md->blocks)
		return -1;
	memcpy(memdisk_block(md, b), buf, STORE_BLOCK_SIZE);
	return 0;
}

static inline uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
