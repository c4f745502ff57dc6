/*
 * fuzz.c - the kernel fuzzer (see fuzz.h): its main loop, the random
 * invocations and the results. Each iteration picks a cap register
 * outside the protected ones, a control word (mostly CALL or SEND,
 * always nonblocking, sometimes an open wait or unknown bits), an
 * opcode (mostly a defined one), word and cap counts (sometimes too
 * many), words from a mix of small numbers, slots, OIDs and hostile
 * addresses, and random cap lists. One in ten iterations uses the RANGE
 * cap on sandbox OIDs instead. Every answer must be 0 or an ERR_*.
 * After every XPROG_EVERY iterations the exec victim runs the next
 * random program (fuzz_exec.c); the deterministic cases (fuzz_fixed.c)
 * run last.
 */
#include <stddef.h>

#include <abi/gpt.h>
#include <abi/process.h>
#include <user/ipc.h>
#include <user/log.h>
#include <user/rt.h>
#include <user/test.h>

#include "fuzz.h"

static const uint32_t opcodes[] = {
	OC_TYPE, OC_MEM_REDUCE, OC_MEM_GUARD, OC_PAGE_ERASE, OC_PAGE_READ,
	OC_PAGE_WRITE, OC_CAPPAGE_ERASE, OC_CAPPAGE_FETCH, OC_CAPPAGE_STORE,
	OC_GPT_GET_L2V, OC_GPT_SET_L2V, OC_GPT_FETCH, OC_GPT_STORE,
	OC_PROC_GET_REGS, OC_PROC_SET_REGS, OC_PROC_FETCH_CAP,
	OC_PROC_STORE_CAP, OC_PROC_SET_SPACE, OC_PROC_SET_HANDLER,
	OC_PROC_RESUME, OC_PROC_STOP, OC_PROC_GET_STATE, OC_PROC_GET_SPACE,
	OC_EP_MAKE_ENTRY, OC_EP_SET_RECIPIENT, OC_EP_SET_MATCH,
	OC_RESTART_RESUME, OC_RANGE_GET, OC_RANGE_RESCIND, OC_RANGE_LIMIT,
	OC_LOG_WRITE, OC_DISCRIM_CLASSIFY, OC_DISCRIM_SAME, OC_SLEEP_NOW,
	OC_SLEEP_FOR, OC_FAULT, OC_MEM_GET_GUARD, OC_PAGE_COPY_FROM,
	OC_CAPPAGE_COPY_FROM, OC_GPT_RESET, OC_PROC_RESET,
	OC_RESTART_GET_REGS, OC_RESTART_SET_REGS, OC_RANGE_SET_BANK,
	OC_RANGE_GET_BANK, OC_RANGE_IDENTIFY,
	OC_CKPT_GENERATION,	/* not TAKE: each costs a disk commit */
};
#define NOPCODES	(sizeof(opcodes) / sizeof(opcodes[0]))

/* The opcodes each cap type understands (first and last, inclusive). */
static const struct {
	uint32_t	lo, hi;
} type_ops[CT_MAX] = {
	[CT_PAGE] = { OC_PAGE_ERASE, OC_PAGE_COPY_FROM },
	[CT_CAPPAGE] = { OC_CAPPAGE_ERASE, OC_CAPPAGE_COPY_FROM },
	[CT_GPT] = { OC_GPT_GET_L2V, OC_GPT_RESET },
	[CT_PROCESS] = { OC_PROC_GET_REGS, OC_PROC_RESET },
	[CT_ENDPOINT] = { OC_EP_MAKE_ENTRY, OC_EP_SET_MATCH },
	[CT_RESTART] = { OC_RESTART_RESUME, OC_RESTART_SET_REGS },
	[CT_DISCRIM] = { OC_DISCRIM_CLASSIFY, OC_DISCRIM_SAME },
	[CT_SLEEP] = { OC_SLEEP_NOW, OC_SLEEP_FOR },
};

static const uint64_t hostile[] = {
	0, 1, 7, 8, 15, 16, 31, 32, 255, 256, 4088, 4095, 4096,
	UINT64_MAX, UINT64_C(1) << 63, UINT64_C(0xffff800000000000),
	UINT64_C(0xffffffff80100000), UINT64_C(0x800000000000),
	UINT64_C(0x7ffffffff000), UINT64_C(0x100000000000),
	RFLAGS_USER_DEFAULT, 0x3202, 44, 60, 61, 64,
};
#define NHOSTILE	(sizeof(hostile) / sizeof(hostile[0]))

