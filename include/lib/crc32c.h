/*
 * crc32c.h - CRC32C (Castagnoli), as iSCSI, ext4 and ZFS use it.
 * Freestanding; the store checksums every block with it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* CRC32C of len bytes at buf. crc32c("123456789", 9) == 0xe3069283. */
uint32_t	crc32c(const void *buf, size_t len);

/*
 * Continue a CRC: crc32c_update(crc32c(a, n), b, m) equals the CRC32C of
 * a followed by b. Start with crc = 0.
 */
uint32_t	crc32c_update(uint32_t crc, const void *buf, size_t len);

/*
 * The two ways crc32c_update() chooses between, for tests that compare
 * them: slicing-by-8 tables (any CPU), and the SSE4.2 crc32 instruction,
 * which may be called only when crc32c_hw_present() returned 1.
 */
uint32_t	crc32c_update_sw(uint32_t crc, const void *buf, size_t len);
uint32_t	crc32c_update_hw(uint32_t crc, const void *buf, size_t len);

/* 1 if the CPU has SSE4.2's crc32 (cpuid, asked once), else 0. */
int		crc32c_hw_present(void);
