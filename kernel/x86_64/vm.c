/*
 * vm.c - the kernel's page tables: built once by vm_init(), then only
 * 4 KiB leaf entries in the KMAP window change (vm_map_page and
 * vm_unmap_page, each followed by invlpg).
 *
 * Invariants: no page is both writable and executable; every table page
 * is a pmm frame reachable through the direct map; upper-level entries
 * are P|W with the leaf deciding the permissions (NX, W, G).
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <boot.h>
#include <lib/string.h>
#include <panic.h>
#include <pmm.h>
#include <printf.h>
#include <x86_64/cpu.h>
#include <x86_64/stack.h>
#include <x86_64/vm.h>

uint64_t	vm_phys_base = KERNEL_VMA;
uint64_t	vm_phys_limit = BOOT_MAP_LIMIT;

static uint64_t	kernel_root;	/* PML4 physical address, 0 before vm_init */

extern char	kernel_image_start[], kernel_image_end[];
extern char	kernel_text_end[], kernel_rodata_end[];

/* Index of va in the table at level (3 PML4, 2 PDPT, 1 PD, 0 PT). */
#define VM_INDEX(va, level)	(((va) >> (12 + 9 * (level))) & 511)

static uint64_t *
table_at(uint64_t pa)
{
	return phys_to_virt(pa);
}

/* A zeroed frame for a page table, or 0 if memory is exhausted. */
static uint64_t
table_alloc(void)
{
	uint64_t pa = pmm_alloc();

	if (pa != 0)
		memset(phys_to_virt(pa), 0, PAGE_SIZE_4K);
	return pa;
}

/*
 * Find the entry for va in the table at level stop under root, creating
 * missing tables if create. Returns 0 with *out set; ERR_NOT_FOUND if a
 * table is missing and !create; ERR_NO_SPACE if a table cannot be
 * allocated; ERR_BAD_ARG if a large page covers va above stop.
 */
static int
walk(uint64_t root, uint64_t va, int stop, bool create, uint64_t **out)
{
	uint64_t *t = table_at(root);
	int level;

	for (level = 3; level > stop; level--) {
		uint64_t *e = &t[VM_INDEX(va, level)];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create)
				return ERR_NOT_FOUND;
			if ((pa = table_alloc()) == 0)
				return ERR_NO_SPACE;
			*e = pa | PTE_P | PTE_W;
		} else if (*e & PTE_PS)
			return ERR_BAD_ARG;
		t = table_at(*e & PTE_ADDR);
	}
	*out = &t[VM_INDEX(va, stop)];
	return 0;
}

/* Map or die: only for vm_init, where failure means no usable kernel. */
static uint64_t *
walk_or_panic(uint64_t root, uint64_t va, int stop)
{
	uint64_t *e;
	int err = walk(root, va, stop, true, &e);

	if (err != 0)
		panic("vm: cannot build the table for %#lx (level %d): error %d",
		    va, stop, err);
	return e;
}

/*
 * Whether the direct map covers the 2 MiB chunk at pa: the first chunk
 * (BIOS data, VGA, option ROMs) and every chunk that overlaps RAM in the
 * E820 map. Holes such as the PCI window stay unmapped: MMIO must be
 * mapped uncached, through vm_map_page(), never as write-back RAM.
 */
static bool
chunk_has_ram(uint64_t pa)
{
	uint32_t i;

	if (pa == 0)
		return true;
	for (i = 0; i < boot_info.e820_count; i++) {
		const struct e820_entry *e = &boot_info.e820[i];
		uint64_t end = e->length > UINT64_MAX - e->base ? UINT64_MAX :
		    e->base + e->length;

		if ((e->type == E820_USABLE || e->type == E820_ACPI_RECLAIM ||
		    e->type == E820_ACPI_NVS) && e->base < pa + PAGE_SIZE_2M &&
		    end > pa)
			return true;
	}
	return false;
}

/* The leaf permissions of the kernel image page at va (W^X). */
static uint64_t
image_flags(uint64_t va)
{
	if (va < (uint64_t)kernel_text_end)
		return PTE_P | PTE_G;				/* RX */
	if (va < (uint64_t)kernel_rodata_end)
		return PTE_P | PTE_G | PTE_NX;			/* R */
	return PTE_P | PTE_G | PTE_W | PTE_NX;			/* RW */
}

static void
check_cpu(bool *has_pge)
{
	uint32_t a, b, c, d, max_ext;

	cpu_cpuid(0x80000000, &max_ext, &b, &c, &d);
	d = 0;
	if (max_ext >= 0x80000001)
		cpu_cpuid(0x80000001, &a, &b, &c, &d);
	if (!(d & CPUID81_EDX_NX))
		panic("vm: CPU lacks NX (cpuid 0x80000001 edx=%#x); W^X needs it",
		    d);
	cpu_cpuid(1, &a, &b, &c, &d);
	*has_pge = (d & CPUID1_EDX_PGE) != 0;
}

