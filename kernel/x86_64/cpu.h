/*
 * cpu.h - x86-64 control registers, MSRs, CPUID, TSC and interrupt flag.
 * Thin inline wrappers: one instruction each, no policy.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CR0_WP		(1ul << 16)	/* supervisor writes honour R/O */
#define CR4_PGE		(1ul << 7)	/* global pages */
#define RFLAGS_IF	0x200	/* same text as abi/process.h: both may be included */

#define MSR_EFER	0xC0000080u
#define EFER_NXE	(1ul << 11)

/* CPUID feature bits the kernel checks. */
#define CPUID1_EDX_TSC		(1u << 4)
#define CPUID1_EDX_PGE		(1u << 13)
#define CPUID81_EDX_NX		(1u << 20)

#define CPU_READ_CR(n)							\
static inline uint64_t							\
cpu_read_cr##n(void)							\
{									\
	uint64_t v;							\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));		\
	return v;							\
}
CPU_READ_CR(0)
CPU_READ_CR(2)
CPU_READ_CR(3)
CPU_READ_CR(4)
#undef CPU_READ_CR

static inline void
cpu_write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* Loading CR3 flushes every non-global TLB entry. */
static inline void
cpu_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void
cpu_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t
cpu_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
cpu_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void
cpu_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
	    : "a"(leaf), "c"(0));
}

static inline uint64_t
cpu_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t
cpu_read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void
cpu_cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void
cpu_sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/* Enable interrupts and wait for one, with no window between the two. */
static inline void
cpu_sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void
cpu_pause(void)
{
	__asm__ volatile("pause");
}

/*
 * Disable interrupts and return the previous RFLAGS, for
 * cpu_irq_restore(): the pair nests.
 */
static inline uint64_t
cpu_irq_save(void)
{
	uint64_t f = cpu_read_rflags();

	cpu_cli();
	return f;
}

static inline void
cpu_irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		cpu_sti();
}

static inline bool
cpu_irq_enabled(void)
{
	return (cpu_read_rflags() & RFLAGS_IF) != 0;
}

static inline void
cpu_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Halt forever with interrupts off (NMIs still end each hlt). */
static inline __attribute__((noreturn)) void
cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}
