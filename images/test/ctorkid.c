/*
 * ctorkid.c - the program the ctor suite's constructors start
 * (images/test/ctortest.c). rdi picks what it does; it reports by its
 * exit status. Cap register 0 is SLEEP (CTOR_CR_INIT0, from the .mki).
 *   0: exit 0          1: exit with data_word (the image's value)
 *   2: data_word = a, sleep b ms, exit with data_word
 *   3: a bad instruction three calls deep
 *   4: write one word to each of a heap pages, then wait forever
 */
#include <abi/invoke.h>
#include <user/ctor.h>
#include <user/invoke.h>
#include <user/rt.h>

#define CR_SLEEP	0
#define HEAP		UINT64_C(0x500000000000)
#define PAGE		4096

static volatile uint64_t data_word = 0x1234;

static void __attribute__((noinline))
level_c(void)
{
	__asm__ volatile("ud2");
}

static void __attribute__((noinline))
level_b(void)
{
	level_c();
	__asm__ volatile("");
}

static void __attribute__((noinline))
level_a(void)
{
	level_b();
	__asm__ volatile("");
}

void
umain(uint64_t mode, uint64_t a, uint64_t b, uint64_t a3)
{
	(void)a3;
	switch (mode) {
	case 0:
		ctor_exit(0);
	case 1:
		ctor_exit(data_word);
	case 2:
		data_word = a;
		(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, b * 1000000, 0, 0, 0,
		    0);
		ctor_exit(data_word);
	case 3:
		level_a();
		ctor_exit(1);
	case 4:
		for (uint64_t i = 0; i < a; i++)
			*(volatile uint64_t *)(uintptr_t)(HEAP + i * PAGE) = i;
		rt_exit();
	default:
		ctor_exit(~(uint64_t)0);
	}
}
