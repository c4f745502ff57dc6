/*
 * pci.c - PCI configuration mechanism #1 (ports 0xCF8/0xCFC), the bus
 * scan, BAR decoding and sizing, capability lists and the MMIO window.
 *
 * Invariants: each address/data port pair is used with interrupts off,
 * so an interrupt handler's access cannot land between the two halves;
 * devices[] is written only by the one scan; pages of the MMIO window
 * are never unmapped, so a pointer pci_map_mmio() returned stays valid,
 * and an unmapped guard page follows every mapping.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/err.h>
#include <lib/string.h>
#include <panic.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/io.h>
#include <x86_64/pci.h>
#include <x86_64/vm.h>

#define CFG_ADDR	0xCF8
#define CFG_DATA	0xCFC
#define CFG_ENABLE	0x80000000u
#define MAX_CAPS	48	/* 192 bytes of capability space / 4 */
#define MAX_DEPTH	8	/* bridges below bus 0 we follow */

static struct pci_dev	devices[PCI_MAX_DEVICES];
static unsigned		ndevices, ndropped;
static bool		scanned;
static bool		bus_seen[256];
static uint64_t		mmio_next = PCI_MMIO_BASE;

static uint32_t
cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	assert(bus < 256 && dev < 32 && fn < 8 && off < 256);
	return CFG_ENABLE | bus << 16 | dev << 11 | fn << 8 | (off & 0xFC);
}

/* Read width (1, 2 or 4) bytes at off, which is naturally aligned. */
static uint32_t
cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off,
    unsigned width)
{
	uint64_t flags;
	uint32_t v;

	assert((off & (width - 1)) == 0);
	flags = cpu_irq_save();
	outl(CFG_ADDR, cfg_addr(bus, dev, fn, off));
	if (width == 1)
		v = inb(CFG_DATA + (off & 3));
	else if (width == 2)
		v = inw(CFG_DATA + (off & 2));
	else
		v = inl(CFG_DATA);
	cpu_irq_restore(flags);
	return v;
}

static void
cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off,
    unsigned width, uint32_t v)
{
	uint64_t flags;

	assert((off & (width - 1)) == 0 && width != 1);
	flags = cpu_irq_save();
	outl(CFG_ADDR, cfg_addr(bus, dev, fn, off));
	if (width == 2)
		outw(CFG_DATA + (off & 2), (uint16_t)v);
	else
		outl(CFG_DATA, v);
	cpu_irq_restore(flags);
}

uint8_t
pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)cfg_read(d->bus, d->dev, d->fn, off, 1);
}

uint16_t
pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)cfg_read(d->bus, d->dev, d->fn, off, 2);
}

uint32_t
pci_read32(const struct pci_dev *d, unsigned off)
{
	return cfg_read(d->bus, d->dev, d->fn, off, 4);
}

void
pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	cfg_write(d->bus, d->dev, d->fn, off, 2, v);
}

void
pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	cfg_write(d->bus, d->dev, d->fn, off, 4, v);
}

static void	scan_bus(unsigned bus, unsigned depth);

static void
scan_fn(unsigned bus, unsigned dev, unsigned fn, unsigned depth)
{
	struct pci_dev d;

	memset(&d, 0, sizeof(d));
	d.bus = (uint8_t)bus;
	d.dev = (uint8_t)dev;
	d.fn = (uint8_t)fn;
	d.vendor = pci_read16(&d, PCI_VENDOR_ID);
	if (d.vendor == PCI_NO_VENDOR)
		return;
	d.device = pci_read16(&d, PCI_DEVICE_ID);
	d.header_type = pci_read8(&d, PCI_HEADER_TYPE) & 0x7F;
	d.class = pci_read8(&d, PCI_CLASS);
	d.subclass = pci_read8(&d, PCI_SUBCLASS);
	d.prog_if = pci_read8(&d, PCI_PROG_IF);
	d.revision = pci_read8(&d, PCI_REVISION);
	if (d.header_type <= 1) {
		d.irq_line = pci_read8(&d, PCI_IRQ_LINE);
		d.irq_pin = pci_read8(&d, PCI_IRQ_PIN);
	}
	kprintf("pci: %02x:%02x.%u %04x:%04x class %02x.%02x.%02x irq %u "
	    "pin %u\n", bus, dev, fn, d.vendor, d.device, d.class,
	    d.subclass, d.prog_if, d.irq_line, d.irq_pin);
	if (ndevices < PCI_MAX_DEVICES)
		devices[ndevices++] = d;
	else
		ndropped++;

	/* A PCI-to-PCI bridge: its secondary bus holds more devices. */
	if (d.header_type == 1 && d.class == 0x06 && d.subclass == 0x04) {
		unsigned sec = pci_read8(&d, PCI_SECONDARY_BUS);

		if (sec != 0 && !bus_seen[sec] && depth < MAX_DEPTH)
			scan_bus(sec, depth + 1);
	}
}

static void
scan_bus(unsigned bus, unsigned depth)
{
	unsigned dev, fn, nfn;

	bus_seen[bus] = true;
	for (dev = 0; dev < 32; dev++) {
		if (cfg_read(bus, dev, 0, PCI_VENDOR_ID, 2) == PCI_NO_VENDOR)
			continue;
		nfn = cfg_read(bus, dev, 0, PCI_HEADER_TYPE, 1) & 0x80 ? 8 : 1;
		for (fn = 0; fn < nfn; fn++)
			scan_fn(bus, dev, fn, depth);
	}
}

void
pci_init(void)
{
	if (scanned)
		return;
	scanned = true;
	scan_bus(0, 0);
	kprintf("pci: %u functions", ndevices);
	if (ndropped != 0)
		kprintf(" (%u more not remembered)", ndropped);
	kprintf("\n");
}

