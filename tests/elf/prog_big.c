/*
 * prog_big.c - ELF corpus program with 4 MiB of initialized data and
 * 32 MiB of .bss, to check that data is copied whole and .bss costs
 * nothing in the file.
 */

#define BIG_DATA	(4u << 20)
#define BIG_BSS		(32u << 20)

unsigned char big_data[BIG_DATA] = { [0] = 0xa5, [BIG_DATA - 1] = 0x5a };
unsigned char big_bss[BIG_BSS];

void
_start(void)
{
	big_bss[BIG_BSS - 1] = big_data[0] ^ big_data[BIG_DATA - 1];
	for (;;)
		;
}
