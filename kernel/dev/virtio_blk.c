/*
 * virtio_blk.c - the virtio-blk driver: bring-up, the request queue, the
 * interrupt handler, hang detection and blk_submit()/blk_wait(). The
 * synchronous calls on virtual buffers are in blk_sync.c.
 *
 * A request is a chain: a 16-byte header (device-readable), the data
 * split at page boundaries, and a one-byte status (device-writable).
 * Header and status live in two driver frames, indexed by the chain's
 * head descriptor, so they exist exactly while the chain is in flight.
 *
 * Invariants (all with interrupts off, which is how this single-CPU
 * kernel excludes the interrupt handler):
 * - a blk_req is QUEUED exactly while on the wait list, INFLIGHT exactly
 *   while the virtqueue holds it as a cookie, and turns DONE once, with
 *   its done() called once, by finish();
 * - while up is false the wait list and the virtqueue are empty: every
 *   path that takes the driver down fails all requests first;
 * - the device is trusted with nothing: its used entries are checked by
 *   virtq_pop(), its status byte starts as 0xFF so an untouched one is
 *   an error, and a read counts only if the device claims every byte.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <dev/blk.h>
#include <dev/blk_priv.h>
#include <dev/virtio.h>
#include <dev/virtio_pci.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/pic.h>
#include <x86_64/timer.h>
#include <x86_64/vm.h>

/* Device IDs: 0x1001 transitional, 0x1040 + 2 modern-only. */
#define DEV_TRANSITIONAL	0x1001
#define DEV_MODERN		0x1042

/* Feature bits of virtio-blk (virtio 1.0 section 5.2.3). */
#define BLK_F_SIZE_MAX		1
#define BLK_F_SEG_MAX		2
#define BLK_F_RO		5
#define BLK_F_BLK_SIZE		6
#define BLK_F_FLUSH		9
#define FEAT(b)			(1ul << (b))

/* Device configuration offsets. */
#define CFG_CAPACITY		0
#define CFG_SIZE_MAX		8
#define CFG_SEG_MAX		12

/* Status byte values. */
#define S_OK			0
#define S_IOERR			1
#define S_UNSUPP		2
#define S_UNTOUCHED		0xFF

#define MAX_DATA_SEGS		(BLK_REQ_MAX_BYTES / PAGE_SIZE_4K + 1)
#define MAX_SEGS		(MAX_DATA_SEGS + 2)
#define MAX_CAPACITY		(1ul << 54)	/* bytes stay < 2^63 */

struct blk_hdr {
	uint32_t	type;
	uint32_t	reserved;
	uint64_t	sector;
};
_Static_assert(sizeof(struct blk_hdr) == 16, "virtio 1.0 5.2.6");
_Static_assert(VIRTQ_MAX_SIZE * sizeof(struct blk_hdr) <= PAGE_SIZE_4K,
    "headers fit one frame");

extern char	kernel_text_start[], kernel_rodata_end[];

static struct virtio_pci	vp;
static struct virtq		q;
static bool			probed, up;
static uint64_t			features, capacity;
static struct blk_hdr		*hdrs;		/* by head */
static volatile uint8_t		*statuses;	/* by head */
static uint64_t			hdrs_pa, statuses_pa;
static struct blk_req		*wait_head, *wait_tail;
static uint64_t			progress_tsc;	/* last progress */
static uint64_t			irqs;

static void
finish(struct blk_req *r, int status)
{
	r->status = status;
	r->state = BLK_REQ_DONE;
	if (r->done != NULL)
		r->done(r);
}

/* Take the driver down: reset the device, fail every request. */
static void
fail_device(const char *why)
{
	struct blk_req *r;

	kprintf("blk: %s; resetting the device, failing its requests\n", why);
	up = false;
	if (virtio_pci_reset(&vp) != 0)
		kprintf("blk: the device does not reset\n");
	while ((r = virtq_reclaim(&q)) != NULL)
		finish(r, ERR_IO);
	while ((r = wait_head) != NULL) {
		wait_head = r->next;
		finish(r, ERR_IO);
	}
	wait_tail = NULL;
}

