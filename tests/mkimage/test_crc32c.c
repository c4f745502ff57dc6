/*
 * test_crc32c.c - lib/crc32c.c against standard check values (RFC 3720
 * B.4 and the usual "123456789") and a bit-at-a-time reference, through
 * each of its two ways (tables, SSE4.2 crc32) and the one crc32c()
 * chooses; and the two ways against each other on random buffers. On a
 * host CPU without SSE4.2 the crc32 cases pass without running, and say
 * so on a line of their own.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lib/crc32c.h>

#include "tests/host/check.h"

/* The way under test: crc32c_update, _sw or _hw. */
static uint32_t	(*update)(uint32_t, const void *, size_t);

static uint32_t
crc_of(const void *p, size_t n)
{
	return update(0, p, n);
}

static uint32_t
crc_bitwise(const uint8_t *p, size_t n)
{
	uint32_t c = ~0u;

	while (n-- > 0) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

static void
check_values(void)
{
	CHECK(crc_of("123456789", 9) == 0xe3069283u);
	CHECK(crc_of("", 0) == 0);
}

static void
rfc3720_vectors(void)
{
	uint8_t buf[32];

	memset(buf, 0, sizeof(buf));
	CHECK(crc_of(buf, 32) == 0x8a9136aau);
	memset(buf, 0xff, sizeof(buf));
	CHECK(crc_of(buf, 32) == 0x62a8ab43u);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	CHECK(crc_of(buf, 32) == 0x46dd794eu);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	CHECK(crc_of(buf, 32) == 0x113fdb5cu);
}

static void
matches_bitwise(void)
{
	uint8_t buf[4096];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t n = 0; n <= sizeof(buf); n += 97)
		CHECK_MSG(crc_of(buf, n) == crc_bitwise(buf, n),
		    "length %zu: %08x != %08x", n, crc_of(buf, n),
		    crc_bitwise(buf, n));
	CHECK(crc_of(buf, sizeof(buf)) == crc_bitwise(buf, sizeof(buf)));
}

/* The 8-byte loops start at 8-byte alignment: every head and tail. */
static void
every_alignment(void)
{
	uint8_t buf[160];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; off + n <= sizeof(buf); n++)
			CHECK_MSG(crc_of(buf + off, n) ==
			    crc_bitwise(buf + off, n),
			    "offset %zu length %zu", off, n);
}

static void
update_concatenates(void)
{
	const char *s = "the quick brown fox jumps over the lazy dog, twice: "
	    "the quick brown fox jumps over the lazy dog";
	size_t n = strlen(s);

	for (size_t k = 0; k <= n; k++)
		CHECK(update(update(0, s, k), s + k, n - k) == crc_of(s, n));
}

static void
all_checks(void)
{
	check_values();
	rfc3720_vectors();
	matches_bitwise();
	every_alignment();
	update_concatenates();
}

static int
no_sse42(const char *test)
{
	if (crc32c_hw_present())
		return 0;
	printf("# crc32c.%s: this CPU has no SSE4.2, crc32 not run\n", test);
	return 1;
}

static void
test_tables(void)
{
	update = crc32c_update_sw;
	all_checks();
}

static void
test_sse42(void)
{
	if (no_sse42("sse42"))
		return;
	update = crc32c_update_hw;
	all_checks();
}

static void
test_chosen(void)
{
	update = crc32c_update;
	all_checks();
	CHECK(crc32c("123456789", 9) == 0xe3069283u);
}

/* Random contents, lengths, alignments and starting CRCs. */
static void
test_sse42_equals_tables(void)
{
	static uint8_t buf[8192 + 8];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	if (no_sse42("sse42_equals_tables"))
		return;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (int round = 0; round < 2000; round++) {
		size_t off, n;
		uint32_t seed;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		off = x % 8;
		n = (x >> 3) % 8193;
		seed = (uint32_t)(x >> 32);
		CHECK_MSG(crc32c_update_hw(seed, buf + off, n) ==
		    crc32c_update_sw(seed, buf + off, n),
		    "offset %zu length %zu crc %08x", off, n, seed);
	}
}

static const struct check_case cases[] = {
	CHECK_CASE(test_tables),
	CHECK_CASE(test_sse42),
	CHECK_CASE(test_chosen),
	CHECK_CASE(test_sse42_equals_tables),
};

int
main(void)
{
	return check_run("crc32c", cases, CHECK_COUNT(cases));
}
