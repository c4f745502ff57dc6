/*
 * check.h - the test result protocol of docs/testing.md for host test
 * programs, header only.
 *
 *	static void
 *	test_add(void)
 *	{
 *		CHECK(add(2, 2) == 4);
 *		CHECK_MSG(add(1, 1) == 2, "add(1, 1) = %d", add(1, 1));
 *	}
 *	static const struct check_case cases[] = { CHECK_CASE(test_add) };
 *	int main(void) { return check_run("math", cases, CHECK_COUNT(cases)); }
 *
 * prints "TEST PLAN math 1", "TEST PASS math.add", "TEST DONE math".
 * A test fails if it calls check_fail() (CHECK and CHECK_MSG do, then
 * return); the first reason is reported, on one line. check_run() returns
 * the process exit status: 0 if every test passed, 1 otherwise.
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CHECK_PLAN(suite, n)	printf("TEST PLAN %s %d\n", (suite), (int)(n))
#define CHECK_PASS(suite, name)	printf("TEST PASS %s.%s\n", (suite), (name))
#define CHECK_FAIL(suite, name, reason)	\
	printf("TEST FAIL %s.%s: %s\n", (suite), (name), (reason))
#define CHECK_DONE(suite)	printf("TEST DONE %s\n", (suite))

struct check_case {
	const char	*name;
	void		(*fn)(void);
};

/* A case named after its function; a "test_" prefix is not printed. */
#define CHECK_CASE(fn)	{ #fn, fn }
#define CHECK_COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* State of the test that is running; one test at a time. */
static int	check_failed;
static char	check_reason[512];

/*
 * Record that the running test failed, with a printf-style reason. Only
 * the first call per test is kept; control characters are escaped so the
 * reason stays on one protocol line.
 */
static inline void __attribute__((format(printf, 1, 2)))
check_fail(const char *fmt, ...)
{
	char raw[sizeof(check_reason)];
	va_list ap;
	size_t i, o = 0;

	if (check_failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	for (i = 0; raw[i] != '\0' && o + 5 < sizeof(check_reason); i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(check_reason + o,
			    sizeof(check_reason) - o, "\\x%02x", c);
		else
			check_reason[o++] = (char)c;
	}
	check_reason[o] = '\0';
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		check_fail("%s:%d: %s", __FILE__, __LINE__, #cond);	\
		return;							\
	}								\
} while (0)

#define CHECK_MSG(cond, ...) do {					\
	if (!(cond)) {							\
		check_fail(__VA_ARGS__);				\
		return;							\
	}								\
} while (0)

/* Run every case in order under the protocol; see the top of the file. */
static inline int
check_run(const char *suite, const struct check_case *cases, size_t n)
{
	size_t i;
	int bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines survive a crash */
	CHECK_PLAN(suite, n);
	for (i = 0; i < n; i++) {
		const char *name = cases[i].name;

		if (strncmp(name, "test_", 5) == 0)
			name += 5;
		check_failed = 0;
		check_reason[0] = '\0';
		cases[i].fn();
		if (check_failed) {
			CHECK_FAIL(suite, name, check_reason);
			bad = 1;
		} else
			CHECK_PASS(suite, name);
	}
	CHECK_DONE(suite);
	return bad;
}
