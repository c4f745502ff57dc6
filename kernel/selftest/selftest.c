/*
 * selftest.c - the test kernel's kernel_main (init.h), the self-test
 * runner, and the helpers tests share.
 *
 * Each test runs under a catch of the runner's own, so an exception the
 * test did not expect fails that test and the next one still runs. A
 * panic (a kernel bug) stops everything; the harness then sees fewer
 * results than planned and a failing exit code.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <init.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <printf.h>
#include <selftest/selftest.h>
#include <x86_64/cpu.h>
#include <x86_64/qemu.h>
#include <x86_64/trap.h>

#define SUITE	"kernel"

/* Every ST_SUITE, gathered by kernel.ld. */
extern const struct st_suite	st_suites_start[], st_suites_end[];

static bool	failed;
static char	reason[200];

void
st_fail(const char *fmt, ...)
{
	va_list ap;

	if (failed)
		return;
	failed = true;
	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
}

bool
st_expect_trap(void (*fn)(uint64_t), uint64_t arg, struct trap_catch *c)
{
	if (kjmp_set(&c->jmp) != 0)
		return true;		/* resumed by the exception */
	trap_catch_arm(c);
	fn(arg);
	trap_catch_disarm(c);
	return false;
}

bool
st_expect_fault(void (*fn)(uint64_t), uint64_t arg, uint64_t vector,
    uint64_t error, uint64_t rip, uint64_t cr2)
{
	struct trap_catch c;
	char line[128];

	if (!st_expect_trap(fn, arg, &c)) {
		st_fail("no exception, want %s (%lu)", trap_name(vector),
		    vector);
		return false;
	}
	trap_describe(line, sizeof(line), c.vector, c.error, c.rip, c.cr2);
	kprintf("selftest: caught %s\n", line);
	if (c.vector != vector || c.error != error ||
	    (rip != 0 && c.rip != rip) || (vector == T_PF && c.cr2 != cr2)) {
		st_fail("got %s; want %s (%lu) err=0x%lx rip=0x%lx cr2=0x%lx",
		    line, trap_name(vector), vector, error, rip, cr2);
		return false;
	}
	return true;
}

/* Run one test under the runner's catch; true if it passed. */
static bool
run_one(const char *report, const struct st_case *tc)
{
	struct trap_catch guard;

	failed = false;
	reason[0] = '\0';
	if (kjmp_set(&guard.jmp) == 0) {
		trap_catch_arm(&guard);
		tc->fn();
		trap_catch_disarm(&guard);
	} else {
		char line[128];

		trap_describe(line, sizeof(line), guard.vector, guard.error,
		    guard.rip, guard.cr2);
		st_fail("unexpected %s", line);
	}
	cpu_sti();		/* whatever the test did, the next runs alike */
	if (failed)
		kprintf("TEST FAIL %s.%s: %s\n", report, tc->name, reason);
	else
		kprintf("TEST PASS %s.%s\n", report, tc->name);
	return !failed;
}

/* The protocol suite s reports in. */
static const char *
report_of(const struct st_suite *s)
{
	return s->report != NULL ? s->report : SUITE;
}

/* Run, between PLAN and DONE, every suite that reports as report. */
static void
run_report(const char *report, unsigned *total, unsigned *npass)
{
	const struct st_suite *s;
	unsigned i, n = 0;

	for (s = st_suites_start; s < st_suites_end; s++)
		if (strcmp(report_of(s), report) == 0)
			n += s->count;
	kprintf("TEST PLAN %s %u\n", report, n);
	for (s = st_suites_start; s < st_suites_end; s++)
		if (strcmp(report_of(s), report) == 0)
			for (i = 0; i < s->count; i++)
				if (run_one(report, &s->cases[i]))
					(*npass)++;
	kprintf("TEST DONE %s\n", report);
	*total += n;
}

/* Run every test, print the results, exit QEMU (0 all passed, else 1). */
static void __attribute__((noreturn))
selftest_run(void)
{
	const struct st_suite *s, *t;
	unsigned total = 0, npass = 0;

	run_report(SUITE, &total, &npass);
	for (s = st_suites_start; s < st_suites_end; s++) {
		for (t = st_suites_start; t < s; t++)	/* first of its name? */
			if (strcmp(report_of(t), report_of(s)) == 0)
				break;
		if (t == s && strcmp(report_of(s), SUITE) != 0)
			run_report(report_of(s), &total, &npass);
	}
	kprintf("selftest: %u passed, %u failed\n", npass, total - npass);
	qemu_exit(npass == total ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	kprintf("selftest: no isa-debug-exit device; halting\n");
	cpu_halt_forever();
}

void
kernel_main(uint64_t bootinfo_phys)
{
	kernel_init(bootinfo_phys);
	selftest_run();
}