struct fuzz {
	uint64_t	rng;
	uint64_t	iterations;
	uint64_t	rc_count[ERR_MAX];
	uint64_t	bad_rc, bad_rc_value, bad_rc_iter;
	uint64_t	waits;
};

/* Initialized: the fuzzer may run kept (lib/user/rules.mk). */
static struct fuzz fz = { .rng = 1 };

static uint64_t
rnd(void)
{
	return rt_rand(&fz.rng);
}

static uint64_t
below(uint64_t n)
{
	return rnd() % n;
}

static int
cap_is_memory_type(uint64_t t)
{
	return t == CT_PAGE || t == CT_CAPPAGE || t == CT_GPT;
}

static uint64_t
oid(void)
{
	if (below(8) == 0)
		return below(2) ? OID_V1 : OID_V2;
	return OID_MAKE(OT_PAGE + below(OT_MAX - OT_PAGE),
	    SANDBOX + below(SANDBOX_N));
}

static uint64_t
word(void)
{
	switch (below(10)) {
	case 0: case 1: case 2:
		return below(17);
	case 3: case 4:
		return below(300);
	case 5:
		return oid();
	case 6:
		return rnd();
	case 7: case 8:
		return hostile[below(NHOSTILE)];
	default:
		return below(64) | (below(2) ? below(256) << 8 : 0);
	}
}

/* A register for a random invocation, a sent or a received cap. */
static unsigned
reg(void)
{
	return PROTECTED + (unsigned)below(PROC_CAP_REGS - PROTECTED);
}

static uint64_t
send_list(void)
{
	uint64_t l = 0;

	for (unsigned i = 0; i < 4; i++)
		l |= (uint64_t)(below(20) ? reg() : 32 + below(224)) << (8 * i);
	return l;
}

static uint64_t
recv_list(void)
{
	uint64_t l = 0;

	for (unsigned i = 0; i < 5; i++) {
		unsigned r = below(4) ? reg() : below(2) ? CR_DISCARD :
		    32 + (unsigned)below(200);

		l |= (uint64_t)r << (8 * i);
	}
	return l;
}

void
fuzz_record(int rc)
{
	if (rc >= 0 && rc < ERR_MAX) {
		fz.rc_count[rc]++;
		return;
	}
	if (fz.bad_rc++ == 0) {
		fz.bad_rc_value = (uint64_t)(int64_t)rc;
		fz.bad_rc_iter = fz.iterations;
	}
}

static void
range_action(void)
{
	struct umsg m;
	unsigned p = (unsigned)below(10);

	if (p < 6) {
		umsg_init(&m, OC_RANGE_GET, 1, oid(), 0, 0, 0);
		m.rcv = CR_WITH_REPLY(CR_LIST(reg(), CR_DISCARD, CR_DISCARD,
		    CR_DISCARD), CR_DISCARD);
	} else if (p < 8)
		umsg_init(&m, OC_RANGE_RESCIND, 1, oid(), 0, 0, 0);
	else if (p < 9)
		umsg_init(&m, below(2) ? OC_RANGE_SET_BANK : OC_RANGE_GET_BANK,
		    2, oid(), word(), 0, 0);
	else
		umsg_init(&m, OC_RANGE_LIMIT, 1, below(8), 0, 0, 0);
	fuzz_record(invoke(IC_MAKE(CR_RANGE, IC_CALL), &m));
}

