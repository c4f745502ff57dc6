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
 * Pages bound for consecutive blocks go out together, as one request
 * over their scattered frames (a run), so a reclaim of 64 pages costs a
 * few disk requests, not 64.
 *
 * Invariants: pg->out_block != 0 iff this file holds that block for pg
 * (or the generation being built adopted it, store_free.c); its data
 * has CRC out_crc (between sf_hold() and the end of its run's write,
 * inside pageout_write_batch(), the block is held but not yet written).
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

/* Pages bound for consecutive held blocks first..first + n - 1. */
struct run {
	uint64_t	first;
	unsigned	n;
	struct page	*pg[STORE_DEV_RUN_MAX];
	uint64_t	frame[STORE_DEV_RUN_MAX];
};

/*
 * Blocks first..first + n - 1 from frame[0..n) if write, else into
 * them: one request if the device can (io_frames), else a block each.
 */
static int
io_blocks(bool write, uint64_t first, const uint64_t *frame, unsigned n)
{
	const struct store_dev *d = &store_mnt.dev;
	int err = 0;

	if (d->io_frames != NULL)
		return d->io_frames(d->ctx, write, first, frame, n);
	for (unsigned i = 0; i < n && err == 0; i++) {
		void *va = phys_to_virt(frame[i]);

		err = write ? d->write(d->ctx, first + i, va) :
		    d->read(d->ctx, first + i, va);
	}
	return err;
}

/* Write run r; on failure its pages let their blocks go. */
static int
write_run(struct run *r)
{
	int err;

	if (r->n == 0)
		return 0;
	if ((err = io_blocks(true, r->first, r->frame, r->n)) == 0) {
		st.writes += r->n;
		r->n = 0;
		return 0;
	}
	store_st.io_errors++;
	kprintf("store: writing blocks %lu..%lu (pages out of memory) "
	    "failed: error %d\n", r->first, r->first + r->n - 1, err);
	for (unsigned i = 0; i < r->n; i++)
		pageout_drop(r->pg[i]);
	r->n = 0;
	return ERR_IO;
}

unsigned
pageout_write_batch(struct page **pg, unsigned n, int *err)
{
	static struct run r;	/* thread context, single CPU */
	unsigned i, start = 0;	/* r holds pages from pg[start] on */
	uint64_t b;

	assert(!ckpt_io_in_writer());
	*err = 0;
	r.n = 0;
	if (store_mnt.dev.write == NULL) {	/* a read-only disk (and so
						   no io_frames write) */
		*err = ERR_NO_ACCESS;
		return 0;
	}
	for (i = 0; i < n; i++) {
		const void *data = phys_to_virt(pg[i]->pa);

		assert(pg[i]->pa != 0);
		if (pg[i]->out_block != 0 || store_all_zero(data, PAGE_SIZE))
			continue;
		if ((*err = sf_hold(&b)) != 0)
			break;
		if (r.n == STORE_DEV_RUN_MAX || (r.n > 0 &&
		    b != r.first + r.n)) {
			if ((*err = write_run(&r)) != 0) {
				sf_unhold(b);
				return start;
			}
			start = i;
		}
		if (r.n == 0)
			r.first = b;
		r.pg[r.n] = pg[i];
		r.frame[r.n++] = pg[i]->pa;
		pg[i]->out_block = b;
		pg[i]->out_crc = crc32c(data, PAGE_SIZE);
	}
	if (write_run(&r) != 0) {
		*err = ERR_IO;
		return start;
	}
	return i;
}

int
pageout_write(struct page *pg)
{
	int err;

	(void)pageout_write_batch(&pg, 1, &err);
	return err;
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

int
pageout_read_run(struct page **pg, const uint64_t *frame, unsigned n,
    unsigned *good)
{
	unsigned i;
	int err;

	assert(n >= 1 && n <= STORE_DEV_RUN_MAX && pg[0]->out_block != 0);
	*good = 0;
	if (n > 1 && io_blocks(false, pg[0]->out_block, frame, n) == 0) {
		for (i = 0; i < n; i++) {
			if (crc32c(phys_to_virt(frame[i]), PAGE_SIZE) !=
			    pg[i]->out_crc)
				break;
			st.reads++;
		}
		if ((*good = i) > 0)
			return 0;
	}
	/* Alone (and with its own message if it fails): a neighbour's bad
	   block must not cost pg[0]. */
	if ((err = pageout_read(pg[0], phys_to_virt(frame[0]))) == 0)
		*good = 1;
	return err;
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
