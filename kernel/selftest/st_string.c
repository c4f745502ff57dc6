/*
 * st_string.c - self-tests of lib/string.c as the kernel builds it
 * (freestanding, rep movsb/stosb): copies in both overlap directions,
 * fills, and the sign of comparisons.
 */
#include <stddef.h>
#include <stdint.h>

#include <lib/string.h>
#include <selftest/selftest.h>

static uint8_t	buf[64];

static void
fill_pattern(void)
{
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
}

static void
test_string_copy_fill(void)
{
	size_t i;

	fill_pattern();
	ST_CHECK(memmove(buf + 8, buf, 32) == buf + 8);	/* dst above src */
	for (i = 0; i < 32; i++)
		ST_CHECK_EQ(buf[8 + i], i);
	fill_pattern();
	memmove(buf, buf + 8, 32);			/* dst below src */
	for (i = 0; i < 32; i++)
		ST_CHECK_EQ(buf[i], i + 8);
	fill_pattern();
	ST_CHECK(memcpy(buf + 40, buf, 20) == buf + 40);
	for (i = 0; i < 20; i++)
		ST_CHECK_EQ(buf[40 + i], i);
	ST_CHECK(memset(buf + 3, 0xEE, 5) == buf + 3);
	ST_CHECK_EQ(buf[2], 2);
	for (i = 3; i < 8; i++)
		ST_CHECK_EQ(buf[i], 0xEE);
	ST_CHECK_EQ(buf[8], 8);
	memset(buf, 0x11, 0);
	ST_CHECK_EQ(buf[0], 0);
}

static void
test_string_compare(void)
{
	static const uint8_t lo[] = { 1, 2, 0x7F }, hi[] = { 1, 2, 0x80 };

	ST_CHECK(memcmp(lo, hi, 3) < 0 && memcmp(hi, lo, 3) > 0);
	ST_CHECK(memcmp(lo, hi, 2) == 0 && memcmp(lo, hi, 0) == 0);
	ST_CHECK(strcmp("abc", "abc") == 0 && strcmp("ab", "abc") < 0);
	ST_CHECK(strcmp("\xff", "a") > 0);		/* unsigned chars */
	ST_CHECK(strncmp("abcx", "abcy", 3) == 0 && strncmp("b", "a", 5) > 0);
	ST_CHECK_EQ(strlen(""), 0);
	ST_CHECK_EQ(strlen("kernel"), 6);
	ST_CHECK_EQ(strnlen("kernel", 3), 3);
	ST_CHECK_EQ(strnlen("ab", 10), 2);
}

ST_SUITE(st_string,
	ST_CASE(string_copy_fill),
	ST_CASE(string_compare),
);
