/*
 * virtio_pci.c - the virtio 1.0 PCI transport: capabilities, status,
 * feature negotiation, queue setup, notification, ISR and the
 * device-specific configuration.
 *
 * Invariant: every register pointer in struct virtio_pci points into a
 * mapping at least as long as the spec's structure (checked against the
 * capability's length and its BAR's size at probe), so no access here
 * can leave the device's registers.
 */
#include <stdint.h>

#include <abi/err.h>
#include <dev/virtio_pci.h>
#include <lib/string.h>
#include <printf.h>
#include <x86_64/timer.h>

/* struct virtio_pci_common_cfg (virtio 1.0 section 4.1.4.3). */
#define CC_DFSELECT	0x00	/* device_feature_select */
#define CC_DF		0x04	/* device_feature */
#define CC_GFSELECT	0x08	/* driver_feature_select */
#define CC_GF		0x0C	/* driver_feature */
#define CC_NUMQ		0x12	/* num_queues */
#define CC_STATUS	0x14	/* device_status */
#define CC_CFGGEN	0x15	/* config_generation */
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_MSIX	0x1A
#define CC_Q_ENABLE	0x1C
#define CC_Q_NOFF	0x1E	/* queue_notify_off */
#define CC_Q_DESC	0x20
#define CC_Q_AVAIL	0x28
#define CC_Q_USED	0x30
#define CC_LEN		0x38

/* struct virtio_pci_cap field offsets within the capability. */
#define CAP_LEN		2
#define CAP_TYPE	3
#define CAP_BAR		4
#define CAP_OFFSET	8
#define CAP_LENGTH	12
#define CAP_NOTIFY_MULT	16	/* struct virtio_pci_notify_cap only */
#define CAP_SIZE	16
#define NOTIFY_CAP_SIZE	20

#define MSI_NO_VECTOR	0xFFFF
#define RESET_WAIT_US	1000000

/*
 * Map the structure the capability at off describes, if it lies inside
 * an implemented memory BAR and is at least min bytes long.
 */
static int
map_cap(const struct pci_dev *d, uint8_t off, uint32_t min,
    volatile uint8_t **out, uint32_t *len)
{
	struct pci_bar bar;
	uint8_t barno = pci_read8(d, off + CAP_BAR);
	uint32_t where = pci_read32(d, off + CAP_OFFSET);
	uint32_t n = pci_read32(d, off + CAP_LENGTH);
	int err;

	if (barno > 5 || n < min)
		return ERR_BAD_FORMAT;
	if ((err = pci_bar(d, barno, &bar)) != 0)
		return err == ERR_NOT_FOUND ? ERR_BAD_FORMAT : err;
	if (bar.io || (uint64_t)where + n > bar.size)
		return ERR_BAD_FORMAT;
	*out = pci_map_mmio(bar.base + where, n);
	if (*out == NULL)
		return ERR_NO_SPACE;
	*len = n;
	return 0;
}

int
virtio_pci_probe(struct virtio_pci *v, const struct pci_dev *d)
{
	uint8_t off = 0, type;
	uint32_t len;
	int err;

	memset(v, 0, sizeof(*v));
	v->pci = d;
	pci_command(d, PCI_CMD_MEMORY | PCI_CMD_MASTER, 0);
	/* The first capability of each type that we can use wins. */
	while ((off = pci_cap_next(d, PCI_CAP_VENDOR, off)) != 0) {
		if (pci_read8(d, off + CAP_LEN) < CAP_SIZE)
			continue;
		type = pci_read8(d, off + CAP_TYPE);
		err = 0;
		if (type == VIRTIO_PCI_CAP_COMMON && v->common == NULL)
			err = map_cap(d, off, CC_LEN, &v->common, &len);
		else if (type == VIRTIO_PCI_CAP_ISR && v->isr == NULL)
			err = map_cap(d, off, 1, &v->isr, &len);
		else if (type == VIRTIO_PCI_CAP_DEVICE && v->device == NULL)
			err = map_cap(d, off, 1, &v->device, &v->device_len);
		else if (type == VIRTIO_PCI_CAP_NOTIFY && v->notify == NULL) {
			if (pci_read8(d, off + CAP_LEN) < NOTIFY_CAP_SIZE)
				continue;
			err = map_cap(d, off, 2, &v->notify, &v->notify_len);
			v->notify_mult = pci_read32(d, off + CAP_NOTIFY_MULT);
		}
		if (err != 0)
			return err;
	}
	if (v->common == NULL || v->isr == NULL || v->notify == NULL)
		return ERR_NOT_FOUND;
	return 0;
}

int
virtio_pci_reset(struct virtio_pci *v)
{
	uint64_t waited;

	mmio_write8(v->common + CC_STATUS, 0);
	for (waited = 0; mmio_read8(v->common + CC_STATUS) != 0; waited += 10) {
		if (waited >= RESET_WAIT_US)
			return ERR_IO;
		timer_delay_us(10);
	}
	return 0;
}