unsigned
pci_count(void)
{
	return ndevices;
}

const struct pci_dev *
pci_get(unsigned i)
{
	return i < ndevices ? &devices[i] : NULL;
}

const struct pci_dev *
pci_find(uint16_t vendor, uint16_t device, unsigned nth)
{
	unsigned i;

	pci_init();
	for (i = 0; i < ndevices; i++)
		if (devices[i].vendor == vendor &&
		    devices[i].device == device && nth-- == 0)
			return &devices[i];
	return NULL;
}

/* Read BAR slot i and write all ones to learn its size mask. */
static uint32_t
probe_slot(const struct pci_dev *d, unsigned i, uint32_t *mask)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t v = pci_read32(d, off);

	pci_write32(d, off, 0xFFFFFFFFu);
	*mask = pci_read32(d, off);
	pci_write32(d, off, v);
	return v;
}

int
pci_bar(const struct pci_dev *d, unsigned i, struct pci_bar *out)
{
	unsigned nbars = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
	unsigned j;
	uint32_t lo, hi = 0, mlo, mhi = 0xFFFFFFFFu;
	uint64_t flags, mask;
	uint16_t cmd;

	if (i >= nbars)
		return ERR_BAD_ARG;
	for (j = 0; j < i; j++) {	/* slot i: top of a 64-bit BAR? */
		uint32_t v = pci_read32(d, PCI_BAR0 + 4 * j);

		if ((v & 1) == 0 && ((v >> 1) & 3) == 2)
			j++;
	}
	if (j != i)
		return ERR_BAD_ARG;
	memset(out, 0, sizeof(*out));

	flags = cpu_irq_save();	/* nobody may use the device now */
	cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	lo = probe_slot(d, i, &mlo);
	if ((lo & 1) == 0 && ((lo >> 1) & 3) == 2 && i + 1 < nbars) {
		out->is64 = true;
		hi = probe_slot(d, i + 1, &mhi);
	}
	pci_write16(d, PCI_COMMAND, cmd);
	cpu_irq_restore(flags);

	if ((lo & 1) != 0 ? (mlo & ~3u) == 0 :
	    (mlo & ~0xFu) == 0 && (!out->is64 || mhi == 0))
		return ERR_NOT_FOUND;		/* unimplemented */
	if (lo & 1) {
		out->io = true;
		out->base = lo & ~3u;
		mask = (mlo & ~3u) | 0xFFFFFFFF00000000ul;
		if ((mlo & 0xFFFF0000u) == 0)	/* 16-bit port decoders */
			mask |= 0xFFFF0000u;
	} else {
		if (((lo >> 1) & 3) == 2 && !out->is64)
			return ERR_BAD_FORMAT;	/* 64-bit in last slot */
		if (((lo >> 1) & 3) == 1 || ((lo >> 1) & 3) == 3)
			return ERR_BAD_FORMAT;	/* below-1M or reserved */
		out->prefetch = (lo & 8) != 0;
		out->base = (lo & ~0xFu) | (uint64_t)hi << 32;
		mask = (mlo & ~0xFu) | (uint64_t)mhi << 32;
	}
	out->size = mask & -mask;
	if ((mask | (out->size - 1)) != ~0ul)
		return ERR_BAD_FORMAT;	/* mask bits not contiguous */
	if (out->base == 0)
		return ERR_NOT_FOUND;	/* left unassigned */
	if ((out->base & (out->size - 1)) != 0 ||
	    out->base + out->size < out->base)
		return ERR_BAD_FORMAT;
	return 0;
}

uint8_t
pci_cap_next(const struct pci_dev *d, uint8_t cap_id, uint8_t after)
{
	unsigned off, n;

	if ((pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS) == 0)
		return 0;
	if (after != 0 && (after < 0x40 || (after & 3) != 0))
		return 0;
	off = after != 0 ? pci_read8(d, after + 1u) : pci_read8(d, PCI_CAP_PTR);
	for (n = 0; n < MAX_CAPS; n++) {
		off &= 0xFC;		/* the low bits are reserved */
		if (off < 0x40)
			return 0;
		if (pci_read8(d, off) == cap_id)
			return (uint8_t)off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

void
pci_command(const struct pci_dev *d, uint16_t set, uint16_t clr)
{
	uint64_t flags = cpu_irq_save();
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, (uint16_t)((cmd & ~clr) | set));
	cpu_irq_restore(flags);
}

volatile void *
pci_map_mmio(uint64_t pa, uint64_t len)
{
	uint64_t start = pa & ~(PAGE_SIZE_4K - 1), end, n, i, va, flags;
	volatile void *ret = NULL;

	if (len == 0 || pa + len < pa || pa + len > PTE_ADDR)
		return NULL;
	end = (pa + len + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	n = (end - start) / PAGE_SIZE_4K;
	flags = cpu_irq_save();
	va = mmio_next;
	if (n + 1 > (PCI_MMIO_BASE + PCI_MMIO_SIZE - va) / PAGE_SIZE_4K)
		goto out;
	for (i = 0; i < n; i++) {
		if (vm_map_page(va + i * PAGE_SIZE_4K, start + i * PAGE_SIZE_4K,
		    PTE_W | PTE_NX | PTE_PCD | PTE_PWT) != 0) {
			while (i-- > 0)
				(void)vm_unmap_page(va + i * PAGE_SIZE_4K,
				    NULL);
			goto out;
		}
	}
	mmio_next = va + (n + 1) * PAGE_SIZE_4K;	/* + a guard page */
	ret = (volatile void *)(va + (pa - start));
out:
	cpu_irq_restore(flags);
	return ret;
}
