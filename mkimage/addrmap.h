/*
 * addrmap.h - the single global address map that mkimage assigns at build
 * time (documented in docs/mkimage.md and README). Every persistent
 * segment has one address, the same in every process that maps it.
 */
#pragma once

#define AM_NULL_END		0x0000000000400000ull	/* never mapped */
#define AM_EXEC_END		0x0000100000000000ull	/* fixed-address programs */
#define AM_PROG_BASE		0x0000100000000000ull	/* PIE program slots */
#define AM_PROG_SLOT		0x0000000100000000ull	/* 4 GiB each */
#define AM_PROG_END		0x0000200000000000ull
#define AM_STACK_BASE		0x0000200000000000ull	/* one slot per process */
#define AM_STACK_SLOT		0x0000000001000000ull	/* 16 MiB each */
#define AM_STACK_END		0x0000300000000000ull
#define AM_SHARED_BASE		0x0000300000000000ull	/* .mki segments */
#define AM_SHARED_END		0x0000400000000000ull
#define AM_RUNTIME_BASE		0x0000400000000000ull	/* space bank, at run time */
#define AM_RUNTIME_END		0x0000800000000000ull
