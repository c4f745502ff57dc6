/*
 * crc32c.c - CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of every store block. Freestanding: used by the kernel and by
 * mkimage alike, needs nothing beyond <stdint.h> and <stddef.h>. x86-64
 * only, as both are.
 *
 * Two ways to the same value, chosen once by crc32c_update():
 *
 * - The SSE4.2 `crc32` instruction (cpuid 1, ecx bit 20; every x86-64
 *   CPU since 2008, but not QEMU's default qemu64 model). It works on
 *   general registers, so the kernel (-mgeneral-regs-only, no FPU state)
 *   may use it. One crc32q per 8 bytes, sixteen to a loop turn: about
 *   650 instructions per 4 KiB block against the tables' 14,400, which
 *   made the CRC three quarters of a checkpoint's write-out.
 * - Slicing-by-8 tables: crc_tab[0][n] is the CRC register after
 *   shifting byte n through it eight times; crc_tab[k][n] is
 *   crc_tab[k-1][n] advanced by one more zero byte, so eight table
 *   lookups consume eight input bytes. Built on first use.
 *
 * tests/mkimage/test_crc32c.c checks standard vectors, every length and
 * alignment against a bitwise reference, through both ways, and both
 * against each other; kernel/selftest/st_crc32c.c compares them as the
 * kernel builds them.
 */
#include <lib/crc32c.h>

#define CRC32C_POLY	0x82f63b78u
#define CPUID1_SSE42	(1u << 20)	/* cpuid leaf 1, ecx */

typedef uint64_t __attribute__((may_alias)) crc_word;

static uint32_t	crc_tab[8][256];
static int	crc_ready;
static int	crc_hw = -1;		/* -1: cpuid not asked yet */

static void
crc_build_tables(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int bit = 0; bit < 8; bit++)
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc_tab[0][n] = c;
	}
	for (uint32_t n = 0; n < 256; n++)
		for (int k = 1; k < 8; k++)
			crc_tab[k][n] = (crc_tab[k - 1][n] >> 8) ^
			    crc_tab[0][crc_tab[k - 1][n] & 0xff];
	crc_ready = 1;
}

static inline uint32_t
load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint32_t
crc32c_update_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_ready)
		crc_build_tables();
	crc = ~crc;
	for (; len > 0 && ((uintptr_t)p & 7) != 0; len--)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ load_le32(p), hi = load_le32(p + 4);

		crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		    crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		    crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
		    crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
	}
	for (; len > 0; len--)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int
crc32c_hw_present(void)
{
	uint32_t a = 1, b, c = 0, d;

	if (crc_hw < 0) {
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		crc_hw = (c & CPUID1_SSE42) != 0;
	}
	return crc_hw;
}

/* The register after 8 more bytes at p (crc32q: 8 bytes in one step). */
static inline uint64_t
crc_hw8(uint64_t c, const uint8_t *p)
{
	__asm__("crc32q %1, %0" : "+r"(c) : "m"(*(const crc_word *)p));
	return c;
}

static inline uint32_t
crc_hw1(uint32_t c, uint8_t b)
{
	__asm__("crc32b %1, %0" : "+r"(c) : "rm"(b));
	return c;
}

uint32_t
crc32c_update_hw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t c = ~crc;

	for (; len > 0 && ((uintptr_t)p & 7) != 0; len--)
		c = crc_hw1((uint32_t)c, *p++);
	/* Sixteen steps a turn: a step is one instruction, the turn's
	   own three would otherwise be a large part of the count. */
	for (; len >= 128; len -= 128, p += 128) {
#pragma GCC unroll 16
		for (unsigned k = 0; k < 128; k += 8)
			c = crc_hw8(c, p + k);
	}
	for (; len >= 8; len -= 8, p += 8)
		c = crc_hw8(c, p);
	for (; len > 0; len--)
		c = crc_hw1((uint32_t)c, *p++);
	return ~(uint32_t)c;
}

uint32_t
crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	if (crc32c_hw_present())
		return crc32c_update_hw(crc, buf, len);
	return crc32c_update_sw(crc, buf, len);
}

uint32_t
crc32c(const void *buf, size_t len)
{
	return crc32c_update(0, buf, len);
}
