/*
 * ctortest.c - the ctor suite: constructors (keepers/ctor.c) starting
 * images/test/ctorkid.c. Constructor "kid" is confined (its instances
 * start with SLEEP only), "kidlog" is not (KERNLOG too). Checks: an
 * instance runs from the image and ends with everything it held freed;
 * copy-on-write isolation between live siblings and the image; the
 * confinement answers; bad requests answered with an error and nothing
 * changed; a bad instruction, or a bank that runs out under a running
 * instance, ends it with everything freed; 100 instances cost only
 * the pages they write, and destroying the bank that owns them stops
 * them all.
 */
#include <abi/process.h>
#include <user/bank.h>
#include <user/ctor.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#define CR_KID		1
#define CR_KIDLOG	2
#define CR_BANK		3	/* bank "test" */
#define CR_SLEEP	4
#define CR_X		10	/* a child bank */
#define CR_PROC		11
#define CR_PROC0	12

#define NSPAWN		100
#define SPAWN_PAGES	2

static const unsigned types[] = { OT_PAGE, OT_CAPPAGE, OT_GPT, OT_PROCESS,
    OT_ENDPOINT };
#define NTYPES		(sizeof(types) / sizeof(types[0]))

struct snap {
	uint64_t	use[NTYPES];
	uint64_t	alive, created;
};

static void
snap(unsigned bank, struct snap *s)
{
	uint64_t info[MI_WORDS_MAX], own;

	for (unsigned t = 0; t < NTYPES; t++)
		if (bank_usage(bank, types[t], &s->use[t], &own) != 0)
			test_fail("bank usage refused");
	if (ctor_info(CR_KID, info) != 0)
		test_fail("info refused");
	s->alive = info[0];
	s->created = info[1];
}

static void
same(const struct snap *a, const struct snap *b, const char *what)
{
	for (unsigned t = 0; t < NTYPES; t++)
		if (a->use[t] != b->use[t])
			test_fail("%s: type %u usage %lu -> %lu", what,
			    types[t], (unsigned long)a->use[t],
			    (unsigned long)b->use[t]);
	if (a->alive != b->alive || a->created != b->created)
		test_fail("%s: instances %lu/%lu -> %lu/%lu", what,
		    (unsigned long)a->alive, (unsigned long)a->created,
		    (unsigned long)b->alive, (unsigned long)b->created);
}

static void
sleep_ms(uint64_t ms)
{
	(void)kcall(CR_SLEEP, OC_SLEEP_FOR, 1, ms * 1000000, 0, 0, 0, 0);
}

static uint64_t
run(unsigned cr, uint64_t mode, uint64_t a, uint64_t b)
{
	uint64_t id, status = ~(uint64_t)0;
	int err;

	if ((err = ctor_create(cr, CR_BANK, 0, 0, mode, a, b, CR_DISCARD,
	    &id)) != 0)
		test_fail("create mode %lu: error %d", (unsigned long)mode,
		    err);
	else if ((err = ctor_wait(cr, id, &status)) != 0)
		test_fail("wait mode %lu: error %d", (unsigned long)mode, err);
	return status;
}

static void
t_create(void)
{
	struct snap s0, s1;

	test_begin("create_exit");
	snap(CR_BANK, &s0);
	TEST_EQ(run(CR_KID, 1, 0, 0), 0x1234, "status: the image's data");
	TEST_EQ(run(CR_KID, 0, 0, 0), 0, "status 0");
	snap(CR_BANK, &s1);
	s0.created += 2;
	same(&s0, &s1, "after two instances ended");
	test_end();
}

static void
t_isolation(void)
{
	uint64_t a, b, st = 0;

	test_begin("cow_isolation");
	if (ctor_create(CR_KID, CR_BANK, 0, 0, 2, 0xa1, 300, CR_DISCARD,
	    &a) != 0 || ctor_create(CR_KID, CR_BANK, 0, 0, 2, 0xb2, 300,
	    CR_DISCARD, &b) != 0)
		test_fail("create refused");
	else {
		if (ctor_wait(CR_KID, a, &st) != 0 || st != 0xa1)
			test_fail("first sibling saw %#lx", (unsigned long)st);
		if (ctor_wait(CR_KID, b, &st) != 0 || st != 0xb2)
			test_fail("second sibling saw %#lx",
			    (unsigned long)st);
	}
	TEST_EQ(run(CR_KID, 1, 0, 0), 0x1234, "the image after their writes");
	test_end();
}

