/*
 * ckpt_io.c - the checkpoint writer's context and its disk writes
 * (ckpt_io.h; docs/persistence.md).
 *
 * A checkpoint's write-out runs while processes run, but the kernel has
 * one stack, abandoned whenever it returns to user mode. So the writer
 * runs on a stack of its own, as a coroutine: ckpt_io_run() switches to
 * it from a safe point (sched_return()'s checkpoint poll, or
 * ckpt_take() waiting for its own checkpoint), and it switches back
 * whenever it must wait for the disk. Interrupts are off while it runs,
 * as on every kernel path; it never runs inside an interrupt handler.
 *
 * Its writes are asynchronous: the store's disk device (store.c) hands
 * each block to ckpt_io_write(), which puts it in a frame of a pool of
 * IO_FRAMES (a copy, unless the block already is in the pool frame the
 * writer reserved with ckpt_io_frame()) and returns; the interrupt
 * handler's done() frees the frames and wakes the writer (ckpt_wake).
 * The pool is one physically contiguous array handed out in ring order,
 * so blocks written to consecutive sectors (the allocator hands out
 * consecutive blocks) usually sit in consecutive frames: up to RUN_MAX
 * of them go to blk_submit() as one request, the run, when the next
 * block does not continue it, or before the writer waits. One request
 * per 128 KiB (BLK_REQ_MAX_BYTES) instead of per 4 KiB: 432
 * instructions of submission and one request for QEMU to process per
 * block before, and fewer, larger host writes to wait for. 128 frames,
 * four runs in flight: with two (64 frames) the writer waited for the
 * disk about twice as long.
 *
 * A flush first submits the run and waits until every write has
 * completed, so the commit order of docs/store-format.md holds: every
 * data and map block is on the disk before the flush ahead of the
 * superblock. The first write error is kept and returned by every later
 * write and flush of that write-out (ckpt_io_begin() clears it): the
 * generation is abandoned before its superblock could be written.
 *
 * Invariants: io_frames[i].busy while its block is in the run or its
 * run's request is with the driver; nbusy counts them; a run is
 * [run_first, run_first + nrun), no wrap, its sectors consecutive from
 * run_lba; a submitted run's request is io_frames[head].r, head its
 * first frame, recorded in each of its frames; the writer runs only
 * between kswitch()es from ckpt_io_run(), and in_writer says so.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>
#include <dev/blk.h>
#include <lib/string.h>
#include <panic.h>
#include <printf.h>
#include <store/ckpt.h>
#include <store/ckpt_io.h>
#include <x86_64/cpu.h>
#include <x86_64/kswitch.h>
#include <x86_64/timer.h>
#include <x86_64/vm.h>

#define IO_FRAMES	128		/* blocks in flight at most */
#define RUN_MAX		32		/* blocks in one request */
#define BLOCK_SECTORS	(STORE_BLOCK_SIZE / BLK_SECTOR)
#define WSTACK_SIZE	(16 * 1024)
#define WSTACK_CANARY	0x636b70747374616bull

_Static_assert(RUN_MAX * STORE_BLOCK_SIZE <= BLK_REQ_MAX_BYTES,
    "a run is one request");
_Static_assert(IO_FRAMES % RUN_MAX == 0, "runs fill the ring");

struct io_frame {
	struct blk_req	r;		/* the run's request, if its head */
	unsigned	head;		/* first frame of its submitted run */
	unsigned	nrun;		/* frames of the run, if its head */
	bool		busy;
};

static uint64_t		pool[IO_FRAMES][STORE_BLOCK_SIZE / 8]
			    __attribute__((aligned(PAGE_SIZE_4K)));
static struct io_frame	io_frames[IO_FRAMES];
static unsigned		nbusy;
static unsigned		ring_next;	/* the frame frame_get() tries */
static unsigned		run_first, nrun;
static uint64_t		run_lba;
static struct io_frame	*reserved;	/* ckpt_io_frame()'s, not written */
static struct blk_req	flush_req;
static int		io_err;		/* first error of this write-out */
static uint64_t		io_err_lba;

