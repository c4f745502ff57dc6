/*
 * pci.h - PCI configuration space through the legacy ports 0xCF8/0xCFC
 * (configuration mechanism #1), a scan of every bus reachable from bus
 * 0, BARs, the capability list, and uncached MMIO mappings for device
 * registers.
 *
 * Everything read from configuration space is treated as untrusted:
 * capability chains are bounded, BARs must be power-of-two sized and
 * aligned, and a device that vanishes reads as vendor 0xFFFF.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <x86_64/vm.h>

#define PCI_MAX_DEVICES	64	/* devices remembered by the scan */
#define PCI_NO_VENDOR	0xFFFF

/* Configuration space offsets (type 0 header unless noted). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION		0x08
#define PCI_PROG_IF		0x09
#define PCI_SUBCLASS		0x0A
#define PCI_CLASS		0x0B
#define PCI_HEADER_TYPE		0x0E
#define PCI_BAR0		0x10
#define PCI_SECONDARY_BUS	0x19	/* type 1 (bridge) header */
#define PCI_SUBSYS_ID		0x2E
#define PCI_CAP_PTR		0x34
#define PCI_IRQ_LINE		0x3C
#define PCI_IRQ_PIN		0x3D

#define PCI_CMD_IO		0x0001
#define PCI_CMD_MEMORY		0x0002
#define PCI_CMD_MASTER		0x0004
#define PCI_CMD_INTX_OFF	0x0400
#define PCI_STATUS_CAPS		0x0010

#define PCI_CAP_VENDOR		0x09	/* vendor-specific */

/* The PCI MMIO window: part of KMAP that pci_map_mmio() hands out. */
#define PCI_MMIO_BASE		(KMAP_BASE + (1ul << 30))
#define PCI_MMIO_SIZE		(1ul << 30)

/* One function found by the scan. Fields are as read at scan time. */
struct pci_dev {
	uint8_t		bus, dev, fn;
	uint8_t		header_type;	/* multi-function bit off */
	uint16_t	vendor, device;
	uint8_t		class, subclass, prog_if, revision;
	uint8_t		irq_line;	/* as the firmware routed it */
	uint8_t		irq_pin;	/* 0 none, 1..4 INTA..INTD */
};

struct pci_bar {
	uint64_t	base;		/* physical address or port */
	uint64_t	size;		/* bytes, a power of two */
	bool		io;		/* I/O space, else memory */
	bool		is64;		/* 64-bit: uses two slots */
	bool		prefetch;
};

/*
 * Scan every bus reachable from bus 0 through PCI-to-PCI bridges and
 * remember up to PCI_MAX_DEVICES functions, printing one line each.
 * Idempotent: later calls return at once. Needs vm_init().
 */
void	pci_init(void);

/* Functions found by pci_init(); pci_get(i) for i < pci_count(). */
unsigned		pci_count(void);
const struct pci_dev	*pci_get(unsigned i);

/*
 * The nth (from 0) function with this vendor and device id, or NULL.
 * Calls pci_init() if it has not run.
 */
const struct pci_dev	*pci_find(uint16_t vendor, uint16_t device,
			    unsigned nth);

/*
 * Configuration space access; off must be naturally aligned and below
 * 256 (asserted). Safe with interrupts on or off.
 */
uint8_t		pci_read8(const struct pci_dev *d, unsigned off);
uint16_t	pci_read16(const struct pci_dev *d, unsigned off);
uint32_t	pci_read32(const struct pci_dev *d, unsigned off);
void		pci_write16(const struct pci_dev *d, unsigned off,
		    uint16_t v);
void		pci_write32(const struct pci_dev *d, unsigned off,
		    uint32_t v);

/*
 * Decode and size BAR i (0..5 for type 0 headers, 0..1 for bridges).
 * Decoding is switched off while the BAR is sized. Returns 0, ERR_BAD_ARG
 * for a bad index or the upper half of a 64-bit BAR, ERR_NOT_FOUND if
 * the BAR is unimplemented or unassigned (base 0), ERR_BAD_FORMAT if its
 * size is not a power of two or the base is not aligned to it.
 */
int		pci_bar(const struct pci_dev *d, unsigned i,
		    struct pci_bar *out);

/*
 * Offset of the first capability with id cap_id after the one at
 * offset after (0: from the start of the list), or 0 if there is none.
 * The chain is untrusted: offsets below 0x40 or unaligned end it, and
 * at most 48 entries are followed.
 */
uint8_t		pci_cap_next(const struct pci_dev *d, uint8_t cap_id,
		    uint8_t after);

/* Set bits in the command register (PCI_CMD_*) and clear others in clr. */
void		pci_command(const struct pci_dev *d, uint16_t set,
		    uint16_t clr);

/*
 * Map the physical range [pa, pa + len) uncached (PCD|PWT), writable and
 * no-execute in the PCI MMIO window; the mapping is permanent. Returns
 * the virtual address of pa, or NULL if len is 0, the range wraps, the
 * window is full or a page table cannot be allocated.
 */
volatile void	*pci_map_mmio(uint64_t pa, uint64_t len);

/* MMIO register access: one access of the given width each. */
static inline uint8_t
mmio_read8(volatile void *p)
{
	return *(volatile uint8_t *)p;
}

static inline uint16_t
mmio_read16(volatile void *p)
{
	return *(volatile uint16_t *)p;
}

static inline uint32_t
mmio_read32(volatile void *p)
{
	return *(volatile uint32_t *)p;
}

static inline void
mmio_write8(volatile void *p, uint8_t v)
{
	*(volatile uint8_t *)p = v;
}

static inline void
mmio_write16(volatile void *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}

static inline void
mmio_write32(volatile void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}
