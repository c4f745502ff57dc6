/*
 * decode.c - opens a disk image the way the boot code and kernel do:
 * MBR partition table, boot header, and the superblock ring (each slot
 * checked on its own; the newest valid one is current). Decoding one
 * generation's trees is in decode_gen.c. Every field is checked before
 * use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lib/storefmt.h>

#include "decode.h"
#include "util.h"

const uint8_t *
img_block(const struct img *im, uint64_t b)
{
	uint64_t off;

	if (b >= im->store_blocks)
		return NULL;
	off = im->store_lba * SECTOR_SIZE + b * STORE_BLOCK_SIZE;
	if (off > im->len || im->len - off < STORE_BLOCK_SIZE)
		return NULL;
	return im->buf + off;
}

static void
check_super(struct img *im, int slot)
{
	struct img_gen *g = &im->gen[slot];
	const uint8_t *blk = img_block(im, (uint64_t)slot);
	const char *why;

	g->valid = 0;
	g->why[0] = 0;
	if (blk == NULL) {
		snprintf(g->why, sizeof(g->why), "past the end of the image");
		return;
	}
	memcpy(&g->sb, blk, sizeof(g->sb));
	if (mki_all_zero(blk, STORE_BLOCK_SIZE))
		return;
	/* Checked in the copy, so that no field is read unaligned. */
	why = store_check_super(&g->sb, (unsigned)slot, im->store_blocks);
	if (why != NULL) {
		snprintf(g->why, sizeof(g->why), "%s", why);
		return;
	}
	g->valid = 1;
}

int
img_open(struct img *im, const uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	int newest;

	memset(im, 0, sizeof(*im));
	im->buf = buf;
	im->len = len;
	if (len < SECTOR_SIZE || buf[510] != 0x55 || buf[511] != 0xaa) {
		snprintf(err, errlen, "no MBR: the image is shorter than a "
		    "sector or lacks the 55 AA signature");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = buf + 446 + 16 * i;
		uint32_t lba, n;

		memcpy(&lba, e + 8, 4);
		memcpy(&n, e + 12, 4);
		if (e[4] == STORE_PART_TYPE && im->store_sectors == 0) {
			im->store_lba = lba;
			im->store_sectors = n;
		} else if (e[4] == BOOTPART_TYPE && im->boot_sectors == 0) {
			im->boot_lba = lba;
			im->boot_sectors = n;
		}
	}
	if (im->boot_sectors != 0 &&
	    (im->boot_lba + 1) * SECTOR_SIZE <= len) {
		memcpy(&im->boot, buf + im->boot_lba * SECTOR_SIZE,
		    sizeof(im->boot));
		im->have_boot = memcmp(im->boot.magic, BOOTPART_MAGIC, 8) == 0;
		im->boot.cmdline[sizeof(im->boot.cmdline) - 1] = 0;
	}
	if (im->store_sectors == 0) {
		snprintf(err, errlen, "no store partition (MBR type 0x%02x)",
		    STORE_PART_TYPE);
		return -1;
	}
	if ((im->store_lba + im->store_sectors) * SECTOR_SIZE > len) {
		snprintf(err, errlen, "store partition (sectors %llu..%llu) "
		    "extends past the end of the %zu-byte image",
		    (unsigned long long)im->store_lba,
		    (unsigned long long)(im->store_lba + im->store_sectors),
		    len);
		return -1;
	}
	im->store_blocks = im->store_sectors * SECTOR_SIZE / STORE_BLOCK_SIZE;
	if (im->store_blocks < STORE_SB_RING) {
		snprintf(err, errlen, "store partition of %llu sectors is too "
		    "small for a superblock ring",
		    (unsigned long long)im->store_sectors);
		return -1;
	}
	for (int s = 0; s < STORE_SB_RING; s++)
		check_super(im, s);
	newest = img_newest(im);
	if (newest >= 0) {
		im->store_id = im->gen[newest].sb.hdr.store_id;
		for (int s = 0; s < STORE_SB_RING; s++)
			if (im->gen[s].valid &&
			    im->gen[s].sb.hdr.store_id != im->store_id) {
				im->gen[s].valid = 0;
				snprintf(im->gen[s].why, sizeof(im->gen[s].why),
				    "belongs to another store");
			}
	}
	return 0;
}

int
img_open_file(struct img *im, const char *path, char *err, size_t errlen)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	memset(im, 0, sizeof(*im));
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < SECTOR_SIZE) {
		snprintf(err, errlen, "%s: not a disk image (too small or "
		    "not a file)", path);
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (img_open(im, p, (size_t)st.st_size, err, errlen) != 0) {
		munmap(p, (size_t)st.st_size);
		memset(im, 0, sizeof(*im));
		return -1;
	}
	im->map_len = (size_t)st.st_size;
	return 0;
}

void
img_close(struct img *im)
{
	if (im->map_len > 0)
		munmap((void *)im->buf, im->map_len);
	memset(im, 0, sizeof(*im));
}

int
img_newest(const struct img *im)
{
	int best = -1;

	for (int s = 0; s < STORE_SB_RING; s++)
		if (im->gen[s].valid && (best < 0 ||
		    im->gen[s].sb.hdr.generation >
		    im->gen[best].sb.hdr.generation))
			best = s;
	return best;
}

int
img_find_gen(const struct img *im, uint64_t gen)
{
	for (int s = 0; s < STORE_SB_RING; s++)
		if (im->gen[s].valid && im->gen[s].sb.hdr.generation == gen)
			return s;
	return -1;
}

