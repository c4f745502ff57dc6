/*
 * selftest.h - in-kernel unit tests. They are linked only into the test
 * kernel (build/kernel/kernel-test.elf, kernel/rules.mk), whose
 * kernel_main runs them all after kernel_init() and reports on the
 * console in the protocol of docs/testing.md under the suite name
 * "kernel" (or, for suites registered with ST_SUITE_AS, a suite of their
 * own, after "kernel").
 *
 * A test is a void function; it fails by calling st_fail() (ST_CHECK and
 * ST_CHECK_EQ do, then return). An exception a test did not expect is
 * caught by the runner and fails only that test.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <selftest/st_catch.h>
#include <x86_64/trap.h>

struct st_case {
	const char	*name;
	void		(*fn)(void);
};

/* ST_CASE(foo) runs test_foo() and reports it as kernel.foo. */
#define ST_CASE(name)	{ #name, test_##name }

/*
 * A suite: one per file, registered by the linker (section st_suites, see
 * kernel.ld), so adding a test file touches no shared list. Suites run in
 * link order; their cases report as kernel.<case>.
 */
struct st_suite {
	const char		*name;
	const struct st_case	*cases;
	unsigned		count;
	const char		*report;	/* protocol suite; NULL: kernel */
};

#define ST_SUITE(name, ...)							static const struct st_case name##_cases[] = { __VA_ARGS__ };		static const struct st_suite name##_suite				    __attribute__((used, section("st_suites"), aligned(8))) =		    { #name, name##_cases,						      sizeof(name##_cases) / sizeof(name##_cases[0]), NULL }

/*
 * ST_SUITE_AS("blk", st_blk, ...) is ST_SUITE whose cases report as
 * blk.<case> in a protocol suite of their own, after the kernel suite:
 * for tests of a device rather than of the kernel's own code.
 */
#define ST_SUITE_AS(report, name, ...)					\
	static const struct st_case name##_cases[] = { __VA_ARGS__ };	\
	static const struct st_suite name##_suite			\
	    __attribute__((used, section("st_suites"), aligned(8))) =	\
	    { #name, name##_cases,					\
	      sizeof(name##_cases) / sizeof(name##_cases[0]), report }

/* Mark the running test failed; the first reason is the one reported. */
void	st_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ST_CHECK(cond) do {						\
	if (!(cond)) {							\
		st_fail("%s:%d: %s", __FILE__, __LINE__, #cond);	\
		return;							\
	}								\
} while (0)

#define ST_CHECK_EQ(a, b) do {						\
	uint64_t st_a_ = (uint64_t)(a), st_b_ = (uint64_t)(b);		\
	if (st_a_ != st_b_) {						\
		st_fail("%s:%d: %s is %#lx, want %#lx", __FILE__,	\
		    __LINE__, #a, st_a_, st_b_);			\
		return;							\
	}								\
} while (0)

/*
 * Call fn(arg) with c armed. Returns true if fn raised an exception
 * (recorded in c), false if it returned normally.
 */
bool	st_expect_trap(void (*fn)(uint64_t), uint64_t arg,
	    struct trap_catch *c);

/*
 * st_expect_trap, then check the vector, error code, RIP and (for #PF)
 * CR2 recorded; rip 0 skips the RIP check. Records a failure and returns
 * false on any difference.
 */
bool	st_expect_fault(void (*fn)(uint64_t), uint64_t arg, uint64_t vector,
	    uint64_t error, uint64_t rip, uint64_t cr2);

/* The fault probes of x86_64/st_probe.S. */
void		probe_read(uint64_t addr);
void		probe_write(uint64_t addr);
void		probe_exec(uint64_t addr);
void		probe_ud(uint64_t unused);
void		probe_div0(uint64_t unused);
void		probe_bp(uint64_t unused);
void		probe_int81(uint64_t unused);
extern char	probe_read_insn[], probe_write_insn[], probe_ud_insn[],
		probe_div0_insn[], probe_bp_next[];
