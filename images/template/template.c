/*
 * template.c - a program to copy (docs/programs.md): `make run-prog
 * P=template` builds it with images/template/template.mki and boots it.
 *
 * The .mki starts it twice over: as the process "starter" (rdi 0), which
 * asks the constructor "mine" for three instances of this same program
 * (rdi 1, rsi k), waits for each and prints what they returned and what
 * they cost its bank; and as those instances, each a fresh copy of the
 * program's prebuilt image, which print a line, change a global of
 * their own and exit with a status. Then the starter powers the machine
 * off, so QEMU exits.
 */
#include <abi/invoke.h>
#include <user/bank.h>
#include <user/ctor.h>
#include <user/invoke.h>
#include <user/log.h>
#include <user/rt.h>

/* The starter's cap registers (template.mki). */
#define CR_CTOR		1	/* entry to the constructor "mine" */
#define CR_BANK		2	/* its bank "user" */
#define CR_CKPT		3	/* for OC_CKPT_POWEROFF */

static uint64_t counter = 100;	/* each instance has its own copy */

static void
instance(uint64_t k)
{
	counter += k;
	uprintf("template: instance %lu says hello (counter %lu)\n",
	    (unsigned long)k, (unsigned long)counter);
	ctor_exit(k * k);
}

static uint64_t
pages(void)
{
	uint64_t total = 0, own;

	(void)bank_usage(CR_BANK, OT_PAGE, &total, &own);
	return total;
}

static void
starter(void)
{
	uint64_t discreet = 0, bad, id, status, before = pages();
	int err;

	uprintf("template: starter running; bank pages in use: %lu\n",
	    (unsigned long)before);
	if (ctor_is_discreet(CR_CTOR, &discreet, &bad) == 0)
		uprintf("template: the constructor is %sdiscreet\n",
		    discreet ? "" : "not ");
	for (uint64_t k = 1; k <= 3; k++) {
		if ((err = ctor_create(CR_CTOR, CR_BANK, 0, 0, 1, k, 0,
		    CR_DISCARD, &id)) != 0 ||
		    (err = ctor_wait(CR_CTOR, id, &status)) != 0) {
			uprintf("template: instance %lu failed: error %d\n",
			    (unsigned long)k, err);
			continue;
		}
		uprintf("template: instance %lu exited with %lu\n",
		    (unsigned long)k, (unsigned long)status);
	}
	uprintf("template: done; bank pages in use: %lu (starter's counter "
	    "still %lu)\n", (unsigned long)pages(), (unsigned long)counter);
	(void)kcall(CR_CKPT, OC_CKPT_POWEROFF, 1, 0, 0, 0, 0, 0);
	rt_exit();
}

void
umain(uint64_t role, uint64_t k, uint64_t a2, uint64_t a3)
{
	(void)a2;
	(void)a3;
	if (role == 1)
		instance(k);
	starter();
}
