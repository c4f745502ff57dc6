/*
 * ckpt_io.h - the checkpoint writer's own stack and its asynchronous
 * disk writes (ckpt_io.c): how a write-out runs while processes run.
 * Used by ckpt.c (the writer) and store.c (the disk device).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Make fn the writer: it runs on the writer's stack from the next
 * ckpt_io_run() until it returns. No writer may be active.
 */
void	ckpt_io_start(void (*fn)(void));

/* True from ckpt_io_start() until the writer's function returned. */
bool	ckpt_io_active(void);

/*
 * Run the writer until it waits for the disk or finishes. From thread
 * context at a safe point (no process running, no object half
 * changed), never from the writer or an interrupt handler.
 */
void	ckpt_io_run(void);

/* True if a write or flush completed since the writer last ran. */
bool	ckpt_io_woken(void);

/*
 * With interrupts off, wait (polling the device) until one of the
 * writer's requests completes; nothing if none is in flight. For a
 * caller that has no processes to run meanwhile (ckpt_take()).
 */
void	ckpt_io_poll(void);

/* True while the writer runs (store.c then writes through below). */
bool	ckpt_io_in_writer(void);

/*
 * From the writer, as a write-out begins: wait until the writes an
 * earlier, failed write-out queued have completed, then forget its
 * write error.
 */
void	ckpt_io_begin(void);

/*
 * Reserve a free frame of the write pool (waiting for one if need be),
 * for the writer to copy an object into; a ckpt_io_write() of exactly
 * that frame sends it without a copy. Never fails. Give it back with
 * ckpt_io_frame_put() (nothing if it was written).
 */
void	*ckpt_io_frame(void);
void	ckpt_io_frame_put(void *va);

/*
 * From the writer only. Queue the write of one store block (4 KiB at
 * sector lba) and return; buf may be reused at once. Blocks to
 * consecutive sectors may wait to go to the driver as one request
 * until the writer waits or flushes. Returns 0; or the error of an
 * earlier write of this write-out, or blk_submit()'s refusal of an
 * earlier request (with a line naming its sector).
 */
int	ckpt_io_write(uint64_t lba, const void *buf);

/*
 * From the writer only. Wait until every queued write has completed,
 * then flush the device's cache and wait for that. Returns 0, or the
 * first write error, or the flush's.
 */
int	ckpt_io_flush(void);
