/*
 * st_trap.c - self-tests of exception handling: deliberately raised
 * #PF (read and write), #UD, #DE, #GP, #BP and a stack overflow (#DF on
 * its IST stack), each checked for vector, error code, RIP and CR2; the
 * nesting of catches; and the report line's format.
 */
#include <stdbool.h>
#include <stdint.h>

#include <lib/string.h>
#include <selftest/selftest.h>
#include <x86_64/stack.h>
#include <x86_64/trap.h>
#include <x86_64/vm.h>

/* Nothing is ever mapped here (vm_map_page users stay far below). */
#define UNMAPPED_VA	(KMAP_BASE + KMAP_SIZE - 0x10000)
#define NONCANONICAL	0x8000000000000000ul

static void
test_trap_pf_read(void)
{
	st_expect_fault(probe_read, UNMAPPED_VA, T_PF, 0,
	    (uint64_t)probe_read_insn, UNMAPPED_VA);
}

static void
test_trap_pf_write(void)
{
	st_expect_fault(probe_write, UNMAPPED_VA + 0x123, T_PF, PF_W,
	    (uint64_t)probe_write_insn, UNMAPPED_VA + 0x123);
}

static void
test_trap_ud(void)
{
	st_expect_fault(probe_ud, 0, T_UD, 0, (uint64_t)probe_ud_insn, 0);
}

static void
test_trap_de(void)
{
	st_expect_fault(probe_div0, 0, T_DE, 0, (uint64_t)probe_div0_insn, 0);
}

static void
test_trap_gp_noncanonical(void)
{
	st_expect_fault(probe_read, NONCANONICAL, T_GP, 0,
	    (uint64_t)probe_read_insn, 0);
}

/* #BP is a trap: the recorded RIP is the instruction after int3. */
static void
test_trap_bp(void)
{
	st_expect_fault(probe_bp, 0, T_BP, 0, (uint64_t)probe_bp_next, 0);
}

/* Deeper than any stack: the recursion ends only by faulting. */
static volatile uint64_t	overflow_limit = UINT64_MAX;

/* Recurse until the kernel stack's guard page. */
static void
overflow(uint64_t depth)
{
	volatile uint8_t pad[256];

	pad[0] = (uint8_t)depth;
	if (depth < overflow_limit)
		overflow(depth + 1);
	pad[1] = pad[0];		/* not a tail call */
}

/*
 * A #PF on the guard page cannot push its frame on the full stack, so
 * the CPU raises #DF, which runs on IST1 and must still be reported.
 */
static void
test_trap_stack_overflow(void)
{
	struct trap_catch c;

	if (!st_expect_trap(overflow, 0, &c)) {
		st_fail("overflow returned");
		return;
	}
	ST_CHECK_EQ(c.vector, T_DF);
	ST_CHECK_EQ(c.error, 0);
	ST_CHECK(stack_is_guard(c.cr2));
	ST_CHECK(c.rsp >= (uint64_t)kstack_guard &&
	    c.rsp < (uint64_t)kstack_bottom + 4096);
}

static void
test_trap_nested_catch(void)
{
	struct trap_catch outer, inner;
	volatile int stage = 0;

	if (kjmp_set(&outer.jmp) == 0) {
		trap_catch_arm(&outer);
		stage = 1;
		if (!st_expect_trap(probe_ud, 0, &inner)) {
			trap_catch_disarm(&outer);
			st_fail("inner catch saw no exception");
			return;
		}
		stage = 2;
		probe_div0(0);			/* goes to outer */
		stage = 3;
		trap_catch_disarm(&outer);
	}
	ST_CHECK_EQ(stage, 2);
	ST_CHECK_EQ(inner.vector, T_UD);
	ST_CHECK_EQ(outer.vector, T_DE);
	/* Both catches are used up: a new one still works. */
	st_expect_fault(probe_ud, 0, T_UD, 0, (uint64_t)probe_ud_insn, 0);
}

/* A stray vector is logged and resumed, and consumes no catch. */
static void
test_trap_unexpected_vector(void)
{
	uint64_t before = trap_unexpected();
	struct trap_catch c;

	if (st_expect_trap(probe_int81, 0, &c)) {
		st_fail("int $0x81 was taken for an exception (%lu)", c.vector);
		return;
	}
	ST_CHECK_EQ(trap_unexpected(), before + 1);
}

static void
test_trap_report_format(void)
{
	char buf[128];

	trap_describe(buf, sizeof(buf), T_PF, 2, 0xffffffff80101234ul,
	    0xdead000);
	ST_CHECK(strcmp(buf, "exception #PF (14) err=0x2 "
	    "rip=0xffffffff80101234 cr2=0xdead000") == 0);
	trap_describe(buf, sizeof(buf), T_DF, 0, 1, 0);
	ST_CHECK(strcmp(buf, "exception #DF (8) err=0x0 rip=0x1 cr2=0x0") ==
	    0);
	ST_CHECK(strcmp(trap_name(T_GP), "#GP") == 0);
	ST_CHECK(strcmp(trap_name(31), "#RES31") == 0);
	ST_CHECK(strcmp(trap_name(32), "#??") == 0);
}

ST_SUITE(st_trap,
	ST_CASE(trap_pf_read),
	ST_CASE(trap_pf_write),
	ST_CASE(trap_ud),
	ST_CASE(trap_de),
	ST_CASE(trap_gp_noncanonical),
	ST_CASE(trap_bp),
	ST_CASE(trap_stack_overflow),
	ST_CASE(trap_nested_catch),
	ST_CASE(trap_unexpected_vector),
	ST_CASE(trap_report_format),
);
