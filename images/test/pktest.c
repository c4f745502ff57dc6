/*
 * pktest.c - the prockeep suite: the process keeper (keepers/prockeep.c)
 * reports a ud2 three calls deep with the right function, offset and
 * backtrace, and applies each policy: park, kill, restart. Roles (rdi):
 * 0 the driver (prints the protocol); 1 faults in pkt_level_c, called
 * from pkt_level_b, from pkt_level_a, from umain (client 0, park); 2
 * faults at once (client 1, kill); 3 counts its runs in the shared page,
 * then faults (client 2, restart twice, then parked). Roles 4..6 check
 * a kernel case without prockeep: 6 serves a call from 4 and is the
 * handler of 5; holding 4's call it starts 5, sleeps while 5's fault
 * stalls on it, then answers 4 with a reply-and-wait that receives 5's
 * fault at once.
 */
#include <abi/process.h>
#include <user/ipc.h>
#include <user/rt.h>
#include <user/test.h>

#include "../../keepers/prockeep.h"

#define CR_PK		1
#define CR_SLEEP	2
#define CR_NESTED	3
#define CR_KILLME	4
#define CR_AGAIN	5

#define SHARED		UINT64_C(0x300000000000)	/* pktest.mki */
#define RACE_DONE	(SHARED + 8)	/* role 6: faults received */

/* Role 4's and 6's cap registers. */
#define CR_RACE_EP	1	/* role 4: entry to role 6 */
#define CR_RACE_B	2
#define CR_RACE_SLEEP	3
#define CR_RACE_REPLY	7
#define RACE_OP		0x77
#define RESTARTS	2				/* its rsi */

static volatile uint64_t depth = 0;

void	pkt_level_a(void);
void	pkt_level_b(void);
void	pkt_level_c(void);

__attribute__((noinline)) void
pkt_level_c(void)
{
	depth++;
	/* Not __builtin_trap: gcc would treat the callers' calls as
	   noreturn and drop the code after them. */
	__asm__ volatile("ud2");
}

/* The increments after each call keep gcc from making tail calls. */
__attribute__((noinline)) void
pkt_level_b(void)
{
	depth++;
	pkt_level_c();
	depth++;
}

__attribute__((noinline)) void
pkt_level_a(void)
{
	depth++;
	pkt_level_b();
	depth++;
}

static int
ask(uint32_t op, uint64_t w0, uint64_t w1, uint64_t *w)
{
	struct umsg m;
	int err;

	umsg_init(&m, op, 2, w0, w1, 0, 0);
	err = ipc_call(CR_PK, &m);
	if (err == 0)
		err = (int)MI_OPCODE(m.info);
	for (unsigned i = 0; i < MI_WORDS_MAX; i++)
		w[i] = m.w[i];
	return err;
}

/* Wait until client k's keeper has made at least n reports. */
static int
wait_reports(uint64_t k, uint64_t n, uint64_t *w)
{
	for (unsigned i = 0; i < 500; i++) {
		if (ask(PK_OC_STATE, k, 0, w) == 0 && w[0] >= n)
			return 0;
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 10000000, 0, 0, 0, 0);
	}
	return -1;
}

/* Check frame i of client k: function fn at offset off (or any < 4K). */
static void
check_frame(uint64_t k, uint64_t i, const char *fn, uint64_t fnaddr,
    int64_t off)
{
	uint64_t w[MI_WORDS_MAX], name[2] = { 0, 0 };

	if (ask(PK_OC_FRAME, k, i, w) != 0) {
		test_fail("frame %lu missing", (unsigned long)i);
		return;
	}
	for (unsigned b = 0; b < 16 && fn[b] != 0; b++)
		name[b / 8] |= (uint64_t)(uint8_t)fn[b] << (8 * (b % 8));
	if (w[2] != name[0] || w[3] != name[1])
		test_fail("frame %lu: not in %s", (unsigned long)i, fn);
	TEST_EQ(w[0] - fnaddr, w[1], "offset = address - function");
	if (off >= 0)
		TEST_EQ(w[1], off, "offset of the ud2");
	else
		TEST_TRUE(w[1] > 0 && w[1] < 4096, "return address inside");
}

static uint64_t
rd_done(void)
{
	return *(volatile uint64_t *)(uintptr_t)RACE_DONE;
}

/* Offset of the first ud2 (0f 0b) in the code of fn. */
static int64_t
ud2_offset(const void *fn)
{
	const volatile uint8_t *p = fn;

	for (unsigned i = 0; i + 1 < 256; i++)
		if (p[i] == 0x0f && p[i + 1] == 0x0b)
			return i;
	return -2;
}

/*
 * Role 6: a server whose reply-and-wait (to caller 4) finds the fault
 * of 5 already stalled on it. The kernel then switches to the caller
 * while the server, which got a message, stays runnable.
 */
