/*
 * blk_sync.c - the synchronous disk calls: blk_read, blk_write and
 * blk_flush on kernel virtual buffers, built on blk_submit/blk_wait.
 *
 * A buffer must lie in the direct map or the kernel image, where virtual
 * contiguity is physical contiguity, so one physical range describes it;
 * every page of it must be mapped (and writable, when the disk writes
 * into it). A transfer larger than one request is split into
 * BLK_REQ_MAX_BYTES pieces, up to BATCH of them in flight at once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <dev/blk_priv.h>
#include <lib/string.h>
#include <x86_64/vm.h>

#define BATCH	8

extern char	kernel_image_start[], kernel_image_end[];

/*
 * The physical address of buf, if [buf, buf + len) is one mapped range
 * of the direct map or the kernel image, writable if need_write.
 */
static int
check_virt(const void *buf, uint64_t len, bool need_write, uint64_t *pa)
{
	uint64_t va = (uint64_t)buf, p, entry;
	uint64_t img_lo = (uint64_t)kernel_image_start;
	uint64_t img_hi = (uint64_t)kernel_image_end;

	if (va >= vm_phys_base && va - vm_phys_base < vm_phys_limit) {
		if (len > vm_phys_limit - (va - vm_phys_base))
			return ERR_BAD_ARG;
	} else if (va >= img_lo && va < img_hi) {
		if (len > img_hi - va)
			return ERR_BAD_ARG;
	} else
		return ERR_BAD_ARG;
	for (p = va & ~(PAGE_SIZE_4K - 1); p < va + len; p += PAGE_SIZE_4K) {
		if (vm_lookup(p, &entry) != 0)
			return ERR_BAD_ARG;
		if (need_write && (entry & PTE_W) == 0)
			return ERR_BAD_ARG;
	}
	*pa = virt_to_phys(buf);
	return 0;
}

static int
transfer(uint32_t op, uint64_t lba, const void *buf, uint32_t nsect)
{
	struct blk_req reqs[BATCH];
	uint64_t pa, len = (uint64_t)nsect * BLK_SECTOR, off = 0;
	unsigned i, n;
	int err, first = 0;

	if ((err = blk_ready()) != 0)
		return err;
	if (blk_check_range(lba, nsect) != 0)
		return ERR_BAD_ARG;
	if ((err = check_virt(buf, len, op == BLK_OP_READ, &pa)) != 0)
		return err;
	if (op == BLK_OP_WRITE && blk_read_only())
		return ERR_NO_ACCESS;

	while (off < len && first == 0) {
		memset(reqs, 0, sizeof(reqs));
		for (n = 0; n < BATCH && off < len; n++) {
			uint64_t chunk = len - off;

			if (chunk > BLK_REQ_MAX_BYTES)
				chunk = BLK_REQ_MAX_BYTES;
			reqs[n].op = op;
			reqs[n].lba = lba + off / BLK_SECTOR;
			reqs[n].pa = pa + off;
			reqs[n].len = (uint32_t)chunk;
			if ((err = blk_submit(&reqs[n])) != 0) {
				first = err;
				break;
			}
			off += chunk;
		}
		for (i = 0; i < n; i++)	/* all, even after an error */
			if ((err = blk_wait(&reqs[i])) != 0 && first == 0)
				first = err;
	}
	return first;
}

int
blk_read(uint64_t lba, void *buf, uint32_t nsect)
{
	return transfer(BLK_OP_READ, lba, buf, nsect);
}

int
blk_write(uint64_t lba, const void *buf, uint32_t nsect)
{
	return transfer(BLK_OP_WRITE, lba, buf, nsect);
}

int
blk_flush(void)
{
	struct blk_req r;
	int err;

	memset(&r, 0, sizeof(r));
	r.op = BLK_OP_FLUSH;
	if ((err = blk_submit(&r)) != 0)
		return err;
	return blk_wait(&r);
}