static void
t_discreet(void)
{
	uint64_t ok = 9, bad = 0;

	test_begin("confinement");
	if (ctor_is_discreet(CR_KID, &ok, &bad) != 0)
		test_fail("kid: refused");
	TEST_EQ(ok, 1, "kid (SLEEP only) is discreet");
	TEST_EQ(bad, ~(uint64_t)0, "kid: no bad cap");
	if (ctor_is_discreet(CR_KIDLOG, &ok, &bad) != 0)
		test_fail("kidlog: refused");
	TEST_EQ(ok, 0, "kidlog (KERNLOG) is not discreet");
	TEST_EQ(bad, CTOR_INIT_CR0 + 1, "kidlog: the KERNLOG register");
	test_end();
}

/* A create that must fail with want and change nothing. */
static void
refused(unsigned bank, unsigned ncaps, int want, const char *what)
{
	struct snap s0, s1;
	struct umsg m;
	int err;

	snap(CR_BANK, &s0);
	umsg_init(&m, OC_CTOR_CREATE, 3, 1, 0, 0, 0);
	m.info = MI_MAKE(OC_CTOR_CREATE, 3, ncaps);
	m.caps = CR_LIST(bank, 0, 0, 0);
	m.rcv = UMSG_RCV_NONE;
	err = ipc_call(CR_KID, &m);
	if (err == 0)
		err = (int)MI_OPCODE(m.info);
	if (err != want)
		test_fail("%s: error %d, want %d", what, err, want);
	snap(CR_BANK, &s1);
	same(&s0, &s1, what);
}

static void
t_bad(void)
{
	struct snap s0, s1;
	struct umsg m;
	uint64_t st;
	int err;

	test_begin("bad_requests");
	snap(CR_BANK, &s0);
	umsg_init(&m, 0x1199, 0, 0, 0, 0, 0);
	err = ipc_call(CR_KID, &m);
	TEST_EQ(err == 0 ? MI_OPCODE(m.info) : (uint32_t)err,
	    ERR_BAD_REQUEST, "unknown opcode");
	TEST_EQ(ctor_wait(CR_KID, 77, &st), ERR_NOT_FOUND, "wait: no such");
	TEST_EQ(ctor_wait(CR_KID, 5000, &st), ERR_NOT_FOUND, "wait: range");
	snap(CR_BANK, &s1);
	same(&s0, &s1, "unknown opcode, wait");
	refused(CR_BANK, 0, ERR_BAD_CAP, "no bank cap");
	refused(0, 1, ERR_BAD_CAP, "KERNLOG as bank");
	refused(CR_KID, 1, ERR_BAD_CAP, "the constructor as bank");
	if (bank_child(CR_BANK, CR_X) != 0 ||
	    bank_set_limit(CR_X, OT_PROCESS, 0) != 0)
		test_fail("child bank refused");
	refused(CR_X, 1, ERR_LIMIT, "no process left");
	if (bank_set_limit(CR_X, OT_PROCESS, BANK_NO_LIMIT) != 0 ||
	    bank_set_limit(CR_X, OT_GPT, 0) != 0)
		test_fail("limit refused");
	refused(CR_X, 1, ERR_LIMIT, "no GPT left");
	if (bank_destroy(CR_X) != 0)
		test_fail("destroy refused");
	test_end();
}

static void
t_fault(void)
{
	struct snap s0, s1;
	uint64_t info[MI_WORDS_MAX] = { 0 }, f0;

	test_begin("bad_instruction");
	if (ctor_info(CR_KID, info) != 0)
		test_fail("info refused");
	f0 = info[2];
	snap(CR_BANK, &s0);
	TEST_EQ(run(CR_KID, 3, 0, 0), CTOR_STATUS_FAULT | FC_UD, "status");
	snap(CR_BANK, &s1);
	s0.created++;
	same(&s0, &s1, "after the fault");
	if (ctor_info(CR_KID, info) != 0)
		test_fail("info refused");
	TEST_EQ(info[2], f0 + 1, "faults counted");
	test_end();
}

/* An instance whose bank runs out while it runs ends, all freed. */
static void
t_exhausted(void)
{
	uint64_t id, st = 0;
	struct snap s0, s1;

	test_begin("bank_runs_out");
	snap(CR_BANK, &s0);
	if (bank_child(CR_BANK, CR_X) != 0 ||
	    bank_set_limit(CR_X, OT_PAGE, 10) != 0)
		test_fail("child bank refused");
	else if (ctor_create(CR_KID, CR_X, 0, 0, 4, 50, 0, CR_DISCARD,
	    &id) != 0)
		test_fail("create refused");
	else if (ctor_wait(CR_KID, id, &st) != 0)
		test_fail("wait refused");
	TEST_EQ(st, CTOR_STATUS_FAULT | FC_NO_MAPPING,
	    "status: ended by the fault its keeper could not resolve");
	if (bank_destroy(CR_X) != 0)
		test_fail("destroy refused");
	snap(CR_BANK, &s1);
	s0.created++;
	same(&s0, &s1, "after it ended");
	test_end();
}

