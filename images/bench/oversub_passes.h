/*
 * oversub_passes.h - the two passes of the oversubscribed row, shared by
 * both sides so that they do the same work: ours (oversub.c) and Linux's
 * (tests/bench/linux/rows_swap.c). Plain C over stdint.h: it builds in
 * our user runtime and with glibc alike.
 */
#pragma once

#include <stdint.h>

#define OVERSUB_PAGE_QWORDS	512u		/* 4 KiB pages */
#define OVERSUB_PATTERN_MUL	UINT64_C(0x9E3779B97F4A7C15)

/* Qword j of page i: never zero, different in every page and qword. */
static inline uint64_t
oversub_pattern(uint64_t i, unsigned j)
{
	return (i + 1) * OVERSUB_PATTERN_MUL ^ j;
}

/* Write every qword of pages [0, pages) from p on. */
static inline void
oversub_write(volatile uint64_t *p, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++, p += OVERSUB_PAGE_QWORDS)
		for (unsigned j = 0; j < OVERSUB_PAGE_QWORDS; j++)
			p[j] = oversub_pattern(i, j);
}

/* Read them back: the index of the first page that reads back wrong,
   or pages. */
static inline uint64_t
oversub_read(volatile uint64_t *p, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++, p += OVERSUB_PAGE_QWORDS) {
		uint64_t bad = 0;

		for (unsigned j = 0; j < OVERSUB_PAGE_QWORDS; j++)
			bad |= p[j] ^ oversub_pattern(i, j);
		if (bad != 0)
			return i;
	}
	return pages;
}