/* The chain for r into segs (header and status filled in by kick). */
static unsigned
build_segs(const struct blk_req *r, struct virtq_seg *segs)
{
	unsigned n = 1;
	uint64_t pa = r->pa, end = r->pa + r->len;

	if (r->frames != NULL) {
		for (uint32_t i = 0; i < r->len / PAGE_SIZE_4K; i++, n++)
			segs[n] = (struct virtq_seg){ r->frames[i],
			    PAGE_SIZE_4K, r->op == BLK_OP_READ };
		return n + 1;
	}
	while (pa < end) {
		uint64_t next = (pa & ~(PAGE_SIZE_4K - 1)) + PAGE_SIZE_4K;

		if (next > end)
			next = end;
		segs[n].pa = pa;
		segs[n].len = (uint32_t)(next - pa);
		segs[n].device_writes = r->op == BLK_OP_READ;
		n++;
		pa = next;
	}
	return n + 1;
}

/* Move waiting requests into the virtqueue while descriptors last. */
static void
kick(void)
{
	struct virtq_seg segs[MAX_SEGS];
	struct blk_req *r;
	bool added = false;

	while (up && (r = wait_head) != NULL) {
		unsigned n = build_segs(r, segs);
		uint16_t head;
		int err;

		if (n > q.nfree)
			break;
		head = virtq_peek_head(&q);
		hdrs[head].type = r->op;
		hdrs[head].reserved = 0;
		hdrs[head].sector = r->lba;
		statuses[head] = S_UNTOUCHED;
		segs[0] = (struct virtq_seg){ hdrs_pa + head * sizeof(*hdrs),
		    sizeof(*hdrs), false };
		segs[n - 1] = (struct virtq_seg){ statuses_pa + head, 1, true };
		if (q.ninflight == 0)
			progress_tsc = cpu_rdtsc();  /* the clock starts */
		err = virtq_add(&q, segs, n, r);
		if (err != 0)
			panic("blk: virtq_add of %u segments: %d", n, err);
		wait_head = r->next;
		if (wait_head == NULL)
			wait_tail = NULL;
		r->state = BLK_REQ_INFLIGHT;
		added = true;
	}
	if (added)
		virtio_pci_notify(&q);
}

/* The result of a finished chain from its status byte and used length. */
static int
result(const struct blk_req *r, uint8_t st, uint32_t len)
{
	if (st == S_UNSUPP)
		return ERR_BAD_REQUEST;
	if (st != S_OK)
		return ERR_IO;
	if (r->op == BLK_OP_READ && len != r->len + 1)
		return ERR_IO;		/* not every byte was read */
	return 0;
}

/* Finish what the device has completed, then queue more. */
static void
collect(void)
{
	void *cookie;
	uint16_t head;
	uint32_t len;
	int err;

	while (up) {
		err = virtq_pop(&q, &cookie, &head, &len);
		if (err == ERR_NOT_FOUND)
			break;
		if (err != 0) {
			fail_device("the device wrote a bad used entry");
			return;
		}
		progress_tsc = cpu_rdtsc();
		finish(cookie, result(cookie, statuses[head], len));
	}
	kick();
}

static void
blk_irq(void)
{
	uint8_t isr = virtio_pci_isr(&vp);

	if (isr == 0)
		return;		/* another device on a shared line */
	irqs++;
	if (!up)
		return;
	if ((isr & VIRTIO_ISR_CONFIG) &&
	    (virtio_pci_status(&vp) & VIRTIO_STATUS_NEEDS_RESET)) {
		fail_device("the device needs a reset");
		return;
	}
	collect();
}

static const struct pci_dev *
find_device(void)
{
	unsigned i;

	pci_init();
	for (i = 0; i < pci_count(); i++) {
		const struct pci_dev *d = pci_get(i);

		if (d->vendor == VIRTIO_PCI_VENDOR &&
		    (d->device == DEV_TRANSITIONAL || d->device == DEV_MODERN))
			return d;
	}
	return NULL;
}

