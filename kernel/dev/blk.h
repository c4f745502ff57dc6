/*
 * blk.h - the kernel's disk: the first virtio-blk device (the disk the
 * machine booted from), in 512-byte sectors.
 *
 * Two ways in: synchronous blk_read/blk_write/blk_flush on kernel
 * virtual buffers, which wait (interrupts on, sti; hlt) for completion,
 * and asynchronous blk_submit of a struct blk_req on a physical range,
 * whose done() runs from the interrupt handler. Every call returns 0 or
 * an ERR_* of <abi/err.h>; a device error status is ERR_IO, and a device
 * that completes nothing for the timeout (BLK_TIMEOUT_MS) is reset, every
 * request it held fails with ERR_IO, and the driver stays down until
 * blk_init() brings it up again.
 *
 * Call with interrupts on, from thread context; from an interrupt
 * handler only blk_submit() is allowed.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BLK_SECTOR		512
#define BLK_REQ_MAX_BYTES	(128u * 1024)	/* one blk_req at most */
#define BLK_TIMEOUT_MS		10000

/* Operations (the virtio-blk request types). */
#define BLK_OP_READ		0
#define BLK_OP_WRITE		1
#define BLK_OP_FLUSH		4

/* blk_req.state */
#define BLK_REQ_IDLE		0	/* never submitted (zeroed) */
#define BLK_REQ_QUEUED		1	/* waiting for descriptors */
#define BLK_REQ_INFLIGHT	2	/* the device has it */
#define BLK_REQ_DONE		3	/* status final, done() has run */

/*
 * An asynchronous request. The caller owns it and the buffer until
 * state is BLK_REQ_DONE; the driver writes only status, state and the
 * private fields.
 */
struct blk_req {
	/* Set by the caller. */
	uint32_t	op;		/* BLK_OP_* */
	uint32_t	len;		/* bytes, n * 512; 0 for flush */
	uint64_t	lba;		/* first sector; 0 for flush */
	uint64_t	pa;		/* physical, contiguous */
	/* Or, if not NULL, the buffer is scattered: frames[i] is the
	   physical 4 KiB frame of bytes [i * 4096, (i + 1) * 4096) (len a
	   multiple of 4 KiB; pa unused). A page-out run sends pages that
	   lie anywhere in RAM to consecutive blocks as one request. */
	const uint64_t	*frames;
	void		(*done)(struct blk_req *);	/* may be NULL */
	void		*arg;		/* for done() */
	/* Set by the driver. */
	int		status;		/* 0 or ERR_*, once DONE */
	volatile uint32_t state;	/* BLK_REQ_* */
	struct blk_req	*next;		/* private: the wait list */
};

/*
 * Find the first virtio-blk device, reset it, negotiate features, set up
 * its queue and interrupt. Idempotent while the driver is up; after a
 * failure (timeout, device error) it starts the device afresh. Returns
 * 0; ERR_NOT_FOUND if there is no virtio-blk device with a virtio 1.0
 * interface; ERR_BAD_FORMAT if its capabilities or interrupt routing are
 * unusable; ERR_LIMIT if its queue or segment limits are too small for
 * BLK_REQ_MAX_BYTES; ERR_IO if it refuses the negotiation;
 * ERR_NO_SPACE if memory runs out.
 */
int		blk_init(void);

/* Capacity in sectors; 0 while the driver is not up. */
uint64_t	blk_capacity(void);

/* True if the device offered the flush command (a volatile cache). */
bool		blk_has_flush(void);

/* True if the device is read-only (writes get ERR_NO_ACCESS). */
bool		blk_read_only(void);

/*
 * Read or write nsect sectors at lba to or from buf, a kernel virtual
 * address in the direct map or the kernel image (writable, for reads).
 * Large transfers are split into requests and overlapped. Returns 0;
 * ERR_BAD_ARG if nsect is 0, [lba, lba + nsect) is beyond the capacity
 * or buf is not such an address; ERR_NO_ACCESS to write a read-only
 * disk; ERR_IO on a device error or timeout, or while the driver is
 * down; ERR_NOT_FOUND before blk_init() succeeded.
 */
int		blk_read(uint64_t lba, void *buf, uint32_t nsect);
int		blk_write(uint64_t lba, const void *buf, uint32_t nsect);

/*
 * Make every completed write durable (VIRTIO_BLK_T_FLUSH). Without the
 * flush feature the device writes through, and this returns 0 at once.
 */
int		blk_flush(void);

/*
 * Queue r (zeroed before its first use; its state must not be QUEUED or
 * INFLIGHT). r->pa..+len must be RAM in the direct map, not below 1 MiB
 * nor, for reads, in the kernel's text or read-only data. Returns 0 if queued: done(r), if set, then
 * runs exactly once, with interrupts off, from the interrupt handler
 * (or from blk_wait() polling, or at once for a flush the device does
 * not need). Returns ERR_BAD_ARG for a bad op, length, range or buffer,
 * ERR_NO_ACCESS, ERR_IO or ERR_NOT_FOUND as blk_read(); then done() is
 * not called.
 */
int		blk_submit(struct blk_req *r);

/*
 * Wait until r is DONE and return r->status; with interrupts on it
 * sleeps (sti; hlt), with interrupts off it polls the device. Detects a
 * hung device (see above). ERR_BAD_ARG if r was never submitted.
 */
int		blk_wait(struct blk_req *r);

/* Interrupts the driver has handled (for tests and statistics). */
uint64_t	blk_irq_count(void);
