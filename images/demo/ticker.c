/*
 * ticker.c - the program the shell's `run ticker` starts (images/
 * default.mki's constructor "ticker"): every 10 seconds it prints its
 * job number (rdi) and how many ticks it has counted. The count lives
 * in the instance's own memory, a copy-on-write page of the program's
 * image, so it survives power-off like everything else; `kill N` in
 * the shell destroys its bank, which ends it.
 *
 * Cap registers (from the constructor): 0 KERNLOG, 1 SLEEP.
 */
#include <abi/err.h>
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#define CR_SLEEP	1
#define TICK_NS		UINT64_C(10000000000)

static uint64_t	ticks = 0;

void
umain(uint64_t job, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1, (void)a2, (void)a3;
	uprintf("ticker %lu: started\n", (unsigned long)job);
	for (;;) {
		if (kcall(CR_SLEEP, OC_SLEEP_FOR, 1, TICK_NS, 0, 0, 0,
		    NULL) != 0)
			rt_exit();
		ticks++;
		uprintf("ticker %lu: tick %lu\n", (unsigned long)job,
		    (unsigned long)ticks);
	}
}
