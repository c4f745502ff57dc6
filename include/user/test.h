/*
 * test.h - the test result protocol of docs/testing.md for user-level
 * test programs, printed through the KERNLOG cap (user/log.h):
 *
 *   TEST PLAN <suite> <count>
 *   TEST PASS <suite>.<name>
 *   TEST FAIL <suite>.<name>: <reason>
 *   TEST DONE <suite>
 *
 * A test runs between test_begin() and test_end(); any number of checks
 * may fail in between; their reasons are reported together. Names may
 * hold no blanks and no ':'.
 */
#pragma once

#include <stdint.h>

/* Print the plan: count tests of suite will follow. */
void	test_plan(const char *suite, unsigned count);

/* Start a test named by the format (the suite prefix is added). */
void	test_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record a failure of the current test and its reason. */
void	test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print PASS or FAIL for the current test; returns 1 if it passed. */
int	test_end(void);

/* Print DONE. Returns the number of tests that failed. */
unsigned test_done(void);

/* Tests ended so far, and how many failed. */
unsigned test_count(void);
unsigned test_failed(void);

/*
 * Wait up to 3 s (300 sleeps of 10 ms through the SLEEP cap in register
 * sleep_cr) for the process whose PROCESS cap is in register cr to reach
 * run state want (PS_*); w gets OC_PROC_GET_STATE's answer. Returns 0,
 * or -1 on timeout or if the cap fails.
 */
int	test_poll_state(unsigned cr, unsigned sleep_cr, uint64_t want,
	    uint64_t *w);

/* Fail the current test unless got == want; what names the check. */
#define TEST_EQ(got, want, what) do {					\
	uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);	\
	if (got_ != want_)						\
		test_fail("%s: got %#lx, want %#lx", (what),		\
		    (unsigned long)got_, (unsigned long)want_);		\
} while (0)

/* Fail the current test unless cond holds. */
#define TEST_TRUE(cond, what) do {					\
	if (!(cond))							\
		test_fail("%s", (what));				\
} while (0)
