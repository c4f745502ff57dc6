/*
 * hello.c - the demo process of the default image (make run): greets on
 * the console through its KERNLOG cap (cap register 0), then counts, one
 * step a second (its SLEEP cap, register 1), printing the count and the
 * generation it last saw committed (its CKPT cap, register 2). The
 * count lives in the process's own memory, which the kernel checkpoints:
 * kill the machine, boot it again, and it goes on from the count of the
 * last committed generation.
 */
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

#define CR_SLEEP	1
#define CR_CKPT		2
#define STEP_NS		UINT64_C(1000000000)

static uint64_t	count = 0;

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t out[MI_WORDS_MAX];
	int rc;

	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	uprintf("hello: a user process, running from the store; "
	    "counting every second\n");
	for (;;) {
		/* A sleep under way at the checkpoint we resume from goes
		   on to its deadline: a restart is invisible here. */
		rc = kcall(CR_SLEEP, OC_SLEEP_FOR, 1, STEP_NS, 0, 0, 0, out);
		if (rc != 0) {
			uprintf("hello: sleep failed (error %d); stopping\n",
			    rc);
			rt_exit();
		}
		count++;
		if (kcall(CR_CKPT, OC_CKPT_GENERATION, 0, 0, 0, 0, 0,
		    out) != 0)
			out[0] = 0;
		uprintf("hello: count %lu (generation %lu)\n",
		    (unsigned long)count, (unsigned long)out[0]);
	}
}