void
vm_init(uint64_t ram_end)
{
	uint64_t root, dm_end, pa, va, chunks = 0;
	uint64_t *e;
	bool has_pge;

	assert(kernel_root == 0);
	check_cpu(&has_pge);
	if ((root = table_alloc()) == 0)
		panic("vm: no frame for the PML4");

	dm_end = (ram_end + PAGE_SIZE_2M - 1) & ~(PAGE_SIZE_2M - 1);
	if (dm_end > DIRECT_MAP_MAX || dm_end < ram_end)
		panic("vm: RAM end %#lx is beyond the direct map", ram_end);
	for (pa = 0; pa < dm_end; pa += PAGE_SIZE_2M) {
		if (!chunk_has_ram(pa))
			continue;
		e = walk_or_panic(root, DIRECT_MAP_BASE + pa, 1);
		*e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
		chunks++;
	}

	/* The KMAP window's PDPT, so its PML4 slot never changes later. */
	(void)walk_or_panic(root, KMAP_BASE, 2);

	for (va = (uint64_t)kernel_image_start; va < (uint64_t)kernel_image_end;
	    va += PAGE_SIZE_4K) {
		if (stack_is_guard(va))
			continue;
		e = walk_or_panic(root, va, 0);
		*e = (va - KERNEL_VMA) | image_flags(va);
	}

	/* NX bits are reserved (a #PF) until EFER.NXE: set it first. */
	cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_NXE);
	cpu_write_cr0(cpu_read_cr0() | CR0_WP);
	cpu_write_cr3(root);
	vm_phys_base = DIRECT_MAP_BASE;
	vm_phys_limit = dm_end;
	kernel_root = root;
	if (has_pge)
		cpu_write_cr4(cpu_read_cr4() | CR4_PGE);

	kprintf("vm: direct map of %lu MiB of RAM in [0, %#lx) at %#lx; "
	    "kernel image [%#lx, %#lx) W^X; boot maps dropped\n",
	    chunks * (PAGE_SIZE_2M >> 20), dm_end, DIRECT_MAP_BASE,
	    (uint64_t)kernel_image_start, (uint64_t)kernel_image_end);
}

static bool
in_kmap(uint64_t va)
{
	return va >= KMAP_BASE && va - KMAP_BASE < KMAP_SIZE;
}

int
vm_map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t saved, *e;
	int err;

	assert(kernel_root != 0);
	if ((va & (PAGE_SIZE_4K - 1)) != 0 || (pa & ~PTE_ADDR) != 0 ||
	    !in_kmap(va) || (flags & (PTE_ADDR | PTE_PS)) != 0)
		return ERR_BAD_ARG;
	saved = cpu_irq_save();
	err = walk(kernel_root, va, 0, true, &e);
	if (err == 0 && (*e & PTE_P))
		err = ERR_BAD_ARG;		/* already mapped */
	if (err == 0) {
		*e = pa | flags | PTE_P | PTE_G;
		cpu_invlpg(va);
	}
	cpu_irq_restore(saved);
	return err;
}

int
vm_unmap_page(uint64_t va, uint64_t *pa)
{
	uint64_t saved, *e;
	int err;

	assert(kernel_root != 0);
	if ((va & (PAGE_SIZE_4K - 1)) != 0 || !in_kmap(va))
		return ERR_BAD_ARG;
	saved = cpu_irq_save();
	err = walk(kernel_root, va, 0, false, &e);
	if (err == 0 && !(*e & PTE_P))
		err = ERR_NOT_FOUND;
	if (err == 0) {
		if (pa != NULL)
			*pa = *e & PTE_ADDR;
		*e = 0;
		cpu_invlpg(va);
	}
	cpu_irq_restore(saved);
	return err;
}

int
vm_lookup(uint64_t va, uint64_t *entry)
{
	uint64_t *t;
	int level;

	assert(kernel_root != 0);
	t = table_at(kernel_root);
	for (level = 3;; level--) {
		uint64_t e = t[VM_INDEX(va, level)];

		*entry = e;
		if (!(e & PTE_P))
			return ERR_NOT_FOUND;
		if (level == 0 || (e & PTE_PS))
			return 0;
		t = table_at(e & PTE_ADDR);
	}
}

uint64_t
vm_kernel_root(void)
{
	return kernel_root;
}

uint64_t
virt_to_phys(const void *p)
{
	uint64_t va = (uint64_t)p;

	if (va >= (uint64_t)kernel_image_start &&
	    va < (uint64_t)kernel_image_end)
		return va - KERNEL_VMA;
	if (va >= vm_phys_base && va - vm_phys_base < vm_phys_limit)
		return va - vm_phys_base;
	panic("virt_to_phys: %#lx is neither direct-mapped nor in the image",
	    va);
}
