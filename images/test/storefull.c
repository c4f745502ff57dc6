/*
 * storefull.c - the store-full case of the storefail suite
 * (tests/harness/storefail.py, images/test/storefull.mki): counts like
 * hello, one step a second with a checkpoint a second, then at
 * FILL_AT dirties more pages than its 1 MiB store can hold, so every
 * later checkpoint fails with ERR_NO_SPACE while it counts on; a
 * restart must resume the last committed count.
 */
#include <stdint.h>

#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#define CR_SLEEP	1
#define CR_CKPT		2
#define STEP_NS		UINT64_C(1000000000)
#define FILL_AT		3
#define FILL_PAGES	320	/* the store has 256 blocks */

static volatile uint8_t	big[FILL_PAGES * 4096];
static uint64_t		count;

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t out[MI_WORDS_MAX];
	int rc;

	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	for (;;) {
		if ((rc = kcall(CR_SLEEP, OC_SLEEP_FOR, 1, STEP_NS, 0, 0, 0,
		    out)) != 0) {
			uprintf("rfull: sleep failed (error %d)\n", rc);
			rt_exit();
		}
		count++;
		if (count == FILL_AT) {
			for (unsigned i = 0; i < FILL_PAGES; i++)
				big[i * 4096] = (uint8_t)(i + 1);
			uprintf("rfull: dirtied %u pages\n", FILL_PAGES);
		}
		if (kcall(CR_CKPT, OC_CKPT_GENERATION, 0, 0, 0, 0, 0, out) != 0)
			out[0] = 0;
		uprintf("rfull: count %lu (generation %lu)\n",
		    (unsigned long)count, (unsigned long)out[0]);
	}
}
