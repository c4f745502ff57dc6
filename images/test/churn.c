/*
 * churn.c - the ckptrun suite's process (tests/harness/ckptrun.py): it
 * rewrites every page of a 4 MiB segment, pass after pass, while the
 * kernel checkpoints every second and writes each checkpoint out as it
 * runs, so that checkpoints find it anywhere in a pass and the
 * write-out races its writes (copy-on-write, docs/persistence.md).
 *
 * Pass k writes k into the first and the last word of each page, after
 * checking that both hold k - 1. Whatever instant a checkpoint holds,
 * the pages before the one being written hold k and the rest k - 1,
 * consistent with the registers (k, the page) saved at that instant:
 * resumed from any generation, the checks go on passing. A page stored
 * newer or older than the registers say breaks them: `churn: BAD`.
 * Every PRINT_EVERY passes it prints `churn: pass K`.
 */
#include <user/log.h>
#include <user/rt.h>

#define SEG_BASE	UINT64_C(0x300000000000)	/* churn.mki */
#define PAGES		1024u
#define PRINT_EVERY	32768u

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t k, bad = 0;

	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	uprintf("churn: started, %u pages\n", PAGES);
	for (k = 1;; k++) {
		for (unsigned i = 0; i < PAGES; i++) {
			volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)
			    (SEG_BASE + (uint64_t)i * 4096);

			if ((w[0] != k - 1 || w[511] != k - 1) && bad++ < 8)
				uprintf("churn: BAD pass %lu page %u holds "
				    "%lu %lu\n", (unsigned long)k, i,
				    (unsigned long)w[0],
				    (unsigned long)w[511]);
			w[0] = k;
			w[511] = k;
		}
		if (k % PRINT_EVERY == 0)
			uprintf("churn: pass %lu\n", (unsigned long)k);
	}
}
