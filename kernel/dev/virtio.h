/*
 * virtio.h - virtio 1.0 split virtqueues: the ring layout the spec
 * fixes, and the driver's bookkeeping for descriptor chains in flight.
 * Transport independent (the PCI transport is dev/virtio_pci.h).
 *
 * The device is untrusted: everything it writes (used ring index, ids,
 * lengths) is checked before use, and the driver keeps its own copy of
 * the descriptor links, so the rings in shared memory are only ever
 * read by the driver for the used ring.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Device status bits (virtio 1.0 section 2.1). */
#define VIRTIO_STATUS_ACK		0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Feature bits common to all devices. */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2	/* the device writes this buffer */

#define VIRTQ_MAX_SIZE		256	/* rings fit two frames */
#define VIRTQ_USED_OFFSET	1024	/* of the used ring in its frame */

struct virtq_desc {
	uint64_t	addr;
	uint32_t	len;
	uint16_t	flags;
	uint16_t	next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.0 2.4.5");

struct virtq_avail {
	uint16_t	flags;
	uint16_t	idx;
	uint16_t	ring[];		/* size, used_event */
};

struct virtq_used_elem {
	uint32_t	id;		/* head of the chain used */
	uint32_t	len;		/* bytes it wrote into the chain */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.0 2.4.8");

struct virtq_used {
	uint16_t		flags;
	uint16_t		idx;
	struct virtq_used_elem	ring[];	/* size, avail_event */
};

/* One buffer of a chain: physical address, length, direction. */
struct virtq_seg {
	uint64_t	pa;
	uint32_t	len;
	bool		device_writes;
};

/*
 * A split virtqueue. Interrupts must be off (or the owner otherwise
 * excluded) around every call, since the interrupt handler pops.
 * Invariants: a descriptor is either on the free list (linked through
 * next[]) or in exactly one chain in flight; cookie[h] != NULL exactly
 * when h heads a chain in flight; nfree + descriptors in flight == size.
 * count[], wlen[] (device-writable bytes) and cookie[] are per chain head.
 */
struct virtq {
	uint16_t			size;	/* power of two */
	uint16_t			index;	/* queue number */
	volatile struct virtq_desc	*desc;
	volatile struct virtq_avail	*avail;
	volatile struct virtq_used	*used;
	uint64_t			desc_pa, ring_pa;  /* two frames */
	volatile uint16_t		*notify;	/* where to kick */
	uint16_t			free_head, nfree, ninflight;
	uint16_t			avail_idx;	/* our avail->idx */
	uint16_t			last_used;	/* consumed */
	bool				broken;	/* by the device */
	uint16_t			next[VIRTQ_MAX_SIZE];
	uint16_t			count[VIRTQ_MAX_SIZE];
	uint32_t			wlen[VIRTQ_MAX_SIZE];
	void				*cookie[VIRTQ_MAX_SIZE];
};

/*
 * Allocate the rings of a queue of size entries (a power of two,
 * 1..VIRTQ_MAX_SIZE) on first use, then virtq_reset() it. A queue set
 * up before keeps its frames (size must not grow). Returns 0,
 * ERR_BAD_ARG for a bad size, ERR_NO_SPACE if frames run out.
 */
int	virtq_init(struct virtq *q, uint16_t size);

/*
 * Forget every chain in flight (the device must be reset first, so it
 * no longer reads the rings), zero the rings and rebuild the free list.
 */
void	virtq_reset(struct virtq *q);

/* The head descriptor the next virtq_add() will use; valid if nfree > 0. */
uint16_t	virtq_peek_head(const struct virtq *q);

/*
 * Chain the n buffers of segs (device-readable ones first, as the spec
 * requires of drivers) and make the chain available; cookie (not NULL)
 * comes back from virtq_pop(). Does not notify the device. Returns 0,
 * ERR_BAD_ARG for n == 0, a zero length or a readable buffer after a
 * writable one, ERR_NO_SPACE if fewer than n descriptors are free,
 * ERR_IO if the queue is broken.
 */
int	virtq_add(struct virtq *q, const struct virtq_seg *segs, unsigned n,
	    void *cookie);

/*
 * Take the next chain the device has finished: returns 0 with its
 * cookie, head and the length the device claims to have written;
 * ERR_NOT_FOUND if there is none; ERR_CORRUPT if the device wrote an
 * impossible used entry (more entries than chains in flight, an id
 * that heads no chain, a length beyond the chain's writable bytes),
 * after which the queue is broken and every call returns ERR_CORRUPT.
 */
int	virtq_pop(struct virtq *q, void **cookie, uint16_t *head,
	    uint32_t *len);

/*
 * After a device reset: take back one chain still in flight and return
 * its cookie, or NULL if none is left. The device must not be running.
 */
void	*virtq_reclaim(struct virtq *q);
