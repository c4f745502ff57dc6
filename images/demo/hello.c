/*
 * hello.c - the demo process of the default image (make run): greets on
 * the console through its KERNLOG cap (cap register 0), then prints a
 * heartbeat every 10 seconds, sleeping on its SLEEP cap (register 1).
 * The count lives in the process's own persistent memory, so a machine
 * resumed from a checkpoint goes on counting where it left off.
 */
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#define CR_SLEEP	1
#define BEAT_NS		UINT64_C(10000000000)

static uint64_t	beats = 0;

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t out[MI_WORDS_MAX];

	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	uprintf("hello: a user process, running from the store; "
	    "a heartbeat every 10 s\n");
	for (;;) {
		if (kcall(CR_SLEEP, OC_SLEEP_FOR, 1, BEAT_NS, 0, 0, 0,
		    out) != 0) {
			uprintf("hello: no sleep cap; stopping\n");
			rt_exit();
		}
		beats++;
		uprintf("hello: heartbeat %lu\n", (unsigned long)beats);
	}
}
