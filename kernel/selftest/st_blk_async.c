/*
 * st_blk_async.c - self-tests of blk_submit: many requests in flight at
 * once (more than the virtqueue holds, so some wait in the driver's
 * queue), each completing exactly once with the right data, in whatever
 * order the device finishes them; and the sequential read throughput of
 * the synchronous path, printed for the record (no timing assertion).
 * Reported in the blk suite.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <boot.h>
#include <dev/blk.h>
#include <lib/string.h>
#include <pmm.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <selftest/st_blk.h>
#include <x86_64/cpu.h>
#include <x86_64/timer.h>
#include <x86_64/vm.h>

#define NREQ		100	/* x 3 descriptors > any queue of 256 */
#define REQ_SECT	8	/* one frame each */
#define TPUT_MIB	1
#define TPUT_RUNS	5
#define LAT_READS	64

static struct blk_req	reqs[NREQ];
static uint64_t		frames[NREQ];
static unsigned		calls[NREQ], order[NREQ], ncompleted;

static void
on_done(struct blk_req *r)
{
	unsigned i = (unsigned)(uintptr_t)r->arg;

	assert(!cpu_irq_enabled());
	calls[i]++;
	if (ncompleted < NREQ)
		order[ncompleted] = i;
	ncompleted++;
}

/* The frames for NREQ requests; false (and frees) if memory is short. */
static bool
get_frames(void)
{
	unsigned i;

	for (i = 0; i < NREQ; i++)
		if ((frames[i] = pmm_alloc()) == 0) {
			while (i-- > 0)
				pmm_free(frames[i]);
			return false;
		}
	return true;
}

static void
put_frames(void)
{
	unsigned i;

	for (i = 0; i < NREQ; i++)
		pmm_free(frames[i]);
}

/*
 * Submit NREQ requests of op on lba(i) with interrupts off, so that
 * nothing completes meanwhile and the queue overflows; count those left
 * QUEUED; then wait for all.
 */
static int
submit_all(uint32_t op, uint64_t base, unsigned *queued)
{
	unsigned i;
	int err = 0;

	memset(reqs, 0, sizeof(reqs));
	memset(calls, 0, sizeof(calls));
	ncompleted = 0;
	*queued = 0;
	cpu_cli();
	for (i = 0; i < NREQ && err == 0; i++) {
		reqs[i] = (struct blk_req){ .op = op,
		    .lba = base + (uint64_t)i * REQ_SECT, .pa = frames[i],
		    .len = REQ_SECT * BLK_SECTOR, .done = on_done,
		    .arg = (void *)(uintptr_t)i };
		err = blk_submit(&reqs[i]);
		*queued += reqs[i].state == BLK_REQ_QUEUED;
	}
	cpu_sti();
	for (i = 0; i < NREQ; i++)
		if (reqs[i].state != BLK_REQ_IDLE) {
			int w = blk_wait(&reqs[i]);

			if (w != 0 && err == 0)
				err = w;
		}
	return err;
}

/*
 * Async reads of 100 frames spread over the boot partition and store,
 * checked against synchronous reads of the same sectors; then async
 * writes into the disk's tail region and async reads back.
 */
static void
test_blk_async_many(void)
{
	uint64_t one = pmm_alloc(), base, tail, seed = cpu_rdtsc();
	unsigned queued = 0, i, j, bad = 0, calls_bad = 0, inorder = 0;
	unsigned nw, wdone = 0;
	int err = -1, err2 = -1, err3 = 0;

	if (one == 0 || !get_frames()) {
		if (one != 0)
			pmm_free(one);
		st_fail("out of frames");
		return;
	}
	if (!st_blk_up())
		goto out;
	base = boot_info.bootpart_lba;
	err = submit_all(BLK_OP_READ, base, &queued);
	for (i = 0; err == 0 && i < NREQ; i++) {
		calls_bad += calls[i] != 1 || reqs[i].state != BLK_REQ_DONE;
		inorder += order[i] == i;
		err3 = blk_read(reqs[i].lba, phys_to_virt(one), REQ_SECT);
		if (err3 != 0)
			break;
		bad += memcmp(phys_to_virt(one), phys_to_virt(frames[i]),
		    REQ_SECT * BLK_SECTOR) != 0;
	}
	kprintf("selftest: %u async reads, %u waited for descriptors, %u "
	    "completed in submission order\n", NREQ, queued, inorder);

	/* Writes: ST_BLK_TAIL / REQ_SECT requests fill the tail at once. */
	tail = blk_capacity() - ST_BLK_TAIL;
	nw = ST_BLK_TAIL / REQ_SECT;
	memset(reqs, 0, sizeof(reqs));
	ncompleted = 0;
	err2 = err;
	for (i = 0; err2 == 0 && i < nw; i++)	/* save what was there */
		err2 = blk_read(tail + i * REQ_SECT,
		    phys_to_virt(frames[nw + i]), REQ_SECT);
	for (i = 0; err2 == 0 && i < nw; i++) {
		for (j = 0; j < REQ_SECT * BLK_SECTOR / 8; j++)
			((uint64_t *)phys_to_virt(frames[i]))[j] =
			    st_blk_pattern(seed, i, j);
		reqs[i] = (struct blk_req){ .op = BLK_OP_WRITE,
		    .lba = tail + i * REQ_SECT, .pa = frames[i],
		    .len = REQ_SECT * BLK_SECTOR, .done = on_done,
		    .arg = (void *)(uintptr_t)i };
		err2 = blk_submit(&reqs[i]);
	}
	for (j = 0; j < i; j++) {
		int w = blk_wait(&reqs[j]);

		if (w != 0 && err2 == 0)
			err2 = w;
	}
	wdone = ncompleted;
	for (j = 0; err2 == 0 && j < nw; j++) {
		err2 = blk_read(tail + j * REQ_SECT, phys_to_virt(one),
		    REQ_SECT);
		bad += memcmp(phys_to_virt(one), phys_to_virt(frames[j]),
		    REQ_SECT * BLK_SECTOR) != 0;
	}
	for (j = 0; err2 == 0 && j < nw; j++)
		err2 = blk_write(tail + j * REQ_SECT,
		    phys_to_virt(frames[nw + j]), REQ_SECT);
out:
	put_frames();
	pmm_free(one);
	ST_CHECK_EQ(err, 0);
	ST_CHECK_EQ(err3, 0);
	ST_CHECK_EQ(calls_bad, 0);
	ST_CHECK(queued > 0);	/* the driver's own queue was used */
	ST_CHECK_EQ(err2, 0);
	ST_CHECK_EQ(wdone, ST_BLK_TAIL / REQ_SECT);
	ST_CHECK_EQ(bad, 0);
}

