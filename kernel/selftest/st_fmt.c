/*
 * st_fmt.c - self-tests of formatting as the kernel builds it (freestanding
 * flags, no SSE): known answers for lib/fmt.c and the kprintf path. The
 * exhaustive comparison with a C library is tests/host/test_fmt.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <lib/fmt.h>
#include <lib/string.h>
#include <printf.h>
#include <selftest/selftest.h>

/* Format into buf and compare with want. */
#define FMT_EXPECT(want, ...) do {					\
	char buf_[96];							\
	int n_ = fmt_snprintf(buf_, sizeof(buf_), __VA_ARGS__);	\
	if (strcmp(buf_, (want)) != 0 || n_ != (int)strlen(want)) {	\
		st_fail("%s: got \"%s\" (%d), want \"%s\"", #__VA_ARGS__, \
		    buf_, n_, (want));					\
		return;							\
	}								\
} while (0)

static void
test_fmt_integers(void)
{
	FMT_EXPECT("-42", "%d", -42);
	FMT_EXPECT("   42|42   |-0042", "%5u|%-5d|%05d", 42u, 42, -42);
	FMT_EXPECT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	FMT_EXPECT("ffffffff80100000", "%lx", 0xffffffff80100000ul);
	FMT_EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT_EXPECT("18446744073709551615", "%zu", (size_t)-1);
	FMT_EXPECT("010 0x1f 005 +5 ' 7'", "%#o %#x %.3d %+d '% d'", 8u,
	    0x1fu, 5, 5, 7);
	FMT_EXPECT("0x00000000000abc", "%#016lx", 0xabcul);
	FMT_EXPECT("-1 255 65535", "%hhd %hhu %hu", -1, 255, 65535);
	FMT_EXPECT("", "%.0d", 0);
}

static void
test_fmt_strings_pointers(void)
{
	FMT_EXPECT("abc|  abc|abc  |ab", "%s|%5s|%-5s|%.2s", "abc", "abc",
	    "abc", "abc");
	FMT_EXPECT("x|    y|%", "%c|%5c|%%", 'x', 'y');
	FMT_EXPECT("0x5000 (nil)", "%p %p", (void *)0x5000, (void *)0);
	FMT_EXPECT("[0xffffffff80100000]", "[%p]",
	    (void *)0xffffffff80100000ul);
	FMT_EXPECT("    7|7    ", "%*d|%-*d", 5, 7, 5, 7);
}

static void
test_fmt_truncation(void)
{
	char buf[8];
	int n;

	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, 4, "hello %d", 12345);
	ST_CHECK_EQ(n, 11);
	ST_CHECK(memcmp(buf, "hel\0ZZZZ", 8) == 0);
	n = fmt_snprintf(buf, 0, "%s", "nothing written");
	ST_CHECK_EQ(n, 15);
	ST_CHECK_EQ(buf[0], 'h');
}

static void
test_fmt_kprintf(void)
{
	int n = kprintf("selftest: kprintf %s %d %#x\n", "counts", -3, 0x10u);

	/* "selftest: kprintf counts -3 0x10\n" */
	ST_CHECK_EQ(n, 33);
	ST_CHECK_EQ(kprintf("%s", ""), 0);
}

ST_SUITE(st_fmt,
	ST_CASE(fmt_integers),
	ST_CASE(fmt_strings_pointers),
	ST_CASE(fmt_truncation),
	ST_CASE(fmt_kprintf),
);
