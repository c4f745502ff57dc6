/*
 * disk.c - the disk image writer. Layout (docs/store-format.md):
 *   LBA 0        MBR: stage 1 code (bytes 0..445), partition table, 55 AA
 *   LBA 2048     partition 1, type BOOTPART_TYPE, active: boot header,
 *                stage 2 at sector 1, the kernel ELF right after it
 *   1 MiB-aligned partition 2, type STORE_PART_TYPE: the store
 * The store is written data first, then fdatasync, then the superblock,
 * then fdatasync: the same commit order the kernel follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <boot/bootpart.h>

#include "disk.h"
#include "store_write.h"
#include "util.h"

struct out {
	int		fd;
	uint64_t	store_off;	/* byte offset of the store */
	int		synced;		/* data flushed before superblock */
};

static int
pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* store_put_fn: superblocks go last, after everything else is durable. */
static int
put_block(void *ctx, uint64_t block, const void *buf)
{
	struct out *o = ctx;

	if (block < STORE_SB_RING && !o->synced) {
		if (fdatasync(o->fd) != 0)
			return -1;
		o->synced = 1;
	}
	return pwrite_all(o->fd, buf, STORE_BLOCK_SIZE,
	    o->store_off + block * STORE_BLOCK_SIZE);
}

static void
part_entry(uint8_t *e, int active, uint8_t type, uint64_t lba,
    uint64_t sectors)
{
	uint32_t l = (uint32_t)lba, n = (uint32_t)sectors;

	memset(e, 0, 16);
	e[0] = active ? 0x80 : 0x00;
	/* CHS fields: "beyond CHS range", use the LBA fields. */
	e[1] = 0xfe; e[2] = 0xff; e[3] = 0xff;
	e[4] = type;
	e[5] = 0xfe; e[6] = 0xff; e[7] = 0xff;
	memcpy(e + 8, &l, 4);
	memcpy(e + 12, &n, 4);
}

static uint64_t
round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

struct boot_files {
	uint8_t	*stage1, *stage2, *kernel;
	size_t	n1, n2, nk;
};

static int
read_boot_files(const struct disk_params *dp, struct boot_files *bf,
    char *err, size_t errlen)
{
	const char *dir = dp->boot_dir;
	char *p1 = mki_printf("%s/boot/stage1.bin", dir);
	char *p2 = mki_printf("%s/boot/stage2.bin", dir);
	char *pk = dp->kernel != NULL ? mki_strdup(dp->kernel) :
	    mki_printf("%s/kernel/kernel-boot.elf", dir);
	int rc = -1;

	if (mki_read_file(p1, SECTOR_SIZE, &bf->stage1, &bf->n1, err,
	    errlen) != 0 ||
	    mki_read_file(p2, (uint64_t)STAGE2_MAX_SECTORS * SECTOR_SIZE,
	    &bf->stage2, &bf->n2, err, errlen) != 0 ||
	    mki_read_file(pk, UINT32_MAX, &bf->kernel, &bf->nk, err,
	    errlen) != 0)
		goto out;
	if (bf->n1 != SECTOR_SIZE) {
		snprintf(err, errlen, "%s: stage 1 must be %d bytes, is %zu",
		    p1, SECTOR_SIZE, bf->n1);
		goto out;
	}
	if (bf->n2 == 0) {
		snprintf(err, errlen, "%s: stage 2 is empty", p2);
		goto out;
	}
	if (bf->nk == 0) {
		snprintf(err, errlen, "%s: the kernel is empty", pk);
		goto out;
	}
	rc = 0;
out:
	free(p1);
	free(p2);
	free(pk);
	return rc;
}

static void
free_boot_files(struct boot_files *bf)
{
	free(bf->stage1);
	free(bf->stage2);
	free(bf->kernel);
}

