/*
 * test.c - the docs/testing.md protocol for user-level tests. State is
 * one current test at a time; a program that runs tests from several
 * processes must let only one of them use this.
 */
#include <stdarg.h>

#include <lib/fmt.h>
#include <lib/string.h>
#include <user/invoke.h>
#include <user/log.h>
#include <user/test.h>

#define NAME_MAX_LEN	96
#define WHY_MAX_LEN	400

static const char *suite_name = "unnamed";
/* Initialized, so in .data: a kept process has no BSS pages (rules.mk). */
static char cur_name[NAME_MAX_LEN] = "";
static char cur_why[WHY_MAX_LEN] = "";
static int cur_failed = 0;
static unsigned n_ended = 0, n_failed = 0;

void
test_plan(const char *suite, unsigned count)
{
	suite_name = suite;
	uprintf("TEST PLAN %s %u\n", suite, count);
}

void
test_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(cur_name, sizeof(cur_name), fmt, ap);
	va_end(ap);
	cur_failed = 0;
	cur_why[0] = '\0';
}

void
test_fail(const char *fmt, ...)
{
	size_t len = strlen(cur_why);
	va_list ap;

	/* Reasons accumulate, "; "-separated, as far as the buffer goes. */
	if (cur_failed++ > 0 && len + 2 < sizeof(cur_why)) {
		cur_why[len++] = ';';
		cur_why[len++] = ' ';
		cur_why[len] = '\0';
	}
	if (len + 1 < sizeof(cur_why)) {
		va_start(ap, fmt);
		fmt_vsnprintf(cur_why + len, sizeof(cur_why) - len, fmt, ap);
		va_end(ap);
	}
	/* A reason is one line: the protocol is line-oriented. */
	for (char *p = cur_why; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

int
test_end(void)
{
	n_ended++;
	if (cur_failed) {
		n_failed++;
		uprintf("TEST FAIL %s.%s: %s\n", suite_name, cur_name,
		    cur_why);
		return 0;
	}
	uprintf("TEST PASS %s.%s\n", suite_name, cur_name);
	return 1;
}

unsigned
test_done(void)
{
	uprintf("TEST DONE %s\n", suite_name);
	return n_failed;
}

unsigned
test_count(void)
{
	return n_ended;
}

unsigned
test_failed(void)
{
	return n_failed;
}

int
test_poll_state(unsigned cr, unsigned sleep_cr, uint64_t want, uint64_t *w)
{
	for (unsigned i = 0; i < 300; i++) {
		if (kcall(cr, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w) != 0)
			return -1;
		if (w[0] == want)
			return 0;
		kcall(sleep_cr, OC_SLEEP_FOR, 1, 10000000, 0, 0, 0, 0);
	}
	return -1;
}
