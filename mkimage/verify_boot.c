/*
 * verify_boot.c - the disk as the boot code reads it before the kernel
 * runs (boot/stage1.asm, boot/stage2.asm, include/boot/bootpart.h): the
 * first active MBR partition, its boot header, and where stage 2 and the
 * kernel lie. A disk failing these stops in the boot code whatever its
 * store holds, so verify reports them with the store's problems.
 *
 * Every field is untrusted; sector arithmetic is done in 64 bits.
 */
#include <string.h>

#include <boot/bootpart.h>

#include "verify.h"

#define MBR_PARTS	446		/* the partition table */
#define MBR_ACTIVE	0x80

/* True if sectors [off, off + n) lie inside a partition of size sectors. */
static int
inside(uint32_t off, uint32_t n, uint64_t size)
{
	return (uint64_t)off + n <= size;
}

void
verify_boot(const struct img *im, struct problems *pr)
{
	const uint8_t *e = NULL;
	struct bootpart_header h;
	uint32_t lba, n;
	uint64_t end;

	for (int i = 0; i < 4 && e == NULL; i++)
		if (im->buf[MBR_PARTS + 16 * i] == MBR_ACTIVE)
			e = im->buf + MBR_PARTS + 16 * i;
	if (e == NULL) {
		prob_add(pr, "MBR: no active partition, the disk cannot boot");
		return;
	}
	memcpy(&lba, e + 8, 4);
	memcpy(&n, e + 12, 4);
	end = (uint64_t)lba + n;
	if (n == 0 || end * SECTOR_SIZE > im->len) {
		prob_add(pr, "boot partition (sectors %u..%llu) extends past "
		    "the end of the %zu-byte image", lba,
		    (unsigned long long)end, im->len);
		return;
	}
	memcpy(&h, im->buf + (uint64_t)lba * SECTOR_SIZE, sizeof(h));
	if (memcmp(h.magic, BOOTPART_MAGIC, 8) != 0) {
		prob_add(pr, "boot header (sector %u): no %s magic", lba,
		    BOOTPART_MAGIC);
		return;
	}
	if (h.version != BOOTPART_VERSION)
		prob_add(pr, "boot header: version %u, the boot code reads %d",
		    h.version, BOOTPART_VERSION);
	if (h.stage2_sectors == 0 || h.stage2_sectors > STAGE2_MAX_SECTORS)
		prob_add(pr, "boot header: stage 2 of %u sectors, must be "
		    "1..%d", h.stage2_sectors, STAGE2_MAX_SECTORS);
	else if (!inside(h.stage2_offset, h.stage2_sectors, n))
		prob_add(pr, "boot header: stage 2 (sectors %u+%u) lies "
		    "outside the boot partition of %u sectors", h.stage2_offset,
		    h.stage2_sectors, n);
	if (h.kernel_sectors == 0 || h.kernel_bytes == 0 ||
	    h.kernel_bytes > (uint64_t)h.kernel_sectors * SECTOR_SIZE)
		prob_add(pr, "boot header: a kernel of %u bytes in %u sectors",
		    h.kernel_bytes, h.kernel_sectors);
	else if (!inside(h.kernel_offset, h.kernel_sectors, n))
		prob_add(pr, "boot header: the kernel (sectors %u+%u) lies "
		    "outside the boot partition of %u sectors",
		    h.kernel_offset, h.kernel_sectors, n);
}