static uint64_t		wstack[WSTACK_SIZE / 8] __attribute__((aligned(16)));
static uint64_t		main_sp, writer_sp;
static void		(*writer_fn)(void);
static bool		active;		/* a writer exists, not finished */
static bool		in_writer;
static volatile bool	woken;		/* done() ran since the last wait */
static uint64_t		wait_since;	/* TSC when the writer began waiting */

bool
ckpt_io_in_writer(void)
{
	return in_writer;
}

bool
ckpt_io_active(void)
{
	return active;
}

/* The writer's first frame: run fn, then finish for good. */
static void
writer_main(void)
{
	writer_fn();
	active = false;
	kswitch(&writer_sp, main_sp);
	panic("ckpt_io: a finished writer was resumed");
}

void
ckpt_io_start(void (*fn)(void))
{
	uint64_t *sp = &wstack[WSTACK_SIZE / 8];

	assert(!active);
	wstack[0] = WSTACK_CANARY;
	*--sp = 0;				/* writer_main's return */
	*--sp = (uint64_t)writer_main;		/* kswitch's ret */
	sp -= KSWITCH_SAVED;
	memset(sp, 0, KSWITCH_SAVED * 8);
	writer_sp = (uint64_t)sp;
	writer_fn = fn;
	active = true;
	woken = true;
}

void
ckpt_io_run(void)
{
	uint64_t flags;

	if (!active)
		return;
	flags = cpu_irq_save();
	woken = false;
	in_writer = true;
	kswitch(&main_sp, writer_sp);
	in_writer = false;
	if (wstack[0] != WSTACK_CANARY)
		panic("ckpt_io: the writer overflowed its %u-byte stack",
		    WSTACK_SIZE);
	cpu_irq_restore(flags);
}

bool
ckpt_io_woken(void)
{
	return woken;
}

/*
 * Wait in the writer until done() runs: back to the caller of
 * ckpt_io_run(). A device that completes nothing for BLK_TIMEOUT_MS is
 * found by blk_wait() on one of the requests, which polls, resets the
 * device and fails every request it held.
 */
static void
wait_io(struct blk_req *r)
{
	uint64_t limit = timer_tsc_hz() / 1000 * BLK_TIMEOUT_MS;

	assert(in_writer);
	if (wait_since == 0)
		wait_since = cpu_rdtsc();
	if (cpu_rdtsc() - wait_since > limit) {
		(void)blk_wait(r);
		wait_since = 0;
		return;
	}
	kswitch(&writer_sp, main_sp);
}

/* True if f's block went to the driver (busy and not in the run). */
static bool
submitted(const struct io_frame *f)
{
	unsigned i = (unsigned)(f - io_frames);

	return f->busy && !(nrun > 0 && i >= run_first && i < run_first + nrun);
}

void
ckpt_io_poll(void)
{
	unsigned i;

	if (flush_req.state == BLK_REQ_QUEUED ||
	    flush_req.state == BLK_REQ_INFLIGHT) {
		(void)blk_wait(&flush_req);
		return;
	}
	for (i = 0; i < IO_FRAMES; i++)
		if (submitted(&io_frames[i])) {
			(void)blk_wait(&io_frames[io_frames[i].head].r);
			return;
		}
}

/* Interrupt handler (or blk_wait polling): a write or flush is done. */
static void
io_done(struct blk_req *r)
{
	struct io_frame *f = r->arg;

	if (r->status != 0 && io_err == 0) {
		io_err = r->status == ERR_NO_ACCESS ? ERR_NO_ACCESS : ERR_IO;
		io_err_lba = r->lba;
	}
	if (f != NULL) {
		for (unsigned k = 0; k < f->nrun; k++)
			f[k].busy = false;
		nbusy -= f->nrun;
	}
	wait_since = 0;
	woken = true;
	ckpt_wake();
}

/* Wait until every submitted write has completed. */
static void
wait_all(void)
{
	unsigned i;

	assert(nrun == 0);
	while (nbusy > 0) {
		for (i = 0; i < IO_FRAMES && !io_frames[i].busy; i++)
			;
		wait_io(&io_frames[io_frames[i].head].r);
	}
}

