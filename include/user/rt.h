/*
 * rt.h - the user runtime's start and end. crt0.S enters umain() with the
 * first four registers mkimage set (a .mki "reg rdi ..." line), on a
 * 16-byte aligned stack; if umain returns the process parks itself.
 */
#pragma once

#include <stdint.h>

/* Every program defines it. a0..a3 are the initial rdi, rsi, rdx, rcx. */
void	umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * Stop running for good: waits for a message forever (a process has no
 * cap to itself in general, so it cannot stop itself otherwise).
 */
_Noreturn void	rt_exit(void);

/* Read the time-stamp counter (under -icount shift=0: instructions). */
static inline uint64_t
rt_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* xorshift64*: the fuzzer's and the tests' seeded generator. */
static inline uint64_t
rt_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}
