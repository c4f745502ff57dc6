/*
 * fwcfg.c - reading named files from QEMU's fw_cfg device through its
 * legacy I/O ports: write a 16-bit key to the selector port, then read
 * the item's bytes one at a time from the data port. Key 0 holds the
 * signature "QEMU"; key 0x19 the file directory: a big-endian count,
 * then per file a big-endian size, key, reserved word and 56-byte name.
 *
 * Everything the device returns is checked: names are compared within
 * their 56 bytes, and sizes only bound how much is copied.
 */
#include <stddef.h>
#include <stdint.h>

#include <lib/string.h>
#include <x86_64/fwcfg.h>
#include <x86_64/io.h>

#define FWCFG_SELECTOR	0x510
#define FWCFG_DATA	0x511
#define FWCFG_SIGNATURE	0x0000
#define FWCFG_FILE_DIR	0x0019
#define FWCFG_NAME_MAX	56

static void
read_bytes(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	while (len-- > 0)
		*p++ = inb(FWCFG_DATA);
}

static uint32_t
read_be32(void)
{
	uint8_t b[4];

	read_bytes(b, sizeof(b));
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static int
present(void)
{
	char sig[4];

	outw(FWCFG_SELECTOR, FWCFG_SIGNATURE);
	read_bytes(sig, sizeof(sig));
	return memcmp(sig, "QEMU", 4) == 0;
}

long
fwcfg_read_file(const char *name, char *buf, uint32_t max)
{
	uint32_t count, i, size, n;
	uint8_t ent[8];
	char fname[FWCFG_NAME_MAX];
	size_t len = strlen(name);

	if (max == 0 || len >= FWCFG_NAME_MAX || !present())
		return -1;
	outw(FWCFG_SELECTOR, FWCFG_FILE_DIR);
	count = read_be32();
	for (i = 0; i < count && i < 4096; i++) {
		read_bytes(ent, sizeof(ent));
		read_bytes(fname, sizeof(fname));
		if (memcmp(fname, name, len) != 0 || fname[len] != '\0')
			continue;
		size = (uint32_t)ent[0] << 24 | (uint32_t)ent[1] << 16 |
		    (uint32_t)ent[2] << 8 | ent[3];
		outw(FWCFG_SELECTOR, (uint16_t)(ent[4] << 8 | ent[5]));
		n = size < max - 1 ? size : max - 1;
		read_bytes(buf, n);
		buf[n] = '\0';
		return (long)size;
	}
	return -1;
}
