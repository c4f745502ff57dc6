/*
 * test_fmt.c - host tests for lib/fmt.c: every supported conversion is
 * compared with the C library's snprintf over generated and random
 * formats. The API contract (truncation, emit, unsupported conversions)
 * is tested in test_fmt_api.c.
 *
 * Formats whose behaviour C leaves undefined ('#' with d/i/u/c/s/p, '0'
 * with c/s/p, a precision with c/p) are never generated: there the C
 * library is no reference.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/fmt.h>

#include "check.h"

#define OUT_MAX	512

static unsigned long	ncompared;

/*
 * Format with both snprintf and fmt_vsnprintf; on a difference record a
 * failure naming the format and both results. Returns 0 if they agree.
 */
static int __attribute__((format(printf, 1, 2)))
compare(const char *fmt, ...)
{
	char want[OUT_MAX], got[OUT_MAX];
	va_list ap, ap2;
	int wn, gn;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	wn = vsnprintf(want, sizeof(want), fmt, ap);
	gn = fmt_vsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	ncompared++;
	if (wn < 0 || wn >= OUT_MAX) {
		check_fail("format \"%s\": reference output too long (%d)",
		    fmt, wn);
		return 1;
	}
	if (wn != gn || memcmp(want, got, (size_t)wn + 1) != 0) {
		/* got may lack its NUL: print at most the buffer. */
		check_fail("format \"%s\": want \"%s\" (%d), got \"%.*s\" (%d)",
		    fmt, want, wn, (int)strnlen(got, sizeof(got)), got, gn);
		return 1;
	}
	return 0;
}

/* The argument type a conversion with a length modifier reads. */
enum argkind {
	AK_INT, AK_UINT, AK_LONG, AK_ULONG, AK_LLONG, AK_ULLONG, AK_SSIZE,
	AK_SIZE, AK_INTMAX, AK_UINTMAX, AK_PTRDIFF, AK_UPTRDIFF, AK_PTR,
	AK_STR, AK_CHAR
};

static const char *const strings[] = {
	"", "a", "hello", "hello, world", "tab\there", "0123456789abcdef",
	"a string longer than most field widths in these tests",
};
#define NSTRINGS	(sizeof(strings) / sizeof(strings[0]))

#define ARG_SWITCH(CALL) do {						\
	switch (k) {							\
	case AK_INT:	 return CALL((int)v);				\
	case AK_UINT:	 return CALL((unsigned)v);			\
	case AK_LONG:	 return CALL((long)v);				\
	case AK_ULONG:	 return CALL((unsigned long)v);			\
	case AK_LLONG:	 return CALL((long long)v);			\
	case AK_ULLONG:	 return CALL((unsigned long long)v);		\
	case AK_SSIZE:	 return CALL((ptrdiff_t)v);			\
	case AK_SIZE:	 return CALL((size_t)v);			\
	case AK_INTMAX:	 return CALL((intmax_t)v);			\
	case AK_UINTMAX: return CALL((uintmax_t)v);			\
	case AK_PTRDIFF: return CALL((ptrdiff_t)v);			\
	case AK_UPTRDIFF: return CALL((size_t)v);			\
	case AK_PTR:	 return CALL((void *)(uintptr_t)v);		\
	case AK_STR:	 return CALL(strings[v % NSTRINGS]);		\
	case AK_CHAR:	 return CALL((int)(unsigned char)v);		\
	}								\
	return 1;							\
} while (0)

/* compare() for a one-conversion format with nstar leading int args. */
static int
compare_one(const char *fmt, int nstar, int s1, int s2, enum argkind k,
    uint64_t v)
{
#define CALL0(x)	compare(fmt, x)
#define CALL1(x)	compare(fmt, s1, x)
#define CALL2(x)	compare(fmt, s1, s2, x)
	if (nstar == 0)
		ARG_SWITCH(CALL0);
	else if (nstar == 1)
		ARG_SWITCH(CALL1);
	else
		ARG_SWITCH(CALL2);
#undef CALL0
#undef CALL1
#undef CALL2
}

