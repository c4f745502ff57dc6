/*
 * stack.c - where the kernel's stacks are, for the TSS, the page tables
 * (guard pages stay unmapped) and backtraces (which must never follow a
 * frame pointer out of a stack).
 * Invariant: every stack is STACK_GUARD bytes above a page-aligned
 * guard; the layout is fixed by entry.S.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86_64/stack.h>

_Static_assert(KSTACK_SIZE % 4096 == 0 && IST_STACK_SIZE % 4096 == 0,
    "stacks are whole pages");

static uint64_t
ist_base(unsigned n)		/* the guard page of IST stack n */
{
	return (uint64_t)ist_stacks + (uint64_t)(n - 1) *
	    (STACK_GUARD + IST_STACK_SIZE);
}

uint64_t
stack_ist_top(unsigned n)
{
	return ist_base(n) + STACK_GUARD + IST_STACK_SIZE;
}

bool
stack_contains(uint64_t lo, uint64_t hi)
{
	unsigned n;

	if (hi < lo)
		return false;
	if (lo >= (uint64_t)kstack_bottom && hi <= (uint64_t)kstack_top)
		return true;
	for (n = 1; n <= IST_COUNT; n++)
		if (lo >= ist_base(n) + STACK_GUARD && hi <= stack_ist_top(n))
			return true;
	return false;
}

bool
stack_is_guard(uint64_t va)
{
	unsigned n;

	va &= ~(uint64_t)4095;
	if (va >= (uint64_t)kstack_guard && va < (uint64_t)kstack_bottom)
		return true;
	for (n = 1; n <= IST_COUNT; n++)
		if (va >= ist_base(n) && va < ist_base(n) + STACK_GUARD)
			return true;
	return false;
}
