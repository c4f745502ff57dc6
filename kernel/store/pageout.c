/*
 * pageout.c - dirty pages leaving memory before their checkpoint: the
 * block I/O of <store/pageout.h>.
 *
 * A held block (store_free.c) is free in every kept generation, so
 * writing it can damage nothing a restart could use, and a crash
 * forgets it: the contract of docs/persistence.md (nothing after the
 * last commit survives) is unchanged. Its data is a page's bytes as the
 * format stores data blocks (no header), with the CRC kept in memory,
 * so the generation that adopts it writes only the map entry.
 *
 * Invariants: pg->out_block != 0 iff this file holds that block for pg
 * (or the generation being built adopted it, store_free.c); its data
 * has CRC out_crc.
 */
#include <stdint.h>

#include <abi/err.h>
#include <lib/crc32c.h>
#include <lib/storefmt.h>
#include <panic.h>
#include <printf.h>
#include <store/ckpt_io.h>
#include <store/pageout.h>
#include <store/store_write_priv.h>
#include <x86_64/pagezero.h>
#include <x86_64/vm.h>

static struct pageout_stats st;

int
pageout_write(struct page *pg)
{
	const void *data = phys_to_virt(pg->pa);
	uint64_t b;
	int err;

	assert(!ckpt_io_in_writer() && pg->pa != 0);
	if (pg->out_block != 0 || store_all_zero(data, PAGE_SIZE))
		return 0;
	if ((err = sf_hold(&b)) != 0)
		return err;
	err = store_mnt.dev.write(store_mnt.dev.ctx, b, data);
	if (err != 0) {
		sf_unhold(b);
		store_st.io_errors++;
		kprintf("store: writing block %lu (page %#lx out of memory) "
		    "failed: error %d\n", b, pg->obj.oid, err);
		return ERR_IO;
	}
	pg->out_block = b;
	pg->out_crc = crc32c(data, PAGE_SIZE);
	st.writes++;
	return 0;
}

int
pageout_read(struct page *pg, void *buf)
{
	int err;

	if (pg->out_block == 0) {
		page_zero(buf);
		return 0;
	}
	err = store_mnt.dev.read(store_mnt.dev.ctx, pg->out_block, buf);
	if (err != 0) {
		store_st.io_errors++;
		kprintf("store: reading block %lu (page %#lx out of memory) "
		    "failed: error %d\n", pg->out_block, pg->obj.oid, err);
		return ERR_IO;
	}
	st.reads++;
	if (crc32c(buf, PAGE_SIZE) != pg->out_crc) {
		store_st.corrupt++;
		kprintf("store: block %lu (page %#lx out of memory): CRC "
		    "mismatch\n", pg->out_block, pg->obj.oid);
		return ERR_CORRUPT;
	}
	return 0;
}

void
pageout_drop(struct page *pg)
{
	pageout_unhold(pg->out_block);
	pg->out_block = 0;
}

void
pageout_unhold(uint64_t b)
{
	if (b != 0)
		sf_unhold(b);
}

void
pageout_rehold(struct page *pg)
{
	if (pg->out_block != 0)
		sf_rehold(pg->out_block);
}

void
pageout_stats(struct pageout_stats *out)
{
	*out = st;
	out->held = sf_held_blocks();
}
