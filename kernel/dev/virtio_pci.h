/*
 * virtio_pci.h - the virtio 1.0 ("modern") PCI transport: the common,
 * notify, ISR and device-specific configuration structures that the
 * device's vendor capabilities locate in its memory BARs, mapped
 * uncached through the PCI MMIO window.
 *
 * Every capability is untrusted: it must name an implemented memory BAR
 * and lie inside it, and the structures must be as long as the spec
 * says, or the device is refused.
 */
#pragma once

#include <stdint.h>

#include <dev/virtio.h>
#include <x86_64/pci.h>

#define VIRTIO_PCI_VENDOR	0x1AF4

/* Capability cfg_type values (virtio 1.0 section 4.1.4). */
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4

/* ISR status bits (read-to-clear). */
#define VIRTIO_ISR_QUEUE	0x01
#define VIRTIO_ISR_CONFIG	0x02

struct virtio_pci {
	const struct pci_dev	*pci;
	volatile uint8_t	*common;	/* virtio_pci_common_cfg */
	volatile uint8_t	*isr;
	volatile uint8_t	*device;	/* device-specific config */
	uint32_t		device_len;
	volatile uint8_t	*notify;	/* notify region */
	uint32_t		notify_len;
	uint32_t		notify_mult;	/* notify_off_multiplier */
};

/*
 * Enable memory decoding and bus mastering on d, find its virtio 1.0
 * capabilities and map them. Returns 0, ERR_NOT_FOUND if d has no usable
 * modern interface (a legacy-only device), ERR_BAD_FORMAT if a
 * capability lies outside its BAR or is too short, ERR_NO_SPACE if the
 * MMIO window or page tables run out.
 */
int	virtio_pci_probe(struct virtio_pci *v, const struct pci_dev *d);

/*
 * Reset the device and wait (at most 1 s) until it reads back status 0,
 * after which it no longer touches the rings. Returns 0 or ERR_IO.
 */
int	virtio_pci_reset(struct virtio_pci *v);

uint8_t	virtio_pci_status(struct virtio_pci *v);

/* OR bits into the device status. */
void	virtio_pci_set_status(struct virtio_pci *v, uint8_t bits);

/*
 * Feature negotiation after ACK|DRIVER: accept offered & wanted, set
 * FEATURES_OK and check that the device kept it. Returns 0 with the
 * accepted set in *got; ERR_NOT_FOUND if a feature of required is not
 * offered; ERR_IO if the device refuses FEATURES_OK.
 */
int	virtio_pci_negotiate(struct virtio_pci *v, uint64_t wanted,
	    uint64_t required, uint64_t *got);

/*
 * Set up queue index with q: the size is the device's maximum rounded
 * down to a power of two and capped at VIRTQ_MAX_SIZE; the queue is
 * enabled and q->notify set. Returns 0, ERR_NOT_FOUND if the device has
 * no such queue, ERR_BAD_FORMAT if its notify offset is outside the
 * notify region, ERR_NO_SPACE if ring frames cannot be allocated.
 */
int	virtio_pci_setup_queue(struct virtio_pci *v, uint16_t index,
	    struct virtq *q);

/*
 * Tell the device that q has new available buffers. Called from the
 * drivers' own files only: the test kernel withholds notifications to
 * simulate a hung device (ld --wrap, kernel/rules.mk).
 */
void	virtio_pci_notify(struct virtq *q);

/* Read and clear the ISR status (VIRTIO_ISR_*). */
uint8_t	virtio_pci_isr(struct virtio_pci *v);

/*
 * Read a 32- or 64-bit little-endian field at off of the device-specific
 * configuration, consistently (retrying while config_generation
 * changes). Returns 0, ERR_BAD_ARG if off is not 4-byte aligned or the
 * field lies beyond the structure the device exposes, ERR_IO if the
 * generation never holds still.
 */
int	virtio_pci_cfg32(struct virtio_pci *v, uint32_t off, uint32_t *out);
int	virtio_pci_cfg64(struct virtio_pci *v, uint32_t off, uint64_t *out);
