/*
 * st_pagezero.c - self-tests of page_zero (x86_64/pagezero.h): exactly
 * the frame becomes zero, xmm0 (user state the FPU may hold) comes back
 * as it was, and CR0.TS is left as found, with no #NM on the way.
 */
#include <stdint.h>

#include <abi/types.h>
#include <lib/string.h>
#include <pmm.h>
#include <selftest/selftest.h>
#include <x86_64/cpu.h>
#include <x86_64/pagezero.h>
#include <x86_64/vm.h>

#define CR0_TS	(1ul << 3)

#define TRY	64

/* Three physically adjacent frames (from TRY allocations), or 0. */
static uint64_t
three_frames(void)
{
	uint64_t f[TRY], found = 0;
	unsigned i, j, n;

	for (n = 0; n < TRY && (f[n] = pmm_alloc()) != 0; n++)
		;
	for (i = 0; i < n && found == 0; i++) {
		unsigned have = 0;

		for (j = 0; j < n; j++)
			if (f[j] == f[i] + PAGE_SIZE ||
			    f[j] == f[i] + 2 * PAGE_SIZE)
				have++;
		if (have == 2)
			found = f[i];
	}
	for (i = 0; i < n; i++)
		if (found == 0 || f[i] < found || f[i] > found + 2 * PAGE_SIZE)
			pmm_free(f[i]);
	return found;
}

static void
test_pagezero_exact(void)
{
	uint64_t pa = three_frames();
	uint8_t *p;
	unsigned i;

	ST_CHECK(pa != 0);
	p = phys_to_virt(pa);
	memset(p, 0xa5, 3 * PAGE_SIZE);
	page_zero(p + PAGE_SIZE);
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		if (p[i] != (i >= PAGE_SIZE && i < 2 * PAGE_SIZE ? 0 : 0xa5))
			break;
	ST_CHECK_EQ(i, 3 * PAGE_SIZE);
	for (i = 0; i < 3; i++)
		pmm_free(pa + i * PAGE_SIZE);
}

/* page_zero(va) with xmm0 = *in before; *out = xmm0 after. */
static void
zero_with_xmm0(void *va, const uint64_t *in, uint64_t *out)
{
	__asm__ volatile(
	    "movdqu (%[in]), %%xmm0\n\t"
	    "call page_zero\n\t"
	    "movdqu %%xmm0, (%[out])"
	    : "+D"(va)
	    : [in] "S"(in), [out] "c"(out)
	    : "rax", "rdx", "memory", "cc");
}

static void
test_pagezero_keeps_state(void)
{
	static const uint64_t in[2] = { 0x0123456789abcdefull,
	    0xfedcba9876543210ull };
	uint64_t pa = pmm_alloc(), out[2] = { 0, 0 }, cr0 = cpu_read_cr0();
	uint8_t *p;
	unsigned i;

	ST_CHECK(pa != 0);
	p = phys_to_virt(pa);
	/* TS clear: xmm0 holds someone's value and must keep it. */
	cpu_write_cr0(cr0 & ~CR0_TS);
	memset(p, 0x5a, PAGE_SIZE);
	zero_with_xmm0(p, in, out);
	ST_CHECK_EQ(out[0], in[0]);
	ST_CHECK_EQ(out[1], in[1]);
	ST_CHECK_EQ(cpu_read_cr0() & CR0_TS, 0);
	/* TS set (a lazy FPU switch is pending): no #NM, TS set after. */
	memset(p, 0x5a, PAGE_SIZE);
	cpu_write_cr0(cr0 | CR0_TS);
	page_zero(p);
	ST_CHECK_EQ(cpu_read_cr0() & CR0_TS, CR0_TS);
	cpu_write_cr0(cr0);
	for (i = 0; i < PAGE_SIZE && p[i] == 0; i++)
		;
	ST_CHECK_EQ(i, PAGE_SIZE);
	pmm_free(pa);
}

ST_SUITE(st_pagezero,
	ST_CASE(pagezero_exact),
	ST_CASE(pagezero_keeps_state),
);
