/*
 * test.c - the docs/testing.md protocol for user-level tests. State is
 * one current test at a time; a program that runs tests from several
 * processes must let only one of them use this.
 */
#include <stdarg.h>

#include <lib/fmt.h>
#include <lib/string.h>
#include <user/log.h>
#include <user/test.h>

#define NAME_MAX_LEN	96
#define WHY_MAX_LEN	200

static const char *suite_name = "unnamed";
static char cur_name[NAME_MAX_LEN];
static char cur_why[WHY_MAX_LEN];
static int cur_failed;
static unsigned n_ended, n_failed;

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
	va_list ap;

	if (cur_failed++)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(cur_why, sizeof(cur_why), fmt, ap);
	va_end(ap);
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
		if (cur_failed > 1)
			uprintf("TEST FAIL %s.%s: %s (and %d more)\n",
			    suite_name, cur_name, cur_why, cur_failed - 1);
		else
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