/* The argument kind of conversion conv with length modifier len. */
static enum argkind
kind_of(char conv, const char *len)
{
	static const struct {
		const char	*len;
		enum argkind	sgn, uns;
	} kinds[] = {
		{ "l", AK_LONG, AK_ULONG }, { "ll", AK_LLONG, AK_ULLONG },
		{ "z", AK_SSIZE, AK_SIZE }, { "j", AK_INTMAX, AK_UINTMAX },
		{ "t", AK_PTRDIFF, AK_UPTRDIFF },
	};
	int sgn = conv == 'd' || conv == 'i';
	size_t i;

	if (conv == 'p' || conv == 's' || conv == 'c')
		return conv == 'p' ? AK_PTR : conv == 's' ? AK_STR : AK_CHAR;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(len, kinds[i].len) == 0)
			return sgn ? kinds[i].sgn : kinds[i].uns;
	return sgn ? AK_INT : AK_UINT;	/* "", "h", "hh": promoted to int */
}

static const uint64_t values[] = {
	0, 1, (uint64_t)-1, 7, (uint64_t)-7, 42, 127, (uint64_t)-128, 128,
	255, 256, 32767, (uint64_t)-32768, 65535, 65536, INT_MAX,
	(uint64_t)(int64_t)INT_MIN, UINT_MAX, 0x100000000ULL, INT64_MAX,
	(uint64_t)INT64_MIN, 1234567890123ULL, (uint64_t)-9876543210LL,
	0xdeadbeefULL, 0xffffffff80100000ULL, 010, 0x10,
};
#define NVALUES	(sizeof(values) / sizeof(values[0]))

static const char *const lengths[] = { "hh", "h", "", "l", "ll", "z", "j",
    "t" };
static const char *const widths[] = { "", "1", "6", "25" };
static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".23" };

/*
 * Every combination of the flags in flagset (each subset), widths,
 * precisions, lengths and values for conversion conv.
 */
static void
sweep_integers(char conv, const char *flagset)
{
	size_t nflags = strlen(flagset);
	unsigned subset;
	size_t w, p, l, v;

	for (subset = 0; subset < (1u << nflags); subset++) {
		char flags[8];
		size_t nf = 0, i;

		for (i = 0; i < nflags; i++)
			if (subset & (1u << i))
				flags[nf++] = flagset[i];
		flags[nf] = '\0';
		for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
		for (p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
		for (l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
			char fmt[32];

			snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags,
			    widths[w], precs[p], lengths[l], conv);
			for (v = 0; v < NVALUES; v++)
				if (compare_one(fmt, 0, 0, 0,
				    kind_of(conv, lengths[l]), values[v]))
					return;
		}
	}
}

static void test_signed_d(void) { sweep_integers('d', "-+ 0"); }
static void test_signed_i(void) { sweep_integers('i', "-+ 0"); }
static void test_unsigned_u(void) { sweep_integers('u', "-+ 0"); }
static void test_octal(void) { sweep_integers('o', "-#0 "); }
static void test_hex_lower(void) { sweep_integers('x', "-#0+"); }
static void test_hex_upper(void) { sweep_integers('X', "-#0"); }

static void
test_star_args(void)
{
	static const int stars[] = { -30, -7, -1, 0, 1, 3, 12 };
	size_t a, b, v;

	for (a = 0; a < sizeof(stars) / sizeof(stars[0]); a++) {
		for (v = 0; v < NVALUES; v++) {
			if (compare_one("<%*d>", 1, stars[a], 0, AK_INT,
			    values[v]) ||
			    compare_one("<%-*lx>", 1, stars[a], 0, AK_ULONG,
			    values[v]) ||
			    compare_one("<%.*lld>", 1, stars[a], 0, AK_LLONG,
			    values[v]) ||
			    compare_one("<%0*u>", 1, stars[a], 0, AK_UINT,
			    values[v]))
				return;
			for (b = 0; b < sizeof(stars) / sizeof(stars[0]); b++)
				if (compare_one("<%*.*ld>", 2, stars[a],
				    stars[b], AK_LONG, values[v]) ||
				    compare_one("<%*.*s>", 2, stars[a],
				    stars[b], AK_STR, v))
					return;
		}
	}
}

static void
test_pointers(void)
{
	static const char *const fmts[] = { "%p", "[%20p]", "[%-20p]",
	    "[%3p]", "<%p>" };
	size_t f, v;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (v = 0; v < NVALUES; v++)
			if (compare_one(fmts[f], 0, 0, 0, AK_PTR, values[v]))
				return;
	compare("%p %p", (void *)0, (void *)&ncompared);
}