/* Page usage of bank cr once it stopped changing (or after ~20 s). */
static uint64_t
settled_pages(unsigned cr, uint64_t want)
{
	uint64_t p = 0, own;

	for (unsigned k = 0; k < 400; k++) {
		if (bank_usage(cr, OT_PAGE, &p, &own) != 0)
			test_fail("usage refused");
		if (p >= want)
			break;
		sleep_ms(50);
	}
	return p;
}

static void
t_spawn(void)
{
	uint64_t id, p1 = 0, g1 = 0, p100, g100, own, st, base = 0;
	uint64_t info[MI_WORDS_MAX] = { 0 };
	struct snap s0, s1;
	int err = 0;

	test_begin("spawn_100_destroy");
	snap(CR_BANK, &s0);
	/* One instance alone: what an instance's writes cost. */
	if (bank_child(CR_BANK, CR_X) != 0 ||
	    ctor_create(CR_KID, CR_X, 0, 0, 4, SPAWN_PAGES, 0, CR_PROC0,
	    &id) != 0)
		test_fail("first create refused");
	for (unsigned k = 0; k < 400; k++) {
		uint64_t w[MI_WORDS_MAX] = { 0 };

		if (kcall(CR_PROC0, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, w) != 0 ||
		    w[0] == PS_RECEIVING)
			break;
		sleep_ms(50);
	}
	(void)bank_usage(CR_X, OT_PAGE, &p1, &own);
	(void)bank_usage(CR_X, OT_GPT, &g1, &own);
	if (bank_destroy(CR_X) != 0)
		test_fail("destroy of the first refused");
	(void)ctor_wait(CR_KID, id, &st);
	TEST_EQ(st, CTOR_STATUS_GONE, "the first: ended by its bank");
	/* A hundred under one bank. */
	(void)bank_usage(CR_BANK, OT_PAGE, &base, &own);
	if (bank_child(CR_BANK, CR_X) != 0)
		test_fail("child bank refused");
	for (unsigned k = 0; k < NSPAWN && err == 0; k++)
		err = ctor_create(CR_KID, CR_X, 0, 0, 4, SPAWN_PAGES, 0,
		    k == 0 ? CR_PROC0 : CR_DISCARD, &id);
	if (err != 0)
		test_fail("create: error %d", err);
	p100 = settled_pages(CR_X, NSPAWN * p1);
	(void)bank_usage(CR_X, OT_GPT, &g100, &own);
	uprintf("ctor: one instance writing %u pages holds %lu pages and "
	    "%lu GPTs; %u instances hold %lu pages and %lu GPTs\n",
	    SPAWN_PAGES, (unsigned long)p1, (unsigned long)g1, NSPAWN,
	    (unsigned long)p100, (unsigned long)g100);
	TEST_EQ(p100, NSPAWN * p1, "pages: 100 x one instance's");
	TEST_EQ(g100, NSPAWN * g1, "GPTs: 100 x one instance's");
	(void)ctor_info(CR_KID, info);
	TEST_EQ(info[0], NSPAWN, "alive");
	/* Destroy the subsystem: all stop, caps dead, usage back. */
	if (bank_destroy(CR_X) != 0)
		test_fail("destroy refused");
	TEST_EQ(kcall(CR_PROC0, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, 0),
	    ERR_BAD_CAP, "an instance's PROCESS cap after the destroy");
	TEST_EQ(bank_usage(CR_X, OT_PAGE, &p100, &own), ERR_BAD_CAP,
	    "the destroyed bank's cap");
	(void)ctor_info(CR_KID, info);
	TEST_EQ(info[0], 0, "alive after the destroy");
	for (uint64_t k = 0; k < 128; k++)
		(void)ctor_wait(CR_KID, k, &st);
	snap(CR_BANK, &s1);
	s0.created += NSPAWN + 1;
	same(&s0, &s1, "after the destroy");
	test_end();
}

void
umain(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	test_plan("ctor", 7);
	t_create();
	t_isolation();
	t_discreet();
	t_bad();
	t_fault();
	t_exhausted();
	t_spawn();
	test_done();
	rt_exit();
}