static void
one(void)
{
	unsigned r = reg(), nw, nc;
	uint64_t type = CT_NULL, ctl, p;
	uint32_t op;
	struct umsg m;

	if (below(10) == 0) {
		range_action();
		return;
	}
	(void)cap_classify(CR_DISCRIM, r, &type, 0);
	p = below(100);
	if (p < 60 && type < CT_MAX && type_ops[type].hi != 0)
		op = type_ops[type].lo + (uint32_t)below(type_ops[type].hi -
		    type_ops[type].lo + 1);
	else if (p < 65 && type < CT_MAX && cap_is_memory_type(type))
		op = OC_MEM_REDUCE + (uint32_t)below(3);	/* ..GET_GUARD */
	else
		op = p < 90 ? opcodes[below(NOPCODES)] : p < 95 ?
		    (uint32_t)below(0x1000) : (uint32_t)rnd();
	nw = below(20) ? (unsigned)below(MI_WORDS_MAX + 1) :
	    (unsigned)below(8);
	nc = below(20) ? (unsigned)below(MI_CAPS_MAX + 1) :
	    (unsigned)below(8);
	umsg_init(&m, op, 0, word(), word(), word(), word());
	m.info = MI_MAKE(op, nw, nc);
	if (below(50) == 0)
		m.info |= rnd() & ~UINT64_C(0xffffffff);	/* stray bits */
	m.caps = send_list();
	m.rcv = recv_list();

	p = below(100);
	if (p < 80)
		ctl = IC_CALL;
	else if (p < 96)
		ctl = IC_SEND;
	else if (p < 97)
		ctl = IC_RECV;		/* an open wait: the pinger ends it */
	else
		ctl = rnd() & 0xfe0u;
	ctl = IC_MAKE(r, ctl | IC_NONBLOCK);
	/* Never wait for a reply that may not come, nor sleep for long. */
	if ((type == CT_ENTRY || type == CT_REPLY) && (ctl & IC_SEND))
		ctl &= ~(uint64_t)IC_RECV;
	if (type == CT_SLEEP && op == OC_SLEEP_FOR)
		m.w[0] %= 1000000;
	if (type == CT_CKPT && op == OC_CKPT_POWEROFF) {
		op = OC_TYPE;		/* never end the machine */
		m.info = MI_MAKE(op, nw, nc);
	}
	if ((ctl & (IC_SEND | IC_RECV)) == IC_RECV)
		fz.waits++;
	fuzz_record(invoke(ctl, &m));
}

static uint64_t
now(void)
{
	uint64_t w[MI_WORDS_MAX] = { 0 };

	(void)kcall(CR_SLEEP, OC_SLEEP_NOW, 0, 0, 0, 0, 0, w);
	return w[0];
}

/* A fresh cap to victim oid in cr (it may have been rescinded), stopped. */
static int
stop_victim(unsigned cr, uint64_t vid, uint64_t *state)
{
	int err;

	err = kcall_cap(CR_RANGE, OC_RANGE_GET, 1, vid, 0, cr);
	if (err == 0)
		err = kcall(cr, OC_PROC_STOP, 0, 0, 0, 0, 0, 0);
	if (err == 0)
		err = kcall(cr, OC_PROC_GET_STATE, 0, 0, 0, 0, 0, state);
	return err;
}

/*
 * Stop every process the fuzzer may have started (the sandbox's fresh
 * processes and the exec victim too), so that no fault report of the
 * kernel can cut into the lines printed after. Returns how many stops
 * failed.
 */
static unsigned
quiesce(void)
{
	unsigned failed = xexec_stop() != 0;

	for (uint64_t i = 0; i < SANDBOX_N; i++)
		if (kcall_cap(CR_RANGE, OC_RANGE_GET, 1,
		    OID_MAKE(OT_PROCESS, SANDBOX + i), 0, PROTECTED) != 0 ||
		    kcall(PROTECTED, OC_PROC_STOP, 0, 0, 0, 0, 0, 0) != 0)
			failed++;
	return failed;
}

/* ROLE_REPLAY: programs first .. first + count - 1 alone, each printed. */
static void
replay(uint64_t seed, uint64_t first, uint64_t count)
{
	int err = xexec_init();

	uprintf("fuzz: replay of programs %lu..%lu of seed %#lx\n",
	    (unsigned long)first, (unsigned long)(first + count - 1),
	    (unsigned long)seed);
	for (uint64_t n = first; err == 0 && n < first + count; n++)
		xexec_run(seed, n, 1);
	xexec_print("fuzz: ");
	test_plan("fuzz", 1);
	test_begin("replay");
	TEST_EQ(err, 0, "exec victim setup");
	if (xs.failures != 0 || fz.bad_rc != 0)
		test_fail("%lu failures, first: %s; %lu answers not 0 or "
		    "ERR_*", (unsigned long)xs.failures, xs.first_failure,
		    (unsigned long)fz.bad_rc);
	test_end();
	test_done();
}

