/*
 * st_vm.c - self-tests of the kernel page tables: map and unmap in the
 * KMAP window, the argument checks, and that the protections vm_init()
 * promises hold in hardware (W^X of the image, NX of data and the direct
 * map, no identity map, stack guard pages).
 */
#include <stdbool.h>
#include <stdint.h>

#include <abi/err.h>
#include <pmm.h>
#include <selftest/selftest.h>
#include <x86_64/stack.h>
#include <x86_64/vm.h>

#define TEST_VA		(KMAP_BASE + 0x200000)

static const uint64_t	rodata_word = 0x0123456789abcdeful;
static uint8_t		data_code[16];	/* .bss: must not be executable */

static void
test_vm_map_unmap(void)
{
	uint64_t pa = pmm_alloc(), entry, old = 0;
	volatile uint64_t *va = (volatile uint64_t *)TEST_VA;
	volatile uint64_t *dm;
	int err;

	ST_CHECK(pa != 0);
	dm = phys_to_virt(pa);
	err = vm_map_page(TEST_VA, pa, PTE_W | PTE_NX);
	if (err != 0) {
		pmm_free(pa);
		st_fail("vm_map_page: error %d", err);
		return;
	}
	va[0] = 0x1111222233334444ul;		/* through the new mapping */
	dm[1] = 0x5555666677778888ul;		/* through the direct map */
	bool same = dm[0] == 0x1111222233334444ul &&
	    va[1] == 0x5555666677778888ul;
	int found = vm_lookup(TEST_VA, &entry);

	err = vm_unmap_page(TEST_VA, &old);
	uint64_t after;
	int gone = vm_lookup(TEST_VA, &after);
	bool faulted = st_expect_fault(probe_read, TEST_VA, T_PF, 0,
	    (uint64_t)probe_read_insn, TEST_VA);
	pmm_free(pa);

	ST_CHECK(same);
	ST_CHECK_EQ(found, 0);
	ST_CHECK_EQ(entry & PTE_ADDR, pa);
	ST_CHECK_EQ(entry & (PTE_P | PTE_W | PTE_NX | PTE_U),
	    PTE_P | PTE_W | PTE_NX);
	ST_CHECK_EQ(err, 0);
	ST_CHECK_EQ(old, pa);
	ST_CHECK_EQ(gone, ERR_NOT_FOUND);
	ST_CHECK_EQ(after & PTE_P, 0);
	ST_CHECK(faulted);
}

static void
test_vm_map_errors(void)
{
	uint64_t pa = pmm_alloc(), old;
	int e1, e2, e3, e4, e5, e6, e7;

	ST_CHECK(pa != 0);
	e1 = vm_map_page(TEST_VA + 8, pa, PTE_W);	/* unaligned va */
	e2 = vm_map_page(TEST_VA, pa + 8, PTE_W);	/* unaligned pa */
	e3 = vm_map_page(DIRECT_MAP_BASE, pa, PTE_W);	/* outside KMAP */
	e4 = vm_map_page(TEST_VA, pa, PTE_W | PTE_NX);
	e5 = vm_map_page(TEST_VA, pa, PTE_W);		/* already mapped */
	e6 = vm_unmap_page(TEST_VA, &old);
	e7 = vm_unmap_page(TEST_VA, &old);		/* not mapped now */
	pmm_free(pa);
	ST_CHECK_EQ(e1, ERR_BAD_ARG);
	ST_CHECK_EQ(e2, ERR_BAD_ARG);
	ST_CHECK_EQ(e3, ERR_BAD_ARG);
	ST_CHECK_EQ(e4, 0);
	ST_CHECK_EQ(e5, ERR_BAD_ARG);
	ST_CHECK_EQ(e6, 0);
	ST_CHECK_EQ(e7, ERR_NOT_FOUND);
	ST_CHECK_EQ(vm_unmap_page(KERNEL_VMA + 0x100000, &old), ERR_BAD_ARG);
}

static void
test_vm_text_readonly(void)
{
	uint64_t text = (uint64_t)probe_ud_insn;
	uint8_t before = *(volatile uint8_t *)text;

	if (!st_expect_fault(probe_write, text, T_PF, PF_P | PF_W,
	    (uint64_t)probe_write_insn, text))
		return;
	ST_CHECK_EQ(*(volatile uint8_t *)text, before);
}

static void
test_vm_rodata_readonly(void)
{
	uint64_t ro = (uint64_t)&rodata_word;

	if (!st_expect_fault(probe_write, ro, T_PF, PF_P | PF_W,
	    (uint64_t)probe_write_insn, ro))
		return;
	ST_CHECK_EQ(*(volatile const uint64_t *)&rodata_word,
	    0x0123456789abcdeful);
}

static void
test_vm_data_noexec(void)
{
	uint64_t code = (uint64_t)data_code;
	uint64_t alias = (uint64_t)phys_to_virt(virt_to_phys(data_code));

	data_code[0] = 0xC3;			/* ret */
	if (!st_expect_fault(probe_exec, code, T_PF, PF_P | PF_I, code, code))
		return;
	/* The same bytes through the direct map: NX there too. */
	st_expect_fault(probe_exec, alias, T_PF, PF_P | PF_I, alias, alias);
}

static void
test_vm_no_identity_map(void)
{
	static const uint64_t low[] = { 0x1000, 0x5000, 0x7000, 0x100000,
	    KERNEL_VMA, KERNEL_VMA + 0xB8000 };
	unsigned i;

	for (i = 0; i < sizeof(low) / sizeof(low[0]); i++)
		if (!st_expect_fault(probe_read, low[i], T_PF, 0,
		    (uint64_t)probe_read_insn, low[i]))
			return;
}

static void
test_vm_stack_guards(void)
{
	unsigned n;

	if (!st_expect_fault(probe_read, (uint64_t)kstack_guard, T_PF, 0,
	    (uint64_t)probe_read_insn, (uint64_t)kstack_guard))
		return;
	for (n = 1; n <= IST_COUNT; n++) {
		uint64_t guard = stack_ist_top(n) - IST_STACK_SIZE - 8;

		ST_CHECK(stack_is_guard(guard));
		if (!st_expect_fault(probe_read, guard, T_PF, 0,
		    (uint64_t)probe_read_insn, guard))
			return;
	}
}

ST_SUITE(st_vm,
	ST_CASE(vm_map_unmap),
	ST_CASE(vm_map_errors),
	ST_CASE(vm_text_readonly),
	ST_CASE(vm_rodata_readonly),
	ST_CASE(vm_data_noexec),
	ST_CASE(vm_no_identity_map),
	ST_CASE(vm_stack_guards),
);