void
ckpt_io_begin(void)
{
	unsigned i;

	/* A failed write-out may have left writes queued: the blocks this
	   one allocates may be theirs, and their errors are not ours. Its
	   run, never submitted, is dropped. */
	for (i = 0; i < nrun; i++)
		io_frames[run_first + i].busy = false;
	nbusy -= nrun;
	nrun = 0;
	wait_all();
	io_err = 0;
	io_err_lba = 0;
}

static int
io_error(void)
{
	kprintf("ckpt: the write of sector %lu failed: error %d\n",
	    io_err_lba, io_err);
	return io_err;
}

static void *
frame_va(const struct io_frame *f)
{
	return pool[f - io_frames];
}

/*
 * Submit the run as one request; its blocks are then the driver's. A
 * refused request fails the write-out (io_err) and frees its frames.
 */
static void
submit_run(void)
{
	struct io_frame *f = &io_frames[run_first];
	int err;

	if (nrun == 0)
		return;
	memset(&f->r, 0, sizeof(f->r));
	f->r.op = BLK_OP_WRITE;
	f->r.lba = run_lba;
	f->r.len = nrun * STORE_BLOCK_SIZE;
	f->r.pa = virt_to_phys(frame_va(f));
	f->r.done = io_done;
	f->r.arg = f;
	f->nrun = nrun;
	for (unsigned k = 0; k < nrun; k++)
		f[k].head = run_first;
	nrun = 0;
	if ((err = blk_submit(&f->r)) != 0) {
		for (unsigned k = 0; k < f->nrun; k++)
			f[k].busy = false;
		nbusy -= f->nrun;
		if (io_err == 0) {
			io_err = err;
			io_err_lba = f->r.lba;
		}
	}
}

/*
 * The next frame of the ring, waiting until its write completed if need
 * be; the run goes out first, as the writer is about to wait.
 */
static struct io_frame *
frame_get(void)
{
	struct io_frame *f = &io_frames[ring_next];

	while (f->busy) {
		submit_run();
		if (f->busy)
			wait_io(&io_frames[f->head].r);
	}
	assert(f != reserved);
	ring_next = (ring_next + 1) % IO_FRAMES;
	return f;
}

void *
ckpt_io_frame(void)
{
	assert(reserved == NULL);
	reserved = frame_get();
	return frame_va(reserved);
}

void
ckpt_io_frame_put(void *va)
{
	if (reserved != NULL && frame_va(reserved) == va) {
		/* Not written: the ring hands it out again next. */
		if ((unsigned)(reserved - io_frames) ==
		    (ring_next + IO_FRAMES - 1) % IO_FRAMES)
			ring_next = (unsigned)(reserved - io_frames);
		reserved = NULL;
	}
}

int
ckpt_io_write(uint64_t lba, const void *buf)
{
	struct io_frame *f;
	unsigned i;

	assert(in_writer);
	if (io_err != 0)
		return io_error();
	if (reserved != NULL && frame_va(reserved) == buf) {
		f = reserved;
		reserved = NULL;
	} else {
		f = frame_get();
		if (io_err != 0)
			return io_error();
		memcpy(frame_va(f), buf, STORE_BLOCK_SIZE);
	}
	i = (unsigned)(f - io_frames);
	if (nrun > 0 && (i != run_first + nrun ||
	    lba != run_lba + (uint64_t)nrun * BLOCK_SECTORS))
		submit_run();
	if (nrun == 0) {
		run_first = i;
		run_lba = lba;
	}
	f->busy = true;
	nbusy++;
	if (++nrun == RUN_MAX)
		submit_run();
	return 0;
}

int
ckpt_io_flush(void)
{
	int err;

	assert(in_writer);
	submit_run();
	wait_all();
	if (io_err != 0)
		return io_error();
	memset(&flush_req, 0, sizeof(flush_req));
	flush_req.op = BLK_OP_FLUSH;
	flush_req.done = io_done;
	if ((err = blk_submit(&flush_req)) != 0)
		return err;
	while (flush_req.state != BLK_REQ_DONE)
		wait_io(&flush_req);
	return flush_req.status;
}
