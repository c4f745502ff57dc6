/*
 * test_fmt_api.c - host tests of lib/fmt.c's contract beyond what the C
 * library shows: truncation at every buffer size, the emit interface,
 * and the documented differences (unsupported conversions are printed as
 * written, %n is never honoured).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lib/fmt.h>

#include "check.h"

/* fmt_snprintf with a format the compiler cannot check. */
static int
unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void
test_unsupported(void)
{
	static const struct {
		const char	*fmt;
		const char	*want;
	} cases[] = {
		{ "%y|%d", "%y|7" },		/* unknown: literal, no arg */
		{ "%f|%d", "%f|7" },		/* no floating point */
		{ "a%nb", "a%nb" },		/* %n is never honoured */
		{ "end%", "end%" },		/* '%' at the end */
		{ "end%-08.3l", "end%-08.3l" },	/* truncated spec */
		{ "%lq", "%lq" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = unchecked(buf, sizeof(buf), cases[i].fmt, 7);

		CHECK_MSG(strcmp(buf, cases[i].want) == 0 &&
		    n == (int)strlen(cases[i].want),
		    "format \"%s\": want \"%s\", got \"%s\" (%d)",
		    cases[i].fmt, cases[i].want, buf, n);
	}
}

/*
 * Format at every buffer size from 0 to two past the full length: the
 * return value is always the full length, the buffer holds the longest
 * prefix that fits plus a NUL, and no byte beyond size is touched.
 * Returns 0 if all sizes behave.
 */
static int
truncations(const char *fmt, ...)
{
	char want[64], buf[64];
	va_list ap, aq;
	size_t size, i;
	int len, n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	len = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	for (size = 0; size <= (size_t)len + 2; size++) {
		size_t keep = size == 0 ? 0 : size - 1 < (size_t)len ?
		    size - 1 : (size_t)len;

		memset(buf, 0xAA, sizeof(buf));
		va_copy(aq, ap);
		n = fmt_vsnprintf(buf, size, fmt, aq);
		va_end(aq);
		if (n != len) {
			check_fail("\"%s\" size %zu: returned %d, want %d",
			    fmt, size, n, len);
			break;
		}
		if (size > 0 && (memcmp(buf, want, keep) != 0 ||
		    buf[keep] != '\0')) {
			check_fail("\"%s\" size %zu: got \"%.*s\"", fmt, size,
			    (int)strnlen(buf, size), buf);
			break;
		}
		for (i = size; i < sizeof(buf); i++)
			if ((unsigned char)buf[i] != 0xAA)
				break;
		if (i < sizeof(buf)) {
			check_fail("\"%s\" size %zu: wrote byte %zu", fmt, size,
			    i);
			break;
		}
	}
	va_end(ap);
	return check_failed;
}

static void
test_truncation(void)
{
	if (truncations("hello %s and %d", "world", -42) ||
	    truncations("%x", 0xbeefu) ||
	    truncations("%020lu|", 18446744073709551615ul) ||
	    truncations("%-12s|", "abc") || truncations("%s", ""))
		return;
	CHECK(fmt_snprintf(NULL, 0, "%d", 12345) == 5);
}

struct collect {
	char	text[256];
	size_t	len;
	int	empty_calls;
};

static void
collect_emit(void *arg, const char *s, size_t n)
{
	struct collect *c = arg;

	if (n == 0)
		c->empty_calls++;
	if (c->len + n < sizeof(c->text)) {
		memcpy(c->text + c->len, s, n);
		c->len += n;
	}
}

static int
collect_format(struct collect *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(collect_emit, c, fmt, ap);
	va_end(ap);
	c->text[c->len] = '\0';
	return n;
}

static void
test_emit(void)
{
	struct collect c = { .len = 0 };
	char want[256];
	int n, wn;

	n = collect_format(&c, "%s|%-5d|%0*x|%%|%c|%.0d|", "", 3, 9, 0xabcu,
	    'q', 0);
	wn = snprintf(want, sizeof(want), "%s|%-5d|%0*x|%%|%c|%.0d|", "", 3,
	    9, 0xabcu, 'q', 0);
	CHECK_MSG(n == wn && strcmp(c.text, want) == 0,
	    "emit gave \"%s\" (%d), want \"%s\" (%d)", c.text, n, want, wn);
	CHECK_MSG(c.empty_calls == 0, "%d calls with n == 0", c.empty_calls);
}

static const struct check_case cases[] = {
	CHECK_CASE(test_unsupported),
	CHECK_CASE(test_truncation),
	CHECK_CASE(test_emit),
};

int
main(void)
{
	return check_run("fmt_api", cases, CHECK_COUNT(cases));
}