static void
race_server(void)
{
	struct umsg m;
	volatile uint64_t *done = (volatile uint64_t *)(uintptr_t)RACE_DONE;
	int err;

	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_RACE_REPLY);
	if (ipc_recv(&m) != 0 || MI_OPCODE(m.info) != RACE_OP)
		rt_exit();
	*done = 1;
	if (kcall(CR_RACE_B, OC_PROC_RESUME, 0, 0, 0, 0, 0, 0) != 0)
		rt_exit();
	kcall(CR_RACE_SLEEP, OC_SLEEP_FOR, 1, 20000000, 0, 0, 0, 0);
	umsg_init(&m, 0, 0, 0, 0, 0, 0);
	m.rcv = CR_WITH_REPLY(CR_LIST(CR_DISCARD, CR_DISCARD, CR_DISCARD,
	    CR_DISCARD), CR_RACE_REPLY);
	err = ipc_reply_wait(CR_RACE_REPLY, &m);
	if (err == 0 && MI_OPCODE(m.info) == OC_FAULT)
		*done = 2;
	rt_exit();
}

static void
driver(void)
{
	uint64_t w[MI_WORDS_MAX];

	/*
	 * Print nothing until the keeper has made every report: its lines
	 * and ours would interleave (user/log.h). It answers a question
	 * only between faults, so once client 2 has made its last report
	 * the keeper prints no more.
	 */
	(void)wait_reports(0, 1, w);
	(void)wait_reports(1, 1, w);
	(void)wait_reports(2, RESTARTS + 1, w);
	for (unsigned i = 0; i < 300 && rd_done() != 2; i++)
		kcall(CR_SLEEP, OC_SLEEP_FOR, 1, 10000000, 0, 0, 0, 0);
	test_plan("prockeep", 5);

	test_begin("reply_wait_meets_a_stalled_fault");
	TEST_EQ(rd_done(), 2, "faults the handler received");
	test_end();

	test_begin("report_names_function_offset_and_3_callers");
	TEST_EQ(wait_reports(0, 1, w), 0, "a report for client 0");
	TEST_EQ(w[1], FC_UD, "fault code");
	TEST_TRUE(w[2] >= 4, "frames: rip and 3 callers");
	check_frame(0, 0, "pkt_level_c", (uint64_t)(uintptr_t)pkt_level_c,
	    ud2_offset((const void *)pkt_level_c));
	check_frame(0, 1, "pkt_level_b", (uint64_t)(uintptr_t)pkt_level_b, -1);
	check_frame(0, 2, "pkt_level_a", (uint64_t)(uintptr_t)pkt_level_a, -1);
	check_frame(0, 3, "umain", (uint64_t)(uintptr_t)umain, -1);
	test_end();

	test_begin("park_leaves_it_faulted");
	TEST_EQ(test_poll_state(CR_NESTED, CR_SLEEP, PS_FAULTED, w), 0,
	    "faulted");
	TEST_EQ(w[1], FC_UD, "fault code");
	test_end();

	test_begin("kill_resets_it");
	TEST_EQ(wait_reports(1, 1, w), 0, "a report for client 1");
	TEST_EQ(test_poll_state(CR_KILLME, CR_SLEEP, PS_STOPPED, w), 0,
	    "stopped");
	TEST_EQ(kcall(CR_KILLME, OC_PROC_GET_REGS, 1, 16, 0, 0, 0, w), 0,
	    "get rip");
	TEST_EQ(w[0], 0, "rip after the reset");
	test_end();

	test_begin("restart_runs_it_again_then_parks");
	TEST_EQ(wait_reports(2, RESTARTS + 1, w), 0, "reports for client 2");
	TEST_EQ(w[0], RESTARTS + 1, "reports");
	TEST_EQ(w[3], RESTARTS, "restarts");
	TEST_EQ(test_poll_state(CR_AGAIN, CR_SLEEP, PS_FAULTED, w), 0,
	    "parked at last");
	TEST_EQ(*(volatile uint64_t *)(uintptr_t)SHARED, RESTARTS + 1,
	    "runs counted");
	test_end();
	test_done();
}

void
umain(uint64_t role, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (role == 0)
		driver();
	if (role == 6)
		race_server();
	if (role == 4) {
		struct umsg m;

		umsg_init(&m, RACE_OP, 0, 0, 0, 0, 0);
		(void)ipc_call(CR_RACE_EP, &m);
	}
	if (role == 1) {
		pkt_level_a();
		depth++;
	}
	if (role == 3)
		(*(volatile uint64_t *)(uintptr_t)SHARED)++;
	if (role == 2 || role == 3 || role == 5)
		__builtin_trap();
	rt_exit();
}
