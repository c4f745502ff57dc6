/*
 * prog.c - the program the program_start rows start (docs/bench.md),
 * linked twice: with blob64k.S (60 KiB of data, as Linux's 64 KiB
 * static binary) and with blob64m.S (64 MiB). It touches none of its
 * data: rdi 0 ends at once (OC_CTOR_EXIT), rdi 1 stays alive (waits
 * forever) for the row that counts the pages of 100 live instances.
 */
#include <user/ctor.h>
#include <user/rt.h>

void
umain(uint64_t stay, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (stay)
		rt_exit();
	ctor_exit(0);
}
