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
 * writer reserved with ckpt_io_frame()), submits it with blk_submit()
 * and returns; the interrupt handler's done() frees the frame and wakes
 * the writer (ckpt_wake). A flush first waits until every write has
 * completed, so the commit order of docs/store-format.md holds: every
 * data and map block is on the disk before the flush ahead of the
 * superblock. The first write error is kept and returned by every later
 * write and flush of that write-out (ckpt_io_begin() clears it): the
 * generation is abandoned before its superblock could be written.
 *
 * Invariants: io_frames[i].busy while its request is with the driver;
 * nbusy counts them; the writer runs only between kswitch()es from
 * ckpt_io_run(), and in_writer says so.
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <abi/store.h>
#include <dev/blk.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <store/ckpt.h>
#include <store/ckpt_io.h>
#include <x86_64/cpu.h>
#include <x86_64/kswitch.h>
#include <x86_64/timer.h>
#include <x86_64/vm.h>

#define IO_FRAMES	64		/* writes in flight at most */
#define WSTACK_SIZE	(16 * 1024)
#define WSTACK_CANARY	0x636b70747374616bull

struct io_frame {
	struct blk_req	r;
	void		*va;
	bool		busy;
};

static struct io_frame	io_frames[IO_FRAMES];
static unsigned		nbusy;
static bool		have_frames;
static struct io_frame	*reserved;	/* ckpt_io_frame()'s, not submitted */
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
		if (io_frames[i].busy) {
			(void)blk_wait(&io_frames[i].r);
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
		f->busy = false;
		nbusy--;
	}
	wait_since = 0;
	woken = true;
	ckpt_wake();
}

void
ckpt_io_begin(void)
{
	unsigned i;

	/* A failed write-out may have left writes queued: the blocks this
	   one allocates may be theirs, and their errors are not ours. */
	while (nbusy > 0) {
		for (i = 0; i < IO_FRAMES && !io_frames[i].busy; i++)
			;
		wait_io(&io_frames[i].r);
	}
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

/* Take the pool's frames the first time; ERR_NO_SPACE if none. */
static int
frames_init(void)
{
	unsigned i;

	if (have_frames)
		return 0;
	for (i = 0; i < IO_FRAMES; i++) {
		uint64_t pa = pmm_alloc();

		if (pa == 0) {
			while (i > 0)
				pmm_free(virt_to_phys(io_frames[--i].va));
			return ERR_NO_SPACE;
		}
		io_frames[i].va = phys_to_virt(pa);
	}
	have_frames = true;
	return 0;
}

/* A free frame of the pool, waiting for one if need be. */
static struct io_frame *
frame_get(void)
{
	unsigned i;

	for (;;) {
		for (i = 0; i < IO_FRAMES; i++)
			if (!io_frames[i].busy && &io_frames[i] != reserved)
				return &io_frames[i];
		for (i = 0; i < IO_FRAMES && !io_frames[i].busy; i++)
			;
		assert(i < IO_FRAMES);
		wait_io(&io_frames[i].r);
	}
}

void *
ckpt_io_frame(void)
{
	if (frames_init() != 0)
		return NULL;
	assert(reserved == NULL);
	reserved = frame_get();
	return reserved->va;
}

void
ckpt_io_frame_put(void *va)
{
	if (reserved != NULL && reserved->va == va)
		reserved = NULL;
}

int
ckpt_io_write(uint64_t lba, const void *buf)
{
	struct io_frame *f;
	int err;

	assert(in_writer);
	if (io_err != 0)
		return io_error();
	if ((err = frames_init()) != 0)
		return err;
	if (reserved != NULL && reserved->va == buf) {
		f = reserved;
		reserved = NULL;
	} else {
		f = frame_get();
		if (io_err != 0)
			return io_error();
		memcpy(f->va, buf, STORE_BLOCK_SIZE);
	}
	memset(&f->r, 0, sizeof(f->r));
	f->r.op = BLK_OP_WRITE;
	f->r.lba = lba;
	f->r.len = STORE_BLOCK_SIZE;
	f->r.pa = virt_to_phys(f->va);
	f->r.done = io_done;
	f->r.arg = f;
	f->busy = true;
	nbusy++;
	if ((err = blk_submit(&f->r)) != 0) {
		f->busy = false;
		nbusy--;
		return err;
	}
	return 0;
}

int
ckpt_io_flush(void)
{
	unsigned i;
	int err;

	assert(in_writer);
	while (nbusy > 0) {
		for (i = 0; i < IO_FRAMES && !io_frames[i].busy; i++)
			;
		wait_io(&io_frames[i].r);
	}
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
