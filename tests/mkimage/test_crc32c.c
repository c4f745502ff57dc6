/*
 * test_crc32c.c - lib/crc32c.c against standard check values (RFC 3720
 * B.4 and the usual "123456789") and a bit-at-a-time reference.
 */
#include <stdint.h>
#include <string.h>

#include <lib/crc32c.h>

#include "tests/host/check.h"

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
test_check_value(void)
{
	CHECK(crc32c("123456789", 9) == 0xe3069283u);
	CHECK(crc32c("", 0) == 0);
}

static void
test_rfc3720_vectors(void)
{
	uint8_t buf[32];

	memset(buf, 0, sizeof(buf));
	CHECK(crc32c(buf, 32) == 0x8a9136aau);
	memset(buf, 0xff, sizeof(buf));
	CHECK(crc32c(buf, 32) == 0x62a8ab43u);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	CHECK(crc32c(buf, 32) == 0x46dd794eu);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	CHECK(crc32c(buf, 32) == 0x113fdb5cu);
}

static void
test_matches_bitwise(void)
{
	uint8_t buf[4096];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t n = 0; n <= sizeof(buf); n += 97)
		CHECK_MSG(crc32c(buf, n) == crc_bitwise(buf, n),
		    "length %zu: %08x != %08x", n, crc32c(buf, n),
		    crc_bitwise(buf, n));
}

/* The sliced loop starts at 8-byte alignment: every head and tail. */
static void
test_every_alignment(void)
{
	uint8_t buf[96];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; off + n <= sizeof(buf); n++)
			CHECK_MSG(crc32c(buf + off, n) ==
			    crc_bitwise(buf + off, n),
			    "offset %zu length %zu", off, n);
}

static void
test_update_concatenates(void)
{
	const char *s = "the quick brown fox jumps over the lazy dog";
	size_t n = strlen(s);

	for (size_t k = 0; k <= n; k++)
		CHECK(crc32c_update(crc32c(s, k), s + k, n - k) ==
		    crc32c(s, n));
}

static const struct check_case cases[] = {
	CHECK_CASE(test_check_value),
	CHECK_CASE(test_rfc3720_vectors),
	CHECK_CASE(test_matches_bitwise),
	CHECK_CASE(test_every_alignment),
	CHECK_CASE(test_update_concatenates),
};

int
main(void)
{
	return check_run("crc32c", cases, CHECK_COUNT(cases));
}
