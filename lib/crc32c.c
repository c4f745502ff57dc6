/*
 * crc32c.c - CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of every store block. Freestanding: used by the kernel and by
 * mkimage alike, needs nothing beyond <stdint.h> and <stddef.h>.
 *
 * Slicing-by-8: crc_tab[0][n] is the CRC register after shifting byte n
 * through it eight times; crc_tab[k][n] is crc_tab[k-1][n] advanced by
 * one more zero byte, so eight table lookups consume eight input bytes.
 * The tables are built on first use (4 KiB blocks are checked on every
 * store read, and a byte-at-a-time loop cost ~25,000 instructions each).
 * tests/mkimage/test_crc32c.c checks standard vectors, every length and
 * alignment against a bitwise reference.
 */
#include <lib/crc32c.h>

#define CRC32C_POLY	0x82f63b78u

static uint32_t	crc_tab[8][256];
static int	crc_ready;

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
crc32c_update(uint32_t crc, const void *buf, size_t len)
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

uint32_t
crc32c(const void *buf, size_t len)
{
	return crc32c_update(0, buf, len);
}
