/*
 * vm.h - the kernel's address map and page tables.
 *
 * Kernel half of the 48-bit address space (docs/kernel.md):
 *   DIRECT_MAP_BASE  0xFFFF800000000000  physical RAM, RW, NX (2 MiB pages;
 *                                        holes between E820 RAM left out)
 *   KMAP_BASE        0xFFFFC00000000000  4 KiB mappings made by vm_map_page()
 *   KERNEL_VMA       0xFFFFFFFF80000000  the kernel image at KERNEL_VMA + phys:
 *                                        .text RX, .rodata R, .data/.bss RW
 * Nothing else is mapped: no identity map, no low memory except through
 * the direct map, stack guard pages left out.
 *
 * Invariant: after vm_init() the kernel's PML4 entries never change
 * (every kernel-half table vm_map_page() can need hangs below a PDPT that
 * vm_init() created), so future per-process page tables may copy them once.
 */
#pragma once

#include <stdint.h>

#include <panic.h>

#define KERNEL_VMA	0xFFFFFFFF80000000ul
#define DIRECT_MAP_BASE	0xFFFF800000000000ul
#define DIRECT_MAP_MAX	(64ul << 40)		/* PML4 slots 256..383 */
#define KMAP_BASE	0xFFFFC00000000000ul
#define KMAP_SIZE	(512ul << 30)		/* one PML4 slot */

/* The boot loader maps KERNEL_VMA + x -> x for x below this. */
#define BOOT_MAP_LIMIT	(1ul << 30)

#define PAGE_SIZE_4K	4096ul
#define PAGE_SIZE_2M	(2ul << 20)

/* Page table entry bits. */
#define PTE_P		(1ul << 0)
#define PTE_W		(1ul << 1)
#define PTE_U		(1ul << 2)
#define PTE_PWT		(1ul << 3)
#define PTE_PCD		(1ul << 4)
#define PTE_A		(1ul << 5)
#define PTE_D		(1ul << 6)
#define PTE_PS		(1ul << 7)	/* 2 MiB page (in a PD entry) */
#define PTE_G		(1ul << 8)
#define PTE_NX		(1ul << 63)
#define PTE_ADDR	0x000FFFFFFFFFF000ul

/* phys_to_virt(pa) = vm_phys_base + pa for pa < vm_phys_limit. */
extern uint64_t	vm_phys_base, vm_phys_limit;

/*
 * The kernel virtual address of physical address pa: through the boot
 * loader's KERNEL_VMA map (below 1 GiB) until vm_init(), through the
 * direct map after. Panics if pa is beyond the mapped range; an address
 * in a hole between RAM ranges gives an unmapped pointer (a #PF on use).
 */
static inline void *
phys_to_virt(uint64_t pa)
{
	if (pa >= vm_phys_limit)
		panic("phys_to_virt: %#lx is beyond the mapped %#lx", pa,
		    vm_phys_limit);
	return (void *)(vm_phys_base + pa);
}

/*
 * The physical address behind a direct-map or kernel-image address.
 * Panics on any other address.
 */
uint64_t	virt_to_phys(const void *va);

/*
 * Build the kernel page tables (direct map of the RAM in [0, ram_end),
 * rounded out to 2 MiB chunks, per boot_info's E820 map; the image W^X), enable EFER.NXE, CR0.WP and CR4.PGE, and switch
 * CR3, dropping the boot loader's maps. Needs pmm_init(); panics if the
 * CPU lacks NX or memory runs out.
 */
void		vm_init(uint64_t ram_end);

/*
 * Map the 4 KiB page at va (page-aligned, inside the KMAP window) to
 * frame pa with PTE flags (PTE_W, PTE_NX, PTE_PCD, ...; PTE_P and PTE_G
 * are added). Returns 0, ERR_BAD_ARG if va or pa is unaligned, va is
 * outside KMAP or already mapped, or ERR_NO_SPACE if no frame is left for
 * a page table.
 */
int		vm_map_page(uint64_t va, uint64_t pa, uint64_t flags);

/*
 * Remove the mapping of the 4 KiB page at va and invalidate its TLB
 * entry; the frame is not freed, its address goes to *pa if pa != NULL.
 * Returns 0, ERR_BAD_ARG for a bad va, ERR_NOT_FOUND if nothing is mapped.
 */
int		vm_unmap_page(uint64_t va, uint64_t *pa);

/*
 * Walk the kernel tables for va. Returns 0 and the leaf entry (PTE, or
 * PDE of a 2 MiB page) in *entry, or ERR_NOT_FOUND if va is unmapped
 * (*entry then holds the non-present entry, or 0 if a table is missing).
 */
int		vm_lookup(uint64_t va, uint64_t *entry);

/* Physical address of the kernel's PML4. */
uint64_t	vm_kernel_root(void);
