/*
 * st_crc32c.c - self-tests of lib/crc32c.c as the kernel builds it
 * (-mgeneral-regs-only): the two ways to the checksum, the SSE4.2 crc32
 * instruction and the tables, give the same value on random buffers of
 * every alignment and of lengths up to two blocks, and the check value;
 * crc32c() takes the instruction when the CPU has it. The kernel-selftest
 * suite boots a CPU with SSE4.2 (tests/harness/guest.py) so that the
 * instruction is tested where the kernel runs it; under QEMU's default
 * qemu64 CPU, which lacks it, the comparison fails rather than pass
 * untested.
 */
#include <stddef.h>
#include <stdint.h>

#include <abi/types.h>
#include <lib/crc32c.h>
#include <selftest/selftest.h>

static uint8_t	buf[2 * PAGE_SIZE + 8];

static void
test_crc32c_sse42_matches_tables(void)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	unsigned round;

	if (!crc32c_hw_present()) {
		st_fail("this CPU has no SSE4.2 crc32: the kernel-selftest "
		    "suite boots one that has (tests/harness/guest.py)");
		return;
	}
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	ST_CHECK_EQ(crc32c_update_hw(0, "123456789", 9), 0xe3069283u);
	ST_CHECK_EQ(crc32c_update_hw(0, buf, PAGE_SIZE),
	    crc32c_update_sw(0, buf, PAGE_SIZE));
	ST_CHECK_EQ(crc32c(buf, PAGE_SIZE), crc32c_update_hw(0, buf,
	    PAGE_SIZE));
	for (round = 0; round < 300; round++) {
		size_t off, n;
		uint32_t seed;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		off = x % 8;
		n = (x >> 3) % (2 * PAGE_SIZE + 1);
		seed = (uint32_t)(x >> 32);
		if (crc32c_update_hw(seed, buf + off, n) !=
		    crc32c_update_sw(seed, buf + off, n)) {
			st_fail("offset %zu length %zu crc %#x: %#x != %#x",
			    off, n, seed, crc32c_update_hw(seed, buf + off, n),
			    crc32c_update_sw(seed, buf + off, n));
			return;
		}
	}
}

static void
test_crc32c_tables_check_value(void)
{
	ST_CHECK_EQ(crc32c_update_sw(0, "123456789", 9), 0xe3069283u);
	ST_CHECK_EQ(crc32c("123456789", 9), 0xe3069283u);
}

ST_SUITE(st_crc32c,
	ST_CASE(crc32c_sse42_matches_tables),
	ST_CASE(crc32c_tables_check_value),
);