/* Find the device, map it, claim its interrupt line; once. */
static int
probe(void)
{
	const struct pci_dev *d = find_device();
	int err;

	if (d == NULL) {
		kprintf("blk: no virtio-blk device\n");
		return ERR_NOT_FOUND;
	}
	if (d->irq_pin == 0 || d->irq_line == 0 || d->irq_line == 2 ||
	    d->irq_line >= PIC_IRQS) {
		kprintf("blk: %02x:%02x.%u: unusable irq %u pin %u\n",
		    d->bus, d->dev, d->fn, d->irq_line, d->irq_pin);
		return ERR_BAD_FORMAT;
	}
	if ((err = virtio_pci_probe(&vp, d)) != 0) {
		kprintf("blk: %02x:%02x.%u: no usable virtio 1.0 interface "
		    "(error %d)\n", d->bus, d->dev, d->fn, err);
		return err;
	}
	if (hdrs_pa == 0 && (hdrs_pa = pmm_alloc()) == 0)
		return ERR_NO_SPACE;
	if (statuses_pa == 0 && (statuses_pa = pmm_alloc()) == 0)
		return ERR_NO_SPACE;
	hdrs = phys_to_virt(hdrs_pa);
	statuses = phys_to_virt(statuses_pa);
	if (virtio_pci_reset(&vp) != 0)
		return ERR_IO;
	pic_set_handler(d->irq_line, blk_irq);	/* the device is quiet */
	probed = true;
	return 0;
}

/* Reset and negotiate; on success the driver is up. */
static int
start(void)
{
	uint32_t v;
	int err;

	if (virtio_pci_reset(&vp) != 0)
		return ERR_IO;
	virtio_pci_set_status(&vp, VIRTIO_STATUS_ACK);
	virtio_pci_set_status(&vp, VIRTIO_STATUS_DRIVER);
	err = virtio_pci_negotiate(&vp, FEAT(BLK_F_SIZE_MAX) |
	    FEAT(BLK_F_SEG_MAX) | FEAT(BLK_F_RO) | FEAT(BLK_F_BLK_SIZE) |
	    FEAT(BLK_F_FLUSH), FEAT(VIRTIO_F_VERSION_1), &features);
	if (err == 0 && (err = virtio_pci_cfg64(&vp, CFG_CAPACITY,
	    &capacity)) == 0 && capacity > MAX_CAPACITY)
		err = ERR_BAD_FORMAT;
	if (err == 0 && (features & FEAT(BLK_F_SEG_MAX)) &&
	    (err = virtio_pci_cfg32(&vp, CFG_SEG_MAX, &v)) == 0 &&
	    v < MAX_DATA_SEGS)
		err = ERR_LIMIT;
	if (err == 0 && (features & FEAT(BLK_F_SIZE_MAX)) &&
	    (err = virtio_pci_cfg32(&vp, CFG_SIZE_MAX, &v)) == 0 &&
	    v < PAGE_SIZE_4K)
		err = ERR_LIMIT;
	if (err == 0 && (err = virtio_pci_setup_queue(&vp, 0, &q)) == 0 &&
	    q.size < MAX_SEGS)
		err = ERR_LIMIT;
	if (err == 0) {
		pci_command(vp.pci, PCI_CMD_MEMORY | PCI_CMD_MASTER,
		    PCI_CMD_INTX_OFF);
		virtio_pci_set_status(&vp, VIRTIO_STATUS_DRIVER_OK);
		if (virtio_pci_status(&vp) & (VIRTIO_STATUS_FAILED |
		    VIRTIO_STATUS_NEEDS_RESET))
			err = ERR_IO;
	}
	if (err != 0) {
		kprintf("blk: device setup failed (error %d, features %#lx)\n",
		    err, features);
		virtio_pci_set_status(&vp, VIRTIO_STATUS_FAILED);
		capacity = 0;
		return err;
	}
	progress_tsc = cpu_rdtsc();
	up = true;
	kprintf("blk: virtio-blk %02x:%02x.%u irq %u: %lu sectors (%lu MiB), "
	    "queue %u, features %#lx%s%s\n", vp.pci->bus, vp.pci->dev,
	    vp.pci->fn, vp.pci->irq_line, capacity, capacity >> 11, q.size,
	    features, (features & FEAT(BLK_F_FLUSH)) ? ", flush" : "",
	    (features & FEAT(BLK_F_RO)) ? ", read-only" : "");
	return 0;
}

int
blk_init(void)
{
	uint64_t flags;
	int err;

	if (up)
		return 0;
	if (!probed && (err = probe()) != 0)
		return err;
	flags = cpu_irq_save();	/* no interrupt sees a half-set queue */
	err = start();
	cpu_irq_restore(flags);
	return err;
}

uint64_t
blk_capacity(void)
{
	return up ? capacity : 0;
}

bool
blk_has_flush(void)
{
	return (features & FEAT(BLK_F_FLUSH)) != 0;
}

bool
blk_read_only(void)
{
	return (features & FEAT(BLK_F_RO)) != 0;
}