static void
test_strings(void)
{
	static const char *const fmts[] = { "%s", "[%10s]", "[%-10s]",
	    "[%.3s]", "[%.0s]", "[%-8.2s]", "[%60s]", "[%.100s]", "[%1s]" };
	size_t f, s;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (s = 0; s < NSTRINGS; s++)
			if (compare_one(fmts[f], 0, 0, 0, AK_STR, s))
				return;
	/* volatile: NULL is the point, the compiler must not object. */
	const char *volatile nul = NULL;
	if (compare("[%s]", nul) || compare("[%10s]", nul) ||
	    compare("[%-8.6s]", nul))
		return;
	/* A precision bounds the read: the array has no terminator. */
	static const char unterminated[3] = { 'a', 'b', 'c' };
	compare("[%.3s]", unterminated);
}

static void
test_chars(void)
{
	static const char *const fmts[] = { "%c", "[%5c]", "[%-5c]", "<%c>",
	    "[%1c]" };
	unsigned c;
	size_t f;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (c = 0; c < 256; c++)	/* '\0' included */
			if (compare_one(fmts[f], 0, 0, 0, AK_CHAR, c))
				return;
}

static void
test_literals(void)
{
	if (compare("%s", "") || compare("plain text") || compare("%%") ||
	    compare("a%%b%%%%c") || compare("100%% sure: %d%%", 42))
		return;
	compare("%d %u %x %lx %p %s %c %%|%5d|%-5d|%05d|%zu|%llx", -5, 5u,
	    0xabcu, 0xffffffff80100000ul, (void *)0x5000, "str", 'Z', 42, 42,
	    42, (size_t)12345, 0x123456789abcdefull);
}

/* Deterministic xorshift64*, so a failure can be reproduced. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A random value with a random number of significant bits. */
static uint64_t
rng_value(void)
{
	unsigned bits = (unsigned)(rng() % 65);

	return bits == 64 ? rng() : rng() & ((1ULL << bits) - 1);
}

static void
test_random(void)
{
	static const char convs[] = "diuoxXpsc";
	int i;

	for (i = 0; i < 200000; i++) {
		char fmt[64], conv = convs[rng() % (sizeof(convs) - 1)];
		const char *len = "";
		int nstar = 0, s[2] = { 0, 0 };
		size_t n = 0;
		int num = conv != 'p' && conv != 's' && conv != 'c';

		n += (size_t)snprintf(fmt + n, sizeof(fmt) - n, "%s%%",
		    rng() % 2 ? "x=" : "");
		/* Flags, avoiding the combinations C leaves undefined. */
		if (rng() % 2)
			fmt[n++] = '-';
		if (num && rng() % 3 == 0)
			fmt[n++] = '+';
		if (num && rng() % 3 == 0)
			fmt[n++] = ' ';
		if ((conv == 'o' || conv == 'x' || conv == 'X') &&
		    rng() % 2)
			fmt[n++] = '#';
		if (num && rng() % 2)
			fmt[n++] = '0';
		switch (rng() % 3) {
		case 1:
			n += (size_t)snprintf(fmt + n, sizeof(fmt) - n, "%d",
			    (int)(rng() % 40));
			break;
		case 2:
			fmt[n++] = '*';
			s[nstar++] = (int)(rng() % 81) - 40;
			break;
		}
		if (conv != 'p' && conv != 'c') {
			switch (rng() % 4) {
			case 1:
				n += (size_t)snprintf(fmt + n, sizeof(fmt) - n,
				    ".%d", (int)(rng() % 30));
				break;
			case 2:
				fmt[n++] = '.';
				fmt[n++] = '*';
				s[nstar++] = (int)(rng() % 41) - 8;
				break;
			case 3:
				fmt[n++] = '.';
				break;
			}
		}
		if (num)
			len = lengths[rng() % (sizeof(lengths) /
			    sizeof(lengths[0]))];
		snprintf(fmt + n, sizeof(fmt) - n, "%s%c%s", len, conv,
		    rng() % 2 ? ";" : "");
		if (compare_one(fmt, nstar, s[0], s[1], kind_of(conv, len),
		    rng_value()))
			return;
	}
}

static const struct check_case cases[] = {
	CHECK_CASE(test_literals),
	CHECK_CASE(test_signed_d),
	CHECK_CASE(test_signed_i),
	CHECK_CASE(test_unsigned_u),
	CHECK_CASE(test_octal),
	CHECK_CASE(test_hex_lower),
	CHECK_CASE(test_hex_upper),
	CHECK_CASE(test_star_args),
	CHECK_CASE(test_pointers),
	CHECK_CASE(test_strings),
	CHECK_CASE(test_chars),
	CHECK_CASE(test_random),
};

int
main(void)
{
	int rc = check_run("fmt", cases, CHECK_COUNT(cases));

	printf("fmt: %lu formats compared with snprintf\n", ncompared);
	return rc;
}
