/*
 * sched.c - the sched suite: two processes spin without ever making a
 * system call; main sleeps and checks that both keep counting (timer
 * preemption, round robin), that its sleeps end while they spin, and
 * that their registers (r15, xmm7) survive every switch. The counters
 * live in a segment all three map (sched.mki).
 */
#include <user/invoke.h>
#include <user/rt.h>
#include <user/test.h>

#define SHARED		UINT64_C(0x300000000000)
#define CR_SLEEP	1
#define ROUNDS		3
#define ROUND_NS	UINT64_C(300000000)

struct shared {
	volatile uint64_t	count[2];
	volatile uint64_t	errors[2];
};

void	spin(volatile uint64_t *counter, volatile uint64_t *errors,
	    uint64_t pattern);

static uint64_t
now(void)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	(void)kcall(CR_SLEEP, OC_SLEEP_NOW, 0, 0, 0, 0, 0, w);
	return w[0];
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct shared *sh = (struct shared *)(uintptr_t)SHARED;
	uint64_t c[ROUNDS + 1][2], slept[ROUNDS], err[ROUNDS];

	(void)a2;
	(void)a3;
	if (role == 1)
		spin(&sh->count[a1], &sh->errors[a1],
		    UINT64_C(0x5a5a0000a5a50000) + a1);
	test_plan("sched", 4);
	c[0][0] = sh->count[0];
	c[0][1] = sh->count[1];
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t t0 = now();

		err[r] = (uint64_t)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, ROUND_NS,
		    0, 0, 0, 0);
		slept[r] = now() - t0;
		c[r + 1][0] = sh->count[0];
		c[r + 1][1] = sh->count[1];
	}

	test_begin("both_spinners_progress");
	for (unsigned r = 0; r < ROUNDS; r++)
		for (unsigned i = 0; i < 2; i++)
			if (c[r + 1][i] <= c[r][i])
				test_fail("spinner %u stood still in round %u "
				    "(%lu -> %lu)", i, r,
				    (unsigned long)c[r][i],
				    (unsigned long)c[r + 1][i]);
	test_end();

	test_begin("sleep_ends_while_others_spin");
	for (unsigned r = 0; r < ROUNDS; r++) {
		TEST_EQ(err[r], 0, "sleep");
		if (slept[r] < ROUND_NS)
			test_fail("round %u slept %lu ns, asked %lu", r,
			    (unsigned long)slept[r], (unsigned long)ROUND_NS);
	}
	test_end();

	test_begin("registers_survive_preemption");
	TEST_EQ(sh->errors[0], 0, "spinner 0 lost r15 or xmm7");
	TEST_EQ(sh->errors[1], 0, "spinner 1 lost r15 or xmm7");
	test_end();

	test_begin("round_robin_shares");
	{
		uint64_t a = c[ROUNDS][0] - c[0][0], b = c[ROUNDS][1] - c[0][1];

		if (a > 3 * b || b > 3 * a)
			test_fail("counts %lu and %lu differ more than 3x",
			    (unsigned long)a, (unsigned long)b);
	}
	test_end();
	test_done();
}
