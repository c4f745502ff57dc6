/*
 * prog.c - ELF corpus program: freestanding, no libc, never run by the
 * tests (only read). Built three ways by tests/elf/rules.mk: static at a
 * fixed address, static PIE with RELA relocations, and static PIE with
 * packed (DT_RELR) relocations. The pointers below are what relocation
 * must get right; test_elf.c checks them by symbol name.
 */

unsigned long long corpus_magic = 0x1122334455667788ull;	/* .data */
int corpus_table[4] = { 10, 20, 30, 40 };
int *corpus_ptrs[3] = { &corpus_table[0], &corpus_table[2], 0 };
const char corpus_greeting[] = "corpus";			/* .rodata */
const char *corpus_msg = corpus_greeting;
char corpus_scratch[8192];					/* .bss */

static long
corpus_sum(void)
{
	long s = (long)corpus_magic;

	for (int i = 0; i < 2; i++)
		s += *corpus_ptrs[i];
	corpus_scratch[100] = corpus_msg[0];
	return s + corpus_scratch[100];
}

void
_start(void)
{
	long v = corpus_sum();

	/* exit(v & 0xff) on Linux, so the program can be tried by hand. */
	__asm__ volatile("syscall" : : "a"(60), "D"(v & 0xff) : "rcx", "r11",
	    "memory");
	for (;;)
		;
}