int
blk_ready(void)
{
	return up ? 0 : probed ? ERR_IO : ERR_NOT_FOUND;
}

int
blk_check_range(uint64_t lba, uint64_t nsect)
{
	if (nsect == 0 || lba >= capacity || nsect > capacity - lba)
		return ERR_BAD_ARG;
	return 0;
}

/* The physical buffer of a read or write: managed RAM, not the image's RO. */
static int
check_phys(uint64_t pa, uint32_t len, bool device_writes)
{
	uint64_t p, entry;
	uint64_t ro_lo = (uint64_t)kernel_text_start - KERNEL_VMA;
	uint64_t ro_hi = (uint64_t)kernel_rodata_end - KERNEL_VMA;

	if (pa < PMM_LOW_LIMIT || pa + len < pa || pa + len > vm_phys_limit)
		return ERR_BAD_ARG;
	if (device_writes && pa < ro_hi && pa + len > ro_lo)
		return ERR_BAD_ARG;
	for (p = pa & ~(PAGE_SIZE_4K - 1); p < pa + len; p += PAGE_SIZE_4K)
		if (vm_lookup(vm_phys_base + p, &entry) != 0)
			return ERR_BAD_ARG;	/* not RAM */
	return 0;
}

/* r's buffer: contiguous at pa, or whole frames (frames). */
static int
check_buffer(const struct blk_req *r)
{
	bool device_writes = r->op == BLK_OP_READ;

	if (r->frames == NULL)
		return check_phys(r->pa, r->len, device_writes);
	if (r->len % PAGE_SIZE_4K != 0)
		return ERR_BAD_ARG;
	for (uint32_t i = 0; i < r->len / PAGE_SIZE_4K; i++)
		if (r->frames[i] % PAGE_SIZE_4K != 0 ||
		    check_phys(r->frames[i], PAGE_SIZE_4K, device_writes) != 0)
			return ERR_BAD_ARG;
	return 0;
}

int
blk_submit(struct blk_req *r)
{
	uint64_t flags;
	int err = 0;

	if (r == NULL || r->state == BLK_REQ_QUEUED ||
	    r->state == BLK_REQ_INFLIGHT)
		return ERR_BAD_ARG;
	if ((err = blk_ready()) != 0)
		return err;
	if (r->op == BLK_OP_FLUSH) {
		if (r->len != 0 || r->lba != 0)
			return ERR_BAD_ARG;
	} else if (r->op == BLK_OP_READ || r->op == BLK_OP_WRITE) {
		if (r->len == 0 || r->len % BLK_SECTOR != 0 ||
		    r->len > BLK_REQ_MAX_BYTES ||
		    blk_check_range(r->lba, r->len / BLK_SECTOR) != 0 ||
		    check_buffer(r) != 0)
			return ERR_BAD_ARG;
		if (r->op == BLK_OP_WRITE && blk_read_only())
			return ERR_NO_ACCESS;
	} else
		return ERR_BAD_ARG;

	flags = cpu_irq_save();
	if (!up)			/* failed since the check above */
		err = ERR_IO;
	else if (r->op == BLK_OP_FLUSH && !blk_has_flush())
		finish(r, 0);		/* a write-through device */
	else {
		r->next = NULL;
		r->state = BLK_REQ_QUEUED;
		if (wait_tail != NULL)
			wait_tail->next = r;
		else
			wait_head = r;
		wait_tail = r;
		kick();
	}
	cpu_irq_restore(flags);
	return err;
}

int
blk_wait(struct blk_req *r)
{
	uint64_t flags, limit;

	if (r == NULL || r->state == BLK_REQ_IDLE)
		return ERR_BAD_ARG;
	flags = cpu_irq_save();
	while (r->state != BLK_REQ_DONE) {
		limit = timer_tsc_hz() / 1000 * BLK_TIMEOUT_MS;
		if (up && q.ninflight > 0 &&
		    cpu_rdtsc() - progress_tsc > limit) {
			kprintf("blk: no completion in %d ms\n", BLK_TIMEOUT_MS);
			fail_device("the device hangs");
			continue;
		}
		if (flags & RFLAGS_IF) {
			cpu_sti_hlt();	/* an interrupt or the tick */
			cpu_cli();
		} else {
			collect();
			cpu_pause();
		}
	}
	cpu_irq_restore(flags);
	return r->status;
}

uint64_t
blk_irq_count(void)
{
	return irqs;
}