/* Compute partition placement from the boot file sizes. */
static int
plan(const struct disk_params *dp, const struct boot_files *bf,
    struct disk_layout *lay, struct bootpart_header *hdr, char *err,
    size_t errlen)
{
	uint64_t s2 = round_up(bf->n2, SECTOR_SIZE) / SECTOR_SIZE;
	uint64_t ks = round_up(bf->nk, SECTOR_SIZE) / SECTOR_SIZE;

	if (dp->store_bytes < DISK_MIN_STORE ||
	    dp->store_bytes % STORE_BLOCK_SIZE != 0) {
		snprintf(err, errlen, "store size %llu must be a multiple of "
		    "4K and at least 1M", (unsigned long long)dp->store_bytes);
		return -1;
	}
	memset(lay, 0, sizeof(*lay));
	lay->bootpart_lba = DISK_BOOTPART_LBA;
	lay->bootpart_sectors = round_up(1 + s2 + ks, DISK_ALIGN_SECTORS);
	lay->store_lba = lay->bootpart_lba + lay->bootpart_sectors;
	lay->store_sectors = dp->store_bytes / SECTOR_SIZE;
	lay->image_bytes = (lay->store_lba + lay->store_sectors) * SECTOR_SIZE;
	lay->stage2_bytes = bf->n2;
	lay->kernel_bytes = bf->nk;
	if (lay->image_bytes > DISK_MAX_BYTES) {
		snprintf(err, errlen, "image of %llu bytes is beyond what an "
		    "MBR addresses (2 TiB)", (unsigned long long)
		    lay->image_bytes);
		return -1;
	}
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, BOOTPART_MAGIC, 8);
	hdr->version = BOOTPART_VERSION;
	hdr->stage2_offset = 1;
	hdr->stage2_sectors = (uint32_t)s2;
	hdr->kernel_offset = (uint32_t)(1 + s2);
	hdr->kernel_sectors = (uint32_t)ks;
	hdr->kernel_bytes = (uint32_t)bf->nk;
	if (dp->cmdline != NULL)
		snprintf(hdr->cmdline, sizeof(hdr->cmdline), "%s", dp->cmdline);
	return 0;
}

static int
write_boot(int fd, const struct boot_files *bf, const struct disk_layout *lay,
    const struct bootpart_header *hdr)
{
	uint8_t mbr[SECTOR_SIZE];
	uint64_t part = lay->bootpart_lba * SECTOR_SIZE;

	memcpy(mbr, bf->stage1, 446);
	part_entry(mbr + 446, 1, BOOTPART_TYPE, lay->bootpart_lba,
	    lay->bootpart_sectors);
	part_entry(mbr + 462, 0, STORE_PART_TYPE, lay->store_lba,
	    lay->store_sectors);
	memset(mbr + 478, 0, 32);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	if (pwrite_all(fd, mbr, sizeof(mbr), 0) != 0 ||
	    pwrite_all(fd, hdr, sizeof(*hdr), part) != 0 ||
	    pwrite_all(fd, bf->stage2, bf->n2,
	    part + (uint64_t)hdr->stage2_offset * SECTOR_SIZE) != 0 ||
	    pwrite_all(fd, bf->kernel, bf->nk,
	    part + (uint64_t)hdr->kernel_offset * SECTOR_SIZE) != 0)
		return -1;
	return 0;
}

int
disk_write(const struct disk_params *dp, struct objset *os,
    struct disk_layout *lay, char *err, size_t errlen)
{
	struct boot_files bf = { 0 };
	struct bootpart_header hdr;
	struct store_params sp = { 0 };
	struct store_super sb;
	struct out o = { .fd = -1 };
	char *tmp = mki_printf("%s.tmp%ld", dp->out, (long)getpid());
	int rc = -1;

	if (read_boot_files(dp, &bf, err, errlen) != 0 ||
	    plan(dp, &bf, lay, &hdr, err, errlen) != 0)
		goto out;
	o.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o.fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	o.store_off = lay->store_lba * SECTOR_SIZE;
	if (ftruncate(o.fd, (off_t)lay->image_bytes) != 0 ||
	    write_boot(o.fd, &bf, lay, &hdr) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	sp.store_blocks = dp->store_bytes / STORE_BLOCK_SIZE;
	sp.generation = 1;
	sp.time_ns = dp->time_ns;
	sp.store_id = dp->store_id;
	sp.flags = STORE_SB_F_MKIMAGE;
	if (store_write(os, &sp, put_block, &o, &sb, err, errlen) != 0)
		goto out;
	lay->used_blocks = sb.used_blocks;
	if (fdatasync(o.fd) != 0 || close(o.fd) != 0) {
		o.fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	o.fd = -1;
	if (rename(tmp, dp->out) != 0) {
		snprintf(err, errlen, "%s: %s", dp->out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (o.fd >= 0)
		close(o.fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	free_boot_files(&bf);
	return rc;
}