void
umain(uint64_t role, uint64_t seed, uint64_t iters, uint64_t seconds)
{
	uint64_t start, deadline, t0 = 0, t1 = 0, s1[MI_WORDS_MAX];
	uint64_t s2[MI_WORDS_MAX], w[MI_WORDS_MAX], elapsed, programs = 0;
	uint64_t procs = UINT64_MAX;	/* the store's, before fuzzing */
	unsigned qfail;
	int e1, e2, ex;

	if (role == ROLE_REPLAY) {
		replay(seed, iters, seconds);
		rt_exit();
	}
	if (role != ROLE_FUZZER)
		rt_exit();
	if (seed == 0)
		seed = rt_tsc();
	fz.rng = seed | 1;
	if (kcall(CR_RANGE, OC_RANGE_LIMIT, 1, OT_PROCESS, 0, 0, 0, w) == 0)
		procs = w[0];
	start = now();
	deadline = seconds != 0 ? start + seconds * UINT64_C(1000000000) : 0;
	uprintf("fuzz: seed %#lx, %lu iterations%s%lu s, a program every "
	    "%u\n", (unsigned long)seed, (unsigned long)iters,
	    seconds ? " or " : ", no time limit, ", (unsigned long)seconds,
	    XPROG_EVERY);
	ex = xexec_init();
	while (fz.iterations < iters) {
		one();
		fz.iterations++;
		if (ex == 0 && fz.iterations % XPROG_EVERY == 0) {
			xexec_run(seed, programs++, 0);
			if (programs % 4096 == 0)
				uprintf("fuzz: %lu programs\n",
				    (unsigned long)programs);
		}
		if ((fz.iterations & 255) == 0 && deadline != 0 &&
		    now() > deadline)
			break;
	}
	elapsed = now() - start;
	e1 = stop_victim(CR_V1, OID_V1, s1);
	e2 = stop_victim(CR_V2, OID_V2, s2);
	qfail = quiesce();
	uprintf("fuzz: %lu invocations in %lu ms (%lu random, %lu by the "
	    "exec part), %lu open waits; answers:",
	    (unsigned long)(fz.iterations + xs.invocations),
	    (unsigned long)(elapsed / 1000000), (unsigned long)fz.iterations,
	    (unsigned long)xs.invocations, (unsigned long)fz.waits);
	for (unsigned i = 0; i < ERR_MAX; i++)
		uprintf(" %u:%lu", i, (unsigned long)fz.rc_count[i]);
	uprintf("\n");
	xexec_print("fuzz: ");

	test_plan("fuzz", 5 + xfixed_count);
	test_begin("every_answer_an_error_code");
	if (fz.bad_rc != 0)
		test_fail("%lu answers outside 0..%d, first %#lx at iteration "
		    "%lu (seed %#lx)", (unsigned long)fz.bad_rc, ERR_MAX - 1,
		    (unsigned long)fz.bad_rc_value,
		    (unsigned long)fz.bad_rc_iter, (unsigned long)seed);
	test_end();

	test_begin("kernel_still_answers");
	TEST_EQ(cap_type(CR_LOG, &t0, &t1), 0, "OC_TYPE kernlog");
	TEST_EQ(t0, CT_KERNLOG, "kernlog type");
	TEST_EQ(kcall(CR_RANGE, OC_RANGE_LIMIT, 1, OT_PROCESS, 0, 0, 0, w), 0,
	    "range limit");
	TEST_EQ(w[0], procs, "processes in the store");
	t0 = now();
	TEST_EQ(kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 1000000, 0, 0, 0, 0), 0,
	    "sleep");
	TEST_TRUE(now() > t0, "the clock runs");
	test_end();

	test_begin("victims_stop_in_known_states");
	TEST_EQ(e1, 0, "stop v1");
	TEST_EQ(s1[0], PS_STOPPED, "v1 stopped");
	TEST_EQ(e2, 0, "stop v2");
	TEST_EQ(s2[0], PS_STOPPED, "v2 stopped");
	TEST_EQ(qfail, 0, "processes that would not stop");
	test_end();

	test_begin("exec_programs_ran");
	TEST_EQ(ex, 0, "exec victim setup");
	TEST_EQ(xs.programs, programs, "programs");
	TEST_TRUE(programs == 0 || xs.runs >= programs, "a run per program");
	test_end();

	test_begin("exec_every_fault_a_message");
	if (xs.failures != 0)
		test_fail("%lu failures, first: %s (seed %#lx; replay it with "
		    "make fuzz-kernel FUZZ_SEED=%#lx FUZZ_REPLAY=N:1)",
		    (unsigned long)xs.failures, xs.first_failure,
		    (unsigned long)seed, (unsigned long)seed);
	test_end();

	xfixed_tests(ex == 0 ? NULL : "not run: no exec victim");
	test_done();
}
