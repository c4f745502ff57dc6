/*
 * fuzz_image.c - libFuzzer harness for mkimage's image reader: open,
 * decode, verify and catalog every generation (mki_fuzz_image() of
 * mkimage/decode.h) of a disk image made from the fuzz input.
 *
 * A real image is megabytes of mostly zeros, and every store block is
 * checksummed, so the input is a sparse image with a switch that repairs
 * checksums (without it, almost every mutation would only test the CRC
 * check):
 *
 *	byte 0		flags: bit 0 set = recompute every checksum
 *	bytes 1-2	image size in 4 KiB blocks, little-endian (1..4096)
 *	then records	2-byte block number (modulo the size) + 4096 bytes
 *			of that block; the last record may be short
 *
 * tests/fuzz/img2seed.py turns a disk image into this form. Checksum
 * repair walks each superblock's trees bottom-up (depth-limited, each
 * block once) and rewrites every block's header CRC and the CRC in every
 * block pointer and page reference to match, as a writer would have.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <abi/store.h>
#include <boot/bootpart.h>
#include <lib/crc32c.h>
#include <lib/storefmt.h>

#include "mkimage/decode.h"

#define BLK		4096u
#define MAX_BLOCKS	4096u		/* 16 MiB images at most */
#define MAX_DEPTH	12		/* deeper than any real tree */
#define FLAG_FIX_CRC	0x01

/* The store partition of the image being repaired. */
struct store {
	uint8_t		*base;		/* block 0 */
	uint64_t	nblocks;	/* whole blocks inside the image */
	uint8_t		*seen;		/* one byte per block: repaired */
};

static uint8_t *
block(const struct store *st, uint64_t b)
{
	return b < st->nblocks ? st->base + b * BLK : NULL;
}

/* Find the store partition in the MBR; 0 if there is none in the image. */
static int
find_store(uint8_t *img, size_t len, struct store *st)
{
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = img + 446 + 16 * i;
		uint64_t lba, off;

		if (e[4] != STORE_PART_TYPE)
			continue;
		lba = (uint64_t)e[8] | (uint64_t)e[9] << 8 |
		    (uint64_t)e[10] << 16 | (uint64_t)e[11] << 24;
		off = lba * SECTOR_SIZE;
		if (off >= len)
			return 0;
		st->base = img + off;
		st->nblocks = (len - off) / BLK;
		return st->nblocks > 0;
	}
	return 0;
}

static uint32_t fix(struct store *st, uint64_t b, unsigned ot, int depth);

/* Repair the block pointer bp (in a block being repaired). */
static void
fix_bptr(struct store *st, struct store_bptr *bp, unsigned ot, int depth)
{
	if (bp->block != 0)
		bp->crc = fix(st, bp->block, ot, depth + 1);
}

/* Repair the data block CRCs of a PAGE or CAPPAGE map leaf. */
static void
fix_refs(struct store *st, uint8_t *leaf)
{
	for (size_t i = 0; i < STORE_REFS_PER_LEAF; i++) {
		struct store_ref r;
		uint8_t *p = leaf + sizeof(struct store_blkhdr) + i * sizeof(r);
		const uint8_t *data;

		memcpy(&r, p, sizeof(r));
		data = block(st, r.block);
		if (r.block == 0 || data == NULL)
			continue;
		r.crc = crc32c(data, BLK);
		memcpy(p, &r, sizeof(r));
	}
}

/*
 * Repair block b (of object type ot's tree, or 0) and everything below
 * it, then return its CRC as a pointer to it must carry. Blocks without
 * a header are data: their CRC is of the whole block.
 */
static uint32_t
fix(struct store *st, uint64_t b, unsigned ot, int depth)
{
	uint8_t *p = block(st, b);
	struct store_blkhdr h;

	if (p == NULL)
		return 0;
	memcpy(&h, p, sizeof(h));
	if (h.magic != STORE_MAGIC)
		return crc32c(p, BLK);
	if (st->seen[b] || depth > MAX_DEPTH)
		return h.crc;
	st->seen[b] = 1;

	switch (h.kind) {
	case STORE_BK_SUPER: {
		struct store_super sb;

		memcpy(&sb, p, sizeof(sb));
		for (unsigned t = 0; t < STORE_OT_MAX; t++)
			fix_bptr(st, &sb.map_root[t], t, depth);
		fix_bptr(st, &sb.free_root, 0, depth);
		for (unsigned i = 0; i < STORE_RELEASED_LISTS; i++)
			fix_bptr(st, &sb.released[i], 0, depth);
		fix_bptr(st, &sb.runlist, 0, depth);
		fix_bptr(st, &sb.manifest, 0, depth);
		memcpy(p, &sb, sizeof(sb));
		break;
	}
	case STORE_BK_MAPNODE:
	case STORE_BK_FREENODE: {
		struct store_node n;

		memcpy(&n, p, sizeof(n));
		for (size_t i = 0; i < STORE_FANOUT; i++)
			fix_bptr(st, &n.child[i], ot, depth);
		memcpy(p, &n, sizeof(n));
		break;
	}
	case STORE_BK_MAPLEAF:
		if (ot == OT_PAGE || ot == OT_CAPPAGE)
			fix_refs(st, p);
		break;
	case STORE_BK_LIST:
	case STORE_BK_MANIFEST: {
		struct store_bptr next;

		/* Both start with the header, then the next pointer. */
		memcpy(&next, p + sizeof(h), sizeof(next));
		fix_bptr(st, &next, 0, depth);
		memcpy(p + sizeof(h), &next, sizeof(next));
		break;
	}
	default:
		break;
	}
	h.crc = store_block_crc(p);
	memcpy(p + __builtin_offsetof(struct store_blkhdr, crc), &h.crc,
	    sizeof(h.crc));
	return h.crc;
}

/* Repair every checksum reachable from the superblock ring. */
static void
fix_checksums(uint8_t *img, size_t len)
{
	struct store st;

	if (!find_store(img, len, &st))
		return;
	st.seen = calloc(st.nblocks, 1);
	if (st.seen == NULL)
		return;
	for (uint64_t s = 0; s < STORE_SB_RING; s++)
		fix(&st, s, 0, 0);
	free(st.seen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nblocks, len;
	uint8_t *img;

	if (size < 3)
		return 0;
	nblocks = (size_t)(data[1] | data[2] << 8) % MAX_BLOCKS + 1;
	len = nblocks * BLK;
	img = calloc(1, len);
	if (img == NULL)
		return 0;
	for (size_t i = 3; i + 2 < size; i += 2 + BLK) {
		size_t b = (size_t)(data[i] | data[i + 1] << 8) % nblocks;
		size_t n = size - (i + 2) < BLK ? size - (i + 2) : BLK;

		memcpy(img + b * BLK, data + i + 2, n);
	}
	if (data[0] & FLAG_FIX_CRC)
		fix_checksums(img, len);
	mki_fuzz_image(img, len);
	free(img);
	return 0;
}