/*
 * TPUT_MIB MiB of sequential reads into NCHUNK buffers of
 * BLK_REQ_MAX_BYTES (contiguous runs that long are what a fragmented
 * allocator still yields): once one request at a time through
 * blk_read, once all in flight through blk_submit, as blk_read does
 * with one large buffer. Best of TPUT_RUNS; the rates are printed, not
 * asserted.
 */
#define NCHUNK	(TPUT_MIB * 1024 * 1024 / BLK_REQ_MAX_BYTES)
#define CHUNK_PAGES	(BLK_REQ_MAX_BYTES / 4096)
#define CHUNK_SECT	(BLK_REQ_MAX_BYTES / BLK_SECTOR)

static uint64_t		chunks[NCHUNK];

static void
report(const char *how, uint64_t cycles)
{
	uint64_t us = cycles / (timer_tsc_hz() / 1000000);

	if (us == 0)
		us = 1;
	kprintf("selftest: blk read %u MiB %s: %lu us, %lu sectors/s, "
	    "%lu KiB/s (best of %u)\n", TPUT_MIB, how, us,
	    (uint64_t)TPUT_MIB * 2048 * 1000000 / us,
	    (uint64_t)TPUT_MIB * 1024 * 1000000 / us, TPUT_RUNS);
}

static void
test_blk_read_throughput(void)
{
	uint64_t best_sync = UINT64_MAX, best_async = UINT64_MAX, t, lba;
	unsigned run, i, n;
	int err = 0;

	for (n = 0; n < NCHUNK; n++)
		if ((chunks[n] = st_blk_alloc(CHUNK_PAGES)) == 0)
			break;
	if (n < NCHUNK || !st_blk_up() ||
	    blk_capacity() < (uint64_t)NCHUNK * CHUNK_SECT * TPUT_RUNS) {
		while (n-- > 0)
			st_blk_free(chunks[n], CHUNK_PAGES);
		st_fail("no memory, no disk, or a disk under %u MiB",
		    TPUT_MIB * TPUT_RUNS);
		return;
	}
	for (run = 0; run < TPUT_RUNS && err == 0; run++) {
		lba = (uint64_t)run * NCHUNK * CHUNK_SECT;
		t = cpu_rdtsc();
		for (i = 0; i < NCHUNK && err == 0; i++)
			err = blk_read(lba + i * CHUNK_SECT,
			    phys_to_virt(chunks[i]), CHUNK_SECT);
		t = cpu_rdtsc() - t;
		best_sync = t < best_sync ? t : best_sync;

		memset(reqs, 0, sizeof(reqs));
		t = cpu_rdtsc();
		for (i = 0; i < NCHUNK && err == 0; i++) {
			reqs[i] = (struct blk_req){ .op = BLK_OP_READ,
			    .lba = lba + i * CHUNK_SECT, .pa = chunks[i],
			    .len = BLK_REQ_MAX_BYTES };
			err = blk_submit(&reqs[i]);
		}
		for (i = 0; i < NCHUNK; i++)
			if (reqs[i].state != BLK_REQ_IDLE) {
				int w = blk_wait(&reqs[i]);

				err = err != 0 ? err : w;
			}
		t = cpu_rdtsc() - t;
		best_async = t < best_async ? t : best_async;
	}
	/* The round trip of one 4 KiB read, the object cache's unit. */
	t = cpu_rdtsc();
	for (i = 0; i < LAT_READS && err == 0; i++)
		err = blk_read((uint64_t)i * 8, phys_to_virt(chunks[0]), 8);
	t = (cpu_rdtsc() - t) / LAT_READS;
	for (i = 0; i < NCHUNK; i++)
		st_blk_free(chunks[i], CHUNK_PAGES);
	ST_CHECK_EQ(err, 0);
	report("one 128 KiB request at a time", best_sync);
	report("8 x 128 KiB in flight", best_async);
	kprintf("selftest: blk 4 KiB read: %lu us each (mean of %u)\n",
	    t / (timer_tsc_hz() / 1000000), LAT_READS);
}

ST_SUITE_AS("blk", st_blk_async,
	ST_CASE(blk_async_many),
	ST_CASE(blk_read_throughput),
);