uint8_t
virtio_pci_status(struct virtio_pci *v)
{
	return mmio_read8(v->common + CC_STATUS);
}

void
virtio_pci_set_status(struct virtio_pci *v, uint8_t bits)
{
	mmio_write8(v->common + CC_STATUS, virtio_pci_status(v) | bits);
}

int
virtio_pci_negotiate(struct virtio_pci *v, uint64_t wanted,
    uint64_t required, uint64_t *got)
{
	uint64_t offered;

	mmio_write32(v->common + CC_DFSELECT, 0);
	offered = mmio_read32(v->common + CC_DF);
	mmio_write32(v->common + CC_DFSELECT, 1);
	offered |= (uint64_t)mmio_read32(v->common + CC_DF) << 32;
	if ((offered & required) != required)
		return ERR_NOT_FOUND;
	*got = offered & (wanted | required);
	mmio_write32(v->common + CC_GFSELECT, 0);
	mmio_write32(v->common + CC_GF, (uint32_t)*got);
	mmio_write32(v->common + CC_GFSELECT, 1);
	mmio_write32(v->common + CC_GF, (uint32_t)(*got >> 32));
	virtio_pci_set_status(v, VIRTIO_STATUS_FEATURES_OK);
	if ((virtio_pci_status(v) & VIRTIO_STATUS_FEATURES_OK) == 0)
		return ERR_IO;
	return 0;
}

/* A 64-bit register as two 32-bit writes, low half first (4.1.3.1). */
static void
write64(volatile uint8_t *reg, uint64_t val)
{
	mmio_write32(reg, (uint32_t)val);
	mmio_write32(reg + 4, (uint32_t)(val >> 32));
}

int
virtio_pci_setup_queue(struct virtio_pci *v, uint16_t index, struct virtq *q)
{
	uint16_t max, size, noff;
	uint64_t where;
	int err;

	if (index >= mmio_read16(v->common + CC_NUMQ))
		return ERR_NOT_FOUND;
	mmio_write16(v->common + CC_Q_SELECT, index);
	max = mmio_read16(v->common + CC_Q_SIZE);
	if (max == 0)
		return ERR_NOT_FOUND;
	for (size = VIRTQ_MAX_SIZE; size > max; size >>= 1)
		;
	noff = mmio_read16(v->common + CC_Q_NOFF);
	where = (uint64_t)noff * v->notify_mult;
	if (where + 2 > v->notify_len)
		return ERR_BAD_FORMAT;
	if ((err = virtq_init(q, size)) != 0)
		return err;
	q->index = index;
	q->notify = (volatile uint16_t *)(v->notify + where);
	mmio_write16(v->common + CC_Q_SIZE, size);
	mmio_write16(v->common + CC_Q_MSIX, MSI_NO_VECTOR);
	write64(v->common + CC_Q_DESC, q->desc_pa);
	write64(v->common + CC_Q_AVAIL, q->ring_pa);
	write64(v->common + CC_Q_USED, q->ring_pa + VIRTQ_USED_OFFSET);
	mmio_write16(v->common + CC_Q_ENABLE, 1);
	return 0;
}

void
virtio_pci_notify(struct virtq *q)
{
	/* The index store must reach memory before the device looks. */
	__asm__ volatile("mfence" : : : "memory");
	mmio_write16(q->notify, q->index);
}

uint8_t
virtio_pci_isr(struct virtio_pci *v)
{
	return mmio_read8(v->isr);
}

/* Read width bytes at off of the device config; 0 or ERR_BAD_ARG. */
static int
cfg_read(struct virtio_pci *v, uint32_t off, unsigned width, uint64_t *out)
{
	uint8_t gen;
	unsigned tries;

	if (v->device == NULL || (off & 3) != 0 || off > v->device_len ||
	    v->device_len - off < width)
		return ERR_BAD_ARG;
	for (tries = 0; tries < 1000; tries++) {
		gen = mmio_read8(v->common + CC_CFGGEN);
		*out = mmio_read32(v->device + off);
		if (width == 8)
			*out |= (uint64_t)mmio_read32(v->device + off + 4)
			    << 32;
		if (mmio_read8(v->common + CC_CFGGEN) == gen)
			return 0;
	}
	return ERR_IO;		/* the config never held still */
}

int
virtio_pci_cfg32(struct virtio_pci *v, uint32_t off, uint32_t *out)
{
	uint64_t val = 0;
	int err = cfg_read(v, off, 4, &val);

	*out = (uint32_t)val;
	return err;
}

int
virtio_pci_cfg64(struct virtio_pci *v, uint32_t off, uint64_t *out)
{
	return cfg_read(v, off, 8, out);
}
